package schema_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/klipy-ai/klipy-mcp/schema"
	"github.com/klipy-ai/klipy-mcp/schema/internal/schemagen"
	"github.com/klipy-ai/klipy-mcp/tools"
)

// TestCommittedSchemasAreCurrent fails when a struct changed without
// `go generate ./schema/...` being run.
func TestCommittedSchemasAreCurrent(t *testing.T) {
	want, err := schemagen.Generate(".", tools.SchemaEntries())
	if err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir("json")
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(want) {
		t.Errorf("schema/json has %d files, the generator makes %d", len(entries), len(want))
	}
	for name, b := range want {
		got, err := os.ReadFile(filepath.Join("json", name))
		if err != nil {
			t.Errorf("%s: %v (run go generate ./schema/...)", name, err)
			continue
		}
		if diff := cmp.Diff(string(b), string(got)); diff != "" {
			t.Errorf("%s is stale; run go generate ./schema/... (-generated +committed):\n%s", name, diff)
		}
	}
}

func TestSchemasAreFlatAndDescribed(t *testing.T) {
	for _, e := range tools.SchemaEntries() {
		for _, kind := range []string{"input", "output"} {
			raw, err := read(e.Tool, kind)
			if err != nil {
				t.Fatal(err)
			}
			var m map[string]any
			if err := json.Unmarshal(raw, &m); err != nil {
				t.Fatalf("%s %s: %v", e.Tool, kind, err)
			}
			if m["type"] != "object" {
				t.Errorf("%s %s: top-level type %v, want object", e.Tool, kind, m["type"])
			}
			for _, k := range []string{"anyOf", "oneOf", "allOf", "not", "$defs"} {
				if _, ok := m[k]; ok {
					t.Errorf("%s %s: top-level %s", e.Tool, kind, k)
				}
			}
			if strings.Contains(string(raw), `"$ref"`) {
				t.Errorf("%s %s: contains $ref", e.Tool, kind)
			}
			wantAP := kind == "output"
			if m["additionalProperties"] != wantAP {
				t.Errorf("%s %s: additionalProperties %v, want %v", e.Tool, kind, m["additionalProperties"], wantAP)
			}
			props, _ := m["properties"].(map[string]any)
			for name, p := range props {
				if d, _ := p.(map[string]any)["description"].(string); d == "" {
					t.Errorf("%s %s: property %s has no description", e.Tool, kind, name)
				}
			}
		}
	}
}

func read(tool, kind string) (json.RawMessage, error) {
	if kind == "input" {
		return schema.Input(tool)
	}
	return schema.Output(tool)
}

func TestUnknownToolHasNoSchema(t *testing.T) {
	if _, err := schema.Input("no_such_tool"); err == nil {
		t.Error("Input(no_such_tool) succeeded")
	}
}
