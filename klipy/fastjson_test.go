package klipy

import (
	"encoding/json"
	"testing"
)

// FuzzStringShortcuts checks that the shortcuts of the field reader and
// writer agree with encoding/json byte for byte: plainString with
// Unmarshal on every token it accepts, appendString with Marshal always.
func FuzzStringShortcuts(f *testing.F) {
	for _, s := range []string{``, `plain`, `a"b`, `back\slash`, "tab\there", `<b>&`, "é", "\u2028", "bad\xff", `"quoted"`} {
		f.Add(s)
		b, _ := json.Marshal(s)
		f.Add(string(b))
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := json.Marshal(s)
		if got := appendString([]byte("x"), s); string(got) != "x"+string(want) {
			t.Errorf("appendString(%q) = %s, want x%s", s, got, want)
		}
		got, ok := plainString(json.RawMessage(s))
		if !ok {
			return
		}
		var dec string
		if err := json.Unmarshal([]byte(s), &dec); err != nil {
			t.Fatalf("plainString accepted %q, which is not a JSON string: %v", s, err)
		}
		if got != dec {
			t.Errorf("plainString(%q) = %q, json.Unmarshal says %q", s, got, dec)
		}
	})
}
