package hosting

import (
	"io"
	"net/http/httptest"
	"slices"
	"time"

	"github.com/klipy-ai/klipy-mcp/klipy/klipytest"

	"net/http"
	"strings"
	"testing"
)

// BenchmarkToolCallCredential measures a stateless tools/call over real
// HTTP (one client, one call at a time, against an instant fake) with a
// Klipy key sent directly and with an OAuth access token that stands for
// the same key: the difference is the cost of verifying the token (hash,
// store lookups, AES-GCM open) on each request.
//
//	go test ./hosting -run '^$' -bench ToolCallCredential -benchtime 5000x -count 3
func BenchmarkToolCallCredential(b *testing.B) {
	up := fastUpstream(b)
	_, url, base := oauthHost(b, up, 1<<30)
	at, _ := signInToken(b, base, keyAll)
	body := `{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"get_workspace","arguments":{},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientInfo":{"name":"bench","version":"1"},"io.modelcontextprotocol/clientCapabilities":{}}}}`
	hc := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	defer hc.CloseIdleConnections()
	callWith := func(cred string) time.Duration {
		req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		req.Header.Set("Authorization", "Bearer "+cred)
		req.Header.Set("MCP-Protocol-Version", "2026-07-28")
		req.Header.Set("Mcp-Method", "tools/call")
		req.Header.Set("Mcp-Name", "get_workspace")
		start := time.Now()
		resp, err := hc.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		d := time.Since(start)
		if resp.StatusCode != 200 {
			b.Fatalf("status %d", resp.StatusCode)
		}
		return d
	}
	callWith(keyAll) // warm both callers' clients
	callWith(at)
	// Alternate the two credentials call by call, so that the machine's
	// noise falls on both alike; report the median of each.
	var keyT, tokT []time.Duration
	for b.Loop() {
		keyT = append(keyT, callWith(keyAll))
		tokT = append(tokT, callWith(at))
	}
	med := func(ds []time.Duration) float64 {
		slices.Sort(ds)
		return float64(ds[len(ds)/2].Microseconds())
	}
	mk, mt := med(keyT), med(tokT)
	b.ReportMetric(mk, "key-µs/call")
	b.ReportMetric(mt, "token-µs/call")
	b.ReportMetric(mt-mk, "added-µs/call")
	b.ReportMetric(1e6/mk, "key-calls/s")
	b.ReportMetric(1e6/mt, "token-calls/s")
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
