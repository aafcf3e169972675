package tools

import (
	"encoding/json"
	"errors"
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
	f.Fuzz(func(t *testing.T, which uint8, raw string) {
		e := schema.Entries[int(which)%len(schema.Entries)]
		var args any
		if json.Unmarshal([]byte(raw), &args) != nil {
			args = raw
		}
		into := newArgs(e.Tool)
		err := decodeArgs(e.Tool, args, into)
		var ae *argError
		if err != nil && (!errors.As(err, &ae) || ae.msg == "") {
			t.Fatalf("%s(%q): non-argument error %v", e.Tool, raw, err)
		}
	})
}

// newArgs returns a pointer to a fresh value of tool's argument struct.
func newArgs(tool string) any {
	switch tool {
	case "get_workspace":
		return new(schema.GetWorkspaceArgs)
	case "search_people":
		return new(schema.SearchPeopleArgs)
	case "get_person":
		return new(schema.GetPersonArgs)
	case "create_person", "upsert_person":
		return new(schema.CreatePersonArgs)
	case "update_person":
		return new(schema.UpdatePersonArgs)
	case "delete_person":
		return new(schema.PersonIDArgs)
	case "get_company", "delete_company":
		return new(schema.CompanyIDArgs)
	case "create_company":
		return new(schema.CreateCompanyArgs)
	case "update_company":
		return new(schema.UpdateCompanyArgs)
	case "search_interactions":
		return new(schema.SearchInteractionsArgs)
	case "get_interaction":
		return new(schema.InteractionIDArgs)
	default:
		return new(schema.LogInteractionArgs)
	}
}
