package klipymcp_test

import (
	"encoding/json"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/klipy-ai/klipy-mcp/klipy/klipytest"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// useReadTools calls every read tool as a model would (ids taken from the
// answers) and fails on any isError; then it checks that a write the key
// may not do is refused with the scope named.
func useReadTools(t *testing.T, cs *mcp.ClientSession) {
	t.Helper()
	callOK := func(name string, args map[string]any) map[string]any {
		t.Helper()
		res, err := cs.CallTool(t.Context(), &mcp.CallToolParams{Name: name, Arguments: args})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		b, _ := json.Marshal(res.StructuredContent)
		if res.IsError {
			t.Fatalf("%s: isError: %v", name, res.Content)
		}
		var out map[string]any
		_ = json.Unmarshal(b, &out)
		return out
	}
	first := func(out map[string]any, list string) map[string]any {
		t.Helper()
		items, _ := out[list].([]any)
		if len(items) == 0 {
			t.Fatalf("no %s in %v", list, out)
		}
		return items[0].(map[string]any)
	}
	ws := callOK("get_workspace", nil)
	if _, ok := ws["unknown"]; !ok {
		t.Errorf("get_workspace does not say what it could not learn: %v", ws)
	}
	person := first(callOK("search_people", map[string]any{"email": "jordan.patel@acmeanalytics.example"}), "people")
	callOK("get_person", map[string]any{"person_id": person["id"], "include_interactions": true})
	callOK("get_company", map[string]any{"company_id": person["companyId"]})
	interaction := first(callOK("search_interactions", map[string]any{"person_id": person["id"]}), "interactions")
	callOK("get_interaction", map[string]any{"interaction_id": interaction["id"]})

	res, err := cs.CallTool(t.Context(), &mcp.CallToolParams{Name: "create_person", Arguments: map[string]any{"email": "new@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := json.Marshal(res.Content); !res.IsError || !strings.Contains(string(b), "people:write") {
		t.Errorf("create_person with a read-only key: %s", b)
	}
}

// TestNarrowKeyAuthenticateNeedsAll (issue 11): against a Klipy whose
// /authenticate needs ALL (403, and 401 about scope), a read-only key can
// use every tool its scopes allow, over stdio and HTTP, and hosted mode
// asks /authenticate about it once.
func TestNarrowKeyAuthenticateNeedsAll(t *testing.T) {
	t.Parallel()
	for name, mode := range map[string]klipytest.AuthMode{"403": klipytest.AuthNeedsAll403, "401": klipytest.AuthNeedsAll401} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			fake := klipytest.NewSandbox()
			fake.SetAuthMode(mode)
			base := fakeAPI(t, fake)
			key := klipytest.SandboxReadOnlyKey

			t.Run("stdio", func(t *testing.T) {
				useReadTools(t, connectStdio(t, base, key))
			})
			t.Run("stdio with declared scopes", func(t *testing.T) {
				cs := connectStdio(t, base, key, "--scopes", "people:read,companies:read,interactions:read")
				list, err := cs.ListTools(t.Context(), nil)
				if err != nil {
					t.Fatal(err)
				}
				want := "get_company,get_interaction,get_person,get_workspace,search_interactions,search_people"
				if got := strings.Join(toolNames(list.Tools), ","); got != want {
					t.Errorf("tools = %s, want %s", got, want)
				}
			})
			t.Run("http", func(t *testing.T) {
				s := startHosted(t, base)
				before := authenticates(fake, key)
				for range 2 {
					useReadTools(t, connectHTTP(t, s.url, key))
				}
				if n := authenticates(fake, key) - before; n != 1 {
					t.Errorf("hosted mode sent %d /authenticate for the key, want 1", n)
				}
				if code := s.stop(t); code != 0 {
					t.Errorf("exit %d", code)
				}
			})
		})
	}
}

// authenticates counts the /authenticate requests the fake received with key.
func authenticates(fake *klipytest.Server, key string) int {
	n := 0
	for _, r := range fake.Requests() {
		if r.Op == "authenticate" && string(r.Key) == key {
			n++
		}
	}
	return n
}

// TestStdioFirstCallsUpstreamRefusing: over stdio, with Klipy refusing
// connections, concurrent first calls all answer isError within 2 s (one
// shared key check, its failure reused).
func TestStdioFirstCallsUpstreamRefusing(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String() + "/api/v1"
	ln.Close()
	cs := connectStdio(t, base, "klipy_api_refused_upstream")
	start := time.Now()
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			res, err := cs.CallTool(t.Context(), &mcp.CallToolParams{Name: "get_person", Arguments: map[string]any{"person_id": "per_1"}})
			switch {
			case err != nil:
				t.Errorf("get_person: %v", err)
			case !res.IsError:
				t.Error("get_person succeeded against a refusing upstream")
			}
		})
	}
	wg.Wait()
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("8 concurrent first calls took %v, want ≤ 2s", d)
	}
}
