package klipytest_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/klipy-ai/klipy-mcp/klipy/klipytest"
	"github.com/klipy-ai/klipy-mcp/klipy/klipytest/contracttest"
)

func TestCreateInteraction(t *testing.T) {
	clk := newClock()
	a := newAPI(t, klipytest.Options{Now: clk.Now})
	cid := a.createCompany(map[string]any{"name": "Acme"})
	pid := a.createPerson(map[string]any{"email": "jordan@acme.example", "companyId": cid})
	loner := a.createPerson(map[string]any{"email": "solo@free.example"})

	byID := must(t, a.do(allKey, "POST", "/interactions", map[string]any{
		"type": "MEETING", "direction": "OUTBOUND", "title": "Intro call", "summary": "Went well.",
		"mainContact": pid, "interactionDate": 1748736000000, "secondaryId": "cal-1", "location": "Zoom",
	}), 200).data()
	if byID["isDuplicate"] != false || !strings.HasPrefix(byID["id"].(string), "int_") {
		t.Fatalf("create = %v", byID)
	}
	got := must(t, a.do(readKey, "GET", "/interactions/"+byID["id"].(string), nil), 200).data()
	want := map[string]any{
		"id": byID["id"], "type": "MEETING", "direction": "OUTBOUND", "title": "Intro call", "summary": "Went well.",
		"contacts": []any{pid}, "companies": []any{cid}, "source": "API", "sentiment": nil, "createdBy": nil,
		"interactionDate": "2025-06-01T00:00:00.000Z", "creationTime": "2026-03-10T12:00:30.000Z",
		"secondaryId": "cal-1", "location": "Zoom",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("interaction (-want +got):\n%s", diff)
	}

	// By email, ignoring case; no company; date defaults to now.
	byEmail := must(t, a.do(allKey, "POST", "/interactions",
		`{"type":"EMAIL","direction":"INBOUND","title":"Hi","mainContactEmail":"SOLO@free.example","mainContact":null}`), 200).data()
	got = must(t, a.do(allKey, "GET", "/interactions/"+byEmail["id"].(string), nil), 200).data()
	if !cmp.Equal(got["contacts"], []any{loner}) || !cmp.Equal(got["companies"], []any{}) ||
		got["interactionDate"] != "2026-03-10T12:00:30.000Z" || got["summary"] != nil {
		t.Errorf("interaction by email = %v", got)
	}
	mustFail(t, a.do(allKey, "GET", "/interactions/int_nope", nil), 404, "not_found")
}

func TestInteractionDedupe(t *testing.T) {
	a := newAPI(t, klipytest.Options{})
	pid := a.createPerson(map[string]any{"email": "d@acme.example"})
	body := fmt.Sprintf(`{"type":"API_EVENT","direction":"EVENT","title":"Invoice paid","mainContact":%q,"primaryId":"evt-1"}`, pid)
	first := must(t, a.do(allKey, "POST", "/interactions", body), 200).data()
	again := must(t, a.do(allKey, "POST", "/interactions", body), 200).data()
	if diff := cmp.Diff(map[string]any{"id": first["id"], "isDuplicate": true}, again); diff != "" {
		t.Errorf("duplicate create (-want +got):\n%s", diff)
	}
	// Other primaryIds, or none, are new records.
	must(t, a.do(allKey, "POST", "/interactions", strings.Replace(body, "evt-1", "evt-2", 1)), 200)
	must(t, a.do(allKey, "POST", "/interactions", strings.Replace(body, `"evt-1"`, "null", 1)), 200)
	if n := len(a.walk(allKey, "/interactions/query", 10, nil)); n != 3 {
		t.Errorf("interactions = %d, want 3", n)
	}
	// primaryIds are per workspace.
	other := must(t, a.do(otherKey, "POST", "/people", `{"email":"d@acme.example"}`), 200).data()["id"].(string)
	r := must(t, a.do(otherKey, "POST", "/interactions", strings.Replace(body, pid, other, 1)), 200).data()
	if r["isDuplicate"] != false {
		t.Errorf("primaryId of another org deduplicated: %v", r)
	}
}

func TestInteractionValidation(t *testing.T) {
	a := newAPI(t, klipytest.Options{}, contracttest.ResponsesOnly())
	pid := a.createPerson(map[string]any{"email": "v@acme.example"})
	valid := func(edit func(m map[string]any)) map[string]any {
		m := map[string]any{"type": "MEMO", "direction": "INTERNAL", "title": "t", "mainContact": pid}
		edit(m)
		return m
	}
	tests := []struct {
		name string
		body map[string]any
		code string
	}{
		{"bad type", valid(func(m map[string]any) { m["type"] = "FAX" }), "validation_error"},
		{"missing direction", valid(func(m map[string]any) { delete(m, "direction") }), "validation_error"},
		{"missing title", valid(func(m map[string]any) { delete(m, "title") }), "validation_error"},
		{"title too long", valid(func(m map[string]any) { m["title"] = strings.Repeat("é", 1001) }), "validation_error"},
		{"summary too long", valid(func(m map[string]any) { m["summary"] = strings.Repeat("a", 10001) }), "validation_error"},
		{"both contacts", valid(func(m map[string]any) { m["mainContactEmail"] = "v@acme.example" }), "validation_error"},
		{"no contact", valid(func(m map[string]any) { delete(m, "mainContact") }), "validation_error"},
		{"null contacts", valid(func(m map[string]any) { m["mainContact"], m["mainContactEmail"] = nil, nil }), "validation_error"},
		{"unknown contact", valid(func(m map[string]any) { m["mainContact"] = "per_nope" }), "unknown_contact"},
		{"unknown email", valid(func(m map[string]any) { delete(m, "mainContact"); m["mainContactEmail"] = "who@x.example" }), "unknown_contact"},
		{"bad email", valid(func(m map[string]any) { delete(m, "mainContact"); m["mainContactEmail"] = "who" }), "validation_error"},
		{"date as string", valid(func(m map[string]any) { m["interactionDate"] = "2025-01-01" }), "validation_error"},
		{"fractional date", valid(func(m map[string]any) { m["interactionDate"] = 1.5 }), "validation_error"},
		{"primaryId number", valid(func(m map[string]any) { m["primaryId"] = 7 }), "validation_error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mustFail(t, a.do(allKey, "POST", "/interactions", tt.body), 400, tt.code)
		})
	}
	// The limits are inclusive and count characters, not bytes.
	ok := valid(func(m map[string]any) {
		m["title"], m["summary"] = strings.Repeat("é", 1000), strings.Repeat("ü", 10000)
	})
	must(t, a.do(allKey, "POST", "/interactions", ok), 200)
	if n := len(a.walk(allKey, "/interactions/query", 10, nil)); n != 1 {
		t.Errorf("interactions = %d, want 1", n)
	}
}

func TestInteractionsQuery(t *testing.T) {
	clk := newClock()
	a := newAPI(t, klipytest.Options{Now: clk.Now})
	c1 := a.createCompany(map[string]any{"name": "One"})
	p1 := a.createPerson(map[string]any{"email": "a@one.example", "companyId": c1})
	p2 := a.createPerson(map[string]any{"email": "b@two.example"})
	create := func(pid string, daysAgo int) string {
		at := clk.Now().Add(-time.Duration(daysAgo) * 24 * time.Hour).UnixMilli()
		r := must(t, a.do(allKey, "POST", "/interactions", map[string]any{
			"type": "EMAIL", "direction": "OUTBOUND", "title": fmt.Sprint(daysAgo), "mainContact": pid, "interactionDate": at,
		}), 200)
		return r.data()["id"].(string)
	}
	old := create(p1, 30)
	newest := create(p2, 1)
	mid := create(p1, 10)
	same := create(p1, 10) // same date: the later-created one comes first
	ids := func(filter map[string]any) []string {
		var out []string
		for _, r := range a.walk(readKey, "/interactions/query", 2, filter) {
			out = append(out, r["id"].(string))
		}
		return out
	}
	tests := []struct {
		filter map[string]any
		want   []string
	}{
		{nil, []string{newest, same, mid, old}},
		{map[string]any{"contactId": p1}, []string{same, mid, old}},
		{map[string]any{"companyId": c1}, []string{same, mid, old}},
		{map[string]any{"contactId": p2, "companyId": c1}, nil},
		{map[string]any{"contactId": "per_nope"}, nil},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, ids(tt.filter)); diff != "" {
			t.Errorf("filter %v (-want +got):\n%s", tt.filter, diff)
		}
	}
}
