package tools

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// Demo workspace records the tests rely on.
const (
	jordanID    = "per_d1d567110f"
	jordanEmail = "jordan.patel@acmeanalytics.example"
	acmeID      = "cmp_0de099270d"
)

func TestSearchPeopleFiltersMapUpstream(t *testing.T) {
	e := newEnv(t, Config{})
	out := okResult(t, call(t, e.mc, "search_people", map[string]any{"email": jordanEmail, "company_id": acmeID, "limit": "5"}))
	body := e.fake.lastBody(t, "POST", "/people/query")
	want := map[string]any{"limit": 5.0, "filter": map[string]any{"email": jordanEmail, "companyId": acmeID}}
	if diff := cmp.Diff(want, body); diff != "" {
		t.Errorf("upstream body (-want +got):\n%s", diff)
	}
	people := out["people"].([]any)
	if len(people) != 1 || people[0].(map[string]any)["id"] != jordanID {
		t.Errorf("people = %v, want only Jordan", people)
	}
	if out["next_cursor"] != nil {
		t.Errorf("next_cursor = %v, want null on the last page", out["next_cursor"])
	}
}

func TestSearchPeoplePagesWithOpaqueCursor(t *testing.T) {
	e := newEnv(t, Config{})
	first := okResult(t, call(t, e.mc, "search_people", map[string]any{"limit": 3}))
	cur, ok := first["next_cursor"].(string)
	if !ok {
		t.Fatalf("no next_cursor on a full page: %v", first)
	}
	second := okResult(t, call(t, e.mc, "search_people", map[string]any{"limit": 3, "cursor": cur}))
	if ids(first["people"]) == ids(second["people"]) {
		t.Error("second page repeats the first")
	}
	if body := e.fake.lastBody(t, "POST", "/people/query"); body["cursor"] == nil || body["cursor"] == cur {
		t.Errorf("upstream cursor %v: want the API's cursor, not ours", body["cursor"])
	}
	msg := errText(t, call(t, e.mc, "search_people", map[string]any{"limit": 3, "cursor": cur, "email": jordanEmail}))
	if !strings.Contains(msg, `"cursor"`) || !strings.Contains(msg, "different arguments") {
		t.Errorf("cursor of another search: %s", msg)
	}
}

func ids(v any) string {
	var out []string
	for _, p := range v.([]any) {
		out = append(out, p.(map[string]any)["id"].(string))
	}
	return strings.Join(out, ",")
}

func TestSearchPeopleQueryScansAndCaches(t *testing.T) {
	f := newFake(t)
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	s, err := newSrv(Config{Client: f.client(t)}, func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	mc := connect(t, s.mcp)
	f.reset()
	out := okResult(t, call(t, mc, "search_people", map[string]any{"query": "JORDAN pat"}))
	if ids(out["people"]) != jordanID || out["scan_complete"] != true || out["scanned"].(float64) < 50 {
		t.Errorf("query result = %v", out)
	}
	scanRequests := len(f.reqs())
	okResult(t, call(t, mc, "search_people", map[string]any{"query": "jordan pat"}))
	if n := len(f.reqs()); n != scanRequests {
		t.Errorf("repeat within 60 s sent %d more requests, want 0 (cached)", n-scanRequests)
	}
	now = now.Add(61 * time.Second)
	okResult(t, call(t, mc, "search_people", map[string]any{"query": "jordan pat"}))
	if n := len(f.reqs()); n != 2*scanRequests {
		t.Errorf("after 61 s: %d requests, want a fresh scan (%d)", n, 2*scanRequests)
	}
}

// TestSearchSeesPersonWrites checks that a person written through the
// tools is found by the next free-text search, not hidden by a cached scan.
func TestSearchSeesPersonWrites(t *testing.T) {
	f := newFake(t)
	mc := connect(t, newServer(t, Config{Client: f.client(t)}))
	before := okResult(t, call(t, mc, "search_people", map[string]any{"query": "zephyrine"}))
	if n := len(before["people"].([]any)); n != 0 {
		t.Fatalf("demo workspace already has %d people matching zephyrine", n)
	}
	okResult(t, call(t, mc, "upsert_person", map[string]any{"email": "zephyrine@example.com", "first_name": "Zephyrine"}))
	after := okResult(t, call(t, mc, "search_people", map[string]any{"query": "zephyrine"}))
	if n := len(after["people"].([]any)); n != 1 {
		t.Errorf("search after upsert found %d people, want 1: %v", n, after)
	}
}

func TestSearchPeopleQueryScanIsBounded(t *testing.T) {
	f := newFake(t)
	mc := connect(t, newServer(t, Config{Client: f.client(t), SearchScan: 7}))
	out := okResult(t, call(t, mc, "search_people", map[string]any{"query": "zzz-no-match"}))
	if out["scanned"] != 7.0 || out["scan_complete"] != false || len(out["people"].([]any)) != 0 {
		t.Errorf("bounded scan result = %v, want scanned 7, incomplete, no people", out)
	}
}

func TestSearchPeopleQueryPagination(t *testing.T) {
	e := newEnv(t, Config{})
	first := okResult(t, call(t, e.mc, "search_people", map[string]any{"query": "a", "limit": 2}))
	cur, _ := first["next_cursor"].(string)
	if cur == "" || len(first["people"].([]any)) != 2 {
		t.Fatalf("first page = %v", first)
	}
	second := okResult(t, call(t, e.mc, "search_people", map[string]any{"query": "a", "limit": 2, "cursor": cur}))
	if ids(first["people"]) == ids(second["people"]) {
		t.Error("second page repeats the first")
	}
}

func TestGetPersonWithInteractions(t *testing.T) {
	e := newEnv(t, Config{})
	out := okResult(t, call(t, e.mc, "get_person", map[string]any{"person_id": jordanID, "include_interactions": "true", "interactions_limit": 3}))
	if out["person"].(map[string]any)["email"] != jordanEmail {
		t.Errorf("person = %v", out["person"])
	}
	if n := len(out["interactions"].([]any)); n == 0 || n > 3 {
		t.Errorf("%d interactions, want 1..3", n)
	}
	want := []string{"GET /people/" + jordanID, "POST /interactions/query"}
	if diff := cmp.Diff(want, e.fake.requests()); diff != "" {
		t.Errorf("upstream requests (-want +got):\n%s", diff)
	}
	body := e.fake.lastBody(t, "POST", "/interactions/query")
	if diff := cmp.Diff(map[string]any{"limit": 3.0, "filter": map[string]any{"contactId": jordanID}}, body); diff != "" {
		t.Errorf("interactions query body (-want +got):\n%s", diff)
	}
}

func TestGetPersonNotFound(t *testing.T) {
	e := newEnv(t, Config{})
	msg := errText(t, call(t, e.mc, "get_person", map[string]any{"person_id": "per_nope"}))
	if !strings.Contains(msg, `"per_nope"`) || !strings.Contains(msg, "Not found") {
		t.Errorf("not-found message: %s", msg)
	}
}

func TestCreatePersonMapsFields(t *testing.T) {
	e := newEnv(t, Config{})
	args := map[string]any{"email": "sam@new.example", "first_name": "Sam", "last_name": "Lee", "title": "CTO",
		"phone": "+1 555", "linkedin_url": "https://linkedin.example/in/sam", "company_id": acmeID, "notes": "Met at a fair."}
	out := okResult(t, call(t, e.mc, "create_person", args))
	want := map[string]any{"email": "sam@new.example", "firstName": "Sam", "lastName": "Lee", "title": "CTO",
		"phone": "+1 555", "linkedin": "https://linkedin.example/in/sam", "companyId": acmeID, "remarks": "Met at a fair."}
	if diff := cmp.Diff(want, e.fake.lastBody(t, "POST", "/people")); diff != "" {
		t.Errorf("upstream body (-want +got):\n%s", diff)
	}
	if p := out["person"].(map[string]any); p["id"] == "" || p["remarks"] != "Met at a fair." {
		t.Errorf("person = %v", p)
	}
}

func TestUpsertPersonIsPutByEmail(t *testing.T) {
	e := newEnv(t, Config{})
	out := okResult(t, call(t, e.mc, "upsert_person", map[string]any{"email": jordanEmail, "title": "VP Data"}))
	if diff := cmp.Diff(map[string]any{"email": jordanEmail, "title": "VP Data"}, e.fake.lastBody(t, "PUT", "/people")); diff != "" {
		t.Errorf("upstream body (-want +got):\n%s", diff)
	}
	if p := out["person"].(map[string]any); p["id"] != jordanID || p["title"] != "VP Data" {
		t.Errorf("upsert of an existing email should update Jordan: %v", p)
	}
}

func TestUpdatePerson(t *testing.T) {
	e := newEnv(t, Config{})
	out := okResult(t, call(t, e.mc, "update_person", map[string]any{"person_id": jordanID, "notes": "Moved to Denver."}))
	if diff := cmp.Diff(map[string]any{"remarks": "Moved to Denver."}, e.fake.lastBody(t, "PATCH", "/people/"+jordanID)); diff != "" {
		t.Errorf("upstream body (-want +got):\n%s", diff)
	}
	if out["person"].(map[string]any)["remarks"] != "Moved to Denver." {
		t.Errorf("person = %v", out["person"])
	}
	e.fake.reset()
	msg := errText(t, call(t, e.mc, "update_person", map[string]any{"person_id": jordanID}))
	if !strings.Contains(msg, "at least one field") || len(e.fake.reqs()) != 0 {
		t.Errorf("update with no fields: %q after %v", msg, e.fake.requests())
	}
}
