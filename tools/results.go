package tools

import (
	"bytes"
	"encoding/json"

	"github.com/mark3labs/mcp-go/mcp"
)

// success returns v as structuredContent and as a compact JSON text block
// (some clients show only one of them).
func success(v any) *mcp.CallToolResult {
	b, err := compactBytes(v)
	if err != nil {
		return errorResult("klipy-mcp could not encode the result (" + err.Error() + "); this is a bug, please report it.")
	}
	// structuredContent carries the same bytes as the text block, so the
	// result is encoded once rather than again by reflection on the wire.
	return mcp.NewToolResultStructured(json.RawMessage(b), string(b))
}

func compactJSON(v any) (string, error) {
	b, err := compactBytes(v)
	return string(b), err
}

// compactBytes encodes v as compact JSON without HTML escaping.
func compactBytes(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// shapeOne shapes a single record for a get or write result.
func shapeOne(v any) (any, error) { return recordShaper().shape(v) }
