package tools

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/klipy-ai/klipy-mcp/schema"
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

// FuzzAssignFlat checks assignFlat against what decodeWith did before it:
// json.Marshal the arguments, then json.Unmarshal them into the type. The
// arguments are as decoded or, with coerced, as lenient passes them on.
func FuzzAssignFlat(f *testing.F) {
	for i, s := range []string{`{"person_id":"per_1","include_interactions":true,"interactions_limit":5}`,
		`{"person_id":"x","interactions_limit":5.5}`, `{"Person_ID":"x"}`, `{"limit":1e300}`, `{"query":"jo","limit":20}`,
		`{"person_id":null}`, `{"interactions_limit":-0}`, `{"person_id":"a\u00e9\u202e"}`} {
		f.Add(uint8(i), s, false)
		f.Add(uint8(i), s, true)
	}
	all := defs()
	f.Fuzz(func(t *testing.T, which uint8, raw string, coerced bool) {
		d := all[int(which)%len(all)]
		var args map[string]any
		if json.Unmarshal([]byte(raw), &args) != nil {
			return
		}
		if coerced {
			sch, err := inputSchema(d.name)
			if err != nil {
				t.Fatal(err)
			}
			if args, err = lenient(sch, args); err != nil {
				return
			}
		}
		typ := reflect.TypeOf(d.in)
		got := reflect.New(typ)
		if !assignFlat(args, got.Interface()) {
			return
		}
		want := reflect.New(typ)
		b, err := json.Marshal(args)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, want.Interface()); err != nil {
			t.Fatalf("%s(%s): assignFlat took what json.Unmarshal refuses: %v", d.name, raw, err)
		}
		if !reflect.DeepEqual(got.Elem().Interface(), want.Elem().Interface()) {
			t.Errorf("%s(%s): assignFlat %+v, json %+v", d.name, raw, got.Elem().Interface(), want.Elem().Interface())
		}
	})
}

// FuzzPlainArgs checks the plain-arguments path of decodeArgs against the
// general one (decodeWith): whatever assign takes, decodeWith accepts and
// decodes to the same value.
func FuzzPlainArgs(f *testing.F) {
	for i, s := range []string{`{"person_id":"per_1"}`, `{"person_id":"per_1","include_interactions":true,"interactions_limit":5}`,
		`{"person_id":"per_1","interactions_limit":51}`, `{"person_id":"per_1","interactions_limit":0}`, `{"person_id":""}`,
		`{"person_id":"a\u200bb"}`, `{"person_id":"a\u00e9\n\t"}`, `{"query":"jo","limit":20,"cursor":"x"}`, `{}`, `{"limit":-0}`,
		`{"email":"a@b.example"}`, `{"company_id":"cmp_1","name":"Acme"}`, `{"interaction_id":"int_1","x":1}`} {
		f.Add(uint8(i), s)
	}
	all := defs()
	f.Fuzz(func(t *testing.T, which uint8, raw string) {
		d := all[int(which)%len(all)]
		var args map[string]any
		if json.Unmarshal([]byte(raw), &args) != nil {
			return
		}
		typ := reflect.TypeOf(d.in)
		got := reflect.New(typ)
		if !plainInput(d.name).assign(args, got.Interface()) {
			return
		}
		sch, err := inputSchema(d.name)
		if err != nil {
			t.Fatal(err)
		}
		want := reflect.New(typ)
		if err := decodeWith(sch, args, want.Interface()); err != nil {
			t.Fatalf("%s(%s): assign took what decodeWith refuses: %v", d.name, raw, err)
		}
		if !reflect.DeepEqual(got.Elem().Interface(), want.Elem().Interface()) {
			t.Errorf("%s(%s): assign %+v, decodeWith %+v", d.name, raw, got.Elem().Interface(), want.Elem().Interface())
		}
	})
}

// TestPlainArgsCoverGetPerson pins that the usual get_person arguments take
// the plain path.
func TestPlainArgsCoverGetPerson(t *testing.T) {
	var a schema.GetPersonArgs
	if !plainInput("get_person").assign(map[string]any{"person_id": "per_1", "include_interactions": true, "interactions_limit": float64(5)}, &a) ||
		a != (schema.GetPersonArgs{PersonID: "per_1", IncludeInteractions: true, InteractionsLimit: 5}) {
		t.Errorf("plain path not taken or wrong: %+v", a)
	}
}
