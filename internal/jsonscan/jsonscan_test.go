package jsonscan

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzValue compares Value with json.Valid on whole texts.
func FuzzValue(f *testing.F) {
	for _, s := range []string{`{"a":[1,2.5e-3,"x\u00e9",true,false,null]}`, `"\x"`, `[1,]`, `01`, `-`, `{"a" 1}`, " \t\n[ ]\r"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		end := Value(b, SkipSpace(b, 0), MaxDepth)
		got := end >= 0 && SkipSpace(b, end) == len(b)
		if want := json.Valid(b); got != want {
			t.Errorf("Value(%q) = %d: valid %v, json.Valid %v", b, end, got, want)
		}
	})
}

// TestValueRoom reaches the nesting bound: room levels pass, one more fails,
// and MaxDepth is where json.Valid stops too.
func TestValueRoom(t *testing.T) {
	nest := func(n int) []byte { return []byte(strings.Repeat("[", n) + strings.Repeat("]", n)) }
	if end := Value(nest(3), 0, 3); end != 6 {
		t.Errorf("3 levels with room 3: end %d, want 6", end)
	}
	if end := Value(nest(4), 0, 3); end != -1 {
		t.Errorf("4 levels with room 3: end %d, want -1", end)
	}
	for _, n := range []int{MaxDepth, MaxDepth + 1} {
		got := Value(nest(n), 0, MaxDepth) >= 0
		if want := json.Valid(nest(n)); got != want {
			t.Errorf("%d levels: Value %v, json.Valid %v", n, got, want)
		}
	}
}

// FuzzMembers compares Members with json.Unmarshal into a map: the same
// validity, and the same keys and values in order where the keys have no
// escapes and are UTF-8 (encoding/json keeps the last of a repeated key).
// json.Unmarshal also takes null, which sets the map to nil: that is not an
// object, and Members refuses it.
func FuzzMembers(f *testing.F) {
	for _, s := range []string{`{"a":1,"b":{"c":[true]},"a":"x"}`, `{}`, ` {"k\u0041":null} `, `{"a":1,}`, `[1]`, `{"a" 1}`, ` null `} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		want := map[string]json.RawMessage{}
		werr := json.Unmarshal(b, &want)
		got := map[string]string{}
		plain := true
		end := Members(b, 0, MaxDepth, func(key []byte, escaped bool, value []byte) bool {
			plain = plain && !escaped && utf8.Valid(key)
			got[string(key)] = string(value)
			return true
		})
		valid := end >= 0 && SkipSpace(b, end) == len(b)
		if valid != (werr == nil && want != nil) {
			t.Fatalf("Members(%q) = %d: valid %v, json.Unmarshal: %v", b, end, valid, werr)
		}
		if !valid || !plain {
			return
		}
		if len(got) != len(want) {
			t.Fatalf("Members(%q): %d keys, json.Unmarshal %d", b, len(got), len(want))
		}
		for k, v := range want {
			if got[k] != string(v) {
				t.Errorf("Members(%q)[%q] = %q, json.Unmarshal %q", b, k, got[k], v)
			}
		}
	})
}

// TestMembersStops: a member that returns false ends the walk there.
func TestMembersStops(t *testing.T) {
	var seen []string
	end := Members([]byte(`{"a":1,"b":2,"c":3}`), 0, MaxDepth, func(key []byte, _ bool, _ []byte) bool {
		seen = append(seen, string(key))
		return string(key) != "b"
	})
	if end != -1 || strings.Join(seen, ",") != "a,b" {
		t.Errorf("stopped at b: end %d, saw %v; want -1, [a b]", end, seen)
	}
}
