package tools

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/klipy-ai/klipy-mcp/klipy/klipytest"
)

func TestArgumentLeniencyAndValidation(t *testing.T) {
	e := newEnv(t, Config{})
	okResult(t, call(t, e.mc, "search_people", `{"limit":"2","email":"`+jordanEmail+`"}`))
	okResult(t, call(t, e.mc, "get_person", map[string]any{"person_id": jordanID, "include_interactions": "false", "interactions_limit": nil}))
	cases := []struct {
		args any
		want []string
	}{
		{map[string]any{"limit": 500}, []string{`"limit"`, "between 1 and 100", "500"}},
		{map[string]any{"limit": "lots"}, []string{`"limit"`, "whole number"}},
		{map[string]any{"limit": 2.5}, []string{`"limit"`, "whole number"}},
		{map[string]any{"emial": "x@y.z"}, []string{`Unknown argument "emial"`, "company_id, cursor, email, limit, query"}},
		{map[string]any{"email": "not-an-email"}, []string{`"email"`, "email address"}},
		{map[string]any{"query": 7}, []string{`"query"`, "string"}},
		{`[1,2]`, []string{"JSON object"}},
	}
	for _, c := range cases {
		msg := errText(t, call(t, e.mc, "search_people", c.args))
		for _, w := range c.want {
			if !strings.Contains(msg, w) {
				t.Errorf("%v: message %q lacks %q", c.args, msg, w)
			}
		}
	}
	msg := errText(t, call(t, e.mc, "get_person", map[string]any{}))
	if !strings.Contains(msg, `"person_id": is required`) {
		t.Errorf("missing required: %s", msg)
	}
	msg = errText(t, call(t, e.mc, "log_interaction", map[string]any{"type": "CALL", "direction": "OUTBOUND", "title": "x", "person_id": "p"}))
	if !strings.Contains(msg, `"type"`) || !strings.Contains(msg, "VOICE_NOTE") {
		t.Errorf("enum: %s", msg)
	}
	msg = errText(t, call(t, e.mc, "log_interaction", map[string]any{"type": "MEMO", "direction": "OUTBOUND", "title": "x", "person_id": "p", "occurred_at": "yesterday"}))
	if !strings.Contains(msg, `"occurred_at"`) || !strings.Contains(msg, "RFC 3339") {
		t.Errorf("date-time: %s", msg)
	}
	if n := len(e.fake.reqs()); n != 2 {
		t.Errorf("%d upstream requests; invalid arguments must not reach Klipy", n-2)
	}
}

func TestUpstreamFailuresBecomeActionableErrors(t *testing.T) {
	cases := []struct {
		name   string
		inject func(f *fake)
		want   []string
	}{
		{"unavailable", func(f *fake) { f.FailNext(10, http.StatusServiceUnavailable) }, []string{"unavailable", "Try again"}},
		{"rate limited", func(f *fake) { f.ThrottleNext(10, 40*time.Second) }, []string{"rate limit", "Retry in 40 seconds"}},
		{"malformed", func(f *fake) { f.MalformNext(10) }, []string{"unavailable", "not valid JSON"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, Config{})
			c.inject(e.fake)
			msg := errText(t, call(t, e.mc, "get_person", map[string]any{"person_id": jordanID}))
			for _, w := range c.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message %q lacks %q", msg, w)
				}
			}
		})
	}
}

func TestInvalidKey(t *testing.T) {
	f := newFake(t)
	token := f.addKey()
	c := f.rawClient(t, token)
	mc := connect(t, newServer(t, Config{Client: c}))
	f.RemoveKey(token)
	msg := errText(t, call(t, mc, "get_workspace", nil))
	if !strings.Contains(msg, "invalid, expired or revoked") || strings.Contains(msg, token) {
		t.Errorf("invalid key: %s", msg)
	}
}

func TestMissingScope(t *testing.T) {
	f := newFake(t)
	// Scopes known: write tools are hidden and cannot be called.
	mc := connect(t, newServer(t, Config{Client: f.client(t, "people:read")}))
	if got := listNames(t, mc); !slices.Equal(got, []string{"get_person", "get_workspace", "search_people"}) {
		t.Errorf("tools/list = %v", got)
	}
	if _, err := callErr(t.Context(), mc, "create_person", map[string]any{"email": "a@b.example"}); err == nil {
		t.Error("calling a hidden tool succeeded")
	}
	// Scopes unknown (/authenticate is closed to the key): the tool is
	// listed, Klipy answers 403, and the message names the scope.
	f.SetAuthMode(klipytest.AuthNeedsAll403)
	unknown := connect(t, newServer(t, Config{Client: f.rawClient(t, f.addKey("people:read"))}))
	msg := errText(t, call(t, unknown, "create_person", map[string]any{"email": "a@b.example"}))
	if !strings.Contains(msg, `"people:write"`) || !strings.Contains(msg, "workspace admin") {
		t.Errorf("missing scope: %s", msg)
	}
	f.SetAuthMode(klipytest.AuthOpen)
	// get_person still answers without interactions:read, with a note.
	out := okResult(t, call(t, connect(t, newServer(t, Config{Client: f.client(t, "people:read")})),
		"get_person", map[string]any{"person_id": jordanID, "include_interactions": true}))
	if note, _ := out["note"].(string); !strings.Contains(note, "interactions:read") {
		t.Errorf("note = %q", note)
	}
}

func listNames(t *testing.T, mc *client.Client) []string {
	t.Helper()
	res, err := mc.ListTools(t.Context(), mcp.ListToolsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tool := range res.Tools {
		names = append(names, tool.Name)
	}
	return names
}
