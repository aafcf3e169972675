package hosting

import (
	"net/http"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/klipy-ai/klipy-mcp/klipy"
)

func TestMetricsAfterCalls(t *testing.T) {
	up := newUpstream(t)
	_, url := host(t, up, Config{})
	c := connect(t, url, eras[0], bearer(keyAll))
	call(t, c, "get_workspace", nil)
	if res := call(t, c, "get_person", map[string]any{"person_id": "no-such-person"}); !res.IsError {
		t.Fatalf("get_person on a missing id: want an isError result, got %s", resultText(res))
	}
	if _, err := tryCall(c, "no_such_tool", nil); err == nil {
		t.Fatal("calling an unknown tool: want a protocol error")
	}
	post(t, url, initializeBody, nil) // 401

	metrics := scrape(t, strings.TrimSuffix(url, "/mcp")+"/metrics")
	for _, want := range []string{
		`klipy_mcp_tool_calls_total{outcome="ok",tool="get_workspace"} 1`,
		`klipy_mcp_tool_calls_total{outcome="tool_error",tool="get_person"} 1`,
		`klipy_mcp_tool_calls_total{outcome="protocol_error",tool="unknown"} 1`,
		`klipy_mcp_tool_call_duration_seconds_count{tool="get_workspace"} 1`,
		`klipy_mcp_http_rejected_total{reason="missing_key"} 1`,
		`klipy_mcp_active_sessions 1`,
		`klipy_mcp_cached_callers 1`,
		`klipy_mcp_rate_limit_waits_total 0`,
		`klipy_mcp_rate_limit_wait_seconds_total 0`,
	} {
		if !strings.Contains(metrics, "\n"+want+"\n") {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	// Scope discovery and get_workspace each authenticate; get_person's
	// lookup answers 404.
	for _, re := range []string{
		`\nklipy_mcp_upstream_requests_total\{operation="[A-Za-z]+",status="200"\} 2\n`,
		`\nklipy_mcp_upstream_requests_total\{operation="[A-Za-z]+",status="404"\} 1\n`,
		`\nklipy_mcp_upstream_request_duration_seconds_count\{operation="[A-Za-z]+"\} \d+\n`,
	} {
		if !regexp.MustCompile(re).MatchString(metrics) {
			t.Errorf("/metrics does not match %s", re)
		}
	}
	if strings.Contains(metrics, keyAll) {
		t.Error("/metrics contains a key")
	}
	checkExposition(t, metrics)
}

// checkExposition checks what a Prometheus scraper relies on: one TYPE line
// per family, histograms typed as such with cumulative buckets, and the Go
// runtime and process series.
func checkExposition(t *testing.T, metrics string) {
	t.Helper()
	types := map[string]int{}
	for line := range strings.SplitSeq(metrics, "\n") {
		if f := strings.Fields(line); len(f) == 4 && f[1] == "TYPE" {
			types[f[2]]++
		}
	}
	for family, n := range types {
		if n != 1 {
			t.Errorf("family %s has %d TYPE lines, want 1", family, n)
		}
	}
	for _, want := range []string{
		"# TYPE klipy_mcp_tool_call_duration_seconds histogram",
		"# TYPE klipy_mcp_tool_calls_total counter",
		`klipy_mcp_tool_call_duration_seconds_bucket{tool="get_workspace",le="+Inf"} 1`,
		"process_resident_memory_bytes ",
		"process_open_fds ",
		"go_goroutines ",
		"go_gc_gogc_percent ",
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}

func TestSeriesEscapesLabelValues(t *testing.T) {
	got := series("m_total", []string{"a", `x"y\z` + "\n", "b", "ok"})
	if want := `m_total{a="x\"y\\z\n",b="ok"}`; got != want {
		t.Errorf("series = %s, want %s", got, want)
	}
}

func scrape(t *testing.T, url string) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	resp, body := do(t, req)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", url, resp.StatusCode)
	}
	return body
}

func getStatus(t *testing.T, url string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	resp, _ := do(t, req)
	return resp.StatusCode
}

func TestHealthAndReadiness(t *testing.T) {
	up := newUpstream(t)
	clock := &fakeClock{now: time.Date(2026, 7, 28, 9, 0, 0, 0, time.UTC)}

	_, url := host(t, up, Config{})
	base := strings.TrimSuffix(url, "/mcp")
	if got := getStatus(t, base+"/healthz"); got != http.StatusOK {
		t.Errorf("/healthz = %d, want 200", got)
	}
	if got := getStatus(t, base+"/readyz"); got != http.StatusOK {
		t.Errorf("multi-tenant /readyz = %d, want 200", got)
	}

	_, url = host(t, up, Config{ServerKey: keyAll, Loopback: true, now: clock.Now})
	base = strings.TrimSuffix(url, "/mcp")
	up.ResetRequests()
	for range 3 {
		if got := getStatus(t, base+"/readyz"); got != http.StatusOK {
			t.Fatalf("/readyz with a valid server key = %d, want 200", got)
		}
	}
	if n := len(up.Requests()); n != 1 {
		t.Errorf("3 probes sent %d upstream checks, want 1 (cached)", n)
	}
	up.RemoveKey(keyAll)
	if got := getStatus(t, base+"/readyz"); got != http.StatusOK {
		t.Errorf("/readyz within the cache TTL = %d, want the cached 200", got)
	}
	clock.Advance(DefaultReadyCacheTTL)
	if got := getStatus(t, base+"/readyz"); got != http.StatusServiceUnavailable {
		t.Errorf("/readyz after the key was revoked = %d, want 503", got)
	}
}

// TestRateLimitWaitMetrics checks that every wait the client reports is
// counted with its duration, and that the caller's own hook still runs.
func TestRateLimitWaitMetrics(t *testing.T) {
	m := newMetrics(NewRegistry(), func() float64 { return 0 }, func() float64 { return 0 })
	var chained time.Duration
	hooks := m.klipyHooks(klipy.Hooks{RateLimitWait: func(d time.Duration) { chained += d }})
	hooks.RateLimitWait(1500 * time.Millisecond)
	hooks.RateLimitWait(500 * time.Millisecond)
	if got := m.rateLimitWaits.Get(); got != 2 {
		t.Errorf("klipy_mcp_rate_limit_waits_total = %v, want 2", got)
	}
	if got := m.rateLimitSeconds.Get(); got != 2 {
		t.Errorf("klipy_mcp_rate_limit_wait_seconds_total = %v, want 2", got)
	}
	if chained != 2*time.Second {
		t.Errorf("caller's hook saw %v, want 2s", chained)
	}
}

func TestRegistryReturnsOneMetricPerSeries(t *testing.T) {
	r := NewRegistry()
	r.Counter("a_total", "x", "1").Inc()
	r.Counter("a_total", "x", "1").Inc()
	r.Counter("a_total", "x", "2").Inc()
	r.Counter("b_total", "x", "1", "y", "2", "z", "3").Inc() // beyond the cache's key
	r.Counter("b_total", "x", "1", "y", "2", "z", "3").Inc()
	if got := r.Counter("a_total", "x", "1").Get(); got != 2 {
		t.Errorf(`a_total{x="1"} = %d, want 2`, got)
	}
	if got := r.Counter("a_total", "x", "2").Get(); got != 1 {
		t.Errorf(`a_total{x="2"} = %d, want 1`, got)
	}
	if got := r.Counter("b_total", "x", "1", "y", "2", "z", "3").Get(); got != 2 {
		t.Errorf("b_total = %d, want 2", got)
	}
}

// TestSeriesMap: every caller of a key gets the one series built for it,
// also when they race to build it.
func TestSeriesMap(t *testing.T) {
	var sm seriesMap[toolKey]
	var builds atomic.Int64
	build := func() *eventSeries { builds.Add(1); return &eventSeries{} }
	keys := []toolKey{{"a", outcomeOK}, {"a", outcomeToolError}, {"b", outcomeOK}}
	got := make([][]*eventSeries, 8)
	var wg sync.WaitGroup
	for g := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, k := range keys {
				got[g] = append(got[g], sm.get(k, build))
			}
		}()
	}
	wg.Wait()
	if n := builds.Load(); n != int64(len(keys)) {
		t.Errorf("built %d series for %d keys", n, len(keys))
	}
	for g := range got {
		for i := range keys {
			if got[g][i] != got[0][i] {
				t.Errorf("goroutine %d got another series for %v", g, keys[i])
			}
			if i > 0 && got[g][i] == got[g][i-1] {
				t.Errorf("keys %v and %v share a series", keys[i-1], keys[i])
			}
		}
	}
}
