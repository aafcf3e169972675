package klipytest_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/klipy-ai/klipy-mcp/klipy/klipytest"
	"github.com/klipy-ai/klipy-mcp/klipy/klipytest/contracttest"
)

func TestPersonLifecycle(t *testing.T) {
	clk := newClock()
	a := newAPI(t, klipytest.Options{Now: clk.Now})
	cid := a.createCompany(map[string]any{"name": "Acme", "domain": "acme.example"})
	created := must(t, a.do(allKey, "POST", "/people", map[string]any{
		"email": "Ada@Acme.example", "firstName": "Ada", "companyId": cid,
		"favouriteColour": "teal", "scores": []int{1, 2},
	}), 200).data()
	id, _ := created["id"].(string)
	if !strings.HasPrefix(id, "per_") {
		t.Fatalf("id = %q, want per_…", id)
	}
	want := map[string]any{
		"id": id, "email": "Ada@Acme.example", "firstName": "Ada", "lastName": nil, "title": nil,
		"phone": nil, "linkedin": nil, "companyId": cid, "remarks": nil,
		"favouriteColour": "teal", "scores": []any{1.0, 2.0},
		"createdAt": "2026-03-10T12:00:30Z", "updatedAt": "2026-03-10T12:00:30Z",
	}
	if diff := cmp.Diff(want, created); diff != "" {
		t.Errorf("created (-want +got):\n%s", diff)
	}
	if got := must(t, a.do(readKey, "GET", "/people/"+id, nil), 200).data(); !cmp.Equal(got, created) {
		t.Errorf("get = %v, want %v", got, created)
	}

	clk.Advance(time.Minute)
	patched := must(t, a.do(allKey, "PATCH", "/people/"+id, `{"title":"CTO","extra":{"a":1}}`), 200).data()
	if patched["title"] != "CTO" || patched["firstName"] != "Ada" || patched["updatedAt"] != "2026-03-10T12:01:30Z" ||
		patched["createdAt"] != "2026-03-10T12:00:30Z" || patched["favouriteColour"] != "teal" {
		t.Errorf("patched = %v", patched)
	}
	if _, ok := patched["extra"].(map[string]any); !ok {
		t.Errorf("unknown object field not kept: %v", patched["extra"])
	}

	del := must(t, a.do(allKey, "DELETE", "/people/"+id, nil), 200).data()
	if diff := cmp.Diff(map[string]any{"id": id, "deleted": true}, del); diff != "" {
		t.Errorf("delete (-want +got):\n%s", diff)
	}
	mustFail(t, a.do(allKey, "GET", "/people/"+id, nil), 404, "not_found")
	mustFail(t, a.do(allKey, "DELETE", "/people/"+id, nil), 404, "not_found")
	mustFail(t, a.do(allKey, "PATCH", "/people/"+id, `{"title":"x"}`), 404, "not_found")
}

func TestUpsertPerson(t *testing.T) {
	a := newAPI(t, klipytest.Options{})
	first := must(t, a.do(allKey, "PUT", "/people", `{"email":"grace@navy.example","firstName":"Grace"}`), 200).data()
	second := must(t, a.do(allKey, "PUT", "/people", `{"email":"GRACE@Navy.example","lastName":"Hopper"}`), 200).data()
	if first["id"] != second["id"] {
		t.Fatalf("upsert with the same email (other case) created %v and %v", first["id"], second["id"])
	}
	if second["firstName"] != "Grace" || second["lastName"] != "Hopper" || second["email"] != "GRACE@Navy.example" {
		t.Errorf("upserted = %v", second)
	}
	if n := len(a.walk(allKey, "/people/query", 10, nil)); n != 1 {
		t.Errorf("people = %d, want 1", n)
	}
}

func TestPeopleQueryFilters(t *testing.T) {
	a := newAPI(t, klipytest.Options{})
	c1 := a.createCompany(map[string]any{"domain": "one.example"})
	c2 := a.createCompany(map[string]any{"domain": "two.example"})
	p1 := a.createPerson(map[string]any{"email": "a@one.example", "companyId": c1})
	p2 := a.createPerson(map[string]any{"email": "b@one.example", "companyId": c1})
	p3 := a.createPerson(map[string]any{"email": "c@two.example", "companyId": c2})
	ids := func(recs []map[string]any) []string {
		var out []string
		for _, r := range recs {
			out = append(out, r["id"].(string))
		}
		return out
	}
	tests := []struct {
		filter map[string]any
		want   []string
	}{
		{nil, []string{p1, p2, p3}},
		{map[string]any{"email": "B@ONE.example"}, []string{p2}},
		{map[string]any{"companyId": c1}, []string{p1, p2}},
		{map[string]any{"companyId": c2, "email": "a@one.example"}, nil},
		{map[string]any{"unknownKey": "ignored"}, []string{p1, p2, p3}},
	}
	for _, tt := range tests {
		got := ids(a.walk(readKey, "/people/query", 2, tt.filter))
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("filter %v (-want +got):\n%s", tt.filter, diff)
		}
	}
}

func TestPersonValidation(t *testing.T) {
	a := newAPI(t, klipytest.Options{}, contracttest.ResponsesOnly())
	existing := a.createPerson(map[string]any{"email": "taken@acme.example"})
	tests := []struct {
		name, method, path, body, code string
	}{
		{"not JSON", "POST", "/people", `{"email":`, "invalid_json"},
		{"array body", "POST", "/people", `[1]`, "invalid_json"},
		{"no body", "POST", "/people", ``, "invalid_json"},
		{"bad email", "POST", "/people", `{"email":"not-an-email"}`, "validation_error"},
		{"number name", "POST", "/people", `{"firstName":7}`, "validation_error"},
		{"null title", "POST", "/people", `{"title":null}`, "validation_error"},
		{"read-only id", "POST", "/people", `{"id":"per_mine"}`, "validation_error"},
		{"unknown company", "POST", "/people", `{"companyId":"cmp_nope"}`, "validation_error"},
		{"duplicate email", "POST", "/people", `{"email":"TAKEN@acme.example"}`, "duplicate_email"},
		{"upsert without email", "PUT", "/people", `{"firstName":"X"}`, "validation_error"},
		{"empty patch", "PATCH", "/people/" + existing, `{}`, "validation_error"},
		{"patch bad type", "PATCH", "/people/" + existing, `{"remarks":["x"]}`, "validation_error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mustFail(t, a.do(allKey, tt.method, tt.path, tt.body), 400, tt.code)
		})
	}
	// An email change onto another person's email is refused too.
	other := a.createPerson(map[string]any{"email": "free@acme.example"})
	mustFail(t, a.do(allKey, "PATCH", "/people/"+other, `{"email":"taken@acme.example"}`), 400, "duplicate_email")
	if n := len(a.walk(allKey, "/people/query", 10, nil)); n != 2 {
		t.Errorf("people after invalid writes = %d, want 2", n)
	}
}

func TestCompanyLifecycle(t *testing.T) {
	a := newAPI(t, klipytest.Options{})
	cid := a.createCompany(map[string]any{"name": "Initech", "employeeCount": 120, "estimatedRevenue": 1.5e6, "sector": "software"})
	if !strings.HasPrefix(cid, "cmp_") {
		t.Fatalf("id = %q", cid)
	}
	got := must(t, a.do(readKey, "GET", "/companies/"+cid, nil), 200).data()
	if got["name"] != "Initech" || got["employeeCount"] != 120.0 || got["sector"] != "software" || got["domain"] != nil {
		t.Errorf("company = %v", got)
	}
	pid := a.createPerson(map[string]any{"email": "peter@initech.example", "companyId": cid})
	patched := must(t, a.do(allKey, "PATCH", "/companies/"+cid, `{"domain":"initech.example"}`), 200).data()
	if patched["domain"] != "initech.example" || patched["name"] != "Initech" {
		t.Errorf("patched = %v", patched)
	}
	must(t, a.do(allKey, "DELETE", "/companies/"+cid, nil), 200)
	mustFail(t, a.do(allKey, "GET", "/companies/"+cid, nil), 404, "not_found")
	mustFail(t, a.do(allKey, "DELETE", "/companies/"+cid, nil), 404, "not_found")
	mustFail(t, a.do(allKey, "PATCH", "/companies/"+cid, `{"name":"x"}`), 404, "not_found")
	if p := must(t, a.do(allKey, "GET", "/people/"+pid, nil), 200).data(); p["companyId"] != nil {
		t.Errorf("person still linked to the deleted company: %v", p["companyId"])
	}
}

func TestCompanyValidation(t *testing.T) {
	a := newAPI(t, klipytest.Options{}, contracttest.ResponsesOnly())
	cid := a.createCompany(map[string]any{"domain": "x.example"})
	tests := []struct{ name, method, path, body string }{
		{"neither name nor domain", "POST", "/companies", `{"city":"Paris"}`},
		{"fractional employees", "POST", "/companies", `{"name":"A","employeeCount":1.5}`},
		{"revenue as string", "POST", "/companies", `{"name":"A","estimatedRevenue":"lots"}`},
		{"empty patch", "PATCH", "/companies/" + cid, `{}`},
		{"read-only createdAt", "PATCH", "/companies/" + cid, `{"createdAt":"2020-01-01T00:00:00Z"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mustFail(t, a.do(allKey, tt.method, tt.path, tt.body), 400, "validation_error")
		})
	}
}
