package hosting

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mark3labs/mcp-go/client"

	"github.com/klipy-ai/klipy-mcp/tools"
)

func TestNoKeyIs401WithChallenge(t *testing.T) {
	up := newUpstream(t)
	_, url := host(t, up, Config{ServerKey: keyAll}) // not loopback: the server key is not used
	resp, body := post(t, url, initializeBody, nil)
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("status = %d, want 401; body %s", resp.StatusCode, body)
	}
	if got, want := resp.Header.Get("WWW-Authenticate"), `Bearer realm="klipy-mcp"`; got != want {
		t.Errorf("WWW-Authenticate = %q, want %q", got, want)
	}
	var eb errorBody
	if err := json.Unmarshal([]byte(body), &eb); err != nil || eb.Error != "missing_key" {
		t.Errorf("body = %s (%v), want a JSON error missing_key", body, err)
	}
	if n := len(up.Requests()); n != 0 {
		t.Errorf("upstream saw %d requests for an unauthenticated call, want 0", n)
	}
	// Another Authorization scheme is not a key either.
	resp, _ = post(t, url, initializeBody, map[string]string{"Authorization": "Basic " + keyAll})
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("Basic auth: status = %d, want 401", resp.StatusCode)
	}
}

func TestRejectedKeyIs401InvalidToken(t *testing.T) {
	up := newUpstream(t)
	_, url := host(t, up, Config{})
	resp, body := post(t, url, initializeBody, bearer(keyBogus))
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("status = %d, want 401; body %s", resp.StatusCode, body)
	}
	if got := resp.Header.Get("WWW-Authenticate"); !strings.Contains(got, `error="invalid_token"`) {
		t.Errorf("WWW-Authenticate = %q, want error=\"invalid_token\"", got)
	}
	if strings.Contains(body, keyBogus) {
		t.Error("the 401 body contains the key")
	}
}

func TestLoopbackUsesServerKey(t *testing.T) {
	up := newUpstream(t)
	_, url := host(t, up, Config{ServerKey: keyAll, Loopback: true})
	c := connect(t, url, eras[0], nil)
	res := call(t, c, "get_workspace", nil)
	if res.IsError || !strings.Contains(resultText(res), "Acme") {
		t.Fatalf("get_workspace = %s, want Acme's workspace", resultText(res))
	}
	for i, k := range up.keysSeen() {
		if k != keyAll {
			t.Fatalf("upstream request %d carried another key than the server key", i)
		}
	}
}

func TestXKlipyAPIKeyHeader(t *testing.T) {
	up := newUpstream(t)
	_, url := host(t, up, Config{ServerKey: keyAll, Loopback: true})
	c := connect(t, url, eras[0], map[string]string{"X-Klipy-Api-Key": keyPeople})
	if res := call(t, c, "get_workspace", nil); !strings.Contains(resultText(res), "Beta") {
		t.Fatalf("get_workspace = %s, want Beta's workspace (the caller's key wins over the server key)", resultText(res))
	}
}

// TestCallersSeeTheirOwnTools runs two callers with different keys side by
// side in both eras: each sees the tools of its key's scopes, and every
// upstream request carries the key of the caller it was made for.
func TestCallersSeeTheirOwnTools(t *testing.T) {
	for _, era := range eras {
		t.Run(era, func(t *testing.T) {
			up := newUpstream(t)
			_, url := host(t, up, Config{})
			all := connect(t, url, era, bearer(keyAll))
			people := connect(t, url, era, bearer(keyPeople))

			wantPeople := []string{"get_person", "get_workspace", "search_people"}
			if diff := cmp.Diff(wantPeople, sorted(toolNames(t, people))); diff != "" {
				t.Errorf("people:read key's tools (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(sorted(tools.ToolNames()), sorted(toolNames(t, all))); diff != "" {
				t.Errorf("ALL key's tools (-inventory +listed):\n%s", diff)
			}
			if res, err := tryCall(people, "create_person", map[string]any{"email": "x@example.com"}); err == nil && !res.IsError {
				t.Error("people:read key could call create_person")
			}

			up.ResetRequests()
			var wg sync.WaitGroup
			for range 5 {
				wg.Go(func() { checkWorkspace(t, all, "Acme") })
				wg.Go(func() { checkWorkspace(t, people, "Beta") })
			}
			wg.Wait()
			for _, r := range up.Requests() {
				if want := map[string]string{"org_acme": keyAll, "org_beta": keyPeople}[r.Org]; string(r.Key) != want {
					t.Fatalf("upstream %s %s for org %q carried the wrong key", r.Method, r.Path, r.Org)
				}
			}
			if n := len(up.Requests()); n != 10 {
				t.Errorf("upstream saw %d requests, want 10 (one per call)", n)
			}
		})
	}
}

// checkWorkspace calls get_workspace and expects want's workspace. It is
// safe to use from several goroutines.
func checkWorkspace(t *testing.T, c *client.Client, want string) {
	res, err := tryCall(c, "get_workspace", nil)
	if err != nil {
		t.Errorf("get_workspace: %v", err)
		return
	}
	if res.IsError || !strings.Contains(resultText(res), want) {
		t.Errorf("get_workspace = %s, want %s's workspace", resultText(res), want)
	}
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}
