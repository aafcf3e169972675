package render

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
)

// UICapabilities are the client capabilities of an MCP Apps host: the
// extension io.modelcontextprotocol/ui with the view MIME type.
func UICapabilities() mcp.ClientCapabilities {
	return mcp.ClientCapabilities{Extensions: map[string]any{
		"io.modelcontextprotocol/ui": map[string]any{"mimeTypes": []any{"text/html;profile=mcp-app"}},
	}}
}

// Source is an MCP client of a klipy-mcp server that declared the MCP Apps
// extension: what a host uses to fetch a tool result and its view.
type Source struct {
	c *client.Client
}

// DialStdio runs `binary stdio args...` and connects to it as a host
// speaking the 2025-11-25 protocol.
func DialStdio(ctx context.Context, binary string, env []string, args ...string) (*Source, error) {
	tr := transport.NewStdio(binary, env, append([]string{"stdio"}, args...)...)
	return dial(ctx, tr)
}

// DialHTTP connects to a streamable HTTP endpoint as a host speaking the
// stateless 2026-07-28 protocol (capabilities sent with every request).
func DialHTTP(ctx context.Context, url string) (*Source, error) {
	tr, err := transport.NewStreamableHTTP(url)
	if err != nil {
		return nil, err
	}
	return dial(ctx, tr, client.WithProtocolVersion(mcp.LATEST_PROTOCOL_VERSION))
}

func dial(ctx context.Context, tr transport.Interface, opts ...client.ClientOption) (*Source, error) {
	opts = append([]client.ClientOption{client.WithClientCapabilities(UICapabilities())}, opts...)
	c := client.NewClient(tr, opts...)
	if err := c.Start(ctx); err != nil {
		return nil, err
	}
	req := mcp.InitializeRequest{}
	req.Params.ProtocolVersion = mcp.LATEST_LEGACY_PROTOCOL_VERSION
	req.Params.ClientInfo = mcp.Implementation{Name: "klipy-mcp view host", Version: "1"}
	req.Params.Capabilities = UICapabilities()
	if _, err := c.Initialize(ctx, req); err != nil {
		c.Close()
		return nil, fmt.Errorf("initialize: %w", err)
	}
	return &Source{c: c}, nil
}

// Client returns the MCP client, for checks beyond a view's inputs.
func (s *Source) Client() *client.Client { return s.c }

// Close ends the connection (and a stdio server with it).
func (s *Source) Close() error { return s.c.Close() }

// Call calls a tool and returns its result as JSON, as a host passes it
// to a view. It is a CallFunc.
func (s *Source) Call(ctx context.Context, name string, args map[string]any) (json.RawMessage, error) {
	req := mcp.CallToolRequest{}
	req.Params.Name = name
	req.Params.Arguments = args
	res, err := s.c.CallTool(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("calling %s: %w", name, err)
	}
	return json.Marshal(res)
}

// View reads a ui:// resource and returns its text contents (the HTML
// document) with their MIME type and _meta.
func (s *Source) View(ctx context.Context, uri string) (*mcp.TextResourceContents, error) {
	req := mcp.ReadResourceRequest{}
	req.Params.URI = uri
	res, err := s.c.ReadResource(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", uri, err)
	}
	for _, rc := range res.Contents {
		if t, ok := rc.(mcp.TextResourceContents); ok {
			return &t, nil
		}
	}
	return nil, fmt.Errorf("%s has no text contents", uri)
}

// ViewFor returns the ui:// resource a tool declares in its _meta.ui, or
// "" when it declares none.
func (s *Source) ViewFor(ctx context.Context, tool string) (string, error) {
	res, err := s.c.ListTools(ctx, mcp.ListToolsRequest{})
	if err != nil {
		return "", err
	}
	for _, t := range res.Tools {
		if t.Name != tool || t.Meta == nil {
			continue
		}
		if ui, ok := t.Meta.AdditionalFields["ui"].(map[string]any); ok {
			uri, _ := ui["resourceUri"].(string)
			return uri, nil
		}
	}
	return "", nil
}

// Shoot renders html with result in a fresh Chromium and returns a PNG.
func Shoot(ctx context.Context, browser, html string, result json.RawMessage, call CallFunc, theme string, width int) ([]byte, error) {
	h, err := Open(ctx, browser, call)
	if err != nil {
		return nil, err
	}
	defer h.Close()
	if err := h.Load(ctx, html, theme, width); err != nil {
		return nil, fmt.Errorf("loading the view: %w (console: %q)", err, h.Console())
	}
	if err := h.SendResult(ctx, result); err != nil {
		return nil, fmt.Errorf("rendering the result: %w (console: %q)", err, h.Console())
	}
	return h.Screenshot(ctx)
}
