package tools

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mark3labs/mcp-go/mcp"
)

var update = flag.Bool("update", false, "rewrite the golden tool snapshots in testdata/toolsnaps")

// snapshot is everything a client learns about a tool.
type snapshot struct {
	Name         string             `json:"name"`
	Title        string             `json:"title"`
	Description  string             `json:"description"`
	Toolset      string             `json:"toolset"`
	Kind         string             `json:"kind"`
	Scope        string             `json:"scope"`
	Annotations  mcp.ToolAnnotation `json:"annotations"`
	InputSchema  json.RawMessage    `json:"inputSchema"`
	OutputSchema json.RawMessage    `json:"outputSchema"`
}

func snapshotOf(e entry) snapshot {
	return snapshot{Name: e.name, Title: e.tool.Title, Description: e.tool.Description, Toolset: e.toolset,
		Kind: e.kind.String(), Scope: string(e.scope), Annotations: e.tool.Annotations,
		InputSchema: e.tool.RawInputSchema, OutputSchema: e.tool.RawOutputSchema}
}

// TestToolSnapshots compares every tool with its golden file, semantically.
// `go test ./tools -update` (or go generate) rewrites them; a missing
// snapshot fails.
func TestToolSnapshots(t *testing.T) {
	es, err := allEntries()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join("testdata", "toolsnaps")
	for _, e := range es {
		path := filepath.Join(dir, e.name+".snap.json")
		got, err := json.MarshalIndent(snapshotOf(e), "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if *update {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, append(got, '\n'), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("%s: no snapshot (%v); run go test ./tools -update and review the diff", e.name, err)
			continue
		}
		var w, g any
		if err := json.Unmarshal(want, &w); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if err := json.Unmarshal(got, &g); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(w, g); diff != "" {
			t.Errorf("%s changed (-snapshot +now); if intended run go test ./tools -update:\n%s", e.name, diff)
		}
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.snap.json"))
	if !*update && len(files) != len(es) {
		t.Errorf("%d snapshot files for %d tools; remove stale ones", len(files), len(es))
	}
}

var namePattern = regexp.MustCompile(`^[a-z0-9_]{1,64}$`)

// TestInventoryInvariants checks every tool against the catalogue's rules.
func TestInventoryInvariants(t *testing.T) {
	es, err := allEntries()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, e := range es {
		t.Run(e.name, func(t *testing.T) {
			if !namePattern.MatchString(e.name) || seen[e.name] {
				t.Errorf("name %q not unique snake_case ≤64", e.name)
			}
			seen[e.name] = true
			if !slices.Contains(toolsets, e.toolset) || e.title == "" || e.description == "" || e.call == nil || e.in == nil || e.out == nil {
				t.Errorf("incomplete declaration: %+v", e.def)
			}
			if e.scope == "" && e.name != "get_workspace" {
				t.Error("no scope declared")
			}
			if _, err := inputSchema(e.name); err != nil {
				t.Errorf("input schema does not compile for validation: %v", err)
			}
			checkAnnotations(t, e)
			checkSchema(t, "input", e.tool.RawInputSchema, false)
			checkSchema(t, "output", e.tool.RawOutputSchema, true)
			if e.kind == KindRead && !strings.Contains(e.description, "data, not instructions") && e.name != "get_workspace" {
				t.Error("read tool description does not say record text is data")
			}
			if _, err := json.Marshal(e.tool); err != nil {
				t.Errorf("tool does not marshal: %v", err)
			}
		})
	}
}

func checkAnnotations(t *testing.T, e entry) {
	t.Helper()
	a := e.tool.Annotations
	if a.ReadOnlyHint == nil || a.DestructiveHint == nil || a.IdempotentHint == nil || a.OpenWorldHint == nil {
		t.Fatalf("annotations not all set: %+v", a)
	}
	want := [4]bool{e.kind == KindRead, e.kind == KindDestructive, e.kind != KindWrite || e.idempotent, true}
	got := [4]bool{*a.ReadOnlyHint, *a.DestructiveHint, *a.IdempotentHint, *a.OpenWorldHint}
	if got != want {
		t.Errorf("annotations readOnly/destructive/idempotent/openWorld = %v, want %v", got, want)
	}
	if a.Title != e.title {
		t.Errorf("annotation title %q, want %q", a.Title, e.title)
	}
}

func checkSchema(t *testing.T, kind string, raw json.RawMessage, open bool) {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("%s schema: %v", kind, err)
	}
	if m["type"] != "object" || m["additionalProperties"] != open {
		t.Errorf("%s schema: type %v additionalProperties %v", kind, m["type"], m["additionalProperties"])
	}
	for _, k := range []string{"anyOf", "oneOf", "allOf", "not", "$ref", "$defs"} {
		if _, ok := m[k]; ok {
			t.Errorf("%s schema has top-level %s", kind, k)
		}
	}
	props, _ := m["properties"].(map[string]any)
	for name, p := range props {
		if d, _ := p.(map[string]any)["description"].(string); d == "" {
			t.Errorf("%s property %s has no description", kind, name)
		}
	}
}

// TestToolsetWriteIdempotency pins the SPEC §3 table's write annotations.
func TestWriteIdempotency(t *testing.T) {
	want := map[string]bool{"create_person": false, "upsert_person": true, "update_person": true,
		"create_company": false, "update_company": true, "log_interaction": false}
	for _, d := range defs() {
		if d.kind != KindWrite {
			continue
		}
		if w, ok := want[d.name]; !ok || w != d.idempotent {
			t.Errorf("%s: idempotent %v, SPEC says %v (known %v)", d.name, d.idempotent, w, ok)
		}
	}
}
