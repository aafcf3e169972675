package hosting

import (
	"context"
	"strconv"
	"sync"
	"time"

	"github.com/klipy-ai/klipy-mcp/klipy"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
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

// metrics are the host's Prometheus collectors (names in docs/hosting.md).
type metrics struct {
	toolCalls        *prometheus.CounterVec
	toolLatency      *prometheus.HistogramVec
	upstream         *prometheus.CounterVec
	upstreamLatency  *prometheus.HistogramVec
	rateLimitWaits   prometheus.Counter
	rateLimitSeconds prometheus.Counter
	rejected         *prometheus.CounterVec
	sessionsEvicted  *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer, activeSessions, cachedCallers func() float64) *metrics {
	m := &metrics{
		toolCalls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "klipy_mcp_tool_calls_total", Help: "Tool calls by tool and outcome (ok, tool_error, protocol_error).",
		}, []string{"tool", "outcome"}),
		toolLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "klipy_mcp_tool_call_duration_seconds", Help: "Tool call latency by tool.",
			Buckets: prometheus.ExponentialBuckets(0.005, 2.5, 10),
		}, []string{"tool"}),
		upstream: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "klipy_mcp_upstream_requests_total", Help: "Requests sent to the Klipy API by operation and HTTP status (0: network error).",
		}, []string{"operation", "status"}),
		upstreamLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "klipy_mcp_upstream_request_duration_seconds", Help: "Klipy API request latency by operation.",
			Buckets: prometheus.ExponentialBuckets(0.005, 2.5, 10),
		}, []string{"operation"}),
		rateLimitWaits: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "klipy_mcp_rate_limit_waits_total", Help: "Times a request waited for rate-limit budget.",
		}),
		rateLimitSeconds: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "klipy_mcp_rate_limit_wait_seconds_total", Help: "Time spent waiting for rate-limit budget.",
		}),
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "klipy_mcp_http_rejected_total", Help: "Requests to /mcp refused by the host, by reason.",
		}, []string{"reason"}),
		sessionsEvicted: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "klipy_mcp_sessions_evicted_total", Help: "Sessions closed to make room for new ones, by cap reached (per_key, total).",
		}, []string{"reason"}),
	}
	reg.MustRegister(m.toolCalls, m.toolLatency, m.upstream, m.upstreamLatency, m.rateLimitWaits,
		m.rateLimitSeconds, m.rejected, m.sessionsEvicted,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "klipy_mcp_active_sessions", Help: "Open session-based (2025-11-25 era) MCP sessions.",
		}, activeSessions),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "klipy_mcp_cached_callers", Help: "Callers whose client (rate-limit state, scopes) is cached.",
		}, cachedCallers))
	return m
}

// newRegistry returns a registry with the Go runtime and process collectors.
func newRegistry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return reg
}

// klipyHooks observes upstream requests and rate-limit waits, then calls the
// caller's own hooks.
func (m *metrics) klipyHooks(next klipy.Hooks) klipy.Hooks {
	return klipy.Hooks{
		Request: func(op string, status int, d time.Duration) {
			m.upstream.WithLabelValues(op, strconv.Itoa(status)).Inc()
			m.upstreamLatency.WithLabelValues(op).Observe(d.Seconds())
			if next.Request != nil {
				next.Request(op, status, d)
			}
		},
		RateLimitWait: func(d time.Duration) {
			m.rateLimitWaits.Inc()
			m.rateLimitSeconds.Add(d.Seconds())
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

type callRecordKey struct{}

func callRecordFrom(ctx context.Context) *callRecord {
	r, _ := ctx.Value(callRecordKey{}).(*callRecord)
	return r
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
	m.toolCalls.WithLabelValues(tool, outcome).Inc()
	if !r.start.IsZero() && !r.end.IsZero() {
		m.toolLatency.WithLabelValues(tool).Observe(r.end.Sub(r.start).Seconds())
	}
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
