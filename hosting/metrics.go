package hosting

import (
	"context"
	"maps"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	vm "github.com/VictoriaMetrics/metrics"
	"github.com/klipy-ai/klipy-mcp/klipy"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// Tool call outcomes, the values of the outcome label.
const (
	outcomeOK            = "ok"
	outcomeToolError     = "tool_error"
	outcomeProtocolError = "protocol_error"
)

// unknownTool labels calls to names outside the catalogue, so that callers
// cannot grow the label set.
const unknownTool = "unknown"

// latencyBuckets are the upper bounds of the latency histograms: 5 ms to
// about 19 s, each 2.5 times the last.
var latencyBuckets = vm.ExponentialBuckets(0.005, 2.5, 10)

// metrics are the host's series (names and meanings in docs/hosting.md).
// Each event has one helper below; add a series by adding a helper.
type metrics struct {
	reg              *Registry
	rateLimitWaits   *vm.Counter
	rateLimitSeconds *vm.FloatCounter

	// Series of every call and every upstream request, looked up once per
	// event in a map read without locks: the registry's cache takes a read
	// lock, which every concurrent call would contend for, and its key
	// would need the status formatted as text for each upstream request.
	toolSeries     seriesMap[toolKey]
	upstreamSeries seriesMap[upstreamKey]
}

// eventSeries are the counter and the latency histogram one event updates.
type eventSeries struct {
	count    *vm.Counter
	duration *vm.PrometheusHistogram
}

type toolKey struct{ tool, outcome string }

type upstreamKey struct {
	op     string
	status int
}

// seriesMap maps an event's labels to its series. Reads take no lock and
// hash only the key: the map is replaced, never changed, when a series is
// added, which is rare because every label's values are bounded.
type seriesMap[K comparable] struct {
	m  atomic.Pointer[map[K]*eventSeries]
	mu sync.Mutex // serialises additions
}

// get returns the series of k, building it with build on first use.
func (sm *seriesMap[K]) get(k K, build func() *eventSeries) *eventSeries {
	if m := sm.m.Load(); m != nil {
		if s, ok := (*m)[k]; ok {
			return s
		}
	}
	sm.mu.Lock()
	defer sm.mu.Unlock()
	var old map[K]*eventSeries
	if p := sm.m.Load(); p != nil {
		old = *p
	}
	if s, ok := old[k]; ok {
		return s
	}
	next := make(map[K]*eventSeries, len(old)+1)
	maps.Copy(next, old)
	s := build()
	next[k] = s
	sm.m.Store(&next)
	return s
}

func newMetrics(reg *Registry, activeSessions, cachedCallers func() float64) *metrics {
	m := &metrics{
		reg:              reg,
		rateLimitWaits:   reg.Counter("klipy_mcp_rate_limit_waits_total"),
		rateLimitSeconds: reg.FloatCounter("klipy_mcp_rate_limit_wait_seconds_total"),
	}
	reg.GaugeFunc("klipy_mcp_active_sessions", activeSessions)
	reg.GaugeFunc("klipy_mcp_cached_callers", cachedCallers)
	return m
}

// toolCall counts one tools/call by tool and outcome and, when the handler
// ran, records its duration.
func (m *metrics) toolCall(tool, outcome string, d time.Duration, ran bool) {
	s := m.toolSeries.get(toolKey{tool, outcome}, func() *eventSeries {
		return &eventSeries{
			count:    m.reg.Counter("klipy_mcp_tool_calls_total", "outcome", outcome, "tool", tool),
			duration: m.reg.Histogram("klipy_mcp_tool_call_duration_seconds", latencyBuckets, "tool", tool),
		}
	})
	s.count.Inc()
	if ran {
		s.duration.Update(d.Seconds())
	}
}

// upstreamRequest counts one Klipy API request by operation and HTTP status
// (0: network error) and records its latency.
func (m *metrics) upstreamRequest(op string, status int, d time.Duration) {
	s := m.upstreamSeries.get(upstreamKey{op, status}, func() *eventSeries {
		return &eventSeries{
			count:    m.reg.Counter("klipy_mcp_upstream_requests_total", "operation", op, "status", strconv.Itoa(status)),
			duration: m.reg.Histogram("klipy_mcp_upstream_request_duration_seconds", latencyBuckets, "operation", op),
		}
	})
	s.count.Inc()
	s.duration.Update(d.Seconds())
}

// rateLimitWait counts one wait for rate-limit budget and its length.
func (m *metrics) rateLimitWait(d time.Duration) {
	m.rateLimitWaits.Inc()
	m.rateLimitSeconds.Add(d.Seconds())
}

// rejected counts a request to /mcp the host refused, by reason.
func (m *metrics) rejected(reason string) {
	m.reg.Counter("klipy_mcp_http_rejected_total", "reason", reason).Inc()
}

// sessionEvicted counts a session closed to make room for new ones, by the
// cap reached (per_key, total).
func (m *metrics) sessionEvicted(reason string) {
	m.reg.Counter("klipy_mcp_sessions_evicted_total", "reason", reason).Inc()
}

// klipyHooks observes upstream requests and rate-limit waits, then calls the
// caller's own hooks.
func (m *metrics) klipyHooks(next klipy.Hooks) klipy.Hooks {
	return klipy.Hooks{
		Request: func(op string, status int, d time.Duration) {
			m.upstreamRequest(op, status, d)
			if next.Request != nil {
				next.Request(op, status, d)
			}
		},
		RateLimitWait: func(d time.Duration) {
			m.rateLimitWait(d)
			if next.RateLimitWait != nil {
				next.RateLimitWait(d)
			}
		},
	}
}

// callRecord carries one tools/call through mcp-go's hooks: the host's
// middleware puts it in the request context, the hooks fill it in.
type callRecord struct {
	mu      sync.Mutex
	start   time.Time
	end     time.Time
	outcome string
}

// callRecordFrom returns the record of the tools/call ctx belongs to, or
// nil.
func callRecordFrom(ctx context.Context) *callRecord {
	if req := requestFrom(ctx); req != nil && req.tool != "" {
		return &req.rec
	}
	return nil
}

// answered reports whether a tool answered the call (ok or an isError
// result): only a tool in the catalogue can.
func (r *callRecord) answered() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.outcome == outcomeOK || r.outcome == outcomeToolError
}

// set records the call's end and outcome.
func (r *callRecord) set(outcome string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.end, r.outcome = time.Now(), outcome
}

// observe records the finished call under tool.
func (m *metrics) observe(tool string, r *callRecord) {
	r.mu.Lock()
	defer r.mu.Unlock()
	outcome := r.outcome
	if outcome == "" {
		outcome = outcomeProtocolError // refused before a handler ran
	}
	ran := !r.start.IsZero() && !r.end.IsZero()
	m.toolCall(tool, outcome, r.end.Sub(r.start), ran)
}

// installHooks is a server option adding the tool-call hooks to the
// server's hooks, creating them only when no earlier option did, so hooks
// installed by the tools package are kept.
func installHooks() server.ServerOption {
	return func(s *server.MCPServer) {
		hooks := s.GetHooks()
		if hooks == nil {
			hooks = &server.Hooks{}
			server.WithHooks(hooks)(s)
		}
		hooks.AddBeforeCallTool(func(ctx context.Context, _ any, _ *mcp.CallToolRequest) {
			if r := callRecordFrom(ctx); r != nil {
				r.mu.Lock()
				r.start = time.Now()
				r.mu.Unlock()
			}
		})
		hooks.AddAfterCallTool(func(ctx context.Context, _ any, _ *mcp.CallToolRequest, result any) {
			if r := callRecordFrom(ctx); r != nil {
				outcome := outcomeOK
				if res, ok := result.(*mcp.CallToolResult); ok && res.IsError {
					outcome = outcomeToolError
				}
				r.set(outcome)
			}
		})
		hooks.AddOnError(func(ctx context.Context, _ any, method mcp.MCPMethod, _ any, _ error) {
			if r := callRecordFrom(ctx); r != nil && method == mcp.MethodToolsCall {
				r.set(outcomeProtocolError)
			}
		})
	}
}
