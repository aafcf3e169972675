package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/klipy-ai/klipy-mcp/tools"
	"github.com/mark3labs/mcp-go/mcp"
)

// The markers around the generated tool table in README.md.
const (
	readmeStart = "<!-- tools:start -->"
	readmeEnd   = "<!-- tools:end -->"
)

// runTools prints the tool catalogue for the current configuration: a
// markdown table, the tools/list payload (--json), or, with --readme FILE,
// rewrites FILE's tool table.
func runTools(ctx context.Context, e *env) error {
	if len(e.args) > 0 {
		return usageError("tools takes no arguments (got %q)", e.args[0])
	}
	ts, err := catalogue(ctx, e.cfg)
	if err != nil {
		return err
	}
	switch {
	case e.cfg.Readme != "":
		return rewriteReadme(e.cfg.Readme, tools.MarkdownTable(ts))
	case e.cfg.JSON:
		return writeJSON(e.stdout, mcp.ListToolsResult{Tools: ts})
	default:
		_, err := fmt.Fprint(e.stdout, tools.MarkdownTable(ts))
		return err
	}
}

// catalogue lists the tools the server offers for c. It needs no key and
// sends nothing upstream: without --scopes it is the configuration's whole
// catalogue; with --scopes it is what a key with those scopes is offered in
// tools/list, asked of the server itself.
func catalogue(ctx context.Context, c *config) ([]mcp.Tool, error) {
	all, err := tools.Catalogue(c.toolsConfig())
	if err != nil {
		return nil, usageError("%v", err)
	}
	if len(c.Scopes) == 0 {
		return all, nil
	}
	listed, err := scopedTools(ctx, c)
	if err != nil {
		return nil, err
	}
	names := make(map[string]bool, len(listed))
	for _, t := range listed {
		names[t.Name] = true
	}
	return slices.DeleteFunc(all, func(t mcp.Tool) bool { return !names[t.Name] }), nil
}

// scopedTools asks the server which tools a key with c.Scopes is offered.
func scopedTools(ctx context.Context, c *config) ([]mcp.Tool, error) {
	cc := *c
	cc.Sandbox = false
	if cc.APIKey == "" {
		// The catalogue never calls Klipy; the client only needs a key.
		cc.APIKey = "klipy_api_catalogue"
	}
	logger, closeLog, err := newLogger(&cc, os.Stderr)
	if err != nil {
		return nil, err
	}
	defer closeLog()
	srv, err := newMCPServer(ctx, &cc, logger, false)
	if err != nil {
		return nil, err
	}
	cl, err := connect(ctx, srv)
	if err != nil {
		return nil, err
	}
	defer cl.Close()
	return listTools(ctx, cl)
}

// rewriteReadme replaces the text between the tool-table markers of the
// markdown file at path with table.
func rewriteReadme(path, table string) error {
	old, err := os.ReadFile(path)
	if err != nil {
		return usageError("cannot read --readme: %v", err)
	}
	updated, err := replaceBetween(old, table)
	if err != nil {
		return usageError("--readme %s: %v", path, err)
	}
	if bytes.Equal(old, updated) {
		return nil
	}
	return os.WriteFile(path, updated, 0o644)
}

// replaceBetween returns doc with the text between the markers replaced.
func replaceBetween(doc []byte, table string) ([]byte, error) {
	s := string(doc)
	i := strings.Index(s, readmeStart)
	j := strings.Index(s, readmeEnd)
	if i < 0 || j < i {
		return nil, fmt.Errorf("no %s … %s markers", readmeStart, readmeEnd)
	}
	head := s[:i+len(readmeStart)]
	return []byte(head + "\n" + table + s[j:]), nil
}
