package tools

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/klipy-ai/klipy-mcp/klipy"
	"github.com/klipy-ai/klipy-mcp/klipy/klipytest"
	"github.com/klipy-ai/klipy-mcp/schema"
)

// authUnavailable makes the fake's /authenticate answer 503 while every
// other operation works: the key's scopes cannot be learnt for now.
func authUnavailable(f *fake) {
	next := f.log.next
	f.log.next = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/authenticate") {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(`{"object":"error","error":{"code":"unavailable","message":"try later"}}`))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// listed returns the names tools/list gives.
func listed(t *testing.T, ctx context.Context, e *env) []string {
	t.Helper()
	res, err := e.mc.ListTools(ctx, mcp.ListToolsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tool := range res.Tools {
		names = append(names, tool.Name)
	}
	return names
}

// TestListAndCallAgree runs a people:read key through every state its
// scopes can be in and checks, for every tool of the catalogue, that a tool
// tools/list does not offer never sends anything upstream when called, and
// that the people reads the key may do work whenever they are offered.
func TestListAndCallAgree(t *testing.T) {
	cases := []struct {
		name     string
		setup    func(f *fake)
		declared []klipy.Scope
		offered  []string // nil: the whole catalogue
		reads    bool     // people reads succeed
	}{
		{name: "learnt from /authenticate", offered: []string{"get_person", "get_workspace", "search_people"}, reads: true},
		{name: "authenticate needs ALL (403)", setup: func(f *fake) { f.SetAuthMode(klipytest.AuthNeedsAll403) }, reads: true},
		{name: "authenticate needs ALL (401)", setup: func(f *fake) { f.SetAuthMode(klipytest.AuthNeedsAll401) }, reads: true},
		{name: "authenticate needs ALL, scopes declared", setup: func(f *fake) { f.SetAuthMode(klipytest.AuthNeedsAll403) },
			declared: []klipy.Scope{klipy.ScopePeopleRead}, offered: []string{"get_person", "get_workspace", "search_people"}, reads: true},
		{name: "authenticate unavailable", setup: authUnavailable},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t)
			if tc.setup != nil {
				tc.setup(f)
			}
			kc, err := klipy.New(klipy.Options{BaseURL: f.url, APIKey: f.addKey("people:read"), RateLimit: unlimits,
				OrgLimit: unlimits, Timeout: 5 * time.Second, Scopes: tc.declared})
			if err != nil {
				t.Fatal(err)
			}
			e := &env{fake: f, mc: connect(t, newServer(t, Config{Client: kc}))}
			ctx := t.Context()
			names := listed(t, ctx, e)
			want := tc.offered
			if want == nil {
				want = ToolNames()
			}
			slices.Sort(names)
			want = slices.Sorted(slices.Values(want))
			if !slices.Equal(names, want) {
				t.Errorf("tools/list = %v, want %v", names, want)
			}
			for _, name := range ToolNames() {
				if slices.Contains(names, name) {
					continue
				}
				f.reset()
				res, err := callErr(ctx, e.mc, name, map[string]any{})
				if err == nil && !res.IsError {
					t.Errorf("%s is not offered but ran", name)
				}
				if reqs := f.requests(); len(reqs) > 0 {
					t.Errorf("%s is not offered but sent %v", name, reqs)
				}
			}
			f.reset()
			res := call(t, e.mc, "search_people", map[string]any{"email": "jordan.patel@acmeanalytics.example"})
			switch {
			case tc.reads && res.IsError:
				t.Errorf("search_people: %s", errText(t, res))
			case !tc.reads && !strings.Contains(errText(t, res), "nothing was sent"):
				t.Errorf("search_people with the key unchecked = %s, want a refusal saying nothing was sent", errText(t, res))
			}
			for _, r := range f.reqs() {
				if !tc.reads && r.Path != "/authenticate" {
					t.Errorf("%s %s sent for a key whose scopes were never learnt", r.Method, r.Path)
				}
			}
		})
	}
}

// TestUncheckedKeyNeverWrites (issue 9.6): a people:read key whose first
// call is create_person while /authenticate answers 503 never reaches the
// upstream write, and is told to retry.
func TestUncheckedKeyNeverWrites(t *testing.T) {
	f := newFake(t)
	authUnavailable(f)
	e := &env{fake: f, mc: connect(t, newServer(t, Config{Client: f.rawClient(t, f.addKey("people:read"))}))}
	msg := errText(t, call(t, e.mc, "create_person", map[string]any{"email": "new.person@example.com"}))
	if !strings.Contains(msg, "Retry in") {
		t.Errorf("message %q does not say when to retry", msg)
	}
	if n := countRequests(f, "POST", "/people"); n != 0 {
		t.Errorf("create_person sent %d POST /people for a key whose scopes were never learnt", n)
	}
}

// TestGetWorkspaceSaysWhatItCouldNotLearn: with /authenticate closed to the
// key, get_workspace still answers, with what it could not learn and why.
func TestGetWorkspaceSaysWhatItCouldNotLearn(t *testing.T) {
	for _, declared := range [][]klipy.Scope{nil, {klipy.ScopePeopleRead}} {
		f := newFake(t)
		f.SetAuthMode(klipytest.AuthNeedsAll403)
		kc, err := klipy.New(klipy.Options{BaseURL: f.url, APIKey: f.addKey("people:read"), Scopes: declared})
		if err != nil {
			t.Fatal(err)
		}
		e := &env{fake: f, mc: connect(t, newServer(t, Config{Client: kc}))}
		out := okResult(t, call(t, e.mc, "get_workspace", nil))
		unknown, _ := out["unknown"].(map[string]any)
		fields, _ := unknown["fields"].([]any)
		reason, _ := unknown["reason"].(string)
		wantFields := []any{"name", "organization_id"}
		if declared == nil {
			wantFields = append(wantFields, "scopes")
		}
		if !jsonEqual(fields, wantFields) || !strings.Contains(reason, "ALL scope") {
			t.Errorf("declared %v: unknown = %v, want fields %v and a reason naming the ALL scope", declared, unknown, wantFields)
		}
		if (declared != nil) != (out["scopes_known"] == true) {
			t.Errorf("declared %v: scopes_known = %v", declared, out["scopes_known"])
		}
	}
}

// keyCheckMessages are the sentences a model reads when a key could not be
// checked, or when /authenticate is closed to it (for messages.golden).
func keyCheckMessages(t *testing.T) []message {
	unavailable := &klipy.TransportError{Op: "authenticate", Err: errors.New("connection refused")}
	out := []message{
		{"key check/unavailable", permitText(&klipy.DiscoveryError{Err: unavailable, RetryAfter: 2 * time.Second}, klipy.ScopePeopleRead)},
		{"key check/timeout", permitText(&klipy.DiscoveryError{Err: fmt.Errorf("klipy: authenticate: %w", context.DeadlineExceeded), RetryAfter: time.Second}, klipy.ScopePeopleRead)},
		{"key check/rate limited", permitText(&klipy.DiscoveryError{Err: &klipy.APIError{StatusCode: http.StatusTooManyRequests, RetryAfter: 30 * time.Second}, RetryAfter: 30 * time.Second}, klipy.ScopePeopleRead)},
		{"key check/limited", permitText(klipy.ErrDiscoveryLimited, klipy.ScopePeopleRead)},
	}
	for _, declared := range [][]klipy.Scope{nil, {klipy.ScopePeopleRead}} {
		c, err := klipy.New(klipy.Options{APIKey: "klipy_api_messages", Scopes: declared})
		if err != nil {
			t.Fatal(err)
		}
		u := closedAuthenticate(c, &schema.WorkspaceResult{})
		out = append(out, message{fmt.Sprintf("get_workspace/unknown (declared %v)", declared), u.Reason})
	}
	return out
}

// TestListDoesNotWaitOutASlowCheck: tools/list waits at most listWait for a
// check of the key still in flight, then lists for unknown scopes.
func TestListDoesNotWaitOutASlowCheck(t *testing.T) {
	f := newFake(t)
	f.SetLatency(listWait + time.Second)
	e := &env{fake: f, mc: connect(t, newServer(t, Config{Client: f.rawClient(t, f.addKey("people:read"))}))}
	start := time.Now()
	names := listed(t, t.Context(), e)
	if d := time.Since(start); d > listWait+500*time.Millisecond {
		t.Errorf("tools/list took %v, want about listWait (%v)", d, listWait)
	}
	if len(names) != len(ToolNames()) {
		t.Errorf("tools/list = %v, want the whole catalogue while the key is unchecked", names)
	}
}
