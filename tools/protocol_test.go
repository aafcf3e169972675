package tools

import (
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

func TestInitializeAdvertisesInstructions(t *testing.T) {
	f := newFake(t)
	c, err := client.NewInProcessClient(newServer(t, Config{Client: f.client(t), Version: "1.2.3"}))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	req := mcp.InitializeRequest{}
	req.Params.ProtocolVersion = mcp.LATEST_LEGACY_PROTOCOL_VERSION
	res, err := c.Initialize(t.Context(), req)
	if err != nil {
		t.Fatal(err)
	}
	if res.ServerInfo.Name != "klipy-mcp" || res.ServerInfo.Version != "1.2.3" {
		t.Errorf("serverInfo = %+v", res.ServerInfo)
	}
	for _, w := range []string{"upsert_person", "next_cursor", "irreversible", "Search before"} {
		if !strings.Contains(res.Instructions, w) {
			t.Errorf("instructions lack %q:\n%s", w, res.Instructions)
		}
	}
}

func TestResources(t *testing.T) {
	f := newFake(t)
	mc := connect(t, newServer(t, Config{Client: f.client(t, "people:read")}))
	tpl, err := mc.ListResourceTemplates(t.Context(), mcp.ListResourceTemplatesRequest{})
	if err != nil {
		t.Fatal(err)
	}
	var uris []string
	for _, r := range tpl.ResourceTemplates {
		uris = append(uris, r.URITemplate.Raw())
	}
	want := []string{"klipy://companies/{company_id}", "klipy://interactions/{interaction_id}", "klipy://people/{person_id}"}
	if diff := cmp.Diff(want, sorted(uris)); diff != "" {
		t.Errorf("templates (-want +got):\n%s", diff)
	}
	req := mcp.ReadResourceRequest{}
	req.Params.URI = "klipy://people/" + jordanID
	res, err := mc.ReadResource(t.Context(), req)
	if err != nil {
		t.Fatal(err)
	}
	if txt := res.Contents[0].(mcp.TextResourceContents).Text; !strings.Contains(txt, jordanEmail) {
		t.Errorf("person resource = %s", txt)
	}
	req.Params.URI = "klipy://companies/" + acmeID
	if _, err := mc.ReadResource(t.Context(), req); err == nil || !strings.Contains(err.Error(), "companies:read") {
		t.Errorf("resource without scope: %v", err)
	}
}

func sorted(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}

func TestPrompts(t *testing.T) {
	e := newEnv(t, Config{})
	req := mcp.GetPromptRequest{}
	req.Params.Name = "meeting_brief"
	req.Params.Arguments = map[string]string{"person": jordanEmail}
	res, err := e.mc.GetPrompt(t.Context(), req)
	if err != nil {
		t.Fatal(err)
	}
	txt := res.Messages[0].Content.(mcp.TextContent).Text
	for _, w := range []string{"search_people", jordanEmail, "get_person", "get_company"} {
		if !strings.Contains(txt, w) {
			t.Errorf("meeting_brief lacks %q:\n%s", w, txt)
		}
	}
	req.Params.Name = "log_notes"
	req.Params.Arguments = map[string]string{"person": jordanID, "notes": "Call went well; send pricing."}
	res, err = e.mc.GetPrompt(t.Context(), req)
	if err != nil {
		t.Fatal(err)
	}
	txt = res.Messages[0].Content.(mcp.TextContent).Text
	if !strings.Contains(txt, "log_interaction") || !strings.Contains(txt, `person_id: "`+jordanID+`"`) || !strings.Contains(txt, "send pricing") {
		t.Errorf("log_notes:\n%s", txt)
	}
}

// TestOverStreamableHTTP runs a subset over the real protocol: tools/list
// and calls through mcp-go's HTTP client and server, in both eras.
func TestOverStreamableHTTP(t *testing.T) {
	f := newFake(t)
	s := newServer(t, Config{Client: f.client(t)})
	hs := httptest.NewServer(server.NewStreamableHTTPServer(s))
	t.Cleanup(hs.Close)
	for era, version := range eras {
		t.Run(era, func(t *testing.T) {
			tr, err := transport.NewStreamableHTTP(hs.URL)
			if err != nil {
				t.Fatal(err)
			}
			c := client.NewClient(tr, client.WithProtocolVersion(version))
			t.Cleanup(func() { c.Close() })
			if err := c.Start(t.Context()); err != nil {
				t.Fatal(err)
			}
			init := mcp.InitializeRequest{}
			init.Params.ProtocolVersion = version
			if _, err := c.Initialize(t.Context(), init); err != nil {
				t.Fatal(err)
			}
			if names := listNames(t, c); !slices.Equal(slices.Sorted(slices.Values(names)), slices.Sorted(slices.Values(ToolNames()))) {
				t.Errorf("tools/list = %v, want the inventory %v", names, ToolNames())
			}
			out := okResult(t, call(t, c, "search_people", map[string]any{"email": jordanEmail}))
			if ids(out["people"]) != jordanID {
				t.Errorf("search_people = %v", out)
			}
			msg := errText(t, call(t, c, "get_person", map[string]any{"person_id": "per_nope"}))
			if !strings.Contains(msg, "per_nope") {
				t.Errorf("not found over HTTP: %s", msg)
			}
			if _, err := callErr(t.Context(), c, "no_such_tool", nil); err == nil {
				t.Error("unknown tool did not give a protocol error")
			}
		})
	}
}

func TestMarkdownTable(t *testing.T) {
	list, err := Catalogue(Config{Tools: []string{"get_workspace", "delete_company"}})
	if err != nil {
		t.Fatal(err)
	}
	got := MarkdownTable(list)
	want := "| tool | toolset | kind | scope | description |\n|---|---|---|---|---|\n" +
		"| `get_workspace` | workspace | read | any valid key | " + list[0].Description + " |\n" +
		"| `delete_company` | companies | destructive | `companies:remove` | " + list[1].Description + " |\n"
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"workspace", "people", "companies", "interactions"}, ToolsetNames()); diff != "" {
		t.Errorf("toolsets (-want +got):\n%s", diff)
	}
}
