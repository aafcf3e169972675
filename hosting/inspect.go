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
// without reflection, validating it in the same pass: valid JSON with no
// escapes, both plain strings, no _meta and no key that json.Unmarshal would
// match in another spelling. It reports false for anything else (invalid
// JSON included), which inspectDecoded then reads.
func inspectPlain(b []byte) (method, name string, ok bool) {
	if bytes.IndexByte(b, '\\') >= 0 {
		return "", "", false
	}
	s := plainScanner{b: b}
	var m, n []byte
	params := 0
	s.space()
	ok = s.object(func(k []byte) bool {
		switch {
		case string(k) == "method":
			v, isStr := s.str()
			m = v
			return isStr
		case string(k) == "params":
			if params++; params > 1 {
				return false // a second params would merge into the first
			}
			switch s.peek() {
			case 'n':
				return s.value() // null, or invalid
			case '{':
				return s.object(func(k []byte) bool {
					switch {
					case string(k) == "name":
						v, isStr := s.str()
						n = v
						return isStr
					case bytes.EqualFold(k, []byte("name")) || bytes.EqualFold(k, []byte("_meta")):
						return false
					}
					return s.value()
				})
			}
			return false
		case bytes.EqualFold(k, []byte("method")) || bytes.EqualFold(k, []byte("params")):
			return false
		}
		return s.value()
	}) && s.end()
	if !ok || !utf8.Valid(m) || !utf8.Valid(n) {
		return "", "", false
	}
	return methodName(m), string(n), true
}

// methodName returns m as a string without copying it when it is one of the
// methods of every call.
func methodName(m []byte) string {
	switch string(m) {
	case string(mcp.MethodToolsCall):
		return string(mcp.MethodToolsCall)
	case string(mcp.MethodToolsList):
		return string(mcp.MethodToolsList)
	case string(mcp.MethodInitialize):
		return string(mcp.MethodInitialize)
	}
	return string(m)
}
