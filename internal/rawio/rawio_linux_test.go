package rawio

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// tcpPair returns both ends of a loopback TCP connection.
func tcpPair(t *testing.T) (client, server net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, _ := ln.Accept()
		accepted <- c
	}()
	client, err = net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	server = <-accepted
	t.Cleanup(func() { client.Close(); server.Close() })
	return client, server
}

// TestConnRoundTrip: bytes written raw arrive whole, a write larger than
// the socket buffers waits for the reader, and the peer's close reads as
// io.EOF.
func TestConnRoundTrip(t *testing.T) {
	a, b := tcpPair(t)
	ra, rb := Conn(a), Conn(b)
	if _, ok := ra.(*conn); !ok {
		t.Fatalf("Conn(TCP) = %T, want the raw wrapper", ra)
	}
	big := bytes.Repeat([]byte("0123456789abcdef"), 1<<18) // 4 MiB: more than the buffers hold
	werr := make(chan error, 1)
	go func() {
		n, err := ra.Write(big)
		if err == nil && n != len(big) {
			err = io.ErrShortWrite
		}
		ra.(*conn).Conn.(*net.TCPConn).CloseWrite()
		werr <- err
	}()
	got, err := io.ReadAll(rb)
	if err != nil {
		t.Fatal(err)
	}
	if err := <-werr; err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, big) {
		t.Fatalf("read %d bytes, want the %d written", len(got), len(big))
	}
}

// TestConnDeadlineAndClose: a raw read waiting in the poller still ends at
// its deadline and when the connection is closed.
func TestConnDeadlineAndClose(t *testing.T) {
	a, _ := tcpPair(t)
	ra := Conn(a)
	a.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
	if _, err := ra.Read(make([]byte, 8)); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read past its deadline: %v, want os.ErrDeadlineExceeded", err)
	}
	a.SetReadDeadline(time.Time{})
	done := make(chan error, 1)
	go func() {
		_, err := ra.Read(make([]byte, 8))
		done <- err
	}()
	time.Sleep(20 * time.Millisecond)
	a.Close()
	select {
	case err := <-done:
		if !errors.Is(err, net.ErrClosed) {
			t.Errorf("read on a closed connection: %v, want net.ErrClosed", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not end a waiting read")
	}
}

// TestConnErrorsAreNetErrors: a failed call comes back as the net package
// would return it.
func TestConnErrorsAreNetErrors(t *testing.T) {
	a, b := tcpPair(t)
	b.(*net.TCPConn).SetLinger(0)
	b.Close() // a reset
	ra := Conn(a)
	var err error
	for range 100 {
		if _, err = ra.Write([]byte("x")); err != nil {
			break
		}
		time.Sleep(time.Millisecond)
	}
	var op *net.OpError
	if !errors.As(err, &op) || op.Op != "write" || !errors.Is(err, syscall.ECONNRESET) && !errors.Is(err, syscall.EPIPE) {
		t.Errorf("write to a reset connection: %#v, want a *net.OpError for ECONNRESET or EPIPE", err)
	}
}

// TestFile: a pipe read and written raw; a file that does not wait in the
// poller is returned as it is.
func TestFile(t *testing.T) {
	r, w, err := os.Pipe() // os.Pipe's ends wait in the poller
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	rr, rw := File(r), File(w)
	if _, ok := rr.(*file); !ok {
		t.Fatalf("File(pipe) = %T, want the raw wrapper", rr)
	}
	go func() {
		io.WriteString(rw, strings.Repeat("line\n", 100000)) // more than a pipe holds
		w.Close()
	}()
	got, err := io.ReadAll(rr)
	if err != nil || len(got) != 500000 {
		t.Fatalf("read %d bytes, %v; want 500000", len(got), err)
	}
	if _, err := rw.Write([]byte("x")); err == nil {
		t.Error("write to a closed file succeeded")
	}

	reg, err := os.CreateTemp(t.TempDir(), "f")
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	if got := File(reg); got != io.ReadWriter(reg) {
		t.Errorf("File(regular file) = %T, want the file itself", got)
	}
}

// TestFileBrokenPipe: writing to a pipe nobody reads fails with EPIPE
// instead of ending the process.
func TestFileBrokenPipe(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	r.Close()
	_, err = File(w).Write([]byte("x"))
	var pe *os.PathError
	if !errors.As(err, &pe) || !errors.Is(err, syscall.EPIPE) {
		t.Errorf("write to a broken pipe: %#v, want an *os.PathError for EPIPE", err)
	}
}

// TestDialerWithHTTP: an http.Transport dialing through Dialer serves
// requests and reuses its connection.
func TestDialerWithHTTP(t *testing.T) {
	body := strings.Repeat("klipy ", 50000)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, body)
	}))
	defer srv.Close()
	dials := 0
	d := &net.Dialer{Timeout: 5 * time.Second}
	dial := Dialer(d)
	tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		dials++
		c, err := dial(ctx, network, addr)
		if _, ok := c.(*conn); err == nil && !ok {
			t.Errorf("Dialer gave %T, want the raw wrapper", c)
		}
		return c, err
	}}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	for range 5 {
		resp, err := client.Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || string(got) != body {
			t.Fatalf("body of %d bytes, %v; want %d", len(got), err, len(body))
		}
	}
	if dials != 1 {
		t.Errorf("%d connections for 5 requests, want 1 reused", dials)
	}
}

// TestListenerWithHTTP: an http.Server on Listener serves requests over
// raw connections, and a write deadline set by the handler still applies.
func TestListenerWithHTTP(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	raw := make(chan bool, 1)
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if err := http.NewResponseController(w).SetWriteDeadline(time.Now().Add(time.Second)); err != nil {
				t.Errorf("SetWriteDeadline: %v", err)
			}
			io.WriteString(w, "hello "+r.URL.Path)
		}),
		ConnState: func(c net.Conn, s http.ConnState) {
			if s == http.StateNew {
				_, ok := c.(*conn)
				raw <- ok
			}
		},
	}
	go srv.Serve(Listener(ln))
	defer srv.Close()
	resp, err := http.Get("http://" + ln.Addr().String() + "/x")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "hello /x" {
		t.Errorf("body %q", body)
	}
	if !<-raw {
		t.Error("the server's connection is not the raw wrapper")
	}
}

// BenchmarkConnPingPong writes and reads 128 bytes each way over loopback
// TCP through raw connections.
func BenchmarkConnPingPong(b *testing.B) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		rc := Conn(c)
		buf := make([]byte, 128)
		for {
			if _, err := io.ReadFull(rc, buf); err != nil {
				return
			}
			if _, err := rc.Write(buf); err != nil {
				return
			}
		}
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	rc := Conn(c)
	buf := make([]byte, 128)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := rc.Write(buf); err != nil {
			b.Fatal(err)
		}
		if _, err := io.ReadFull(rc, buf); err != nil {
			b.Fatal(err)
		}
	}
}

// TestDialerWithHTTPS: TLS, and HTTP/2 over it, run on raw connections
// (Klipy's API is https).
func TestDialerWithHTTPS(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, r.Proto)
	}))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	defer srv.Close()
	for _, h2 := range []bool{false, true} {
		tr := srv.Client().Transport.(*http.Transport).Clone()
		tr.ForceAttemptHTTP2 = h2
		if !h2 {
			tr.TLSClientConfig.NextProtos = []string{"http/1.1"}
		}
		raw := false
		dial := Dialer(&net.Dialer{Timeout: 5 * time.Second})
		tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := dial(ctx, network, addr)
			_, raw = c.(*conn)
			return c, err
		}
		resp, err := (&http.Client{Transport: tr}).Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		proto, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		tr.CloseIdleConnections()
		want := map[bool]string{false: "HTTP/1.1", true: "HTTP/2.0"}[h2]
		if string(proto) != want || !raw {
			t.Errorf("h2 %v: served over %s (raw connection %v), want %s over a raw one", h2, proto, raw, want)
		}
	}
}
