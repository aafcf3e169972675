package hosting

import (
	"net/http"
	"testing"
)

// FuzzInspect checks inspect against its json.Unmarshal reference, with
// and without a protocol-version header.
func FuzzInspect(f *testing.F) {
	for _, s := range []string{
		`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_person","arguments":{"person_id":"p1"}}}`,
		`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x","_meta":{"protocolVersion":"2026-07-28"}}}`,
		`{"method":"tools/call","Method":"initialize"}`, `{"method":"tools/call","params":{"name":"a"},"params":{"x":1}}`,
		`{"method":"tools/call","params":{"NAME":"a"}}`, `{"method":null}`, `{"method":"a\u00e9"}`, `{"method":5}`,
		`{"method":"tools/call","params":null}`, `{"method":"tools/call","params":[1]}`, `[]`, `{`, `"x"`,
		`{"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{}}}`, "{\"method\":\"\xff\"}",
	} {
		f.Add([]byte(s), false)
	}
	f.Fuzz(func(t *testing.T, body []byte, modernHeader bool) {
		h := http.Header{}
		if modernHeader {
			h.Set("Mcp-Protocol-Version", "2026-07-28")
		}
		m, tool, modern := inspect(body, h)
		wm, wtool, wmodern := inspectDecoded(body, h)
		if m != wm || tool != wtool || modern != wmodern {
			t.Errorf("inspect(%q) = %q, %q, %v; json.Unmarshal: %q, %q, %v", body, m, tool, modern, wm, wtool, wmodern)
		}
	})
}

// TestInspectPlain checks that the usual tools/call is read without the
// decoder, and that a message with _meta is left to it.
func TestInspectPlain(t *testing.T) {
	m, name, ok := inspectPlain([]byte(`{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"get_person","arguments":{"person_id":"p1","tags":["a",{"b":[]}]}}}`))
	if !ok || m != "tools/call" || name != "get_person" {
		t.Errorf("inspectPlain = %q, %q, %v; want tools/call, get_person, true", m, name, ok)
	}
	if _, _, ok := inspectPlain([]byte(`{"method":"tools/call","params":{"name":"x","_meta":{}}}`)); ok {
		t.Error("inspectPlain read a message with _meta")
	}
}
