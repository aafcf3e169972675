package hosting

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

// timeoutSlack is how much later than its timeout a test accepts a cut: the
// machines running the tests are shared and slow.
const timeoutSlack = 2 * time.Second

// newResponseWriter is a responseWriter on its own (the host's are part of
// a request).
func newResponseWriter(w http.ResponseWriter, writeTimeout time.Duration) *responseWriter {
	rw := &responseWriter{}
	rw.init(w, writeTimeout)
	return rw
}

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

// writeUntilError writes 1 MiB chunks through a responseWriter until a
// write fails, and reports how long the failing write took.
func writeUntilError(w http.ResponseWriter, timeout time.Duration) (time.Duration, error) {
	rw := newResponseWriter(w, timeout)
	chunk := make([]byte, 1<<20)
	for i := 0; i < 1024; i++ { // 1 GiB: far more than any socket buffers
		start := time.Now()
		if _, err := rw.Write(chunk); err != nil {
			return time.Since(start), err
		}
	}
	return 0, errors.New("every write succeeded")
}

// TestWriteDeadlineCutsStalledClient: a client that stops reading is cut
// off at most WriteTimeout after the write it stalled began, also when the
// response is older than the re-arming slack.
func TestWriteDeadlineCutsStalledClient(t *testing.T) {
	const timeout = 500 * time.Millisecond
	type result struct {
		took time.Duration
		err  error
	}
	results := make(chan result, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		took, err := writeUntilError(w, timeout)
		results <- result{took, err}
	}))
	defer srv.Close()
	conn := rawRequest(t, srv.Listener.Addr().String(), "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
	_ = conn // never read

	select {
	case res := <-results:
		if !isTimeout(res.err) {
			t.Fatalf("write error = %v, want a timeout", res.err)
		}
		if res.took > timeout+timeoutSlack {
			t.Errorf("the stalled write was cut after %v, want ≤ %v", res.took, timeout)
		}
	case <-time.After(timeout + 10*timeoutSlack):
		t.Fatal("the stalled write was never cut")
	}
}

// isTimeout reports whether err is a network timeout.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// TestWriteDeadlineFollowsLiveStream: an event stream that writes after a
// pause longer than WriteTimeout is not cut: the write pushes the deadline
// forward first.
func TestWriteDeadlineFollowsLiveStream(t *testing.T) {
	const timeout = 200 * time.Millisecond
	errs := make(chan error, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rw := newResponseWriter(w, timeout)
		for i := 0; i < 3; i++ {
			if _, err := io.WriteString(rw, "event: message\ndata: {}\n\n"); err != nil {
				errs <- err
				return
			}
			rw.Flush()
			time.Sleep(timeout + timeout/2) // past the first deadline
		}
		errs <- nil
	}))
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if err := <-errs; err != nil {
		t.Fatalf("a write after a pause failed: %v", err)
	}
	if got := strings.Count(string(body), "event: message"); got != 3 {
		t.Errorf("the client read %d events, want 3", got)
	}
}

// TestRearmSlack pins when a write pushes the deadline forward: only once
// the deadline is older than the slack, so it never lies more than the
// timeout ahead and never less than the timeout minus the slack.
func TestRearmSlack(t *testing.T) {
	const timeout = 30 * time.Second
	if got, want := rearmSlack(timeout), 3*time.Second; got != want {
		t.Errorf("rearmSlack(%v) = %v, want %v", timeout, got, want)
	}
	rec := httptest.NewRecorder()
	rw := newResponseWriter(rec, timeout)
	first := rw.armed
	rw.rearm()
	if rw.armed != first {
		t.Error("a write right after the response began moved the deadline")
	}
	rw.armed = first.Add(-rearmSlack(timeout) - time.Millisecond)
	rw.rearm()
	if !rw.armed.After(first) {
		t.Error("a write after the slack did not move the deadline")
	}
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

// TestReadAll: readAll returns what io.ReadAll of an io.LimitReader
// returns, whatever the declared length and however the reader splits the
// body.
func TestReadAll(t *testing.T) {
	const max = 100
	readers := map[string]func(io.Reader) io.Reader{
		"plain":    func(r io.Reader) io.Reader { return r },
		"one byte": iotest.OneByteReader,
		"half":     iotest.HalfReader,
		"data+EOF": iotest.DataErrReader,
	}
	for _, size := range []int{0, 1, 99, 100, 101, 700} {
		body := strings.Repeat("x", size)
		for _, declared := range []int64{-1, 0, int64(size), int64(size) - 1, int64(size) + 1, max, max + 1} {
			for name, wrap := range readers {
				want, wantErr := io.ReadAll(io.LimitReader(wrap(strings.NewReader(body)), max))
				got, err := readAll(wrap(strings.NewReader(body)), declared, max)
				if string(got) != string(want) || (err == nil) != (wantErr == nil) {
					t.Errorf("size %d, declared %d, %s reader: got %d bytes, %v; want %d bytes, %v",
						size, declared, name, len(got), err, len(want), wantErr)
				}
			}
		}
	}
	errBroken := errors.New("broken")
	if _, err := readAll(iotest.ErrReader(errBroken), 10, max); !errors.Is(err, errBroken) {
		t.Errorf("readAll of a failing reader: %v, want %v", err, errBroken)
	}
}
