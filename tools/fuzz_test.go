package tools

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
)

// FuzzDecodeArgs feeds arbitrary JSON arguments to every tool's decoder: it
// must never panic, and it either decodes or returns an argument error whose
// message names what is wrong.
func FuzzDecodeArgs(f *testing.F) {
	seeds := []string{
		`{"limit":"20","query":"jordan"}`, `{"limit":1e400}`, `{"limit":-1}`, `{"person_id":null}`,
		`"{\"email\":\"a@b.example\"}"`, `[]`, `{"include_interactions":"yes"}`, `{"employee_count":"3.5"}`,
		`{"occurred_at":"2026-13-40T99:00:00Z"}`, `{"type":"MEETING","direction":"INBOUND","title":"\u202e"}`,
		`{"cursor":"!!!"}`, `{"unknown":{}}`, `null`, ``,
	}
	for i, s := range seeds {
		f.Add(uint8(i), s)
	}
	all := defs()
	f.Fuzz(func(t *testing.T, which uint8, raw string) {
		d := all[int(which)%len(all)]
		var args any
		if json.Unmarshal([]byte(raw), &args) != nil {
			args = raw
		}
		into := reflect.New(reflect.TypeOf(d.in)).Interface()
		err := decodeArgs(d.name, args, into)
		var ae *argError
		if err != nil && (!errors.As(err, &ae) || ae.msg == "") {
			t.Fatalf("%s(%q): non-argument error %v", d.name, raw, err)
		}
	})
}
