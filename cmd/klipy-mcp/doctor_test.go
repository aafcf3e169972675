package main

import (
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
			"✓ reachable", `✓ key valid: workspace "`, "✓ scopes: ALL", "✓ rate limit: ", "✓ people: query answered (1 record",
			"✓ interactions: query answered", "✓ companies: read company ", "✓ contract authenticate: matches AuthenticateData",
			"✓ contract getCompany: matches Company", "all checks passed"}},
		{"drift", fakeAPI(t, drifting), klipytest.SandboxKey, 1, []string{
			"✗ contract queryPeople drifted from Person: required fields missing: meta; unknown fields: data[].emailAddress, data[].tags; absent optional fields: data[].email",
			"problem(s) found"}},
		{"scoped key", fakeAPI(t, peopleOnly), "klipy_api_people", 0, []string{
			"✓ scopes: people:read", "✓ people: query answered", "– interactions: the key lacks interactions:read; not probed",
			"– companies: the key lacks companies:read"}},
		{"bad key", fakeAPI(t, healthy), "klipy_api_wrong", 1, []string{"✓ reachable (HTTP 401", "✗ key valid: the API rejected the key"}},
		{"unreachable", closedURL, "klipy_api_x", 1, []string{"✗ reachable: "}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, nil, "doctor", "--base-url", tt.base, "--api-key", tt.key, "--timeout", "5s")
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
