package klipy_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/klipy-ai/klipy-mcp/klipy"
)

// prefix is where the test servers mount the API, as production does.
const prefix = "/api/v1"

// seen is one request a test server received.
type seen struct {
	Method string
	Path   string // below prefix
	Header http.Header
	Body   string
}

// api is a test server: a real HTTP server under prefix whose answers the
// test scripts with handle, recording every request.
type api struct {
	mu     sync.Mutex
	reqs   []seen
	handle http.HandlerFunc
}

func (a *api) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	a.mu.Lock()
	a.reqs = append(a.reqs, seen{r.Method, strings.TrimPrefix(r.URL.EscapedPath(), prefix), r.Header.Clone(), string(body)})
	h := a.handle
	a.mu.Unlock()
	if !strings.HasPrefix(r.URL.Path, prefix+"/") {
		http.NotFound(w, r)
		return
	}
	h(w, r)
}

func (a *api) requests() []seen {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]seen(nil), a.reqs...)
}

// keys holds the key of each running test.
var keys sync.Map // testing.TB → string

// testKey is a key-shaped secret unique to the test and to this run of it
// (-count), so that a key found in a message can be traced to its test.
func testKey(t testing.TB) string {
	k, _ := keys.LoadOrStore(t, fmt.Sprintf("klipy_api_%s_%d", strings.NewReplacer("/", "_", " ", "_").Replace(t.Name()), keySeq.Add(1)))
	return k.(string)
}

var keySeq atomic.Int64

// newTestClient starts a server answering with h and a client for it. mod
// may adjust the options.
func newTestClient(t testing.TB, h http.HandlerFunc, mod ...func(*klipy.Options)) (*klipy.Client, *api) {
	t.Helper()
	a := &api{handle: h}
	srv := httptest.NewServer(a)
	t.Cleanup(srv.Close)
	opts := klipy.Options{
		BaseURL:   srv.URL + prefix,
		APIKey:    testKey(t),
		Version:   "1.2.3",
		UserAgent: "claude-code/2.0",
		Limiter:   klipy.NewLocalLimiter(),
	}
	for _, m := range mod {
		m(&opts)
	}
	c, err := klipy.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return c, a
}

// reply answers every request with status and body (JSON).
func reply(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		io.WriteString(w, body)
	}
}

// sequence answers the n-th request with hs[n] (the last one repeats).
func sequence(hs ...http.HandlerFunc) http.HandlerFunc {
	var mu sync.Mutex
	n := 0
	return func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		h := hs[min(n, len(hs)-1)]
		n++
		mu.Unlock()
		h(w, r)
	}
}

// memTransport serves requests in memory with a handler. Tests under
// testing/synctest use it because a goroutine blocked on a real socket is
// not durably blocked, so the fake clock could never advance.
type memTransport struct{ h http.Handler }

func (m memTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if err := r.Context().Err(); err != nil {
		return nil, err
	}
	rec := httptest.NewRecorder()
	m.h.ServeHTTP(rec, r)
	if err := r.Context().Err(); err != nil { // as a real transport, cut off
		return nil, err
	}
	return rec.Result(), nil
}

// newMemClient is newTestClient for synctest bubbles: an in-memory
// transport and a limiter created inside the bubble.
func newMemClient(t testing.TB, key string, h http.Handler, mod ...func(*klipy.Options)) *klipy.Client {
	t.Helper()
	opts := klipy.Options{
		BaseURL:    "http://klipy.test" + prefix,
		APIKey:     key,
		HTTPClient: &http.Client{Transport: memTransport{h}},
		Limiter:    klipy.NewLocalLimiter(),
	}
	for _, m := range mod {
		m(&opts)
	}
	c, err := klipy.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func ctxTimeout(t testing.TB, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func errorsIs(err, target error) bool { return errors.Is(err, target) }
