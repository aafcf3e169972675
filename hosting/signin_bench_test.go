package hosting

import (
	"io"
	"net/http/httptest"

	"github.com/klipy-ai/klipy-mcp/klipy/klipytest"

	"net/http"
	"strings"
	"testing"
)

// BenchmarkToolCallCredential measures a stateless tools/call over real
// HTTP with a Klipy key sent directly and with an OAuth access token that
// stands for the same key: the difference is the cost of verifying the
// token (hash, store lookups, AES-GCM open) on each request.
//
//	go test ./hosting -run '^$' -bench ToolCallCredential -benchtime 3s -count 5
func BenchmarkToolCallCredential(b *testing.B) {
	up := fastUpstream(b)
	_, url, base := oauthHost(b, up, 1<<30)
	at, _ := signInToken(b, base, keyAll)
	body := `{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"get_workspace","arguments":{},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientInfo":{"name":"bench","version":"1"},"io.modelcontextprotocol/clientCapabilities":{}}}}`
	for _, c := range []struct{ name, cred string }{{"key", keyAll}, {"token", at}} {
		b.Run(c.name, func(b *testing.B) {
			hc := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
			defer hc.CloseIdleConnections()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set("Accept", "application/json, text/event-stream")
					req.Header.Set("Authorization", "Bearer "+c.cred)
					req.Header.Set("MCP-Protocol-Version", "2026-07-28")
					req.Header.Set("Mcp-Method", "tools/call")
					req.Header.Set("Mcp-Name", "get_workspace")
					resp, err := hc.Do(req)
					if err != nil {
						b.Fatal(err)
					}
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != 200 {
						b.Fatalf("status %d", resp.StatusCode)
					}
				}
			})
		})
	}
}

// fastUpstream is the fake with limits no benchmark reaches.
func fastUpstream(b *testing.B) *upstream {
	fake := klipytest.New(klipytest.Options{KeyLimit: 1 << 30, OrgLimit: 1 << 30})
	fake.AddKey(klipytest.Key{Token: keyAll, Org: "org_acme", Scopes: []string{klipytest.ScopeAll}})
	fake.SetTeamName("org_acme", "Acme")
	srv := httptest.NewServer(fake)
	b.Cleanup(srv.Close)
	return &upstream{Server: fake, url: srv.URL + "/api/v1"}
}
