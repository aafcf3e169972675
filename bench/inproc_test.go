package bench_test

// In-process benchmarks that split klipy-mcp's per-call and start-up costs
// from the transport's, for profiling (go test -bench . -cpuprofile …):
// they show what the servers themselves spend, without pipes or processes.

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/klipy-ai/klipy-mcp/klipy"
	"github.com/klipy-ai/klipy-mcp/klipy/klipytest"
	"github.com/klipy-ai/klipy-mcp/tools"
)

const (
	benchKey  = "klipy_api_inproc"
	unlimited = 1 << 30
)

// baseURL is the API base of the fake most recently started.
var baseURL string

// fakeWithPerson starts an unlimited fake and returns a client for it and
// the id of a seeded person.
func fakeWithPerson(b testing.TB) (*klipy.Client, string) {
	fake := klipytest.New(klipytest.Options{KeyLimit: unlimited, OrgLimit: unlimited})
	fake.AddKey(klipytest.Key{Token: benchKey, Org: "org_inproc", Scopes: []string{"ALL"}})
	ts := httptest.NewServer(fake)
	b.Cleanup(ts.Close)
	baseURL = ts.URL + "/api/v1"
	c, err := klipy.New(klipy.Options{BaseURL: baseURL, APIKey: benchKey, RateLimit: unlimited, OrgLimit: unlimited})
	if err != nil {
		b.Fatal(err)
	}
	p, _, err := c.People.Create(context.Background(), &klipy.PersonInput{Email: "jordan@acme.example", FirstName: "Jordan"})
	if err != nil {
		b.Fatal(err)
	}
	return c, p.ID
}

// callMessage is a tools/call request as it arrives on the wire.
func callMessage(b testing.TB, tool string, args map[string]any) json.RawMessage {
	m, err := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 1, "method": "tools/call",
		"params": map[string]any{"name": tool, "arguments": args}})
	if err != nil {
		b.Fatal(err)
	}
	return m
}

// handle runs msg through s and fails unless it is a successful tool result.
func handle(b *testing.B, s *server.MCPServer, msg json.RawMessage) {
	out := s.HandleMessage(context.Background(), msg)
	resp, ok := out.(mcp.JSONRPCResponse)
	if !ok {
		b.Fatalf("answer %#v is not a response", out)
	}
	if r, ok := resp.Result.(*mcp.CallToolResult); !ok || r.IsError {
		b.Fatalf("tool call failed: %#v", resp.Result)
	}
}

func BenchmarkGetPersonInProcess(b *testing.B) {
	c, id := fakeWithPerson(b)
	s, err := tools.NewServer(tools.Config{Client: c})
	if err != nil {
		b.Fatal(err)
	}
	msg := callMessage(b, "get_person", map[string]any{"person_id": id})
	b.ReportAllocs()
	for b.Loop() {
		handle(b, s, msg)
	}
}

func BenchmarkDirectPeopleGet(b *testing.B) {
	c, id := fakeWithPerson(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := c.People.Get(ctx, id); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEchoInProcess(b *testing.B) {
	s := server.NewMCPServer("floor", "1.0.0", server.WithToolCapabilities(false))
	s.AddTool(mcp.NewTool("echo", mcp.WithDescription("Echo."), mcp.WithString("message", mcp.Required())),
		func(_ context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			return mcp.NewToolResultText(req.GetString("message", "")), nil
		})
	msg := callMessage(b, "echo", map[string]any{"message": "hello"})
	b.ReportAllocs()
	for b.Loop() {
		handle(b, s, msg)
	}
}

// BenchmarkRelayInProcess is the least a tool that relays one upstream GET
// can cost: an mcp-go tool that fetches the record and returns its body.
func BenchmarkRelayInProcess(b *testing.B) {
	_, id := fakeWithPerson(b)
	s := relayServer(baseURL + "/people/" + id)
	msg := callMessage(b, "fetch", map[string]any{})
	b.ReportAllocs()
	for b.Loop() {
		handle(b, s, msg)
	}
}

// BenchmarkNewServer is the start-up cost of building the tool server.
func BenchmarkNewServer(b *testing.B) {
	c, _ := fakeWithPerson(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tools.NewServer(tools.Config{Client: c}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkToolsList is the cost of answering tools/list.
func BenchmarkToolsList(b *testing.B) {
	c, _ := fakeWithPerson(b)
	s, err := tools.NewServer(tools.Config{Client: c})
	if err != nil {
		b.Fatal(err)
	}
	msg := json.RawMessage(`{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := s.HandleMessage(context.Background(), msg).(mcp.JSONRPCResponse); !ok {
			b.Fatal("tools/list failed")
		}
	}
}

// relayServer is an mcp-go server whose one tool GETs url and returns the body.
func relayServer(url string) *server.MCPServer {
	s := server.NewMCPServer("relay", "1.0.0", server.WithToolCapabilities(false))
	s.AddTool(mcp.NewTool("fetch", mcp.WithDescription("Fetch.")),
		func(ctx context.Context, _ mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
			if err != nil {
				return nil, err
			}
			req.Header.Set("Authorization", "Bearer "+benchKey)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return nil, err
			}
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			if err != nil {
				return nil, err
			}
			return mcp.NewToolResultText(string(body)), nil
		})
	return s
}
