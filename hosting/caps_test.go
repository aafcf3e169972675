package hosting

import (
	"net/http"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"

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
