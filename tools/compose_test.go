package tools

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

func catalogueNames(t *testing.T, cfg Config) []string {
	t.Helper()
	list, err := Catalogue(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tool := range list {
		names = append(names, tool.Name)
	}
	return names
}

func TestComposition(t *testing.T) {
	cases := []struct {
		name string
		cfg  Config
		want []string
	}{
		{"toolsets", Config{Toolsets: []string{"workspace", "companies"}},
			[]string{"get_workspace", "get_company", "create_company", "update_company", "delete_company"}},
		{"tools within toolsets", Config{Toolsets: []string{"people"}, Tools: []string{"get_person", "get_company"}},
			[]string{"get_person"}},
		{"exclude", Config{Toolsets: []string{"interactions"}, ExcludeTools: []string{"log_interaction"}},
			[]string{"search_interactions", "get_interaction"}},
		{"read-only", Config{ReadOnly: true},
			[]string{"get_workspace", "search_people", "get_person", "get_company", "search_interactions", "get_interaction"}},
		{"read-only beats tools", Config{ReadOnly: true, Tools: []string{"delete_person", "create_person", "get_person"}},
			[]string{"get_person"}},
		{"all", Config{Toolsets: []string{"all"}}, ToolNames()},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if diff := cmp.Diff(c.want, catalogueNames(t, c.cfg)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestUnknownNamesListValidOnes(t *testing.T) {
	for _, cfg := range []Config{{Toolsets: []string{"peeple"}}, {Tools: []string{"get_persons"}}, {ExcludeTools: []string{"nope"}}} {
		_, err := NewServer(cfg)
		if err == nil {
			t.Fatalf("%+v: no error", cfg)
		}
		if !strings.Contains(err.Error(), "valid") || !(strings.Contains(err.Error(), "people") || strings.Contains(err.Error(), "get_person")) {
			t.Errorf("%+v: %v", cfg, err)
		}
	}
	if _, err := NewServer(Config{ConfirmDestructive: "sometimes"}); err == nil {
		t.Error("unknown confirm mode accepted")
	}
}

// TestScopesComposeWithConfig: the key's scopes filter what the config
// allows, and never re-enable what it removed.
func TestScopesComposeWithConfig(t *testing.T) {
	f := newFake(t)
	c := f.client(t, "people:read", "people:write", "interactions:read")
	mc := connect(t, newServer(t, Config{Client: c, ReadOnly: true, ExcludeTools: []string{"search_interactions"}}))
	want := []string{"get_interaction", "get_person", "get_workspace", "search_people"}
	if diff := cmp.Diff(want, listNames(t, mc)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if _, err := callErr(t.Context(), mc, "upsert_person", map[string]any{"email": "a@b.example"}); err == nil {
		t.Error("read-only server ran a write tool")
	}
}

// TestPerRequestClient: a client in the request's context (HTTP mode)
// decides the visible tools and is the one used for calls. The in-process
// transport hands the caller's context to the server.
func TestPerRequestClient(t *testing.T) {
	f := newFake(t)
	mc := connect(t, newServer(t, Config{}))
	msg := errText(t, call(t, mc, "get_workspace", nil))
	if !strings.Contains(msg, "No Klipy API key") {
		t.Errorf("no client anywhere: %s", msg)
	}
	key := f.client(t, "companies:read")
	ctx := WithClient(t.Context(), key)
	if ClientFrom(ctx) != key {
		t.Fatal("ClientFrom does not return the context's client")
	}
	res, err := mc.ListTools(ctx, mcp.ListToolsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tool := range res.Tools {
		names = append(names, tool.Name)
	}
	if diff := cmp.Diff([]string{"get_company", "get_workspace"}, names); diff != "" {
		t.Errorf("tools/list for the request's key (-want +got):\n%s", diff)
	}
	got, err := callErr(ctx, mc, "get_company", map[string]any{"company_id": acmeID})
	if err != nil {
		t.Fatal(err)
	}
	okResult(t, got)
	if _, err := callErr(ctx, mc, "get_person", map[string]any{"person_id": jordanID}); err == nil {
		t.Error("a tool hidden for the request's key could be called")
	}
}

// TestReadyGatesTheToolList checks that tools are listed only after Ready
// returns, so a key whose scopes are learnt in the background (stdio start-up)
// never sees tools its scopes exclude.
func TestReadyGatesTheToolList(t *testing.T) {
	f := newFake(t)
	c := f.rawClient(t, f.addKey("people:read"))
	authenticated := make(chan struct{})
	cfg := Config{Client: c, Ready: func(ctx context.Context) {
		select {
		case <-authenticated:
		case <-ctx.Done():
		}
	}}
	mc := connect(t, newServer(t, cfg))
	listed := make(chan []string, 1)
	go func() {
		res, err := mc.ListTools(t.Context(), mcp.ListToolsRequest{})
		if err != nil {
			t.Error(err)
			listed <- nil
			return
		}
		var names []string
		for _, tool := range res.Tools {
			names = append(names, tool.Name)
		}
		listed <- names
	}()
	select {
	case names := <-listed:
		t.Fatalf("tools/list answered %v before Ready returned", names)
	case <-time.After(50 * time.Millisecond):
	}
	if _, _, err := c.Authenticate(t.Context()); err != nil {
		t.Fatal(err)
	}
	close(authenticated)
	if diff := cmp.Diff([]string{"get_person", "get_workspace", "search_people"}, <-listed); diff != "" {
		t.Errorf("tools after Ready (-want +got):\n%s", diff)
	}
}

// TestEmbedderToolsPassTheScopeFilter checks that a tool the embedding program
// adds through server options (it has no Klipy scope) stays visible and
// callable for a key with few scopes, while inventory tools stay filtered.
func TestEmbedderToolsPassTheScopeFilter(t *testing.T) {
	f := newFake(t)
	extra := server.ServerOption(func(s *server.MCPServer) {
		s.AddTool(mcp.NewTool("echo_probe", mcp.WithDescription("Echo.")),
			func(context.Context, mcp.CallToolRequest) (*mcp.CallToolResult, error) {
				return mcp.NewToolResultText("pong"), nil
			})
	})
	s, err := NewServer(Config{Client: f.client(t, "companies:read")}, extra)
	if err != nil {
		t.Fatal(err)
	}
	mc := connect(t, s)
	res, err := mc.ListTools(t.Context(), mcp.ListToolsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tool := range res.Tools {
		names = append(names, tool.Name)
	}
	if diff := cmp.Diff([]string{"echo_probe", "get_company", "get_workspace"}, names); diff != "" {
		t.Errorf("tools (-want +got):\n%s", diff)
	}
	if got := text(t, call(t, mc, "echo_probe", map[string]any{})); got != "pong" {
		t.Errorf("echo_probe = %q, want pong", got)
	}
}

// TestUpstreamUserAgentNamesTheMCPClient checks that upstream requests made
// for a tool call carry the calling MCP client's name and version.
func TestUpstreamUserAgentNamesTheMCPClient(t *testing.T) {
	f := newFake(t)
	mc := connect(t, newServer(t, Config{Client: f.client(t)}))
	f.ResetRequests()
	okResult(t, call(t, mc, "get_workspace", map[string]any{}))
	reqs := f.Requests()
	if len(reqs) == 0 {
		t.Fatal("get_workspace sent no request")
	}
	if got, want := reqs[len(reqs)-1].Header.Get("User-Agent"), "klipy-mcp/dev (+tools-test/1)"; got != want {
		t.Errorf("User-Agent = %q, want %q", got, want)
	}
}

// TestAgentFollowsTheCaller checks that the reused User-Agent suffix is
// always the one of the client calling, when clients take turns.
func TestAgentFollowsTheCaller(t *testing.T) {
	s := &srv{}
	for _, c := range []struct{ name, version, want string }{
		{"a", "1", "a/1"}, {"a", "1", "a/1"}, {"b", "", "b"}, {"a", "1", "a/1"}, {"a", "2", "a/2"}, {"b", "", "b"},
	} {
		if got := s.agent(c.name, c.version); got != c.want {
			t.Errorf("agent(%q, %q) = %q, want %q", c.name, c.version, got, c.want)
		}
	}
}
