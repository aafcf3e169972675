package klipymcp_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/klipy-ai/klipy-mcp/klipy/klipytest"
)

func TestCLIExitCodesAndOutput(t *testing.T) {
	t.Parallel()
	healthy := fakeAPI(t, klipytest.NewSandbox())
	drifting := klipytest.NewSandbox()
	drifting.SetDrift(true)
	drifted := fakeAPI(t, drifting)
	key := "KLIPY_API_KEY=" + klipytest.SandboxKey

	tests := []struct {
		name       string
		env        []string
		args       []string
		wantCode   int
		wantStdout []string
		wantStderr string
	}{
		{"no command", nil, nil, 2, nil, "Usage: klipy-mcp COMMAND"},
		{"unknown command", nil, []string{"serve"}, 2, nil, `unknown command "serve"`},
		{"version", nil, []string{"version"}, 0, []string{"klipy-mcp " + stampVersion, "commit " + stampCommit, "go1."}, ""},
		{"stdio without key", nil, []string{"stdio"}, 2, nil, "klipy-mcp: no API key: set --api-key or KLIPY_API_KEY, or use --sandbox"},
		{"http on a public address", nil, []string{"http", "--addr", "0.0.0.0:0"}, 2, nil, "add --public"},
		{"unknown tool name in config", nil, []string{"stdio", "--sandbox", "--tools", "get_workspace,fly"}, 2, nil, `unknown tool "fly"`},
		{"call on the sandbox", nil, []string{"call", "search_people", `{"query":"jordan"}`, "--sandbox"}, 0, []string{`"people":[`, "Jordan"}, ""},
		{"call --json", nil, []string{"call", "--sandbox", "--json", "get_workspace"}, 0, []string{`"structuredContent": {`, `"content": [`}, ""},
		{"call with an error result", nil, []string{"call", "get_person", `{"person_id":"per_missing"}`, "--sandbox"}, 1, nil, "per_missing"},
		{"call an unknown tool", nil, []string{"call", "fly", "--sandbox"}, 2, nil, "valid tools: "},
		{"call a tool read-only hides", nil, []string{"call", "delete_person", `{"person_id":"x"}`, "--sandbox", "--read-only"}, 2, nil, `unknown tool "delete_person"`},
		{"call against the fake", []string{key}, []string{"call", "get_workspace", "--base-url", healthy}, 0, []string{"Northstar Demo Co"}, ""},
		{"tools", nil, []string{"tools"}, 0, []string{"| tool | toolset |", "`delete_company`"}, ""},
		{"tools read-only", nil, []string{"tools", "--read-only"}, 0, []string{"`get_person`"}, ""},
		{"doctor healthy", []string{key}, []string{"doctor", "--base-url", healthy}, 0, []string{"✓ key valid", "all checks passed"}, ""},
		{"doctor drifted", []string{key}, []string{"doctor", "--base-url", drifted}, 1, []string{"✗ queryPeople: HTTP 200", "unknown fields: data[].emailAddress", "meta (required)"}, ""},
		{"doctor on the sandbox", nil, []string{"doctor", "--sandbox"}, 0, []string{"all checks passed"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := runBinary(t, tt.env, tt.args...)
			if r.code != tt.wantCode {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, tt.wantCode, r.stdout, r.stderr)
			}
			for _, w := range tt.wantStdout {
				if !strings.Contains(r.stdout, w) {
					t.Errorf("stdout lacks %q:\n%s", w, r.stdout)
				}
			}
			if !strings.Contains(r.stderr, tt.wantStderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.wantStderr, r.stderr)
			}
			assertNoKey(t, "output", r.stdout+r.stderr, klipytest.SandboxKey)
		})
	}
}

func TestCLIToolsJSONIsTheToolsListPayload(t *testing.T) {
	t.Parallel()
	r := runBinary(t, nil, "tools", "--json", "--toolsets", "people", "--exclude-tools", "delete_person")
	var payload struct {
		Tools []struct {
			Name        string         `json:"name"`
			InputSchema map[string]any `json:"inputSchema"`
		} `json:"tools"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &payload); err != nil || r.code != 0 {
		t.Fatalf("exit %d, err %v:\n%s", r.code, err, r.stdout)
	}
	var names []string
	for _, tool := range payload.Tools {
		names = append(names, tool.Name)
		if tool.InputSchema["type"] != "object" {
			t.Errorf("%s: input schema %v", tool.Name, tool.InputSchema)
		}
	}
	if got := strings.Join(names, ","); got != "search_people,get_person,create_person,upsert_person,update_person" {
		t.Errorf("tools = %s", got)
	}
}

// TestCLISandboxCommand runs `klipy-mcp sandbox` and points doctor and a
// stdio call at it, as an integrator would.
func TestCLISandboxCommand(t *testing.T) {
	t.Parallel()
	s := startListening(t, "base_url", "sandbox", "--addr", "127.0.0.1:0")
	for _, k := range klipytest.SandboxKeys() {
		if !strings.Contains(s.stderr.String(), k.Token) {
			t.Errorf("sandbox does not print its key %s:\n%s", k.Token, s.stderr)
		}
	}
	// A narrower key sees only the tools its scopes allow.
	r := runBinary(t, []string{"KLIPY_API_KEY=" + klipytest.SandboxPeopleReadKey}, "call", "get_workspace", "--json", "--base-url", s.url)
	if r.code != 0 || !strings.Contains(r.stdout, `"get_person"`) || strings.Contains(r.stdout, `"create_person"`) {
		t.Errorf("get_workspace with the people:read sandbox key: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runBinary(t, []string{"KLIPY_BASE_URL=" + s.url, "KLIPY_API_KEY=" + klipytest.SandboxKey}, "doctor")
	if r.code != 0 || !strings.Contains(r.stdout, "all checks passed") {
		t.Errorf("doctor against the sandbox: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runBinary(t, []string{"KLIPY_API_KEY=" + klipytest.SandboxKey}, "call", "search_people", `{"email":"jordan.patel@acmeanalytics.example"}`, "--base-url", s.url)
	if r.code != 0 || !strings.Contains(r.stdout, "per_") {
		t.Errorf("call against the sandbox: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if code := s.stop(t); code != 0 {
		t.Errorf("sandbox exit %d after SIGTERM, want 0", code)
	}
}

// TestCLISandboxPlays runs `klipy-mcp sandbox --play` with an API variant
// and an /authenticate mode, and checks the fake answers that way and the
// server copes as documented.
func TestCLISandboxPlays(t *testing.T) {
	t.Parallel()
	s := startListening(t, "base_url", "sandbox", "--addr", "127.0.0.1:0", "--play", "relay-list,authenticate-needs-all-403")
	if !strings.Contains(s.stderr.String(), "playing: relay-list, authenticate-needs-all-403") {
		t.Errorf("sandbox does not say what it plays:\n%s", s.stderr)
	}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, s.url+"/people/query", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+klipytest.SandboxKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.Header.Get(klipytest.FaultHeader) != "relay-list" || !strings.Contains(string(body), `"edges"`) {
		t.Errorf("people/query: %s %s, want a Relay-style list marked relay-list", resp.Header.Get(klipytest.FaultHeader), body)
	}
	// The server reads the Relay-style list...
	r := runBinary(t, []string{"KLIPY_API_KEY=" + klipytest.SandboxKey}, "call", "search_people", `{"email":"jordan.patel@acmeanalytics.example"}`, "--base-url", s.url)
	if r.code != 0 || !strings.Contains(r.stdout, "per_") {
		t.Errorf("search_people on a Relay-style list: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// ...and a narrow key refused at /authenticate is reported unknown.
	r = runBinary(t, []string{"KLIPY_API_KEY=" + klipytest.SandboxPeopleReadKey}, "call", "get_workspace", "--base-url", s.url)
	if r.code != 0 || !strings.Contains(r.stdout, `"scopes_known":false`) || !strings.Contains(r.stdout, `"unknown":`) {
		t.Errorf("get_workspace with /authenticate closed: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if code := s.stop(t); code != 0 {
		t.Errorf("sandbox exit %d after SIGTERM, want 0", code)
	}
}

func TestCLIFlagsWinOverEnvironment(t *testing.T) {
	t.Parallel()
	// The environment asks for read-only people tools; the flag asks for
	// the companies toolset, and wins. Read-only still applies.
	r := runBinary(t, []string{"KLIPY_TOOLSETS=people", "KLIPY_READ_ONLY=true"}, "tools", "--toolsets", "companies")
	if r.code != 0 || !strings.Contains(r.stdout, "`get_company`") || strings.Contains(r.stdout, "people") || strings.Contains(r.stdout, "create_company") {
		t.Errorf("exit %d:\n%s%s", r.code, r.stdout, r.stderr)
	}
}
