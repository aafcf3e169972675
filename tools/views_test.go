package tools

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/klipy-ai/klipy-mcp/views"
)

const uiCaps = `{"extensions":{"io.modelcontextprotocol/ui":{"mimeTypes":["text/html;profile=mcp-app"]}}}`

// wireLines splits a transcript into its JSON lines.
func wireLines(s string) []string { return strings.Split(strings.TrimSpace(s), "\n") }

// at decodes line and walks path (object keys) into it.
func at(t *testing.T, line string, path ...string) any {
	t.Helper()
	var v any = decodeWire(t, []byte(line))
	for _, k := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func TestUIClientsSeeViews(t *testing.T) {
	url := wireServer(t)
	for _, era := range []string{"legacy", "modern"} {
		t.Run(era, func(t *testing.T) {
			modern := era == "modern"
			ui := &wireClient{t: t, url: url + "/mcp", modern: modern, caps: uiCaps}
			got := wireLines(ui.transcript())
			plain := wireLines((&wireClient{t: t, url: url + "/mcp", modern: modern, caps: `{}`}).transcript())
			if len(got) != len(plain) {
				t.Fatalf("transcripts differ in length: %d and %d", len(got), len(plain))
			}
			off := 0
			if !modern {
				off = 1
				if ext := at(t, got[0], "result", "capabilities", "extensions", UIExtension); ext == nil {
					t.Errorf("initialize does not advertise the extension to a client that declared it: %s", got[0][:300])
				}
			}
			// tools/list: _meta.ui.resourceUri on the two tools with a view, nothing else changed.
			metas := map[string]any{}
			for _, tl := range at(t, got[off], "result", "tools").([]any) {
				m := tl.(map[string]any)
				if meta, ok := m["_meta"]; ok {
					metas[m["name"].(string)] = meta
				}
			}
			want := map[string]any{
				"get_person":  map[string]any{"ui": map[string]any{"resourceUri": "ui://klipy/person"}},
				"get_company": map[string]any{"ui": map[string]any{"resourceUri": "ui://klipy/company"}},
			}
			if diff := cmp.Diff(want, metas); diff != "" {
				t.Errorf("tool _meta (-want +got):\n%s", diff)
			}
			// resources/list: the two views.
			var uris []string
			for _, r := range at(t, got[off+1], "result", "resources").([]any) {
				m := r.(map[string]any)
				uris = append(uris, m["uri"].(string))
				if m["mimeType"] != views.MIMEType {
					t.Errorf("%s mimeType = %v", m["uri"], m["mimeType"])
				}
			}
			if diff := cmp.Diff([]string{"ui://klipy/company", "ui://klipy/person"}, sorted(uris)); diff != "" {
				t.Errorf("resources (-want +got):\n%s", diff)
			}
			// Templates and every tool result: the same bytes as for a plain client.
			for i := off + 2; i < len(got); i++ {
				if diff := cmp.Diff(plain[i], got[i]); diff != "" {
					t.Errorf("step %d differs between a UI client and a plain one:\n%s", i, diff)
				}
			}
			// resources/read: the HTML document with empty CSP domain lists.
			read := string(ui.post("resources/read", `{"uri":"ui://klipy/person"}`))
			c := at(t, read, "result", "contents").([]any)[0].(map[string]any)
			if c["mimeType"] != views.MIMEType || c["text"] != views.Person() {
				t.Errorf("read ui://klipy/person: mimeType %v, %d bytes of text", c["mimeType"], len(c["text"].(string)))
			}
			csp := c["_meta"].(map[string]any)["ui"].(map[string]any)["csp"].(map[string]any)
			for _, k := range []string{"connectDomains", "resourceDomains"} {
				if l, ok := csp[k].([]any); !ok || len(l) != 0 {
					t.Errorf("csp.%s = %v, want []", k, csp[k])
				}
			}
		})
	}
}

func TestPlainClientsCannotReadViews(t *testing.T) {
	url := wireServer(t)
	for _, caps := range []string{`{}`, `{"extensions":{"io.modelcontextprotocol/ui":{"mimeTypes":["text/html+other"]}}}`} {
		c := &wireClient{t: t, url: url + "/mcp", caps: caps}
		c.handshake()
		out := string(c.post("resources/read", `{"uri":"ui://klipy/person"}`))
		if at(t, out, "error") == nil || !strings.Contains(out, "not found") {
			t.Errorf("caps %s: read of a view = %s", caps, out)
		}
		if list := string(c.post("resources/list", `{}`)); strings.Contains(list, "ui://") {
			t.Errorf("caps %s: resources/list = %s", caps, list)
		}
	}
}

func TestViewsFollowTheVisibleTools(t *testing.T) {
	f := newFake(t)
	s := newServer(t, Config{Client: f.client(t), Toolsets: []string{"companies"}})
	opt := client.WithClientCapabilities(mcp.ClientCapabilities{Extensions: map[string]any{UIExtension: map[string]any{}}})
	mc := connect(t, s, opt)
	res, err := mc.ListResources(t.Context(), mcp.ListResourcesRequest{})
	if err != nil {
		t.Fatal(err)
	}
	var uris []string
	for _, r := range res.Resources {
		uris = append(uris, r.URI)
	}
	if diff := cmp.Diff([]string{"ui://klipy/company"}, uris); diff != "" {
		t.Errorf("with only the companies toolset (-want +got):\n%s", diff)
	}
	tools, err := mc.ListTools(t.Context(), mcp.ListToolsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(tools.Tools)
	if !strings.Contains(string(b), `"resourceUri":"ui://klipy/company"`) {
		t.Errorf("get_company lacks its view for a UI client: %s", b)
	}
	// A key without companies:read does not see get_company, nor its view link.
	s2 := newServer(t, Config{Client: f.client(t, "people:read")})
	mc2 := connect(t, s2, opt)
	tools, err = mc2.ListTools(t.Context(), mcp.ListToolsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	b, _ = json.Marshal(tools.Tools)
	if strings.Contains(string(b), "ui://klipy/company") || !strings.Contains(string(b), "ui://klipy/person") {
		t.Errorf("people:read key: %s", b)
	}
}
