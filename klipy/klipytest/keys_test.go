package klipytest_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/klipy-ai/klipy-mcp/klipy/klipytest"
)

// TestAuthModes plays /authenticate needing ALL: a narrower key gets 403
// (or 401 speaking of scope) there and nowhere else; an ALL key and a bad
// key are unaffected. The contract wrapper is left out: these answers are
// the guess being wrong, not the contract of record.
func TestAuthModes(t *testing.T) {
	srv := klipytest.New(klipytest.Options{})
	srv.AddKey(klipytest.Key{Token: allKey, Org: "acme", Scopes: []string{"ALL"}})
	srv.AddKey(klipytest.Key{Token: readKey, Org: "acme", Scopes: []string{"people:read"}})
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	get := func(key, path string) result { return doRequest(t, hs.Client(), key, "GET", hs.URL+base+path, nil) }

	must(t, get(readKey, "/authenticate"), 200) // AuthOpen by default
	srv.SetAuthMode(klipytest.AuthNeedsAll403)
	mustFail(t, get(readKey, "/authenticate"), 403, "insufficient_scope")
	srv.SetAuthMode(klipytest.AuthNeedsAll401)
	r := get(readKey, "/authenticate")
	mustFail(t, r, 401, "unauthorized")
	if !strings.Contains(r.errMessage(), "ALL scope") {
		t.Errorf("401 message %q does not speak of the scope", r.errMessage())
	}
	must(t, get(allKey, "/authenticate"), 200)
	mustFail(t, get("klipy_api_nobody", "/authenticate"), 401, "invalid_api_key")
	mustFail(t, get(readKey, "/people/per_none"), 404, "not_found") // the key works elsewhere
}

// TestSandboxNarrowKeys: the sandbox serves keys narrower than ALL, on the
// same demo workspace.
func TestSandboxNarrowKeys(t *testing.T) {
	_, hc := sandboxClient(t)
	cases := []struct {
		key        string
		people     int // status of a people query
		companies  int // status of a company read
		peopleSave int // status of a person create
	}{
		{klipytest.SandboxKey, 200, 404, 200},
		{klipytest.SandboxReadOnlyKey, 200, 404, 403},
		{klipytest.SandboxPeopleReadKey, 200, 403, 403},
	}
	for _, c := range cases {
		if r := doRequest(t, hc, c.key, "POST", sandboxURL+"/people/query", `{"limit":1}`); r.status != c.people {
			t.Errorf("%s: people query %d, want %d", c.key, r.status, c.people)
		}
		if r := doRequest(t, hc, c.key, "GET", sandboxURL+"/companies/cmp_none", nil); r.status != c.companies {
			t.Errorf("%s: company read %d, want %d", c.key, r.status, c.companies)
		}
		if r := doRequest(t, hc, c.key, "POST", sandboxURL+"/people", `{"email":"new.sandbox@example.com"}`); r.status != c.peopleSave {
			t.Errorf("%s: person create %d, want %d", c.key, r.status, c.peopleSave)
		}
	}
}
