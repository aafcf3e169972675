package tools

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/klipy-ai/klipy-mcp/klipy"
	"github.com/klipy-ai/klipy-mcp/klipy/klipytest"
)

// wireClock fixes the fake's clock so that the demo records' dates, and so
// the wire transcripts, are the same on every run.
var wireClock = time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)

// wireSteps are the requests of a transcript after the handshake: what a
// client that knows nothing of views sees of tools, resources and results.
var wireSteps = []struct{ method, params string }{
	{"tools/list", `{}`},
	{"resources/list", `{}`},
	{"resources/templates/list", `{}`},
	{"tools/call", `{"name":"get_person","arguments":{"person_id":"` + jordanID + `","include_interactions":true}}`},
	{"tools/call", `{"name":"get_company","arguments":{"company_id":"` + acmeID + `"}}`},
}

// wireServer serves the MCP server for cfg over streamable HTTP, against a
// fixed-clock fake seeded with the demo workspace.
func wireServer(t *testing.T) string {
	t.Helper()
	f := klipytest.New(klipytest.Options{KeyLimit: unlimits, OrgLimit: unlimits, Now: func() time.Time { return wireClock }})
	if err := f.SeedDemo(testOrg); err != nil {
		t.Fatal(err)
	}
	f.AddKey(klipytest.Key{Token: "klipy_api_wire", Org: testOrg, Scopes: []string{"ALL"}})
	up := httptest.NewServer(f)
	t.Cleanup(up.Close)
	kc, err := klipy.New(klipy.Options{BaseURL: up.URL + "/api/v1", APIKey: "klipy_api_wire", RateLimit: unlimits, OrgLimit: unlimits, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(server.NewStreamableHTTPServer(newServer(t, Config{Client: kc, Version: "wire"})))
	t.Cleanup(hs.Close)
	return hs.URL
}

// wireClient speaks raw JSON-RPC to a streamable HTTP endpoint and keeps
// every response body byte for byte.
type wireClient struct {
	t       *testing.T
	url     string
	session string
	modern  bool
	caps    string // the client capabilities object, as JSON
	id      int
}

func (c *wireClient) post(method, params string) []byte {
	c.t.Helper()
	c.id++
	if c.modern {
		params = strings.Replace(params, "{", fmt.Sprintf(`{"_meta":{%q:%q,%q:{"name":"wire-test","version":"1"},%q:%s},`,
			mcp.MetaKeyProtocolVersion, mcp.LATEST_PROTOCOL_VERSION, mcp.MetaKeyClientInfo, mcp.MetaKeyClientCapabilities, c.caps), 1)
		params = strings.Replace(params, ",}", "}", 1)
	}
	body := fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":%q,"params":%s}`, c.id, method, params)
	req, err := http.NewRequest(http.MethodPost, c.url, strings.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	if c.session != "" {
		req.Header.Set("Mcp-Session-Id", c.session)
	}
	if c.modern {
		req.Header.Set("Mcp-Protocol-Version", mcp.LATEST_PROTOCOL_VERSION)
		req.Header.Set(mcp.HeaderMethod, method)
		var p struct{ Name, URI string }
		_ = json.Unmarshal([]byte(params), &p)
		if n := p.Name + p.URI; n != "" {
			req.Header.Set(mcp.HeaderName, n)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusAccepted {
		c.t.Fatalf("%s: HTTP %d: %s", method, resp.StatusCode, out)
	}
	if s := resp.Header.Get("Mcp-Session-Id"); s != "" {
		c.session = s
	}
	return bytes.TrimSpace(out)
}

// handshake initializes a legacy-era session (the modern era has none)
// and returns the initialize response.
func (c *wireClient) handshake() []byte {
	c.t.Helper()
	if c.modern {
		return nil
	}
	init := c.post("initialize", fmt.Sprintf(`{"protocolVersion":%q,"clientInfo":{"name":"wire-test","version":"1"},"capabilities":%s}`,
		mcp.LATEST_LEGACY_PROTOCOL_VERSION, c.caps))
	req, _ := http.NewRequest(http.MethodPost, c.url, strings.NewReader(`{"jsonrpc":"2.0","method":"notifications/initialized"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set("Mcp-Session-Id", c.session)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	resp.Body.Close()
	return init
}

// transcript runs wireSteps and returns the responses, one per line.
func (c *wireClient) transcript() string {
	var b strings.Builder
	if init := c.handshake(); init != nil {
		fmt.Fprintf(&b, "%s\n", init)
	}
	for _, s := range wireSteps {
		fmt.Fprintf(&b, "%s\n", c.post(s.method, s.params))
	}
	return b.String()
}

// TestPlainClientsUnchanged pins, byte for byte, what a client that does not
// declare the MCP Apps extension receives from tools/list, resources/list,
// resources/templates/list and get_person / get_company, in both protocol
// eras. The golden files were recorded before views existed; they must never
// need -update for a views change.
func TestPlainClientsUnchanged(t *testing.T) {
	url := wireServer(t)
	for _, tc := range []struct {
		name   string
		modern bool
		caps   string
	}{
		{"legacy", false, `{}`},
		{"legacy-other-extension", false, `{"extensions":{"io.example/other":{}}}`},
		{"modern", true, `{}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := (&wireClient{t: t, url: url + "/mcp", modern: tc.modern, caps: tc.caps}).transcript()
			era := "legacy"
			if tc.modern {
				era = "modern"
			}
			golden := filepath.Join("testdata", "wire", "plain-"+era+".jsonl")
			if *update && tc.caps == `{}` {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("no transcript (%v); run go test ./tools -update", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("a client without the UI extension sees a change (-recorded +now):\n%s", diff)
			}
		})
	}
}

// decodeWire is a helper for tests that read one transcript line.
func decodeWire(t *testing.T, line []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(line, &m); err != nil {
		t.Fatalf("%v: %s", err, line)
	}
	return m
}
