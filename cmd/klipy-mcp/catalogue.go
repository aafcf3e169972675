package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"

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
		return rewriteReadme(e.cfg.Readme, markdownTable(ts))
	case e.cfg.JSON:
		return writeJSON(e.stdout, mcp.ListToolsResult{Tools: ts})
	default:
		_, err := fmt.Fprint(e.stdout, markdownTable(ts))
		return err
	}
}

// catalogue lists the tools the server offers for c, as a client sees them
// in tools/list. It needs no key and sends nothing upstream: without
// --scopes every tool of the configuration is listed.
func catalogue(ctx context.Context, c *config) ([]mcp.Tool, error) {
	cc := *c
	if cc.APIKey == "" && !cc.Sandbox {
		// The catalogue never calls Klipy; the client only needs a key
		// to exist.
		cc.APIKey = "klipy_api_catalogue"
	}
	logger, closeLog, err := newLogger(&cc, os.Stderr)
	if err != nil {
		return nil, err
	}
	defer closeLog()
	srv, err := newMCPServer(&cc, logger)
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

// markdownTable renders ts as the README's tool table.
func markdownTable(ts []mcp.Tool) string {
	var b strings.Builder
	b.WriteString("| tool | title | kind | description |\n|---|---|---|---|\n")
	for _, t := range ts {
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", t.Name, cell(t.Annotations.Title), toolKind(t), cell(t.Description))
	}
	return b.String()
}

// toolKind names a tool's effect from its annotations.
func toolKind(t mcp.Tool) string {
	a := t.Annotations
	switch {
	case a.ReadOnlyHint != nil && *a.ReadOnlyHint:
		return "read-only"
	case a.DestructiveHint != nil && *a.DestructiveHint:
		return "destructive"
	default:
		return "write"
	}
}

// cell makes s safe inside a markdown table cell.
func cell(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	return strings.ReplaceAll(s, "|", `\|`)
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
