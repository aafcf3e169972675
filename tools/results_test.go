package tools

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unsafe"

	"github.com/klipy-ai/klipy-mcp/schema"
)

// FuzzResultJSON checks that resultJSON writes a result as encoding/json
// does (compactJSONBytes), for any record shapeJSON makes and any text in
// a person's interaction rows, contact names and note.
func FuzzResultJSON(f *testing.F) {
	for _, s := range []string{`{"id":"per_1","email":"a@b.example"}`, `{"b":"<x>","a":"\u00e9 klipy_api_abcdefghijkl"}`,
		`[]`, `"s"`, `null`, `{}`, ` {"k" : [ {} , [] ] } `, `{"q":"say \"hi\"\\ \t\r\n\u0001 \u2028"}`} {
		for which := range uint8(4) {
			f.Add([]byte(s), which, "a note", "<b>\u2028\x00 \"é\"", 3)
			f.Add([]byte(s), which, "", "", 0)
		}
	}
	sh := shaper{limit: 12, how: func(field string) string { return "cut in " + field }}
	f.Fuzz(func(t *testing.T, b []byte, which uint8, note, text string, n int) {
		if !json.Valid(b) {
			return
		}
		rec, err := sh.shapeJSON(json.RawMessage(b))
		if err != nil {
			t.Fatal(err)
		}
		var v any
		switch which % 4 {
		case 0:
			v = schema.PersonResult{Person: schema.Record[schema.Person]{Value: rec}, Note: note, FilteredOut: n}
		case 1:
			var rows []schema.InteractionRow
			for i := range n & 3 {
				rows = append(rows, schema.InteractionRow{ID: text[:min(i, len(text))], Date: note, Type: text, Title: note + text,
					Summary: text, Contacts: []string{text, note}[:i&1], Companies: []string{note, text, ""}[:i]})
			}
			v = schema.PersonResult{Person: schema.Record[schema.Person]{Value: rec}, Note: note, Interactions: rows,
				ContactNames: map[string]string{text: note, note: text, "per_1": ""}, FilteredOut: -n}
		case 2:
			v = schema.CompanyResult{Company: schema.Record[schema.Company]{Value: rec}}
		case 3:
			v = schema.InteractionResult{Interaction: schema.Record[schema.Interaction]{Value: rec}}
		}
		want, err := compactJSONBytes(v)
		if err != nil {
			t.Fatal(err)
		}
		got, err := resultJSON(v)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("resultJSON(%s)\n = %s\nwant %s", b, got, want)
		}
	})
}

// TestResultWritersKnowEveryField fails when a field is added to a result
// type that appendPersonResult writes by hand: the writer has to learn it.
func TestResultWritersKnowEveryField(t *testing.T) {
	for _, c := range []struct {
		v    any
		want string
	}{
		{schema.PersonResult{}, "Person person;Interactions interactions,omitempty;ContactNames contact_names,omitempty;Note note,omitempty;FilteredOut filtered_out,omitempty;"},
		{schema.InteractionRow{}, "ID id;Date date,omitempty;Type type,omitempty;Direction direction,omitempty;Title title,omitempty;Summary summary,omitempty;Contacts contacts,omitempty;Companies companies,omitempty;"},
	} {
		var got strings.Builder
		typ := reflect.TypeOf(c.v)
		for i := range typ.NumField() {
			fmt.Fprintf(&got, "%s %s;", typ.Field(i).Name, typ.Field(i).Tag.Get("json"))
		}
		if got.String() != c.want {
			t.Errorf("%s has fields %s; appendPersonResult writes %s", typ, got.String(), c.want)
		}
	}
}

// TestSuccessTextIsStructured pins that a result's text block and its
// structuredContent are the same JSON, in the same memory.
func TestSuccessTextIsStructured(t *testing.T) {
	res := success(schema.CompanyResult{Company: schema.Record[schema.Company]{Value: json.RawMessage(`{"id":"cmp_1"}`)}})
	raw, ok := res.StructuredContent.(json.RawMessage)
	if !ok || res.IsError || len(res.Content) != 1 {
		t.Fatalf("result %#v", res)
	}
	if want := `{"company":{"id":"cmp_1"}}`; string(raw) != want || text(t, res) != want {
		t.Errorf("structured %s, text %s, want both %s", raw, text(t, res), want)
	}
	if unsafe.StringData(text(t, res)) != unsafe.SliceData(raw) {
		t.Error("the text block is a copy of structuredContent's bytes, not the bytes themselves")
	}
}
