package tools

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/klipy-ai/klipy-mcp/klipy"
	"github.com/klipy-ai/klipy-mcp/schema"
)

// Kind classifies a tool by its effect; it decides the annotations.
type Kind int

// The tool kinds.
const (
	KindRead Kind = iota
	KindWrite
	KindDestructive
)

func (k Kind) String() string {
	switch k {
	case KindRead:
		return "read"
	case KindWrite:
		return "write"
	default:
		return "destructive"
	}
}

// The toolsets, in catalogue order.
const (
	ToolsetWorkspace    = "workspace"
	ToolsetPeople       = "people"
	ToolsetCompanies    = "companies"
	ToolsetInteractions = "interactions"
)

var toolsets = []string{ToolsetWorkspace, ToolsetPeople, ToolsetCompanies, ToolsetInteractions}

// def declares one tool: everything the inventory, the filters and the
// server need to know about it.
type def struct {
	name, title, description string
	toolset                  string
	kind                     Kind
	// idempotent applies to write tools; read and destructive tools are
	// always idempotent.
	idempotent bool
	// scope is the key scope the tool needs; empty means any valid key.
	scope klipy.Scope
	// in and out are zero values of the argument and result types, which
	// the schema generator reflects.
	in, out any
	// call decodes the arguments, runs the handler and shapes its outcome;
	// tool builds it.
	call func(ctx context.Context, d deps) *mcp.CallToolResult
}

// entry is a built tool: its MCP definition and its declaration.
type entry struct {
	def
	tool mcp.Tool
}

// defs lists every tool in catalogue order.
func defs() []def {
	return slices.Concat(workspaceDefs(), peopleDefs(), companyDefs(), interactionDefs())
}

var (
	inventoryOnce sync.Once
	inventory     []entry
	inventoryErr  error
	// inputs compiles each tool's input schema once, on its first call:
	// compiling all of them costs about 2 ms and 0.8 MB, which start-up
	// (SPEC §9) should not pay for tools a session may never call.
	inputs map[string]func() (*jsonschema.Schema, error)
	// plainInputs reads, once per tool, which of its arguments decodeArgs
	// may check without the validator.
	plainInputs map[string]func() *plainSchema
)

// allEntries builds every tool once per process from the embedded schemas.
func allEntries() ([]entry, error) {
	inventoryOnce.Do(func() {
		inputs = map[string]func() (*jsonschema.Schema, error){}
		plainInputs = map[string]func() *plainSchema{}
		for _, d := range defs() {
			inputs[d.name] = sync.OnceValues(func() (*jsonschema.Schema, error) { return compileInput(d.name) })
			plainInputs[d.name] = sync.OnceValue(func() *plainSchema { return plainSchemaOf(d.name) })
			t, err := newTool(d)
			if err != nil {
				inventoryErr = err
				return
			}
			inventory = append(inventory, entry{def: d, tool: t})
		}
	})
	return inventory, inventoryErr
}

// inputSchema returns tool's compiled input schema.
func inputSchema(tool string) (*jsonschema.Schema, error) {
	if _, err := allEntries(); err != nil {
		return nil, err
	}
	compiled, ok := inputs[tool]
	if !ok {
		return nil, fmt.Errorf("no input schema for tool %q", tool)
	}
	return compiled()
}

// plainInput returns what decodeArgs may check of tool's arguments without
// the validator, or nil.
func plainInput(tool string) *plainSchema {
	if _, err := allEntries(); err != nil {
		return nil
	}
	if p, ok := plainInputs[tool]; ok {
		return p()
	}
	return nil
}

// newTool is the one constructor of every tool: schemas come from the
// schema package and all four annotations from the tool's kind.
func newTool(d def) (mcp.Tool, error) {
	in, err := schema.Input(d.name)
	if err != nil {
		return mcp.Tool{}, err
	}
	out, err := schema.Output(d.name)
	if err != nil {
		return mcp.Tool{}, err
	}
	return mcp.Tool{
		Name:            d.name,
		Title:           d.title,
		Description:     d.description,
		RawInputSchema:  in,
		RawOutputSchema: out,
		Annotations:     annotations(d),
	}, nil
}

func annotations(d def) mcp.ToolAnnotation {
	a := mcp.ToolAnnotation{Title: d.title, OpenWorldHint: mcp.ToBoolPtr(true)}
	switch d.kind {
	case KindRead:
		a.ReadOnlyHint, a.DestructiveHint, a.IdempotentHint = mcp.ToBoolPtr(true), mcp.ToBoolPtr(false), mcp.ToBoolPtr(true)
	case KindWrite:
		a.ReadOnlyHint, a.DestructiveHint, a.IdempotentHint = mcp.ToBoolPtr(false), mcp.ToBoolPtr(false), mcp.ToBoolPtr(d.idempotent)
	case KindDestructive:
		a.ReadOnlyHint, a.DestructiveHint, a.IdempotentHint = mcp.ToBoolPtr(false), mcp.ToBoolPtr(true), mcp.ToBoolPtr(true)
	}
	return a
}

// ToolNames returns every tool's name in catalogue order.
func ToolNames() []string {
	var names []string
	for _, d := range defs() {
		names = append(names, d.name)
	}
	return names
}

// ToolsetNames returns every toolset's name.
func ToolsetNames() []string { return slices.Clone(toolsets) }

// Catalogue returns the tools cfg makes visible, ignoring key scopes: the
// composition toolsets → Tools → ExcludeTools → ReadOnly.
func Catalogue(cfg Config) ([]mcp.Tool, error) {
	es, err := selectEntries(cfg)
	if err != nil {
		return nil, err
	}
	out := make([]mcp.Tool, len(es))
	for i, e := range es {
		out[i] = e.tool
	}
	return out, nil
}

// selectEntries validates cfg's names and applies the static composition.
func selectEntries(cfg Config) ([]entry, error) {
	all, err := allEntries()
	if err != nil {
		return nil, err
	}
	sets, err := chosenToolsets(cfg.Toolsets)
	if err != nil {
		return nil, err
	}
	if err := checkToolNames("tools", cfg.Tools); err != nil {
		return nil, err
	}
	if err := checkToolNames("exclude-tools", cfg.ExcludeTools); err != nil {
		return nil, err
	}
	var out []entry
	for _, e := range all {
		switch {
		case !sets[e.toolset]:
		case len(cfg.Tools) > 0 && !slices.Contains(cfg.Tools, e.name):
		case slices.Contains(cfg.ExcludeTools, e.name):
		case cfg.ReadOnly && e.kind != KindRead:
		default:
			out = append(out, e)
		}
	}
	return out, nil
}

func chosenToolsets(names []string) (map[string]bool, error) {
	sets := map[string]bool{}
	if len(names) == 0 || (len(names) == 1 && names[0] == "all") {
		for _, s := range toolsets {
			sets[s] = true
		}
		return sets, nil
	}
	for _, n := range names {
		n = strings.TrimSpace(n)
		if n == "all" {
			return chosenToolsets(nil)
		}
		if !slices.Contains(toolsets, n) {
			return nil, fmt.Errorf("unknown toolset %q; valid toolsets: all, %s", n, strings.Join(toolsets, ", "))
		}
		sets[n] = true
	}
	return sets, nil
}

func checkToolNames(flag string, names []string) error {
	valid := ToolNames()
	for _, n := range names {
		if !slices.Contains(valid, n) {
			return fmt.Errorf("unknown tool %q in %s; valid tools: %s", n, flag, strings.Join(valid, ", "))
		}
	}
	return nil
}

// MarkdownTable renders tools as the README's tool table.
func MarkdownTable(list []mcp.Tool) string {
	byName := map[string]def{}
	for _, d := range defs() {
		byName[d.name] = d
	}
	var b strings.Builder
	b.WriteString("| tool | toolset | kind | scope | description |\n|---|---|---|---|---|\n")
	for _, t := range list {
		d := byName[t.Name]
		scope := "`" + string(d.scope) + "`"
		if d.scope == "" {
			scope = "any valid key"
		}
		desc := strings.ReplaceAll(t.Description, "|", `\|`)
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", t.Name, d.toolset, d.kind, scope, desc)
	}
	return b.String()
}
