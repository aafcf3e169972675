package hosting

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/klipy-ai/klipy-mcp/klipy"
	"github.com/klipy-ai/klipy-mcp/klipy/klipytest"
	"github.com/klipy-ai/klipy-mcp/tools"
	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// Keys the fake upstream accepts: one with every scope, one that may only
// read people, each in its own organization (workspace).
const (
	keyAll    = "klipy_api_test_all"
	keyPeople = "klipy_api_test_people"
	keyBogus  = "klipy_api_test_unknown"
)

// Both protocol eras the host serves.
var eras = []string{mcp.ProtocolVersion20251125, mcp.ProtocolVersion20260728}

// upstream is the fake Klipy API on a real loopback HTTP server.
type upstream struct {
	*klipytest.Server
	url string
}

func newUpstream(t testing.TB) *upstream {
	t.Helper()
	fake := klipytest.New(klipytest.Options{})
	fake.AddKey(klipytest.Key{Token: keyAll, Org: "org_acme", Scopes: []string{klipytest.ScopeAll}})
	fake.AddKey(klipytest.Key{Token: keyPeople, Org: "org_beta", Scopes: []string{"people:read"}})
	fake.SetTeamName("org_acme", "Acme")
	fake.SetTeamName("org_beta", "Beta")
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	return &upstream{Server: fake, url: srv.URL + "/api/v1"}
}

// keysSeen returns the keys the fake received, in order.
func (u *upstream) keysSeen() []string {
	var keys []string
	for _, r := range u.Requests() {
		keys = append(keys, string(r.Key))
	}
	return keys
}

// testLogger discards logs unless the test fails verbosely.
func testLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// host runs a Handler built from cfg (pointed at up) on a loopback
// httptest server and returns its handler and /mcp URL.
func host(t testing.TB, up *upstream, cfg Config) (*Handler, string) {
	t.Helper()
	hc := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	t.Cleanup(hc.CloseIdleConnections)
	cfg.Klipy.BaseURL = up.url
	cfg.Klipy.HTTPClient = hc
	cfg.Klipy.Limiter = klipy.NewLocalLimiter()
	if cfg.Logger == nil {
		cfg.Logger = testLogger()
	}
	h, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = h.Close(ctx)
		srv.Close()
	})
	return h, srv.URL + "/mcp"
}

// connect opens an mcp-go streamable HTTP client pinned to version, sending
// headers, and initializes it.
func connect(t *testing.T, url, version string, headers map[string]string) *client.Client {
	t.Helper()
	c, err := dial(url, version, headers)
	if err != nil {
		t.Fatalf("connect (%s): %v", version, err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func dial(url, version string, headers map[string]string) (*client.Client, error) {
	return dialWith(url, version, headers)
}

// dialWith is dial with extra client options.
func dialWith(url, version string, headers map[string]string, opts ...client.ClientOption) (*client.Client, error) {
	tr, err := transport.NewStreamableHTTP(url, transport.WithHTTPHeaders(headers), transport.WithHTTPLogger(testLogger()),
		transport.WithHTTPTimeout(30*time.Second))
	if err != nil {
		return nil, err
	}
	c := client.NewClient(tr, append(opts, client.WithProtocolVersion(version))...)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := c.Start(ctx); err != nil {
		return nil, err
	}
	req := mcp.InitializeRequest{}
	req.Params.ClientInfo = mcp.Implementation{Name: "hosting-test", Version: "1"}
	if _, err := c.Initialize(ctx, req); err != nil {
		_ = c.Close()
		return nil, err
	}
	return c, nil
}

func bearer(key string) map[string]string { return map[string]string{"Authorization": "Bearer " + key} }

// call runs a tool and fails the test on a protocol error.
func call(t *testing.T, c *client.Client, name string, args map[string]any) *mcp.CallToolResult {
	t.Helper()
	res, err := tryCall(c, name, args)
	if err != nil {
		t.Fatalf("call %s: %v", name, err)
	}
	return res
}

// tryCall runs a tool; safe from any goroutine.
func tryCall(c *client.Client, name string, args map[string]any) (*mcp.CallToolResult, error) {
	req := mcp.CallToolRequest{}
	req.Params.Name = name
	req.Params.Arguments = args
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return c.CallTool(ctx, req)
}

// toolNames lists the tools the client sees.
func toolNames(t *testing.T, c *client.Client) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res, err := c.ListTools(ctx, mcp.ListToolsRequest{})
	if err != nil {
		t.Fatalf("tools/list: %v", err)
	}
	var names []string
	for _, tool := range res.Tools {
		names = append(names, tool.Name)
	}
	return names
}

// resultText returns the text blocks of a result.
func resultText(res *mcp.CallToolResult) string {
	var b strings.Builder
	for _, c := range res.Content {
		if tc, ok := c.(mcp.TextContent); ok {
			b.WriteString(tc.Text)
		}
	}
	return b.String()
}

// post sends one raw JSON-RPC POST to /mcp and returns the response with its
// body read.
func post(t *testing.T, url, body string, header map[string]string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	return do(t, req)
}

func do(t *testing.T, req *http.Request) (*http.Response, string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

const initializeBody = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}`

// withProbeServer makes cfg build a plain MCP server carrying the probe
// tools below instead of the Klipy catalogue, to test the host's mechanics.
func withProbeServer(cfg Config, probes ...server.ServerTool) Config {
	cfg.newServer = func(tc tools.Config, opts ...server.ServerOption) (*server.MCPServer, error) {
		s := server.NewMCPServer("probe", "1", opts...)
		s.AddTools(probes...)
		return s, nil
	}
	return cfg
}
