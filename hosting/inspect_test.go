package hosting

import (
	"net/http"
	"strings"
	"testing"

	"github.com/klipy-ai/klipy-mcp/internal/jsonscan"
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

// TestInspectDepth: arguments nested as deep as encoding/json accepts are
// read, one level more is refused, as by json.Unmarshal.
func TestInspectDepth(t *testing.T) {
	for n := jsonscan.MaxDepth - 4; n <= jsonscan.MaxDepth; n++ {
		for _, open := range []string{"[", `{"a":`} {
			closing := "]"
			if open != "[" {
				closing = "}"
			}
			args := strings.Repeat(open, n) + "1" + strings.Repeat(closing, n)
			body := []byte(`{"method":"tools/call","params":{"name":"x","arguments":` + args + `}}`)
			m, tool, _ := inspect(body, http.Header{})
			wm, wtool, _ := inspectDecoded(body, http.Header{})
			if m != wm || tool != wtool {
				t.Errorf("arguments %d × %q deep: inspect = %q, %q; json.Unmarshal: %q, %q", n, open, m, tool, wm, wtool)
			}
		}
	}
}

// BenchmarkInspect is the host's reading of the usual tools/call body.
func BenchmarkInspect(b *testing.B) {
	body := []byte(`{"jsonrpc":"2.0","id":12,"method":"tools/call","params":{"name":"get_person","arguments":{"person_id":"per_01JABCDEF123456789"}}}`)
	h := http.Header{}
	b.ReportAllocs()
	for b.Loop() {
		inspect(body, h)
	}
}
