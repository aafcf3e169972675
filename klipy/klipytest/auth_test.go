package klipytest_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/klipy-ai/klipy-mcp/klipy/klipytest"
	"github.com/klipy-ai/klipy-mcp/klipy/klipytest/contracttest"
)

func TestAuthenticate(t *testing.T) {
	a := newAPI(t, klipytest.Options{})
	a.srv.SetTeamName("acme", "Acme Inc")
	r := must(t, a.do(readKey, "GET", "/authenticate", nil), 200)
	want := map[string]any{
		"team_name":       "Acme Inc",
		"organization_id": "acme",
		"scopes":          []any{"people:read", "companies:read", "interactions:read"},
	}
	if diff := cmp.Diff(want, r.data()); diff != "" {
		t.Errorf("authenticate data (-want +got):\n%s", diff)
	}
	meta := r.env["meta"].(map[string]any)
	if meta["api_version"] != "1" || meta["request_id"] == "" {
		t.Errorf("meta = %v", meta)
	}
	if r.env["object"] != "success" {
		t.Errorf("object = %v", r.env["object"])
	}
}

func TestAuthenticateHideScopes(t *testing.T) {
	a := newAPI(t, klipytest.Options{HideScopes: true})
	r := must(t, a.do(allKey, "GET", "/authenticate", nil), 200)
	if _, ok := r.data()["scopes"]; ok {
		t.Errorf("scopes listed with HideScopes: %v", r.data())
	}
	if r.data()["team_name"] != "acme" {
		t.Errorf("team_name = %v, want the org id by default", r.data()["team_name"])
	}
}

func TestAPIKeyHeader(t *testing.T) {
	a := newAPI(t, klipytest.Options{})
	req, _ := http.NewRequest("GET", a.url+"/authenticate", nil)
	req.Header.Set("X-Klipy-Api-Key", allKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("X-Klipy-Api-Key: status %d, want 200", resp.StatusCode)
	}
}

func TestUnauthorized(t *testing.T) {
	clk := newClock()
	a := newAPI(t, klipytest.Options{Now: clk.Now})
	a.srv.AddKey(klipytest.Key{Token: "klipy_api_expiring", Org: "acme", Scopes: []string{"ALL"}, ExpiresAt: clk.Now().Add(time.Hour)})
	a.srv.AddKey(klipytest.Key{Token: "klipy_api_revoked", Org: "acme", Scopes: []string{"ALL"}})
	a.srv.RemoveKey("klipy_api_revoked")
	must(t, a.do("klipy_api_expiring", "GET", "/authenticate", nil), 200)
	clk.Advance(time.Hour)
	tests := []struct{ key, code string }{
		{"", "missing_api_key"},
		{"klipy_api_nope", "invalid_api_key"},
		{"klipy_api_revoked", "invalid_api_key"},
		{"klipy_api_expiring", "expired_api_key"},
	}
	for _, tt := range tests {
		r := a.do(tt.key, "POST", "/people/query", "{}")
		mustFail(t, r, 401, tt.code)
		if strings.Contains(string(r.raw), "klipy_api_") {
			t.Errorf("401 body echoes the key: %s", r.raw)
		}
	}
}

func TestScopes(t *testing.T) {
	a := newAPI(t, klipytest.Options{})
	pid := a.createPerson(map[string]any{"email": "scoped@acme.example"})
	cid := a.createCompany(map[string]any{"name": "Scoped"})
	ops := []struct {
		method, path string
		body         any
		scope        string
	}{
		{"POST", "/people", `{"email":"x@acme.example"}`, "people:write"},
		{"PUT", "/people", `{"email":"x@acme.example"}`, "people:write"},
		{"PATCH", "/people/" + pid, `{"title":"CEO"}`, "people:write"},
		{"DELETE", "/people/" + pid, nil, "people:write"},
		{"POST", "/companies", `{"name":"X"}`, "companies:write"},
		{"PATCH", "/companies/" + cid, `{"name":"Y"}`, "companies:write"},
		{"DELETE", "/companies/" + cid, nil, "companies:remove"},
		{"POST", "/interactions", `{"type":"MEMO","direction":"INTERNAL","title":"t","mainContact":"` + pid + `"}`, "interactions:write"},
	}
	for _, op := range ops {
		r := a.do(readKey, op.method, op.path, op.body)
		mustFail(t, r, 403, "insufficient_scope")
		if !strings.Contains(r.errMessage(), op.scope) {
			t.Errorf("%s %s: message %q does not name %s", op.method, op.path, r.errMessage(), op.scope)
		}
	}
	// companies:write does not grant companies:remove.
	a.srv.AddKey(klipytest.Key{Token: "klipy_api_cw", Org: "acme", Scopes: []string{"companies:write"}})
	mustFail(t, a.do("klipy_api_cw", "DELETE", "/companies/"+cid, nil), 403, "insufficient_scope")
	// A key without scopes may still authenticate, and nothing else.
	a.srv.AddKey(klipytest.Key{Token: "klipy_api_none", Org: "acme"})
	must(t, a.do("klipy_api_none", "GET", "/authenticate", nil), 200)
	mustFail(t, a.do("klipy_api_none", "GET", "/people/"+pid, nil), 403, "insufficient_scope")
	// Read scopes work, and nothing was written by the refused calls.
	must(t, a.do(readKey, "GET", "/people/"+pid, nil), 200)
	must(t, a.do(readKey, "GET", "/companies/"+cid, nil), 200)
	if got := len(a.walk(readKey, "/people/query", 100, nil)); got != 1 {
		t.Errorf("people after refused writes = %d, want 1", got)
	}
}

func TestOrgIsolation(t *testing.T) {
	a := newAPI(t, klipytest.Options{})
	pid := a.createPerson(map[string]any{"email": "only@acme.example"})
	must(t, a.do(readKey, "GET", "/people/"+pid, nil), 200) // same org, other key
	mustFail(t, a.do(otherKey, "GET", "/people/"+pid, nil), 404, "not_found")
	if got := a.walk(otherKey, "/people/query", 10, nil); len(got) != 0 {
		t.Errorf("other org sees %d people", len(got))
	}
	// The same email may exist in another org.
	must(t, a.do(otherKey, "POST", "/people", `{"email":"only@acme.example"}`), 200)
}

func TestPathPrefixes(t *testing.T) {
	srv := klipytest.New(klipytest.Options{})
	srv.AddKey(klipytest.Key{Token: allKey, Org: "acme", Scopes: []string{"ALL"}})
	hs := httptest.NewServer(srv)
	defer hs.Close()
	for _, p := range []string{"/authenticate", "/api/v1/authenticate", "/proxy/klipy/api/v1/authenticate/"} {
		must(t, doRequest(t, http.DefaultClient, allKey, "GET", hs.URL+p, nil), 200)
	}

	fixed := klipytest.New(klipytest.Options{BasePath: "/api/v1/"})
	fixed.AddKey(klipytest.Key{Token: allKey, Org: "acme", Scopes: []string{"ALL"}})
	hs2 := httptest.NewServer(fixed)
	defer hs2.Close()
	must(t, doRequest(t, http.DefaultClient, allKey, "GET", hs2.URL+"/api/v1/authenticate", nil), 200)
	mustFail(t, doRequest(t, http.DefaultClient, allKey, "GET", hs2.URL+"/authenticate", nil), 404, "not_found")
	mustFail(t, doRequest(t, http.DefaultClient, allKey, "GET", hs2.URL+"/api/v1x/authenticate", nil), 404, "not_found")
}

func TestUnknownRoutes(t *testing.T) {
	a := newAPI(t, klipytest.Options{}, contracttest.AllowUnmatched())
	mustFail(t, a.do(allKey, "GET", "/deals", nil), 404, "not_found")
	mustFail(t, a.do(allKey, "DELETE", "/interactions/int_1", nil), 405, "method_not_allowed")
	// GET /people/query is getPerson("query"), as the contract's paths say.
	mustFail(t, a.do(allKey, "GET", "/people/query", nil), 404, "not_found")
}
