package klipytest_test

import (
	"encoding/base64"
	"fmt"
	"testing"

	"github.com/klipy-ai/klipy-mcp/klipy/klipytest"
	"github.com/klipy-ai/klipy-mcp/klipy/klipytest/contracttest"
)

// newDemoAPI is a contract-checked fake holding the demo workspace in org
// "acme".
func newDemoAPI(t *testing.T, copts ...contracttest.Option) *api {
	t.Helper()
	a := newAPI(t, klipytest.Options{KeyLimit: 100000, OrgLimit: 100000}, copts...)
	if err := a.srv.SeedDemo("acme"); err != nil {
		t.Fatal(err)
	}
	return a
}

func TestPaginationWalkVisitsEveryRecordOnce(t *testing.T) {
	a := newDemoAPI(t)
	counts, err := klipytest.Demo()
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		path  string
		want  int
		limit int
	}{
		{"/people/query", counts.People, 7},
		{"/people/query", counts.People, 3},
		{"/people/query", counts.People, 100},
		{"/interactions/query", counts.Interactions, 13},
		{"/interactions/query", counts.Interactions, 100},
	} {
		recs := a.walk(readKey, tt.path, tt.limit, nil)
		seen := map[string]bool{}
		for _, r := range recs {
			id := r["id"].(string)
			if seen[id] {
				t.Errorf("%s limit %d: %s seen twice", tt.path, tt.limit, id)
			}
			seen[id] = true
		}
		if len(seen) != tt.want {
			t.Errorf("%s limit %d: walked %d records, want %d", tt.path, tt.limit, len(seen), tt.want)
		}
	}
}

func TestPaginationWithConcurrentWrites(t *testing.T) {
	a := newDemoAPI(t)
	before := len(a.walk(readKey, "/people/query", 100, nil))
	body := map[string]any{"limit": 10}
	seen := map[string]int{}
	for page := 0; ; page++ {
		r := must(t, a.do(readKey, "POST", "/people/query", body), 200)
		for _, p := range r.list() {
			seen[p["id"].(string)]++
		}
		// Records created mid-walk land after the cursor; none is repeated
		// or skipped.
		a.createPerson(map[string]any{"email": fmt.Sprintf("mid%d@walk.example", page)})
		pi := r.env["page_info"].(map[string]any)
		if pi["has_next_page"] != true {
			break
		}
		body["cursor"] = pi["end_cursor"]
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("%s seen %d times", id, n)
		}
	}
	if len(seen) < before {
		t.Errorf("walked %d people, want at least the %d present at the start", len(seen), before)
	}
}

func TestQueryLimits(t *testing.T) {
	a := newDemoAPI(t, contracttest.ResponsesOnly())
	if n := len(must(t, a.do(readKey, "POST", "/people/query", nil), 200).list()); n != 20 {
		t.Errorf("no body: %d people, want the default 20", n)
	}
	if n := len(must(t, a.do(readKey, "POST", "/interactions/query", `{"limit":null,"cursor":null}`), 200).list()); n != 20 {
		t.Errorf("null limit: %d interactions, want 20", n)
	}
	if n := len(must(t, a.do(readKey, "POST", "/interactions/query", `{"limit":1000}`), 200).list()); n != 100 {
		t.Errorf("limit 1000: %d interactions, want the maximum 100", n)
	}
	peopleCursor := must(t, a.do(readKey, "POST", "/people/query", `{"limit":1}`), 200).env["page_info"].(map[string]any)["end_cursor"].(string)
	bad := []struct{ path, body, code string }{
		{"/people/query", `{"limit":0}`, "validation_error"},
		{"/people/query", `{"limit":"5"}`, "validation_error"},
		{"/people/query", `{"limit":2.5}`, "validation_error"},
		{"/people/query", `{"cursor":"not a cursor"}`, "invalid_cursor"},
		{"/people/query", `{"cursor":"` + base64.RawURLEncoding.EncodeToString([]byte("v1|per|x|0")) + `"}`, "invalid_cursor"},
		{"/people/query", `{"cursor":5}`, "invalid_cursor"},
		{"/interactions/query", `{"cursor":"` + peopleCursor + `"}`, "invalid_cursor"},
		{"/people/query", `{"filter":"jordan"}`, "validation_error"},
		{"/people/query", `{"filter":{"email":5}}`, "validation_error"},
		{"/interactions/query", `[]`, "invalid_json"},
	}
	for _, tt := range bad {
		mustFail(t, a.do(readKey, "POST", tt.path, tt.body), 400, tt.code)
	}
}
