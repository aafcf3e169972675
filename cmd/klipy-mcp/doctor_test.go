package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/klipy-ai/klipy-mcp/klipy/klipytest"
)

// fakeAPI serves fake on loopback under /api/v1 and returns its base URL.
func fakeAPI(t *testing.T, fake *klipytest.Server) string {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle("/api/v1/", fake)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL + "/api/v1"
}

func TestDoctor(t *testing.T) {
	healthy := klipytest.NewSandbox()
	drifting := klipytest.NewSandbox()
	drifting.SetDrift(true)
	peopleOnly := klipytest.NewSandbox()
	peopleOnly.AddKey(klipytest.Key{Token: "klipy_api_people", Org: klipytest.SandboxOrg, Scopes: []string{"people:read"}})
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL + "/api/v1"
	closed.Close()

	tests := []struct {
		name     string
		base     string
		key      string
		wantCode int
		want     []string // lines or fragments the report must contain
	}{
		{"healthy", fakeAPI(t, healthy), klipytest.SandboxKey, 0, []string{
			"✓ reachable: HTTP 200", `✓ key valid: workspace "`, "✓ scopes: ALL", "✓ rate limit: ",
			"✓ authenticate: HTTP 200; envelope data,meta,object; matches the contract",
			"! queryPeople: HTTP 200; envelope data,meta,object,page_info; list at data; cursor page_info.end_cursor, followed to page 2; filter companyId honoured; filter email honoured; unknown fields: data[].tags",
			"getPerson: HTTP 200; envelope data,meta,object",
			"✓ queryInteractions: HTTP 200; envelope data,meta,object,page_info; list at data; cursor page_info.end_cursor, followed to page 2; filter companyId honoured; filter contactId honoured; matches the contract",
			"✓ getInteraction: HTTP 200; envelope data,meta,object; matches the contract",
			"✓ getCompany: HTTP 200; envelope data,meta,object; matches the contract",
			"– deletePerson: not probed", "all checks passed"}},
		{"drift", fakeAPI(t, drifting), klipytest.SandboxKey, 1, []string{
			"✗ queryPeople: HTTP 200; envelope data,object,page_info; list at data; cursor page_info.end_cursor, followed to page 2; filter companyId honoured; filter email honoured; unknown fields: data[].emailAddress, data[].tags; missing fields: meta (required), data[].email",
			"problem(s) found"}},
		{"scoped key", fakeAPI(t, peopleOnly), "klipy_api_people", 0, []string{
			"✓ scopes: people:read", "queryPeople: HTTP 200", "– queryInteractions: the key lacks interactions:read; not probed",
			"– getCompany: the key lacks companies:read"}},
		{"bad key", fakeAPI(t, healthy), "klipy_api_wrong", 1, []string{"✓ reachable: HTTP 401", "✗ key valid: the API rejected the key"}},
		{"unreachable", closedURL, "klipy_api_x", 1, []string{"✗ reachable: "}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, nil, "doctor", "--base-url", tt.base, "--api-key", tt.key, "--timeout", "5s", "--rate-limit", "60000")
			if code != tt.wantCode {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.wantCode, stdout, stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(stdout, w) {
					t.Errorf("report lacks %q:\n%s", w, stdout)
				}
			}
			if strings.Contains(stdout+stderr, tt.key) {
				t.Error("the key appears in doctor's output")
			}
		})
	}
}

// TestDoctorVariants runs doctor against the fake playing each way the real
// API may differ from the contract's guesses, and checks the line that
// reports it.
func TestDoctorVariants(t *testing.T) {
	tests := []struct {
		v        klipytest.Variant
		wantCode int
		want     []string
	}{
		{klipytest.VariantPeopleFilterIgnored, 1, []string{
			"✗ queryPeople: ", "filter companyId problem: ignored (2 record(s) returned for a value no record has; klipy-mcp drops them); filter email problem: ignored (2 record(s)",
			"filter contactId honoured"}},
		{klipytest.VariantInteractionFilterIgnored, 1, []string{
			"filter email honoured", "✗ queryInteractions: ", "filter contactId problem: ignored (2 record(s)"}},
		{klipytest.VariantCursorUnknownName, 1, []string{
			"✗ queryPeople: HTTP 200; envelope data,meta,object,page_info; list at data; no cursor, problem: the API said more pages exist but sent no cursor this client can read",
			"unknown fields: page_info.next_page_token", "missing fields: page_info.end_cursor"}},
		{klipytest.VariantCursorOtherName, 1, []string{
			"queryPeople: HTTP 200; envelope data,meta,object,pagination; list at data; cursor pagination.nextCursor, followed to page 2",
			"unknown fields: pagination", "missing fields: page_info (required)"}},
		{klipytest.VariantMoreWithoutCursor, 1, []string{
			"✗ queryInteractions: HTTP 200; envelope data,meta,object,page_info; list at data; no cursor, problem: the API said more pages exist but sent no cursor"}},
		{klipytest.VariantCursorRepeated, 1, []string{
			"✗ queryPeople: HTTP 200; envelope data,meta,object,page_info; list at data; cursor page_info.end_cursor, problem: on page 2, the API sent a cursor it had already sent (following it would repeat a page)"}},
		{klipytest.VariantRelayList, 1, []string{
			"queryPeople: HTTP 200; envelope data,meta,object; list at data.edges; cursor data.pageInfo.endCursor, followed to page 2",
			"missing fields: page_info (required)"}},
		{klipytest.VariantPersonDeleteNeedsAll, 0, []string{"– deletePerson: not probed", "all checks passed"}},
	}
	for _, tt := range tests {
		t.Run(string(tt.v), func(t *testing.T) {
			fake := klipytest.NewSandbox()
			fake.Play(tt.v, true)
			code, stdout, stderr := runCLI(t, nil, "doctor", "--base-url", fakeAPI(t, fake), "--api-key", klipytest.SandboxKey, "--timeout", "5s", "--rate-limit", "60000")
			if code != tt.wantCode {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.wantCode, stdout, stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(stdout, w) {
					t.Errorf("report lacks %q:\n%s", w, stdout)
				}
			}
		})
	}
}

// TestDoctorJSON checks that --json gives the same checks as one JSON
// document, without the key.
func TestDoctorJSON(t *testing.T) {
	fake := klipytest.NewSandbox()
	fake.Play(klipytest.VariantPeopleFilterIgnored, true)
	code, stdout, _ := runCLI(t, nil, "doctor", "--json", "--base-url", fakeAPI(t, fake), "--api-key", klipytest.SandboxKey, "--rate-limit", "60000")
	if code != 1 {
		t.Errorf("exit %d, want 1 (a filter is ignored)", code)
	}
	var rep struct {
		BaseURL  string `json:"base_url"`
		Problems int    `json:"problems"`
		Checks   []struct {
			Check, Outcome, Cursor, Paging string
			Status                         int
			Envelope                       []string
			Filters                        map[string]string
		} `json:"checks"`
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, stdout)
	}
	if strings.Contains(stdout, klipytest.SandboxKey) || strings.Contains(stdout, "sha256:") {
		t.Error("the key or its fingerprint appears in the JSON report")
	}
	byOp := map[string]int{}
	for i, c := range rep.Checks {
		byOp[c.Check] = i
	}
	people := rep.Checks[byOp["queryPeople"]]
	if people.Outcome != "problem" || people.Status != 200 || people.Cursor != "page_info.end_cursor" ||
		!strings.HasPrefix(people.Filters["email"], "problem: ignored") || people.Paging != "followed to page 2" {
		t.Errorf("queryPeople = %+v", people)
	}
	for _, op := range []string{"reachable", "key valid", "authenticate", "getPerson", "queryInteractions", "getInteraction", "getCompany", "deletePerson"} {
		if _, ok := byOp[op]; !ok {
			t.Errorf("no %q check in %s", op, stdout)
		}
	}
	if rep.Problems != 1 || rep.BaseURL == "" {
		t.Errorf("problems %d, base_url %q", rep.Problems, rep.BaseURL)
	}
}

func TestDoctorNeverWrites(t *testing.T) {
	fake := klipytest.NewSandbox()
	if code, out, _ := runCLI(t, nil, "doctor", "--base-url", fakeAPI(t, fake), "--api-key", klipytest.SandboxKey); code != 0 {
		t.Fatalf("doctor failed:\n%s", out)
	}
	reqs := fake.Requests()
	if len(reqs) == 0 {
		t.Fatal("the fake saw no request")
	}
	for _, r := range reqs {
		if r.Method != http.MethodGet && !strings.HasSuffix(r.Path, "/query") {
			t.Errorf("doctor sent %s %s", r.Method, r.Path)
		}
	}
}

// TestDoctorAuthenticateRefused checks that a key refused by /authenticate
// for want of ALL (403, or a 401 that speaks of scope) is not reported as a
// bad key, and that every other read operation is still probed.
func TestDoctorAuthenticateRefused(t *testing.T) {
	for name, status := range map[string]int{"403": http.StatusForbidden, "401 about scope": http.StatusUnauthorized} {
		t.Run(name, func(t *testing.T) {
			fake := klipytest.NewSandbox()
			fake.AddKey(klipytest.Key{Token: "klipy_api_reader", Org: klipytest.SandboxOrg, Scopes: []string{"people:read", "interactions:read", "companies:read"}})
			mux := http.NewServeMux()
			mux.HandleFunc("/api/v1/authenticate", func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(status)
				w.Write([]byte(`{"object":"error","error":{"code":"insufficient_scope","message":"this API key lacks the ALL scope"}}`))
			})
			mux.Handle("/api/v1/", fake)
			srv := httptest.NewServer(mux)
			t.Cleanup(srv.Close)
			code, stdout, _ := runCLI(t, nil, "doctor", "--base-url", srv.URL+"/api/v1", "--api-key", "klipy_api_reader", "--rate-limit", "60000")
			if code != 0 {
				t.Errorf("exit %d, want 0:\n%s", code, stdout)
			}
			for _, w := range []string{"! authenticate: HTTP " + fmt.Sprint(status) + "; refused for this key (this API key lacks the ALL scope)",
				"! scopes: the API does not report them", "queryPeople: HTTP 200", "✓ queryInteractions: HTTP 200", "✓ getCompany: HTTP 200"} {
				if !strings.Contains(stdout, w) {
					t.Errorf("report lacks %q:\n%s", w, stdout)
				}
			}
			if strings.Contains(stdout, "key valid: the API rejected") {
				t.Errorf("a scope refusal reported as a bad key:\n%s", stdout)
			}
		})
	}
}
