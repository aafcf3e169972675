package tools

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/klipy-ai/klipy-mcp/schema"
)

// FuzzResultJSON checks that resultJSON writes a one-record result as
// encoding/json does (compactJSONBytes), for any record shapeJSON makes,
// and that results with more than the record take the general way.
func FuzzResultJSON(f *testing.F) {
	for _, s := range []string{`{"id":"per_1","email":"a@b.example"}`, `{"b":"<x>","a":"\u00e9 klipy_api_abcdefghijkl"}`,
		`[]`, `"s"`, `null`, `{}`, ` {"k" : [ {} , [] ] } `, `{"q":"say \"hi\"\\ \t\r\n\u0001 \u2028"}`} {
		f.Add([]byte(s), uint8(0), "")
		f.Add([]byte(s), uint8(1), "a note")
		f.Add([]byte(s), uint8(2), "")
	}
	sh := shaper{limit: 12, how: func(field string) string { return "cut in " + field }}
	f.Fuzz(func(t *testing.T, b []byte, which uint8, note string) {
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
			v = schema.PersonResult{Person: schema.Record[schema.Person]{Value: rec}, Note: note}
		case 1:
			v = schema.PersonResult{Person: schema.Record[schema.Person]{Value: rec}, Note: note,
				Interactions: []schema.InteractionRow{{ID: "int_1"}}, ContactNames: map[string]string{"per_1": note}}
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

// TestSuccessTextIsStructured pins that a result's text block and its
// structuredContent are the same JSON.
func TestSuccessTextIsStructured(t *testing.T) {
	res := success(schema.CompanyResult{Company: schema.Record[schema.Company]{Value: json.RawMessage(`{"id":"cmp_1"}`)}})
	raw, ok := res.StructuredContent.(json.RawMessage)
	if !ok || res.IsError || len(res.Content) != 1 {
		t.Fatalf("result %#v", res)
	}
	if want := `{"company":{"id":"cmp_1"}}`; string(raw) != want || text(t, res) != want {
		t.Errorf("structured %s, text %s, want both %s", raw, text(t, res), want)
	}
}
