package tools

import (
	"bytes"
	"encoding/json"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/klipy-ai/klipy-mcp/schema"
)

// success returns v as structuredContent and as a compact JSON text block
// (some clients show only one of them).
func success(v any) *mcp.CallToolResult {
	text, err := compactJSON(v)
	if err != nil {
		return errorResult("klipy-mcp could not encode the result (" + err.Error() + "); this is a bug, please report it.")
	}
	// structuredContent carries the same bytes as the text block, so the
	// result is encoded once rather than again by reflection on the wire.
	return mcp.NewToolResultStructured(json.RawMessage(text), text)
}

func compactJSON(v any) (string, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return string(bytes.TrimRight(buf.Bytes(), "\n")), nil
}

// shapeOne shapes a single record for a get or write result.
func shapeOne(v any) (any, error) { return recordShaper().shape(v) }

// shapeList shapes the records of a list, each field cut to limit runes
// with a marker naming getTool and the record's id.
func shapeList[T any](recs []T, id func(T) string, getTool, idArg string, limit int) ([]any, error) {
	out := make([]any, 0, len(recs))
	for _, r := range recs {
		v, err := listShaper(getTool, idArg, id(r), limit).shape(r)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// records wraps shaped records for a result; the slice stays non-nil.
func records[T any](items []any) []schema.Record[T] {
	out := make([]schema.Record[T], len(items))
	for i, v := range items {
		out[i] = schema.Record[T]{Value: v}
	}
	return out
}

// fitList shapes recs with the longest field limit whose result, built by
// build, stays under maxResultBytes.
func fitList[T, R any](recs []T, id func(T) string, getTool, idArg string, build func([]any) R) (R, error) {
	var res R
	for _, limit := range []int{listTextLimit, 150, 40} {
		items, err := shapeList(recs, id, getTool, idArg, limit)
		if err != nil {
			return res, err
		}
		res = build(items)
		b, err := json.Marshal(res)
		if err != nil {
			return res, err
		}
		if len(b) <= maxResultBytes {
			break
		}
	}
	return res, nil
}
