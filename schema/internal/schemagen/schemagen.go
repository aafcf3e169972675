// Package schemagen reflects the schema package's structs into JSON Schemas.
// It runs only at generation time (go generate) and in the test that checks
// the committed files are current; the server never reflects.
package schemagen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/invopop/jsonschema"

	"github.com/klipy-ai/klipy-mcp/schema"
)

// ModulePath is the import path of the schema package, used to match Go
// doc comments to reflected types.
const ModulePath = "github.com/klipy-ai/klipy-mcp/schema"

// Generate returns the schema files (name → content) of tools, the
// catalogue's list. dir is the schema package's source directory, read for
// field doc comments.
func Generate(dir string, tools []schema.Entry) (map[string][]byte, error) {
	comments, err := goComments(dir)
	if err != nil {
		return nil, err
	}
	out := make(map[string][]byte, 2*len(tools))
	for _, e := range tools {
		in, err := render(reflector(comments, false).Reflect(e.Input), false)
		if err != nil {
			return nil, fmt.Errorf("%s input: %w", e.Tool, err)
		}
		res, err := render(reflector(comments, true).Reflect(e.Output), true)
		if err != nil {
			return nil, fmt.Errorf("%s output: %w", e.Tool, err)
		}
		out[schema.FileName(e.Tool, "input")] = in
		out[schema.FileName(e.Tool, "output")] = res
	}
	return out, nil
}

func goComments(dir string) (map[string]string, error) {
	r := new(jsonschema.Reflector)
	if err := r.AddGoComments(ModulePath, dir); err != nil {
		return nil, fmt.Errorf("reading doc comments in %s: %w", dir, err)
	}
	return r.CommentMap, nil
}

// reflector inlines every type (no $ref, no $defs) and takes required from
// jsonschema tags. Inputs are closed objects; outputs are open.
func reflector(comments map[string]string, output bool) *jsonschema.Reflector {
	return &jsonschema.Reflector{
		Anonymous:                  true,
		DoNotReference:             true,
		ExpandedStruct:             true,
		RequiredFromJSONSchemaTags: true,
		AllowAdditionalProperties:  output,
		CommentMap:                 comments,
	}
}

// render turns a reflected schema into the committed form: no $schema or
// $id, nullable properties as type [T, "null"], output objects marked
// additionalProperties true, and type-level doc comments dropped from the
// top level (the tool's description says what it is).
func render(s *jsonschema.Schema, output bool) ([]byte, error) {
	raw, err := json.Marshal(s)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	delete(m, "$schema")
	delete(m, "$id")
	delete(m, "description")
	if m["type"] != "object" {
		return nil, fmt.Errorf("top level is %v, want object", m["type"])
	}
	if _, ok := m["properties"]; !ok {
		m["properties"] = map[string]any{}
	}
	normalise(m, output)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(m); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// normalise rewrites nested schemas in place.
func normalise(m map[string]any, output bool) {
	if m["type"] == "object" && output {
		m["additionalProperties"] = true
	}
	if props, ok := m["properties"].(map[string]any); ok {
		for name, p := range props {
			pm, ok := p.(map[string]any)
			if !ok {
				continue
			}
			props[name] = flattenNullable(pm)
			normalise(props[name].(map[string]any), output)
		}
	}
	if items, ok := m["items"].(map[string]any); ok {
		normalise(items, output)
	}
}

// flattenNullable turns invopop's {"oneOf":[S,{"type":"null"}]} into S with
// type [S.type, "null"], which models and validators handle more simply.
func flattenNullable(p map[string]any) map[string]any {
	one, ok := p["oneOf"].([]any)
	if !ok || len(one) != 2 {
		return p
	}
	first, ok1 := one[0].(map[string]any)
	second, ok2 := one[1].(map[string]any)
	if !ok1 || !ok2 || !reflect.DeepEqual(second, map[string]any{"type": "null"}) {
		return p
	}
	if t, ok := first["type"].(string); ok {
		first["type"] = []any{t, "null"}
	}
	return first
}
