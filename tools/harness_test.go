package tools

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/klipy-ai/klipy-mcp/klipy"
	"github.com/klipy-ai/klipy-mcp/klipy/klipytest"
)

// The tests run the real klipy client against the in-memory fake over real
// HTTP, and call tools through mcp-go's client.

const (
	testOrg  = "acme"
	unlimits = 1 << 20
)

// fake is a Klipy API fake served over HTTP, seeded with the demo workspace.
type fake struct {
	*klipytest.Server
	url string
	log *recorder
}

// recorded is one request as the fake received it.
type recorded struct {
	Method, Path string
	Body         []byte
}

// recorder logs each request before the fake handles it, so the log is
// complete by the time the client has the response (the fake's own log is
// written after the response, which races with large answers).
type recorder struct {
	next http.Handler
	mu   sync.Mutex
	reqs []recorded
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	req.Body = io.NopCloser(bytes.NewReader(body))
	r.mu.Lock()
	r.reqs = append(r.reqs, recorded{req.Method, strings.TrimPrefix(req.URL.Path, "/api/v1"), body})
	r.mu.Unlock()
	r.next.ServeHTTP(w, req)
}

// reqs returns the requests since the last reset.
func (f *fake) reqs() []recorded {
	f.log.mu.Lock()
	defer f.log.mu.Unlock()
	return append([]recorded(nil), f.log.reqs...)
}

// reset empties the request log.
func (f *fake) reset() {
	f.log.mu.Lock()
	defer f.log.mu.Unlock()
	f.log.reqs = nil
}

func newFake(t *testing.T) *fake {
	t.Helper()
	s := klipytest.New(klipytest.Options{KeyLimit: unlimits, OrgLimit: unlimits})
	if err := s.SeedDemo(testOrg); err != nil {
		t.Fatal(err)
	}
	rec := &recorder{next: s}
	hs := httptest.NewServer(rec)
	t.Cleanup(hs.Close)
	return &fake{Server: s, url: hs.URL + "/api/v1", log: rec}
}

// client returns a klipy client for a key with scopes (none = ALL) that has
// learnt its scopes from /authenticate.
func (f *fake) client(t *testing.T, scopes ...string) *klipy.Client {
	t.Helper()
	c := f.rawClient(t, f.addKey(scopes...))
	if _, _, err := c.Authenticate(t.Context()); err != nil {
		t.Fatal(err)
	}
	return c
}

var keySeq atomic.Int64

// addKey makes a fresh key (unique per test, so no pacing state is shared)
// with scopes, or ALL when none are given, and returns its token.
func (f *fake) addKey(scopes ...string) string {
	if len(scopes) == 0 {
		scopes = []string{"ALL"}
	}
	token := fmt.Sprintf("klipy_api_test_%d", keySeq.Add(1))
	f.AddKey(klipytest.Key{Token: token, Org: testOrg, Scopes: scopes})
	return token
}

// rawClient returns a client for token that has not called /authenticate,
// so its scopes are unknown.
func (f *fake) rawClient(t *testing.T, token string) *klipy.Client {
	t.Helper()
	c, err := klipy.New(klipy.Options{BaseURL: f.url, APIKey: token, RateLimit: unlimits, OrgLimit: unlimits, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// newServer builds the MCP server for cfg, failing the test on error. It
// validates every structured result against the tool's output schema.
func newServer(t *testing.T, cfg Config) *server.MCPServer {
	t.Helper()
	s, err := NewServer(cfg, server.WithOutputSchemaValidation())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// connect starts an in-process MCP client on s speaking the 2025-11-25
// protocol, as today's clients do.
func connect(t *testing.T, s *server.MCPServer, opts ...client.ClientOption) *client.Client {
	return connectVersion(t, s, mcp.LATEST_LEGACY_PROTOCOL_VERSION, opts...)
}

// connectVersion starts an in-process MCP client on s speaking version.
func connectVersion(t *testing.T, s *server.MCPServer, version string, opts ...client.ClientOption) *client.Client {
	t.Helper()
	opts = append([]client.ClientOption{client.WithProtocolVersion(version)}, opts...)
	c, err := client.NewInProcessClientWithOptions(s, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	req := mcp.InitializeRequest{}
	req.Params.ClientInfo = mcp.Implementation{Name: "tools-test", Version: "1"}
	req.Params.ProtocolVersion = version
	if _, err := c.Initialize(t.Context(), req); err != nil {
		t.Fatal(err)
	}
	return c
}

// call calls a tool; a protocol-level error fails the test.
func call(t *testing.T, c *client.Client, name string, args any) *mcp.CallToolResult {
	t.Helper()
	res, err := callErr(t.Context(), c, name, args)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return res
}

func callErr(ctx context.Context, c *client.Client, name string, args any) (*mcp.CallToolResult, error) {
	req := mcp.CallToolRequest{}
	req.Params.Name = name
	req.Params.Arguments = args
	return c.CallTool(ctx, req)
}

// text returns the result's first text block.
func text(t *testing.T, res *mcp.CallToolResult) string {
	t.Helper()
	for _, c := range res.Content {
		if tc, ok := c.(mcp.TextContent); ok {
			return tc.Text
		}
	}
	t.Fatalf("result has no text block: %+v", res)
	return ""
}

// okResult asserts success and that the text block and structuredContent
// carry the same JSON; it returns that JSON decoded.
func okResult(t *testing.T, res *mcp.CallToolResult) map[string]any {
	t.Helper()
	txt := text(t, res)
	if res.IsError {
		t.Fatalf("unexpected isError result: %s", txt)
	}
	var fromText, fromStruct map[string]any
	if err := json.Unmarshal([]byte(txt), &fromText); err != nil {
		t.Fatalf("text block is not JSON: %v\n%s", err, txt)
	}
	b, err := json.Marshal(res.StructuredContent)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &fromStruct); err != nil {
		t.Fatal(err)
	}
	if !jsonEqual(fromText, fromStruct) {
		t.Errorf("text block and structuredContent differ:\ntext:   %s\nstruct: %s", txt, b)
	}
	return fromText
}

// errText asserts an isError result and returns its text.
func errText(t *testing.T, res *mcp.CallToolResult) string {
	t.Helper()
	txt := text(t, res)
	if !res.IsError {
		t.Fatalf("want isError result, got: %s", txt)
	}
	return txt
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// requests returns the fake's log since the last reset, as "METHOD /path".
func (f *fake) requests() []string {
	var out []string
	for _, r := range f.reqs() {
		out = append(out, r.Method+" "+r.Path)
	}
	return out
}

// lastBody returns the JSON body of the last request to method and path.
func (f *fake) lastBody(t *testing.T, method, path string) map[string]any {
	t.Helper()
	reqs := f.reqs()
	for i := len(reqs) - 1; i >= 0; i-- {
		if reqs[i].Method == method && reqs[i].Path == path {
			var m map[string]any
			if err := json.Unmarshal(reqs[i].Body, &m); err != nil {
				t.Fatalf("%s %s body: %v", method, path, err)
			}
			return m
		}
	}
	t.Fatalf("no %s %s request in %v", method, path, f.requests())
	return nil
}

// env is a fake, a full-scope client and a connected MCP client.
type env struct {
	fake *fake
	kc   *klipy.Client
	mc   *client.Client
}

func newEnv(t *testing.T, cfg Config, opts ...client.ClientOption) *env {
	return newEnvVersion(t, cfg, mcp.LATEST_LEGACY_PROTOCOL_VERSION, opts...)
}

func newEnvVersion(t *testing.T, cfg Config, version string, opts ...client.ClientOption) *env {
	t.Helper()
	f := newFake(t)
	kc := f.client(t)
	cfg.Client = kc
	mc := connectVersion(t, newServer(t, cfg), version, opts...)
	f.reset()
	return &env{fake: f, kc: kc, mc: mc}
}
