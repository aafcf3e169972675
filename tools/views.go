package tools

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/klipy-ai/klipy-mcp/views"
)

// UIExtension is the id of the MCP Apps extension (SEP-1865) in the
// capabilities' extensions map.
const UIExtension = "io.modelcontextprotocol/ui"

// view links a tool to the ui:// resource that renders its result.
type view struct {
	tool, uri, name, title, description string
	html                                func() string
	// meta is the _meta of the tool with this view (toolMeta).
	meta func() *mcp.Meta
}

func viewMeta(uri string) func() *mcp.Meta {
	return sync.OnceValue(func() *mcp.Meta {
		return &mcp.Meta{AdditionalFields: map[string]any{"ui": map[string]any{"resourceUri": uri}}}
	})
}

var uiViews = []view{
	{tool: "get_person", uri: "ui://klipy/person", name: "person-view", title: "Klipy person view",
		description: "A person card with contact links and a timeline of interactions (get_person).", html: views.Person},
	{tool: "get_company", uri: "ui://klipy/company", name: "company-view", title: "Klipy company view",
		description: "A company card with its known people and recent interactions (get_company).", html: views.Company},
}

// init gives each view its tool's _meta, made from its uri.
func init() {
	for i := range uiViews {
		uiViews[i].meta = viewMeta(uiViews[i].uri)
	}
}

// uiMeta is the resource's _meta.ui: the view makes no network requests,
// so every CSP domain list is empty.
func uiMeta() map[string]any {
	return map[string]any{"ui": map[string]any{
		"csp":           map[string]any{"connectDomains": []string{}, "resourceDomains": []string{}, "frameDomains": []string{}, "baseUriDomains": []string{}},
		"prefersBorder": true,
	}}
}

// wantsUI reports whether the client of this request declared the MCP Apps
// extension with the view MIME type (or with no list of types). Over the
// stateless protocol the capabilities come with each request; otherwise
// from the session's initialize.
func wantsUI(ctx context.Context) bool {
	var caps *mcp.ClientCapabilities
	if info := server.RequestProtocolInfoFromContext(ctx); info != nil && info.Modern {
		caps = info.ClientCapabilities
	} else if sess, ok := server.ClientSessionFromContext(ctx).(server.SessionWithClientInfo); ok {
		c := sess.GetClientCapabilities()
		caps = &c
	}
	return caps != nil && declaresUI(caps.Extensions)
}

func declaresUI(ext map[string]any) bool {
	v, ok := ext[UIExtension]
	if !ok {
		return false
	}
	m, _ := v.(map[string]any)
	types, listed := m["mimeTypes"].([]any)
	return !listed || slices.Contains(types, any(views.MIMEType))
}

// addViews registers the ui:// resources of the visible tools that have a
// view and the hooks that show them, and _meta.ui on those tools, only to
// clients that declared the extension. Every other client's tools/list,
// resources/list and initialize stay exactly as they were without views.
func (s *srv) addViews() {
	for _, v := range uiViews {
		if _, ok := s.byName[v.tool]; !ok {
			continue
		}
		s.mcp.AddResource(mcp.Resource{URI: v.uri, Name: v.name, Title: v.title, Description: v.description,
			MIMEType: views.MIMEType, Meta: &mcp.Meta{AdditionalFields: uiMeta()}}, readView(v))
	}
	hooks := s.mcp.GetHooks()
	if hooks == nil {
		hooks = &server.Hooks{}
		server.WithHooks(hooks)(s.mcp)
	}
	hooks.AddAfterListResources(func(ctx context.Context, _ any, _ *mcp.ListResourcesRequest, res *mcp.ListResourcesResult) {
		if res != nil && !wantsUI(ctx) {
			res.Resources = slices.DeleteFunc(res.Resources, func(r mcp.Resource) bool { return isView(r.URI) })
		}
	})
	hooks.AddAfterInitialize(func(_ context.Context, _ any, req *mcp.InitializeRequest, res *mcp.InitializeResult) {
		if req != nil && res != nil && declaresUI(req.Params.Capabilities.Extensions) {
			res.Capabilities.Extensions = withUI(res.Capabilities.Extensions)
		}
	})
	hooks.AddAfterDiscover(func(ctx context.Context, _ any, _ *mcp.DiscoverRequest, res *mcp.DiscoverResult) {
		if res != nil && wantsUI(ctx) {
			res.Capabilities.Extensions = withUI(res.Capabilities.Extensions)
		}
	})
}

// withUI returns a copy of ext that also advertises the UI extension (the
// server-wide map is shared by every client and must not change).
func withUI(ext map[string]any) map[string]any {
	out := maps.Clone(ext)
	if out == nil {
		out = map[string]any{}
	}
	out[UIExtension] = map[string]any{}
	return out
}

func isView(uri string) bool {
	return slices.ContainsFunc(uiViews, func(v view) bool { return v.uri == uri })
}

// withViewMeta is a tool filter: for clients that declared the extension it
// returns the tools with _meta.ui.resourceUri set on those with a view;
// other clients, and lists without such a tool, get the list unchanged.
// Tools are copied, never modified. mcp-go filters every tools/call through
// here too, with a list of the one tool called.
func withViewMeta(ctx context.Context, list []mcp.Tool) []mcp.Tool {
	if !wantsUI(ctx) {
		return list
	}
	var out []mcp.Tool
	for i, t := range list {
		for _, v := range uiViews {
			if t.Name != v.tool {
				continue
			}
			if out == nil {
				out = slices.Clone(list)
			}
			out[i].Meta = v.toolMeta(t.Meta)
		}
	}
	if out == nil {
		return list
	}
	return out
}

// toolMeta returns m with _meta.ui.resourceUri set to v's view, as a new
// Meta. A tool without _meta of its own, as every tool here is, shares
// one made once per view: nothing writes to a listed tool's Meta.
func (v view) toolMeta(m *mcp.Meta) *mcp.Meta {
	if m == nil {
		return v.meta()
	}
	meta := &mcp.Meta{ProgressToken: m.ProgressToken, AdditionalFields: maps.Clone(m.AdditionalFields)}
	if meta.AdditionalFields == nil {
		meta.AdditionalFields = map[string]any{}
	}
	meta.AdditionalFields["ui"] = map[string]any{"resourceUri": v.uri}
	return meta
}

// readView serves a view's document to clients that declared the
// extension; to others the resource does not exist.
func readView(v view) server.ResourceHandlerFunc {
	return func(ctx context.Context, req mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
		if !wantsUI(ctx) {
			return nil, fmt.Errorf("handler not found for resource URI '%s': %w", req.Params.URI, server.ErrResourceNotFound)
		}
		return []mcp.ResourceContents{mcp.TextResourceContents{URI: v.uri, MIMEType: views.MIMEType, Text: v.html(), Meta: uiMeta()}}, nil
	}
}
