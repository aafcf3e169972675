package jsonscan

import (
	"encoding/json"
	"strings"
	"testing"
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
