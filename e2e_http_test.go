package klipymcp_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/klipy-ai/klipy-mcp/klipy/klipytest"
	"github.com/klipy-ai/klipy-mcp/tools"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// peopleKey is a key of the sandbox organization with only people:read.
const peopleKey = "klipy_api_people_reader"

// hostedFake returns a sandbox fake that also accepts peopleKey.
func hostedFake() *klipytest.Server {
	fake := klipytest.NewSandbox()
	fake.AddKey(klipytest.Key{Token: peopleKey, Org: klipytest.SandboxOrg, Scopes: []string{"people:read"}})
	return fake
}

// startHosted starts `klipy-mcp http --public` (every caller brings a key)
// on a loopback port against the fake at base.
func startHosted(t *testing.T, base string, extra ...string) *server {
	t.Helper()
	args := append([]string{"http", "--public", "--addr", "127.0.0.1:0", "--base-url", base, "--rate-limit", "6000"}, extra...)
	return startListening(t, "url", args...)
}

// keyTransport adds a caller's key to every request.
type keyTransport struct{ key string }

func (k keyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+k.key)
	return http.DefaultTransport.RoundTrip(r)
}

// connectHTTP connects the go-sdk client to url, sending key (if any).
func connectHTTP(t *testing.T, url, key string) *mcp.ClientSession {
	t.Helper()
	hc := &http.Client{}
	if key != "" {
		hc.Transport = keyTransport{key}
	}
	return connectWith(t, url, hc)
}

// post sends one raw JSON-RPC POST and returns the response and its body.
func post(t *testing.T, url string, header map[string]string, body []byte) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

const initializeBody = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"e2e-raw","version":"1.0"}}}`

func bearer(key string) map[string]string { return map[string]string{"Authorization": "Bearer " + key} }

func TestHTTPSandboxNeedsNoKey(t *testing.T) {
	t.Parallel()
	s := startListening(t, "url", "http", "--sandbox", "--addr", "127.0.0.1:0")
	cs := connectHTTP(t, s.url, "")
	res, err := cs.CallTool(t.Context(), &mcp.CallToolParams{Name: "search_people", Arguments: map[string]any{"query": "jordan"}})
	if err != nil || res.IsError {
		t.Fatalf("search_people on the sandbox: %v %+v", err, res)
	}
	health, err := http.Get(strings.TrimSuffix(s.url, "/mcp") + "/healthz")
	if err != nil || health.StatusCode != http.StatusOK {
		t.Errorf("/healthz: %v %v", err, health)
	}
	if code := s.stop(t); code != 0 {
		t.Errorf("exit %d after SIGTERM, want 0", code)
	}
}

func TestHTTPHostedRequiresKey(t *testing.T) {
	t.Parallel()
	s := startHosted(t, fakeAPI(t, hostedFake()))
	resp, _ := post(t, s.url, nil, []byte(initializeBody))
	if resp.StatusCode != http.StatusUnauthorized || !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Bearer") {
		t.Errorf("no key: status %d, WWW-Authenticate %q; want 401 with a Bearer challenge", resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
	}
	resp, _ = post(t, s.url, bearer(peopleKey), []byte(initializeBody))
	if resp.StatusCode != http.StatusOK {
		t.Errorf("with a key: status %d, want 200", resp.StatusCode)
	}
}

// TestHTTPCallersKeepTheirOwnKeys interleaves two callers with different
// keys: each sees its own tools and workspace scopes, and the fake sees
// every upstream request carrying one of the two keys.
func TestHTTPCallersKeepTheirOwnKeys(t *testing.T) {
	t.Parallel()
	fake := hostedFake()
	s := startHosted(t, fakeAPI(t, fake))
	callers := []struct {
		key       string
		wantTools int
		wantScope string
	}{{klipytest.SandboxKey, len(tools.ToolNames()), "ALL"}, {peopleKey, 3, "people:read"}}

	var wg sync.WaitGroup
	for _, c := range callers {
		cs := connectHTTP(t, s.url, c.key)
		list, err := cs.ListTools(t.Context(), nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(list.Tools) != c.wantTools {
			t.Errorf("key with %s lists %d tools, want %d: %v", c.wantScope, len(list.Tools), c.wantTools, toolNames(list.Tools))
		}
		wg.Go(func() {
			for range 50 {
				res, err := cs.CallTool(t.Context(), &mcp.CallToolParams{Name: "get_workspace", Arguments: map[string]any{}})
				if err != nil || res.IsError {
					t.Errorf("get_workspace: %v %+v", err, res)
					return
				}
				b, _ := json.Marshal(res.StructuredContent)
				if !strings.Contains(string(b), `"scopes":["`+c.wantScope+`"]`) {
					t.Errorf("caller with %s saw %s", c.wantScope, b)
					return
				}
			}
		})
	}
	wg.Wait()
	counts := keyCount(fake)
	if counts[klipytest.SandboxKey] < 50 || counts[peopleKey] < 50 || len(counts) != 2 {
		t.Errorf("requests by key: %d full, %d people, %d distinct keys; want ≥ 50, ≥ 50, 2",
			counts[klipytest.SandboxKey], counts[peopleKey], len(counts))
	}
	assertNoKey(t, "server log", s.stderr.String(), klipytest.SandboxKey)
	assertNoKey(t, "server log", s.stderr.String(), peopleKey)
}

func TestHTTPOriginAndBodyLimits(t *testing.T) {
	t.Parallel()
	s := startHosted(t, fakeAPI(t, hostedFake()), "--allowed-origins", "https://app.example")
	key := bearer(klipytest.SandboxKey)

	evil := map[string]string{"Authorization": key["Authorization"], "Origin": "https://evil.example"}
	if resp, _ := post(t, s.url, evil, []byte(initializeBody)); resp.StatusCode != http.StatusForbidden {
		t.Errorf("bad Origin: status %d, want 403", resp.StatusCode)
	}
	good := map[string]string{"Authorization": key["Authorization"], "Origin": "https://app.example"}
	if resp, _ := post(t, s.url, good, []byte(initializeBody)); resp.StatusCode != http.StatusOK {
		t.Errorf("allowed Origin: status %d, want 200", resp.StatusCode)
	}

	big := `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"pad":"` + strings.Repeat("x", 2<<20) + `"}}`
	if resp, _ := post(t, s.url, key, []byte(big)); resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("2 MiB body: status %d, want 413", resp.StatusCode)
	}
	if resp, _ := post(t, s.url, key, []byte(initializeBody)); resp.StatusCode != http.StatusOK {
		t.Errorf("after the oversized body: status %d, want 200 (still serving)", resp.StatusCode)
	}
}

// modernBody is a stateless-era (2026-07-28) request: no session; protocol
// metadata rides in _meta and the Mcp-Method/Mcp-Name headers.
func modernBody(method, params string) string {
	meta := `"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientInfo":{"name":"e2e-raw","version":"1.0"},"io.modelcontextprotocol/clientCapabilities":{}}`
	if params != "" {
		params += ","
	}
	return `{"jsonrpc":"2.0","id":7,"method":"` + method + `","params":{` + params + meta + `}}`
}

func modernHeaders(key, method, name string) map[string]string {
	h := map[string]string{"Authorization": "Bearer " + key, "MCP-Protocol-Version": "2026-07-28", "Mcp-Method": method}
	if name != "" {
		h["Mcp-Name"] = name
	}
	return h
}

func TestHTTPStatelessProtocol(t *testing.T) {
	t.Parallel()
	s := startHosted(t, fakeAPI(t, hostedFake()))
	for key, want := range map[string]int{klipytest.SandboxKey: len(tools.ToolNames()), peopleKey: 3} {
		resp, body := post(t, s.url, modernHeaders(key, "tools/list", ""), []byte(modernBody("tools/list", "")))
		var msg struct {
			Result struct {
				Tools []struct{ Name string } `json:"tools"`
			} `json:"result"`
		}
		if err := json.Unmarshal([]byte(body), &msg); err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("stateless tools/list: status %d, body %.300s", resp.StatusCode, body)
		}
		if len(msg.Result.Tools) != want {
			t.Errorf("stateless tools/list lists %d tools, want %d", len(msg.Result.Tools), want)
		}
		if sid := resp.Header.Get("Mcp-Session-Id"); sid != "" {
			t.Errorf("a stateless answer carries a session id %q", sid)
		}
	}
	call := modernBody("tools/call", `"name":"search_people","arguments":{"query":"jordan"}`)
	resp, body := post(t, s.url, modernHeaders(peopleKey, "tools/call", "search_people"), []byte(call))
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "jordan") || strings.Contains(body, `"isError":true`) {
		t.Errorf("stateless tools/call: status %d, body %.300s", resp.StatusCode, body)
	}
}

func TestHTTPSessionIsBoundToItsKey(t *testing.T) {
	t.Parallel()
	s := startHosted(t, fakeAPI(t, hostedFake()))
	resp, _ := post(t, s.url, bearer(klipytest.SandboxKey), []byte(initializeBody))
	sid := resp.Header.Get("Mcp-Session-Id")
	if sid == "" {
		t.Fatalf("initialize answered %d without a session id", resp.StatusCode)
	}
	list := []byte(`{"jsonrpc":"2.0","id":2,"method":"tools/list"}`)
	withSession := func(key string) map[string]string {
		return map[string]string{"Authorization": "Bearer " + key, "Mcp-Session-Id": sid, "MCP-Protocol-Version": "2025-11-25"}
	}
	if resp, body := post(t, s.url, withSession(peopleKey), list); resp.StatusCode == http.StatusOK {
		t.Errorf("another key used the session: status 200, body %.200s", body)
	}
	if resp, body := post(t, s.url, withSession(klipytest.SandboxKey), list); resp.StatusCode != http.StatusOK || !strings.Contains(body, "delete_company") {
		t.Errorf("the session's own key: status %d, body %.200s", resp.StatusCode, body)
	}
}

// signalling wraps the fake and reports the first request to path.
type signalling struct {
	http.Handler
	path    string
	arrived chan struct{}
	once    sync.Once
}

func (s *signalling) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasSuffix(r.URL.Path, s.path) {
		s.once.Do(func() { close(s.arrived) })
	}
	s.Handler.ServeHTTP(w, r)
}

// TestHTTPGracefulShutdown sends SIGTERM while a slow call is in flight:
// the call completes and the process exits 0.
func TestHTTPGracefulShutdown(t *testing.T) {
	t.Parallel()
	fake := hostedFake()
	sig := &signalling{Handler: fake, path: "/people/query", arrived: make(chan struct{})}
	s := startHosted(t, fakeAPI(t, sig))
	cs := connectHTTP(t, s.url, klipytest.SandboxKey)
	fake.SetLatency(700 * time.Millisecond)

	type outcome struct {
		res *mcp.CallToolResult
		err error
	}
	done := make(chan outcome, 1)
	go func() {
		res, err := cs.CallTool(t.Context(), &mcp.CallToolParams{Name: "search_people", Arguments: map[string]any{"email": "jordan.patel@acmeanalytics.example"}})
		done <- outcome{res, err}
	}()
	select {
	case <-sig.arrived:
	case <-time.After(20 * time.Second):
		t.Fatal("the call never reached the fake")
	}
	if err := s.cmd.Process.Signal(sigterm); err != nil {
		t.Fatal(err)
	}
	o := <-done
	if o.err != nil || o.res.IsError {
		t.Errorf("the in-flight call did not finish cleanly: %v %+v", o.err, o.res)
	}
	if code := s.wait(t); code != 0 {
		t.Errorf("exit %d after SIGTERM, want 0\n%s", code, s.stderr)
	}
}
