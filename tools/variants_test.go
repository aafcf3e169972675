package tools

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/klipy-ai/klipy-mcp/klipy"
	"github.com/klipy-ai/klipy-mcp/klipy/klipytest"
)

// healthy is the row of TestVariantsThroughTools run against the fake
// playing no variant.
const healthy klipytest.Variant = ""

// TestVariantsThroughTools runs the affected tools against the fake playing
// each way the real API may differ from the contract's guesses (switch ×
// tool × what the model sees): no tool returns another person's records,
// no listing claims to be complete when it is not, and the message says
// what happened.
func TestVariantsThroughTools(t *testing.T) {
	cases := []struct {
		v    klipytest.Variant
		tool string
		args map[string]any
		want outcome
	}{
		{healthy, "search_people", map[string]any{"email": jordanEmail}, outcome{}},
		{klipytest.VariantPeopleFilterIgnored, "search_people", map[string]any{"email": jordanEmail}, outcome{filtered: true, note: "ignored the email filter"}},
		{klipytest.VariantPeopleFilterIgnored, "search_people", map[string]any{"company_id": acmeID, "limit": 50}, outcome{filtered: true, note: "ignored the company_id filter"}},
		// A free-text query with a filter is answered from the key's scanned
		// records, filtered here: the API's filter is never relied on.
		{klipytest.VariantPeopleFilterIgnored, "search_people", map[string]any{"query": "a", "email": jordanEmail}, outcome{complete: true}},
		{healthy, "search_interactions", map[string]any{"person_id": jordanID}, outcome{}},
		{klipytest.VariantInteractionFilterIgnored, "search_interactions", map[string]any{"person_id": jordanID}, outcome{filtered: true, note: "ignored the person_id filter"}},
		{klipytest.VariantInteractionFilterIgnored, "search_interactions", map[string]any{"company_id": acmeID}, outcome{filtered: true, note: "ignored the company_id filter"}},
		{healthy, "get_person", map[string]any{"person_id": jordanID, "include_interactions": true}, outcome{}},
		{klipytest.VariantInteractionFilterIgnored, "get_person", map[string]any{"person_id": jordanID, "include_interactions": true}, outcome{filtered: true, note: "ignored the person_id filter"}},

		{healthy, "search_people", map[string]any{"limit": 5}, outcome{more: true}},
		{healthy, "search_people", map[string]any{"query": "a"}, outcome{complete: true}},
		{klipytest.VariantCursorUnknownName, "search_people", map[string]any{"limit": 5}, outcome{incomplete: true}},
		{klipytest.VariantCursorUnknownName, "search_people", map[string]any{"query": "a"}, outcome{incomplete: true}},
		{klipytest.VariantCursorUnknownName, "search_interactions", map[string]any{"limit": 5}, outcome{incomplete: true}},
		{klipytest.VariantMoreWithoutCursor, "search_people", map[string]any{"limit": 5}, outcome{incomplete: true}},
		{klipytest.VariantMoreWithoutCursor, "search_people", map[string]any{"query": "a"}, outcome{incomplete: true}},
		{klipytest.VariantMoreWithoutCursor, "search_interactions", map[string]any{"person_id": jordanID, "limit": 1}, outcome{incomplete: true}},
		{klipytest.VariantCursorOtherName, "search_people", map[string]any{"limit": 5}, outcome{more: true}},
		{klipytest.VariantCursorOtherName, "search_people", map[string]any{"query": "a"}, outcome{complete: true}},
		{klipytest.VariantCursorOtherName, "search_interactions", map[string]any{"limit": 5}, outcome{more: true}},
		{klipytest.VariantRelayList, "search_people", map[string]any{"limit": 5}, outcome{more: true}},
		{klipytest.VariantRelayList, "search_people", map[string]any{"query": "a"}, outcome{complete: true}},
		{klipytest.VariantRelayList, "search_interactions", map[string]any{"person_id": jordanID, "limit": 2}, outcome{more: true}},
		{klipytest.VariantCursorRepeated, "search_people", map[string]any{"query": "a"}, outcome{incomplete: true}},
		{klipytest.VariantCursorRepeated, "search_interactions", map[string]any{"limit": 5, "second page": true}, outcome{incomplete: true}},
	}
	for _, c := range cases {
		name := string(c.v)
		if name == "" {
			name = "healthy"
		}
		t.Run(fmt.Sprintf("%s/%s/%v", name, c.tool, c.args), func(t *testing.T) {
			e := newEnv(t, Config{})
			// Enough people that a free-text scan reads two pages, or three
			// for a cursor repeated on the second.
			seedPeople(t, e, map[bool]int{false: 60, true: 160}[c.v == klipytest.VariantCursorRepeated])
			args := c.args
			if args["second page"] == true {
				args = map[string]any{"limit": args["limit"]}
				first := okResult(t, call(t, e.mc, c.tool, args))
				args = map[string]any{"limit": args["limit"], "cursor": first["next_cursor"]}
			}
			e.fake.Play(c.v, c.v != healthy)
			out := okResult(t, call(t, e.mc, c.tool, args))
			c.want.check(t, out)
			noOtherRecords(t, e.kc, args, out)
		})
	}
}

// outcome is what the model must see in a result.
type outcome struct {
	filtered   bool   // filtered_out > 0, with a note
	note       string // a fragment the note must contain
	incomplete bool   // incomplete, no next_cursor, scan_complete false
	more       bool   // a next_cursor to follow
	complete   bool   // a free-text scan that covered everything
}

func (w outcome) check(t *testing.T, out map[string]any) {
	t.Helper()
	note, _ := out["note"].(string)
	n, _ := out["filtered_out"].(float64)
	if w.filtered != (n > 0) || (w.filtered && note == "") {
		t.Errorf("filtered_out %v, note %q; want filtered %v", out["filtered_out"], note, w.filtered)
	}
	if !strings.Contains(note, w.note) {
		t.Errorf("note %q lacks %q", note, w.note)
	}
	if w.incomplete && !strings.Contains(note, "incomplete") {
		t.Errorf("note %q does not say the listing is incomplete", note)
	}
	sc, isScan := out["scan_complete"]
	switch {
	case isScan && sc != w.complete:
		t.Errorf("scan_complete %v, want %v (scanned %v)", sc, w.complete, out["scanned"])
	case isScan && w.incomplete && sc != false:
		t.Error("an incomplete scan is reported complete")
	case !isScan && (out["incomplete"] == true) != w.incomplete:
		t.Errorf("incomplete %v, want %v", out["incomplete"], w.incomplete)
	case !isScan && w.incomplete && out["next_cursor"] != nil:
		t.Errorf("an incomplete listing hands out next_cursor %v", out["next_cursor"])
	}
	if w.more && out["next_cursor"] == nil {
		t.Error("no next_cursor although more pages exist")
	}
}

// noOtherRecords checks, by reading each returned record back, that a
// filtered result holds only records that match its filter.
func noOtherRecords(t *testing.T, kc *klipy.Client, args, out map[string]any) {
	t.Helper()
	ids := func(key string) []string {
		var got []string
		items, _ := out[key].([]any)
		for _, it := range items {
			got = append(got, it.(map[string]any)["id"].(string))
		}
		return got
	}
	email, _ := args["email"].(string)
	company, _ := args["company_id"].(string)
	for _, id := range ids("people") {
		p, _, err := kc.People.Get(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		if (email != "" && !strings.EqualFold(p.Email, email)) || (company != "" && p.CompanyID != company) {
			t.Errorf("person %s (%s, company %s) does not match the filter %v", id, p.Email, p.CompanyID, args)
		}
	}
	person, _ := args["person_id"].(string)
	if out["person"] != nil {
		company = ""
	}
	for _, id := range ids("interactions") {
		it, _, err := kc.Interactions.Get(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		if (person != "" && !slices.Contains(it.Contacts, person)) || (company != "" && !slices.Contains(it.Companies, company)) {
			t.Errorf("interaction %s (contacts %v, companies %v) does not match %v", id, it.Contacts, it.Companies, args)
		}
	}
}

// seedPeople adds n people to the fake's workspace.
func seedPeople(t *testing.T, e *env, n int) {
	t.Helper()
	for i := range n {
		in := &klipy.PersonInput{Email: fmt.Sprintf("seeded.%d@example.org", i), FirstName: "Seeded", LastName: fmt.Sprint(i)}
		if _, _, err := e.kc.People.Create(t.Context(), in); err != nil {
			t.Fatal(err)
		}
	}
}

// TestPersonDeleteNeedsAll checks that a person delete refused because it
// needs ALL names ALL, instead of claiming the key lacks people:write.
func TestPersonDeleteNeedsAll(t *testing.T) {
	f := newFake(t)
	mc := connect(t, newServer(t, Config{Client: f.client(t, "people:read", "people:write")}))
	f.Play(klipytest.VariantPersonDeleteNeedsAll, true)
	msg := errText(t, call(t, mc, "delete_person", map[string]any{"person_id": jordanID}))
	if !strings.Contains(msg, `probably needs "ALL"`) || !strings.Contains(msg, `tried as "people:write"`) || strings.Contains(msg, "Missing scope") {
		t.Errorf("message %q does not name ALL as the likely scope", msg)
	}
	if _, _, err := f.client(t).People.Get(t.Context(), jordanID); err != nil {
		t.Errorf("the person is gone or unreadable: %v", err)
	}
	// A key with ALL deletes while the variant plays.
	mc = connect(t, newServer(t, Config{Client: f.client(t)}))
	if out := okResult(t, call(t, mc, "delete_person", map[string]any{"person_id": jordanID})); out["deleted"] != true {
		t.Errorf("ALL key: %v", out)
	}
}
