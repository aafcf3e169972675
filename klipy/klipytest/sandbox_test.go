package klipytest_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/klipy-ai/klipy-mcp/klipy/klipytest"
	"github.com/klipy-ai/klipy-mcp/klipy/klipytest/contracttest"
)

// sandboxClient serves NewSandbox in-process, behind the contract check.
func sandboxClient(t *testing.T) (*klipytest.Server, *http.Client) {
	srv := klipytest.NewSandbox()
	return srv, &http.Client{Transport: klipytest.NewTransport(contracttest.Wrap(t, srv, base))}
}

const sandboxURL = "http://sandbox.invalid" + base

func TestSandboxInProcess(t *testing.T) {
	_, hc := sandboxClient(t)
	r := must(t, doRequest(t, hc, klipytest.SandboxKey, "GET", sandboxURL+"/authenticate", nil), 200)
	if r.data()["team_name"] == "" || r.data()["organization_id"] != klipytest.SandboxOrg {
		t.Errorf("authenticate = %v", r.data())
	}
	if got := r.header.Get("X-RateLimit-Limit"); got != "200" {
		t.Errorf("X-RateLimit-Limit = %q, want the real API's 200", got)
	}
	// The README's example: someone called Jordan is in the workspace.
	r = must(t, doRequest(t, hc, klipytest.SandboxKey, "POST", sandboxURL+"/people/query",
		`{"filter":{"email":"jordan.patel@acmeanalytics.example"}}`), 200)
	if len(r.list()) != 1 || r.list()[0]["firstName"] != "Jordan" {
		t.Errorf("jordan = %v", r.list())
	}
	mustFail(t, doRequest(t, hc, "", "GET", sandboxURL+"/authenticate", nil), 401, "missing_api_key")
}

func TestTransportDrop(t *testing.T) {
	srv := klipytest.NewSandbox()
	hc := &http.Client{Transport: klipytest.NewTransport(srv)}
	srv.DropNext(1)
	req, _ := http.NewRequest("GET", sandboxURL+"/authenticate", nil)
	req.Header.Set("Authorization", "Bearer "+klipytest.SandboxKey)
	_, err := hc.Do(req)
	if !errors.Is(err, klipytest.ErrDropped) {
		t.Errorf("dropped request: err = %v, want ErrDropped", err)
	}
	must(t, doRequest(t, hc, klipytest.SandboxKey, "GET", sandboxURL+"/authenticate", nil), 200)
}

func TestDemoWorkspace(t *testing.T) {
	_, hc := sandboxClient(t)
	walk := func(path string) []map[string]any {
		var all []map[string]any
		body := map[string]any{"limit": 100}
		for {
			r := must(t, doRequest(t, hc, klipytest.SandboxKey, "POST", sandboxURL+path, body), 200)
			all = append(all, r.list()...)
			pi := r.env["page_info"].(map[string]any)
			if pi["has_next_page"] != true {
				return all
			}
			body["cursor"] = pi["end_cursor"]
		}
	}
	people, ints := walk("/people/query"), walk("/interactions/query")
	companies := map[string]bool{}
	personIDs := map[string]bool{}
	jordan := false
	for _, p := range people {
		personIDs[p["id"].(string)] = true
		if cid, ok := p["companyId"].(string); ok {
			if !companies[cid] {
				must(t, doRequest(t, hc, klipytest.SandboxKey, "GET", sandboxURL+"/companies/"+cid, nil), 200)
			}
			companies[cid] = true
		}
		email, _ := p["email"].(string)
		jordan = jordan || strings.Contains(strings.ToLower(email), "jordan")
		if !strings.HasSuffix(email, ".example") {
			t.Errorf("email %q is not on a fictional .example domain", email)
		}
	}
	if len(people) < 50 || len(companies) < 15 || len(ints) < 200 {
		t.Errorf("demo has %d people, %d companies with people, %d interactions; want ≥ 50, 15, 200", len(people), len(companies), len(ints))
	}
	if !jordan {
		t.Error("no person named jordan")
	}
	checkInteractions(t, ints, personIDs, companies)
}

// checkInteractions asserts the demo timeline's spread: every type and
// direction, dates within the last 12 months, links to existing records,
// a few HTML summaries.
func checkInteractions(t *testing.T, ints []map[string]any, people, companies map[string]bool) {
	t.Helper()
	types, dirs := map[string]bool{}, map[string]bool{}
	html := 0
	yearAgo := time.Now().AddDate(-1, 0, 0)
	var oldest, newest time.Time
	for _, in := range ints {
		types[in["type"].(string)] = true
		dirs[in["direction"].(string)] = true
		at, err := time.Parse(time.RFC3339, in["interactionDate"].(string))
		if err != nil || at.Before(yearAgo) || at.After(time.Now()) {
			t.Errorf("interaction %v date %v outside the last 12 months (%v)", in["id"], in["interactionDate"], err)
		}
		if oldest.IsZero() || at.Before(oldest) {
			oldest = at
		}
		if at.After(newest) {
			newest = at
		}
		for _, c := range in["contacts"].([]any) {
			if !people[c.(string)] {
				t.Errorf("interaction %v links unknown person %v", in["id"], c)
			}
		}
		for _, c := range in["companies"].([]any) {
			if !companies[c.(string)] {
				t.Errorf("interaction %v links unknown company %v", in["id"], c)
			}
		}
		if s, _ := in["summary"].(string); strings.Contains(s, "</") {
			html++
		}
	}
	if len(types) != 9 || len(dirs) != 5 {
		t.Errorf("types %v, directions %v: want all 9 and all 5", types, dirs)
	}
	if newest.Sub(oldest) < 300*24*time.Hour {
		t.Errorf("interactions span %v to %v, want most of a year", oldest, newest)
	}
	if html < 2 {
		t.Errorf("%d summaries with HTML, want a few", html)
	}
}

// TestSandboxKeysIsACopy: changing what SandboxKeys returns changes neither
// the next answer nor the keys a new sandbox accepts.
func TestSandboxKeysIsACopy(t *testing.T) {
	keys := klipytest.SandboxKeys()
	keys[0].Token = "klipy_api_changed"
	keys[1].Scopes[0] = klipytest.ScopeAll
	again := klipytest.SandboxKeys()
	if again[0].Token != klipytest.SandboxKey || again[1].Scopes[0] != "people:read" {
		t.Fatalf("SandboxKeys() after a change to its last answer = %+v", again)
	}
	_, hc := sandboxClient(t)
	must(t, doRequest(t, hc, klipytest.SandboxKey, "GET", sandboxURL+"/authenticate", nil), 200)
	mustFail(t, doRequest(t, hc, "klipy_api_changed", "GET", sandboxURL+"/authenticate", nil), 401, "invalid_api_key")
}
