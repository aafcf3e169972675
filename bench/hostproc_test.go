package bench_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/klipy-ai/klipy-mcp/bench"
	"github.com/klipy-ai/klipy-mcp/hosting"
	"github.com/klipy-ai/klipy-mcp/klipy"
	"github.com/mark3labs/mcp-go/server"
)

// BenchmarkHostGetPerson is one get_person call through the whole HTTP host
// (hosting.Handler on loopback with a server key), client included: profile
// it with -cpuprofile and focus on hosting, tools or klipy.
func BenchmarkHostGetPerson(b *testing.B) {
	_, id := fakeWithPerson(b)
	h, err := hosting.New(hosting.Config{
		Klipy:     klipy.Options{BaseURL: baseURL, RateLimit: unlimited, OrgLimit: unlimited},
		ServerKey: benchKey, Loopback: true,
	})
	if err != nil {
		b.Fatal(err)
	}
	ts := httptest.NewServer(h)
	b.Cleanup(ts.Close)
	hammerHTTP(b, ts.URL+"/mcp", "get_person", map[string]any{"person_id": id})
}

// BenchmarkHostRelay is the relay floor of BenchmarkHostGetPerson: mcp-go's
// own streamable HTTP server with a tool that relays the same GET.
func BenchmarkHostRelay(b *testing.B) {
	_, id := fakeWithPerson(b)
	ts := httptest.NewServer(server.NewStreamableHTTPServer(relayServer(baseURL + "/people/" + id)))
	b.Cleanup(ts.Close)
	hammerHTTP(b, ts.URL+"/mcp", "fetch", map[string]any{})
}

func hammerHTTP(b *testing.B, url, tool string, args map[string]any) {
	s := bench.NewHTTPSession(&http.Client{}, url, nil)
	ctx := context.Background()
	if err := s.Initialize(ctx); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		res, err := s.Call(ctx, "tools/call", bench.CallParams(tool, args))
		if err == nil {
			err = bench.CheckToolResult(res)
		}
		if err != nil {
			b.Fatal(err)
		}
	}
}
