package schema

import (
	"embed"
	"encoding/json"
	"fmt"
)

//go:embed json/*.json
var files embed.FS

// Input returns the committed JSON Schema of tool's arguments.
func Input(tool string) (json.RawMessage, error) { return read(tool, "input") }

// Output returns the committed JSON Schema of tool's structured result.
func Output(tool string) (json.RawMessage, error) { return read(tool, "output") }

func read(tool, kind string) (json.RawMessage, error) {
	b, err := files.ReadFile("json/" + FileName(tool, kind))
	if err != nil {
		return nil, fmt.Errorf("schema: no %s schema for tool %q: %w", kind, tool, err)
	}
	return json.RawMessage(b), nil
}

// FileName returns the name, below schema/json, of a tool's schema file;
// kind is "input" or "output".
func FileName(tool, kind string) string { return tool + "." + kind + ".json" }

// Entry pairs a tool name with zero values of its input and output structs.
// The tools package lists one per tool (tools.SchemaEntries); the generator
// reflects each into two schema files.
type Entry struct {
	Tool   string
	Input  any
	Output any
}
