package tools

import (
	"encoding/json"
	"unsafe"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/klipy-ai/klipy-mcp/klipy"
	"github.com/klipy-ai/klipy-mcp/schema"
)

// success returns v as structuredContent and as a compact JSON text block
// (some clients show only one of them).
func success[T any](v T) *mcp.CallToolResult {
	b, err := resultJSON(v)
	if err != nil {
		return errorResult("klipy-mcp could not encode the result (" + err.Error() + "); this is a bug, please report it.")
	}
	// structuredContent carries the same bytes as the text block, so the
	// result is encoded once rather than again by reflection on the wire.
	// The text is those bytes too, not a copy: b is new, owned by this
	// result alone, and nothing writes to it once it is made.
	return mcp.NewToolResultStructured(json.RawMessage(b), unsafe.String(unsafe.SliceData(b), len(b)))
}

// resultJSON is compactJSONBytes(v), written directly for a result that is
// one record and nothing else (get_person without interactions,
// get_company, get_interaction, and every create or update): the record's
// member and the JSON shapeJSON wrote for it, which is compact, so
// encoding/json would copy it unchanged.
func resultJSON[T any](v T) ([]byte, error) {
	var name string
	var rec any
	switch r := any(v).(type) {
	case schema.PersonResult:
		if r.Interactions == nil && r.ContactNames == nil && r.Note == "" && r.FilteredOut == 0 {
			name, rec = "person", r.Person.Value
		}
	case schema.CompanyResult:
		name, rec = "company", r.Company.Value
	case schema.InteractionResult:
		name, rec = "interaction", r.Interaction.Value
	}
	raw, ok := rec.(json.RawMessage)
	if !ok || raw == nil {
		return compactJSONBytes(v)
	}
	b := make([]byte, 0, len(`{"":}`)+len(name)+len(raw))
	b = append(b, `{"`...)
	b = append(b, name...)
	b = append(b, `":`...)
	b = append(b, raw...)
	b = append(b, '}')
	return klipy.RedactJSON(b), nil
}

// compactJSON encodes v for a tool result or a resource. Every record that
// reaches the model passes here, so this is where key-looking text is
// scrubbed from it (SPEC §10): the client scrubs the raw bytes it reads, but
// a key written with JSON escapes only becomes literal once decoded.
func compactJSON(v any) (string, error) {
	b, err := compactJSONBytes(v)
	return string(b), err
}

// compactJSONBytes is compactJSON's bytes, for a caller that keeps them.
func compactJSONBytes(v any) ([]byte, error) {
	b, err := encodeValue(v)
	if err != nil {
		return nil, err
	}
	return klipy.RedactJSON(b), nil
}

// shapeOne shapes a single record for a get or write result, as the JSON
// the result carries.
func shapeOne(v any) (any, error) { return recordShaper().shapeJSON(v) }
