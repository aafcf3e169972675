package tools

import (
	"encoding/json"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/klipy-ai/klipy-mcp/klipy"
)

// success returns v as structuredContent and as a compact JSON text block
// (some clients show only one of them).
func success(v any) *mcp.CallToolResult {
	b, err := compactJSONBytes(v)
	if err != nil {
		return errorResult("klipy-mcp could not encode the result (" + err.Error() + "); this is a bug, please report it.")
	}
	// structuredContent carries the same bytes as the text block, so the
	// result is encoded once rather than again by reflection on the wire.
	return mcp.NewToolResultStructured(json.RawMessage(b), string(b))
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
