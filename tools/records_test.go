package tools

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestCompanyTools(t *testing.T) {
	e := newEnv(t, Config{})
	got := okResult(t, call(t, e.mc, "get_company", map[string]any{"company_id": acmeID}))
	if got["company"].(map[string]any)["name"] != "Acme Analytics" {
		t.Errorf("get_company = %v", got)
	}
	created := okResult(t, call(t, e.mc, "create_company", map[string]any{"name": "Zeta", "domain": "zeta.example",
		"linkedin_url": "https://linkedin.example/company/zeta", "employee_count": "12", "city": "Oslo"}))
	want := map[string]any{"name": "Zeta", "domain": "zeta.example", "linkedin": "https://linkedin.example/company/zeta",
		"employeeCount": 12.0, "city": "Oslo"}
	if diff := cmp.Diff(want, e.fake.lastBody(t, "POST", "/companies")); diff != "" {
		t.Errorf("create body (-want +got):\n%s", diff)
	}
	id := created["company"].(map[string]any)["id"].(string)
	okResult(t, call(t, e.mc, "update_company", map[string]any{"company_id": id, "industry": "Software"}))
	if diff := cmp.Diff(map[string]any{"industry": "Software"}, e.fake.lastBody(t, "PATCH", "/companies/"+id)); diff != "" {
		t.Errorf("update body (-want +got):\n%s", diff)
	}
	msg := errText(t, call(t, e.mc, "get_company", map[string]any{"company_id": "cmp_missing"}))
	if !strings.Contains(msg, `no company with id "cmp_missing"`) {
		t.Errorf("not found: %s", msg)
	}
}

func TestLogInteractionMapsFields(t *testing.T) {
	e := newEnv(t, Config{})
	args := map[string]any{"type": "MEETING", "direction": "OUTBOUND", "title": "Intro call", "summary": "Went well.",
		"person_email": jordanEmail, "occurred_at": "2026-05-01T14:30:00Z", "external_id": "crm-1", "secondary_id": "thread-7"}
	out := okResult(t, call(t, e.mc, "log_interaction", args))
	want := map[string]any{"type": "MEETING", "direction": "OUTBOUND", "title": "Intro call", "summary": "Went well.",
		"mainContactEmail": jordanEmail, "interactionDate": 1777645800000.0, "primaryId": "crm-1", "secondaryId": "thread-7"}
	if diff := cmp.Diff(want, e.fake.lastBody(t, "POST", "/interactions")); diff != "" {
		t.Errorf("upstream body (-want +got):\n%s", diff)
	}
	if out["is_duplicate"] != false || out["id"] == "" {
		t.Errorf("first log = %v", out)
	}
	again := okResult(t, call(t, e.mc, "log_interaction", args))
	if again["is_duplicate"] != true || again["id"] != out["id"] {
		t.Errorf("retry with the same external_id = %v, want the same id and is_duplicate", again)
	}
}

// TestLogInteractionLengthLimits checks the contract's limits (title ≤ 1,000
// characters, summary ≤ 10,000): at the limit the interaction is logged, one
// past it the call is refused before anything is sent.
func TestLogInteractionLengthLimits(t *testing.T) {
	e := newEnv(t, Config{})
	args := func(title, summary string) map[string]any {
		return map[string]any{"type": "MEMO", "direction": "INTERNAL", "title": title, "summary": summary, "person_id": jordanID}
	}
	okResult(t, call(t, e.mc, "log_interaction", args(strings.Repeat("é", 1000), strings.Repeat("s", 10000))))
	if n := countRequests(e.fake, "POST", "/interactions"); n != 1 {
		t.Fatalf("%d POST /interactions at the limits, want 1", n)
	}
	for _, c := range []struct {
		args map[string]any
		want string
	}{
		{args(strings.Repeat("é", 1001), "s"), `Invalid argument "title": must be at most 1000 characters (got 1001).`},
		{args("t", strings.Repeat("s", 10001)), `Invalid argument "summary": must be at most 10000 characters (got 10001).`},
	} {
		if msg := errText(t, call(t, e.mc, "log_interaction", c.args)); msg != c.want {
			t.Errorf("got %q, want %q", msg, c.want)
		}
	}
	if n := countRequests(e.fake, "POST", "/interactions"); n != 1 {
		t.Errorf("%d POST /interactions, want none for the refused calls", n-1)
	}
}

func TestLogInteractionDefaultsToNowByPersonID(t *testing.T) {
	e := newEnv(t, Config{})
	before := time.Now().UnixMilli()
	okResult(t, call(t, e.mc, "log_interaction", map[string]any{"type": "MEMO", "direction": "INTERNAL", "title": "Note", "person_id": jordanID}))
	body := e.fake.lastBody(t, "POST", "/interactions")
	at := int64(body["interactionDate"].(float64))
	if body["mainContact"] != jordanID || at < before || at > time.Now().UnixMilli() {
		t.Errorf("body = %v, want mainContact and interactionDate now", body)
	}
}

func TestLogInteractionNeedsExactlyOnePerson(t *testing.T) {
	e := newEnv(t, Config{})
	base := map[string]any{"type": "MEMO", "direction": "INTERNAL", "title": "x"}
	for _, extra := range []map[string]any{{}, {"person_id": jordanID, "person_email": jordanEmail}} {
		args := map[string]any{}
		for k, v := range base {
			args[k] = v
		}
		for k, v := range extra {
			args[k] = v
		}
		msg := errText(t, call(t, e.mc, "log_interaction", args))
		if !strings.Contains(msg, "exactly one of") {
			t.Errorf("%v: %s", extra, msg)
		}
	}
	if n := len(e.fake.reqs()); n != 0 {
		t.Errorf("%d upstream requests, want none before the check", n)
	}
}

func TestSearchInteractionsFiltersPage(t *testing.T) {
	e := newEnv(t, Config{})
	all := okResult(t, call(t, e.mc, "search_interactions", map[string]any{"person_id": jordanID, "limit": 50}))
	body := e.fake.lastBody(t, "POST", "/interactions/query")
	if diff := cmp.Diff(map[string]any{"limit": 50.0, "filter": map[string]any{"contactId": jordanID}}, body); diff != "" {
		t.Errorf("upstream body (-want +got):\n%s", diff)
	}
	items := all["interactions"].([]any)
	if len(items) == 0 {
		t.Fatal("Jordan has no interactions in the demo workspace")
	}
	typ := items[0].(map[string]any)["type"].(string)
	want := 0
	for _, it := range items {
		if it.(map[string]any)["type"] == typ {
			want++
		}
	}
	only := okResult(t, call(t, e.mc, "search_interactions", map[string]any{"person_id": jordanID, "limit": 50, "type": typ}))
	if n := len(only["interactions"].([]any)); n != want {
		t.Errorf("type %s kept %d, want %d", typ, n, want)
	}
	if want < len(items) && only["filtered_out"] != float64(len(items)-want) {
		t.Errorf("filtered_out = %v, want %d", only["filtered_out"], len(items)-want)
	}
	future := okResult(t, call(t, e.mc, "search_interactions", map[string]any{"person_id": jordanID, "since": "2099-01-01T00:00:00Z"}))
	if n := len(future["interactions"].([]any)); n != 0 {
		t.Errorf("since 2099 kept %d", n)
	}
	msg := errText(t, call(t, e.mc, "search_interactions", map[string]any{"type": "PHONE"}))
	if !strings.Contains(msg, `"type"`) || !strings.Contains(msg, "MEETING") {
		t.Errorf("bad type: %s", msg)
	}
}

func TestGetInteraction(t *testing.T) {
	e := newEnv(t, Config{})
	list := okResult(t, call(t, e.mc, "search_interactions", map[string]any{"limit": 1}))
	id := list["interactions"].([]any)[0].(map[string]any)["id"].(string)
	out := okResult(t, call(t, e.mc, "get_interaction", map[string]any{"interaction_id": id}))
	if out["interaction"].(map[string]any)["id"] != id {
		t.Errorf("get_interaction = %v", out)
	}
	msg := errText(t, call(t, e.mc, "get_interaction", map[string]any{"interaction_id": "int_nope"}))
	if !strings.Contains(msg, `"int_nope"`) || !strings.Contains(msg, "search_interactions") {
		t.Errorf("not found: %s", msg)
	}
}

func TestGetWorkspace(t *testing.T) {
	f := newFake(t)
	c := f.client(t, "people:read")
	mc := connect(t, newServer(t, Config{Client: c}))
	out := okResult(t, call(t, mc, "get_workspace", nil))
	if out["name"] == "" || out["scopes_known"] != true {
		t.Errorf("workspace = %v", out)
	}
	if diff := cmp.Diff("get_person,get_workspace,search_people", strings.Join(toStrings(out["tools"]), ",")); diff != "" {
		t.Errorf("usable tools (-want +got):\n%s", diff)
	}
}

func toStrings(v any) []string {
	var out []string
	for _, s := range v.([]any) {
		out = append(out, s.(string))
	}
	return out
}
