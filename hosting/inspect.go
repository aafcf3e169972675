package hosting

import (
	"bytes"
	"encoding/json"
	"net/http"
	"unicode/utf8"

	"github.com/mark3labs/mcp-go/mcp"
)

// inspect reads what the host needs from a JSON-RPC message: its method,
// the tool a tools/call names, and its protocol era, decided exactly as
// mcp-go decides it (the header or the body's _meta naming 2026-07-28 or
// later), so the host never skips a session check mcp-go then relies on.
func inspect(body []byte, header http.Header) (method, tool string, modern bool) {
	method, name, ok := inspectPlain(body)
	if !ok {
		return inspectDecoded(body, header)
	}
	modern = mcp.IsModernProtocol(header.Get(mcp.HeaderProtocolVersion))
	if method == string(mcp.MethodToolsCall) {
		tool = name
	}
	return method, tool, modern
}

// inspectDecoded is inspect by json.Unmarshal, the reference.
func inspectDecoded(body []byte, header http.Header) (method, tool string, modern bool) {
	var msg struct {
		Method string `json:"method"`
		Params struct {
			Name string    `json:"name"`
			Meta *mcp.Meta `json:"_meta"`
		} `json:"params"`
	}
	_ = json.Unmarshal(body, &msg)
	modern = mcp.IsModernProtocol(header.Get(mcp.HeaderProtocolVersion)) ||
		mcp.IsModernProtocol(msg.Params.Meta.ProtocolVersion())
	if msg.Method == string(mcp.MethodToolsCall) {
		tool = msg.Params.Name
	}
	return msg.Method, tool, modern
}

// inspectPlain reads method and params.name from the usual message
// without reflection: valid JSON with no escapes, both plain strings, no
// _meta and no key that json.Unmarshal would match in another spelling.
// It reports false for anything else, which inspectDecoded then reads.
func inspectPlain(b []byte) (method, name string, ok bool) {
	if bytes.IndexByte(b, '\\') >= 0 || !json.Valid(b) {
		return "", "", false
	}
	var params []byte
	seen := 0
	ok = eachMember(b, func(k, v []byte) bool {
		switch {
		case string(k) == "method":
			method, ok = plainText(v)
			return ok
		case string(k) == "params":
			params, seen = v, seen+1
			return seen == 1 // a second params would merge into the first
		}
		return !bytes.EqualFold(k, []byte("method")) && !bytes.EqualFold(k, []byte("params"))
	})
	if !ok || params == nil || string(params) == "null" {
		return method, "", ok
	}
	ok = eachMember(params, func(k, v []byte) bool {
		switch {
		case string(k) == "name":
			name, ok = plainText(v)
			return ok
		}
		return !bytes.EqualFold(k, []byte("name")) && !bytes.EqualFold(k, []byte("_meta"))
	})
	return method, name, ok
}

// plainText returns the text of a JSON string token without escapes.
func plainText(v []byte) (string, bool) {
	if len(v) < 2 || v[0] != '"' || !utf8.Valid(v) {
		return "", false
	}
	return string(v[1 : len(v)-1]), true
}

// eachMember calls f with each key and value of the valid, escape-free
// JSON object b, until f returns false; false when b is not an object or f
// said so.
func eachMember(b []byte, f func(k, v []byte) bool) bool {
	i := space(b, 0)
	if i >= len(b) || b[i] != '{' {
		return false
	}
	for i = space(b, i+1); i < len(b) && b[i] == '"'; {
		end := i + 1 + bytes.IndexByte(b[i+1:], '"')
		k := b[i+1 : end]
		i = space(b, space(b, end+1)+1) // past the colon
		vend := valueEnd(b, i)
		if !f(k, b[i:vend]) {
			return false
		}
		if i = space(b, vend); i < len(b) && b[i] == ',' {
			i = space(b, i+1)
		}
	}
	return true
}

func space(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// valueEnd returns the index just past the value at b[i] in valid,
// escape-free JSON.
func valueEnd(b []byte, i int) int {
	depth := 0
	for j := i; j < len(b); j++ {
		switch b[j] {
		case '"':
			j += 1 + bytes.IndexByte(b[j+1:], '"')
			if depth == 0 {
				return j + 1
			}
		case '{', '[':
			depth++
		case '}', ']':
			if depth--; depth == 0 {
				return j + 1
			}
			if depth < 0 {
				return j
			}
		case ',', ' ', '\t', '\n', '\r':
			if depth == 0 {
				return j
			}
		}
	}
	return len(b)
}
