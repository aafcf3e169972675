package hosting

import (
	"bufio"
	"bytes"
	"context"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/klipy-ai/klipy-mcp/klipy"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
)

// gate holds the next /authenticate request at the fake upstream until
// released: a slow upstream whose timing the test controls.
type gate struct {
	armed   atomic.Bool
	arrived chan struct{}
	release chan struct{}
}

func newGate() *gate { return &gate{arrived: make(chan struct{}), release: make(chan struct{})} }

func (g *gate) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/authenticate") && g.armed.CompareAndSwap(true, false) {
			close(g.arrived)
			<-g.release
		}
		next.ServeHTTP(w, r)
	})
}

// syncBuffer is a log sink safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestServeShutdownFinishesInFlightCalls starts shutdown while a tool call
// waits on a slow upstream and an event stream is open: the call completes,
// the stream is ended at once, and Serve returns nil.
func TestServeShutdownFinishesInFlightCalls(t *testing.T) {
	up := newUpstream(t)
	g := newGate()
	slow := httptest.NewServer(g.wrap(up.Server))
	defer slow.Close()
	logs := &syncBuffer{}
	hc := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	defer hc.CloseIdleConnections()
	h, err := New(Config{
		Klipy:           klipy.Options{BaseURL: slow.URL + "/api/v1", HTTPClient: hc, Limiter: klipy.NewLocalLimiter()},
		ShutdownTimeout: time.Minute,
		Logger:          slog.New(slog.NewTextHandler(logs, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close(context.Background())
	shutdownStarted := make(chan struct{})
	h.onShutdown = func() { close(shutdownStarted) }

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	served := make(chan error, 1)
	go func() { served <- h.Serve(ctx, ln) }()
	url := "http://" + ln.Addr().String() + "/mcp"

	c := connect(t, url, mcp.ProtocolVersion20251125, bearer(keyAll))
	stream := openStream(t, url, keyAll, c.GetTransport().(*transport.StreamableHTTP).GetSessionId())

	g.armed.Store(true)
	result := make(chan *mcp.CallToolResult, 1)
	go func() {
		res, err := tryCall(c, "get_workspace", nil)
		if err != nil {
			t.Errorf("in-flight call: %v", err)
		}
		result <- res
	}()
	<-g.arrived // the call is in flight upstream
	cancel()
	<-shutdownStarted
	close(g.release)

	if res := <-result; res == nil || res.IsError || !strings.Contains(resultText(res), "Acme") {
		t.Errorf("in-flight call did not complete successfully: %+v", res)
	}
	if err := <-served; err != nil {
		t.Errorf("Serve = %v, want nil", err)
	}
	if _, err := stream.ReadString('\n'); err == nil {
		for err == nil {
			_, err = stream.ReadString('\n')
		}
	}
	if strings.Contains(logs.String(), "shutdown timeout") {
		t.Errorf("shutdown waited for its timeout (an open stream held it):\n%s", logs)
	}
	if _, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second); err == nil {
		t.Error("the listener still accepts connections after Serve returned")
	}
}

// openStream opens the session's standalone event stream (GET /mcp) and
// returns a reader on it once the server has answered.
func openStream(t *testing.T, url, key, sid string) *bufio.Reader {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Mcp-Session-Id", sid)
	req.Header.Set(mcp.HeaderProtocolVersion, mcp.ProtocolVersion20251125)
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET stream: status %d", resp.StatusCode)
	}
	return bufio.NewReader(resp.Body)
}
