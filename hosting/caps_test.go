package hosting

import (
	"context"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// initialize opens a session for key with a raw initialize and returns its id.
func initialize(t *testing.T, url, key string) string {
	t.Helper()
	resp, body := post(t, url, initializeBody, bearer(key))
	sid := resp.Header.Get(server.HeaderKeySessionID)
	if resp.StatusCode != http.StatusOK || sid == "" {
		t.Fatalf("initialize: %d %s", resp.StatusCode, body)
	}
	return sid
}

// TestSessionsCappedPerKeyHeapFlat is the flood as found: one key opening
// 5,000 sessions leaves at most 100 open; the key's least recently used ones
// are closed first (in mcp-go too), the evictions are counted, and the Go
// heap in use grows by less than 5 MiB. The heap is what a test in this
// process can measure reliably; the server's resident set is measured
// separately, in its own process, by hosting/testdata/rssmeasure (the RSS
// logged here is for information only).
func TestSessionsCappedPerKeyHeapFlat(t *testing.T) {
	up := newUpstream(t)
	h, url := host(t, up, Config{})
	first := initialize(t, url, keyAll)
	second := initialize(t, url, keyAll)
	heap0, rss0 := memory()
	for i := range 4998 {
		initialize(t, url, keyAll)
		// The first session stays in use (at least once per 50 new ones,
		// half the cap), so it is never the least recently used.
		if i%50 != 0 {
			continue
		}
		if resp, body := post(t, url, listBody, sessionHeaders(keyAll, first)); resp.StatusCode != http.StatusOK {
			t.Fatalf("the session in use was closed: %d %s", resp.StatusCode, body)
		}
	}
	heap1, rss1 := memory()
	t.Logf("5,000 initialize from one key: %d sessions open; heap in use %+.1f MiB, RSS %+.1f MiB",
		h.sessions.active(), float64(heap1-heap0)/(1<<20), float64(rss1-rss0)/(1<<20))
	if n := h.sessions.active(); n != DefaultMaxSessionsPerKey {
		t.Errorf("%d sessions open, want %d", n, DefaultMaxSessionsPerKey)
	}
	if resp, _ := post(t, url, listBody, sessionHeaders(keyAll, second)); resp.StatusCode != http.StatusNotFound {
		t.Errorf("the least recently used session answered %d, want 404", resp.StatusCode)
	}
	if got := h.metrics.reg.Counter("klipy_mcp_sessions_evicted_total", "reason", evictPerKey).Get(); got != 4900 {
		t.Errorf("klipy_mcp_sessions_evicted_total{reason=per_key} = %v, want 4900", got)
	}
	if heap1 > heap0+5<<20 {
		t.Errorf("heap in use grew %.1f MiB over 5,000 sessions, want < 5 MiB", float64(heap1-heap0)/(1<<20))
	}
	// Another key is not pushed out by the flood.
	other := initialize(t, url, keyPeople)
	if resp, _ := post(t, url, listBody, sessionHeaders(keyPeople, other)); resp.StatusCode != http.StatusOK {
		t.Errorf("another key's session answered %d, want 200", resp.StatusCode)
	}
}

// TestSessionsCappedInTotal: at the process cap, the least recently used
// session of any key is closed.
func TestSessionsCappedInTotal(t *testing.T) {
	up := newUpstream(t)
	h, url := host(t, up, Config{MaxSessions: 3})
	a := initialize(t, url, keyAll)
	b := initialize(t, url, keyPeople)
	c := initialize(t, url, keyAll)
	post(t, url, listBody, sessionHeaders(keyAll, a)) // a is now used more recently than b
	d := initialize(t, url, keyPeople)
	want := map[string]int{a: http.StatusOK, b: http.StatusNotFound, c: http.StatusOK, d: http.StatusOK}
	keys := map[string]string{a: keyAll, b: keyPeople, c: keyAll, d: keyPeople}
	for sid, status := range want {
		if resp, _ := post(t, url, listBody, sessionHeaders(keys[sid], sid)); resp.StatusCode != status {
			t.Errorf("session %s answered %d, want %d", sid[:16], resp.StatusCode, status)
		}
	}
	if n := h.sessions.active(); n != 3 {
		t.Errorf("%d sessions open, want 3", n)
	}
	if got := h.metrics.reg.Counter("klipy_mcp_sessions_evicted_total", "reason", evictTotal).Get(); got != 1 {
		t.Errorf("klipy_mcp_sessions_evicted_total{reason=total} = %v, want 1", got)
	}
}

// memory returns the heap in use after a collection and the process's
// resident set (0 where /proc is missing).
func memory() (heap, rss uint64) {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseUint(f[1], 10, 64)
			rss = kb << 10
		}
	}
	return ms.HeapInuse, rss
}

// heldUser answers a delete confirmation only when released, so that the
// call waiting on it stays in flight.
type heldUser struct {
	asked   chan struct{}
	release chan struct{}
}

func (u *heldUser) Elicit(ctx context.Context, req mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
	close(u.asked)
	select {
	case <-u.release:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	res := &mcp.ElicitationResult{}
	res.Action = mcp.ElicitationResponseActionAccept
	res.Content = map[string]any{"confirm": true}
	return res, nil
}

// TestEvictionSkipsBusySessions: past the per-key cap, a session with a call
// in flight (waiting on a delete confirmation) is not closed, even when it
// is the least recently used; the oldest idle session is closed instead, and
// the waiting call completes.
func TestEvictionSkipsBusySessions(t *testing.T) {
	up := newUpstream(t)
	_, url := host(t, up, Config{MaxSessionsPerKey: 2})
	u := &heldUser{asked: make(chan struct{}), release: make(chan struct{})}
	busy, err := dialWith(url, mcp.ProtocolVersion20251125, bearer(keyAll), client.WithElicitationHandler(u))
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	id := createPerson(t, busy, "held@example.com")
	done := make(chan *mcp.CallToolResult, 1)
	go func() {
		res, err := tryCall(busy, "delete_person", map[string]any{"person_id": id})
		if err != nil {
			res = mcp.NewToolResultError(err.Error())
		}
		done <- res
	}()
	<-u.asked // the busy session's call is now the least recently started
	idle := initialize(t, url, keyAll)
	initialize(t, url, keyAll) // past the cap of 2: one session must go
	if resp, _ := post(t, url, listBody, sessionHeaders(keyAll, idle)); resp.StatusCode != http.StatusNotFound {
		t.Errorf("the idle session answered %d, want 404 (closed in place of the busy one)", resp.StatusCode)
	}
	close(u.release)
	if res := <-done; res.IsError {
		t.Fatalf("the call in flight failed: %s", resultText(res))
	}
	if res := call(t, busy, "search_people", map[string]any{"email": "held@example.com"}); res.IsError {
		t.Errorf("the busy session was closed: %s", resultText(res))
	}
}

// TestEvictionWhenAllBusy: when every candidate session has a call in
// flight, the least recently used one is closed anyway, so the cap holds.
func TestEvictionWhenAllBusy(t *testing.T) {
	s := newSessions(time.Hour, time.Now, 1, 100)
	var k keyID
	a := s.Generate()
	s.bind(a, k)
	if err := s.use(a, k, true); err != nil {
		t.Fatal(err)
	}
	b := s.Generate()
	s.bind(b, k)
	if ev := s.takeEvicted(); len(ev) != 1 || ev[0].id != a {
		t.Errorf("evicted %v, want the busy session %s (the only other one)", ev, a)
	}
	s.done(a) // ending a call of a closed session is harmless
	if n := s.active(); n != 1 {
		t.Errorf("%d sessions open, want 1", n)
	}
}
