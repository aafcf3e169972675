package tools

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// FuzzShapeJSON checks that shapeJSON writes the bytes encoding/json writes
// for the shaped value (shape, then encode without HTML escaping).
func FuzzShapeJSON(f *testing.F) {
	for _, s := range []string{
		`{"b":"x","a":[1,2.5e3,-0,true,false,null],"c":{"d":"\u00e9\n","a\u200b":"<b>hi</b> there"}}`,
		`{"notes":"a very long note that is cut","tags":["one","twenty characters!"],"z":{}}`,
		`{"a":1,"a":2}`, "{\"k\":\"bad\xff\"}", ` {"k" : [ {} , [] ] } `, `{"q":"say \"hi\"\\ \t\r\n\u0001"}`,
		`{"s":"\u2028 and \u2029 and … and <&>"}`, `{"c":"b","b":"a","a":{"y":1,"x":2}}`, `[]`, `"s"`, `{}`,
		`{"id":"per_1","x":"exactly12chr","y":"thirteen char","z":"a < b","é":"a<b>"}`, `{"k\"":"v","k":"\\"}`,
		`{"b":{"d":1,"c":2},"a":{"b":{"z":[{"y":1,"x":2}],"a":"~"}},"a":"again"}`,
		`{"abcdefghij":1,"abcdefghi":2,"abcdefgh":3,"abcdefgz":4,"abcdefgh\u00e9":5,"abcdefgh~":6}`,
		strings.TrimSuffix(reversedObject(insertionSortMax+8), "}") + `,"k00003":"last"}`,
	} {
		f.Add([]byte(s))
	}
	sh := shaper{limit: 12, how: func(field string) string { return "cut in " + field }}
	f.Fuzz(func(t *testing.T, b []byte) {
		if !json.Valid(b) {
			return
		}
		v, err := decodeStd(b)
		if err != nil || keysCollide(v) {
			return // a decoded map keeps one of colliding keys at random
		}
		wantJSON := shapedReference(t, sh, b)
		got, err := sh.shapeJSON(json.RawMessage(b))
		if err != nil {
			t.Fatalf("shapeJSON(%q): %v", b, err)
		}
		if !bytes.Equal(got, wantJSON) {
			t.Errorf("shapeJSON(%q)\n = %s\nwant %s", b, got, wantJSON)
		}
	})
}

// shapedReference is what shapeJSON must write for b: sh.shape's value,
// encoded by encoding/json.
func shapedReference(t *testing.T, sh shaper, b []byte) []byte {
	t.Helper()
	want, err := sh.shape(json.RawMessage(b))
	if err != nil {
		t.Fatal(err)
	}
	wantJSON, err := encodeValue(want)
	if err != nil {
		t.Fatal(err)
	}
	return wantJSON
}

// reversedObject returns an object of n members whose keys come in reverse
// order: k(n-1), ..., k00001, k00000.
func reversedObject(n int) string {
	var b strings.Builder
	b.WriteByte('{')
	for i := n - 1; i >= 0; i-- {
		fmt.Fprintf(&b, `"k%05d":%d`, i, i)
		if i > 0 {
			b.WriteByte(',')
		}
	}
	b.WriteByte('}')
	return b.String()
}

// TestShapeJSONLargeObject: an object of the API's own can have any number
// of members; sorting them stays O(n log n) (an insertion sort of 60,000
// took over ten seconds) and keeps the last of equal keys.
func TestShapeJSONLargeObject(t *testing.T) {
	obj := reversedObject(60000)
	b := []byte(`{"extra":` + obj[:len(obj)-1] + `,"k00007":"last"}}`)
	sh := shaper{limit: 1 << 20, how: func(string) string { return "" }}
	start := time.Now()
	got, err := sh.shapeJSON(json.RawMessage(b))
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("shaping 60,000 members took %v", d)
	}
	if err != nil {
		t.Fatal(err)
	}
	if wantJSON := shapedReference(t, sh, b); !bytes.Equal(got, wantJSON) {
		t.Errorf("shapeJSON differs from shape + encode (%d and %d bytes)", len(got), len(wantJSON))
	}
	if !bytes.Contains(got, []byte(`"k00006":6,"k00007":"last","k00008":8`)) {
		t.Error("the last of equal keys did not win, or the keys are not in order")
	}
}

// keysCollide reports whether two keys of one object in v are the same once
// sanitised.
func keysCollide(v any) bool {
	switch x := v.(type) {
	case map[string]any:
		seen := map[string]bool{}
		for k, e := range x {
			if seen[sanitizeText(k)] || keysCollide(e) {
				return true
			}
			seen[sanitizeText(k)] = true
		}
	case []any:
		for _, e := range x {
			if keysCollide(e) {
				return true
			}
		}
	}
	return false
}

// FuzzAppendJSONString checks appendJSONString against encoding/json
// without HTML escaping.
func FuzzAppendJSONString(f *testing.F) {
	for _, s := range []string{"", "plain", "say \"hi\"\\ \t\r\n\b\f\x00\x1f\x7f", "é … \u2028 \u2029 <&>", "bad\xff\xe2\x80", "\xe2\x80\xa8x"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, s []byte) {
		want, err := encodeValue(string(s))
		if err != nil {
			t.Fatal(err)
		}
		if got := appendJSONString([]byte("x"), s); string(got) != "x"+string(want) {
			t.Errorf("appendJSONString(%q) = %s, want x%s", s, got, want)
		}
	})
}
