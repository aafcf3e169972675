package hosting

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// timeoutSlack is how much later than its timeout a test accepts a cut: the
// machines running the tests are shared and slow.
const timeoutSlack = 2 * time.Second

// rawRequest opens a connection to addr and sends req, returning the
// connection unread.
func rawRequest(t *testing.T, addr, req string) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if _, err := io.WriteString(conn, req); err != nil {
		t.Fatal(err)
	}
	return conn
}

// slowBody sends a POST to /mcp at addr that announces a body of length
// bytes and sends only its start, and returns the status the server
// answered (0: none) and how long it took.
func slowBody(t *testing.T, addr string, length int) (int, time.Duration) {
	t.Helper()
	start := time.Now()
	conn := rawRequest(t, addr, "POST /mcp HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"+
		"Accept: application/json, text/event-stream\r\nContent-Length: "+strconv.Itoa(length)+"\r\n\r\n{\"jsonrpc\"")
	_ = conn.SetReadDeadline(time.Now().Add(time.Minute))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return 0, time.Since(start)
	}
	resp.Body.Close()
	return resp.StatusCode, time.Since(start)
}

// TestReadTimeoutBoundsBody: a body that stops arriving is answered within
// ReadTimeout, also when it is refused as too large before it is read (the
// server then reads the rest before answering), both under Serve and under
// a server without a ReadTimeout of its own (where the handler sets the
// deadline).
func TestReadTimeoutBoundsBody(t *testing.T) {
	const timeout = 300 * time.Millisecond
	up := newUpstream(t)
	cfg := Config{ServerKey: keyAll, Loopback: true, ReadTimeout: timeout, MaxBodyBytes: 1000}
	cases := []struct {
		length int
		want   int
	}{
		{100, http.StatusBadRequest},
		{2000, http.StatusRequestEntityTooLarge},
	}
	check := func(t *testing.T, addr string) {
		t.Helper()
		for _, c := range cases {
			status, took := slowBody(t, addr, c.length)
			if status != c.want || took > timeout+timeoutSlack {
				t.Errorf("a stalled body of %d bytes: status %d after %v, want %d within %v", c.length, status, took, c.want, timeout)
			}
		}
	}

	t.Run("Serve", func(t *testing.T) {
		h, _ := host(t, up, cfg) // the handler; its httptest server is unused
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		served := make(chan error, 1)
		go func() { served <- h.Serve(ctx, ln) }()
		defer func() { cancel(); <-served }()
		check(t, ln.Addr().String())
	})
	t.Run("handler", func(t *testing.T) {
		_, url := host(t, up, cfg)
		check(t, strings.TrimSuffix(strings.TrimPrefix(url, "http://"), "/mcp"))
	})
}
