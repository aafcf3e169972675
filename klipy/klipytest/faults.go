package klipytest

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// faultKind is what a queued one-shot fault does to a response.
type faultKind int

const (
	faultStatus    faultKind = iota // answer status with the error envelope
	faultThrottle                   // answer 429 with Retry-After
	faultDrop                       // close the connection without a response
	faultMalformed                  // answer 200 with a body that is not JSON
	faultOversized                  // answer 200 with a huge (valid JSON) body
)

func (k faultKind) String() string {
	return [...]string{"status", "throttle", "drop", "malformed", "oversized"}[k]
}

// FaultHeader is set on every response shaped by a fault switch (a queued
// fault or drift), naming the fault. It lets test helpers such as
// contracttest tell deliberate contract breaks from real ones; product
// code must not look at it.
const FaultHeader = "X-Klipytest-Fault"

type fault struct {
	kind       faultKind
	status     int
	retryAfter time.Duration
	size       int
}

// faults holds the fault-injection switches.
type faults struct {
	mu         sync.Mutex
	latency    time.Duration
	queue      []fault
	denyWrites bool
	drift      bool
	variants   map[Variant]bool // see Play
}

// SetLatency delays every response by d (0 turns it off). The delay ends
// early, with a 503, if the request's context is cancelled.
func (s *Server) SetLatency(d time.Duration) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.latency = d
}

// FailNext makes the next n requests answer status (e.g. 500, 502, 503)
// with the error envelope, before authentication and without touching data
// or rate-limit counters. A 429 here carries Retry-After: 1; see
// ThrottleNext to choose it.
func (s *Server) FailNext(n, status int) {
	s.enqueue(n, fault{kind: faultStatus, status: status})
}

// ThrottleNext makes the next n requests answer 429 with the given
// Retry-After (rounded up to whole seconds) and rate-limit headers saying
// the window is spent: a 429 storm.
func (s *Server) ThrottleNext(n int, retryAfter time.Duration) {
	s.enqueue(n, fault{kind: faultThrottle, status: http.StatusTooManyRequests, retryAfter: retryAfter})
}

// DropNext makes the next n requests end with the connection closed and no
// response (the client sees EOF or a reset).
func (s *Server) DropNext(n int) { s.enqueue(n, fault{kind: faultDrop}) }

// MalformNext makes the next n requests answer 200 with a JSON content type
// and a truncated, unparseable body.
func (s *Server) MalformNext(n int) { s.enqueue(n, fault{kind: faultMalformed}) }

// OversizeNext makes the next n requests answer 200 with a valid success
// envelope padded to size bytes (e.g. 20<<20), to test body caps.
func (s *Server) OversizeNext(n, size int) {
	s.enqueue(n, fault{kind: faultOversized, size: size})
}

// ClearFaults drops every queued one-shot fault and turns latency,
// DenyWrites, drift and every played Variant off.
func (s *Server) ClearFaults() {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.queue, s.faults.latency, s.faults.denyWrites, s.faults.drift = nil, 0, false, false
	s.faults.variants = nil
}

// DenyWrites, while on, makes every request that may write (anything but
// GET and POST …/query) answer 500 "writes_denied" without changing data.
// Such requests are still logged, so tests of read-only tools can assert
// none was attempted.
func (s *Server) DenyWrites(on bool) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.denyWrites = on
}

// SetDrift, while on, makes responses drift from the contract: the
// envelope's meta is gone and every "email" field of returned records is
// renamed "emailAddress". Contract-drift detectors must notice.
func (s *Server) SetDrift(on bool) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.drift = on
}

func (s *Server) enqueue(n int, f fault) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	for range n {
		s.faults.queue = append(s.faults.queue, f)
	}
}

func (f *faults) writesDenied() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.denyWrites
}

func (f *faults) drifting() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.drift
}

// delay waits out the injected latency; false means ctx ended first.
func (f *faults) delay(ctx context.Context) bool {
	f.mu.Lock()
	d := f.latency
	f.mu.Unlock()
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// next pops the next queued fault.
func (f *faults) next() (fault, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.queue) == 0 {
		return fault{}, false
	}
	ft := f.queue[0]
	f.queue = f.queue[1:]
	return ft, true
}

// inject answers with the next queued fault, if any.
func (f *faults) inject(c *call) bool {
	ft, ok := f.next()
	if !ok {
		return false
	}
	c.w.Header().Set(FaultHeader, ft.kind.String())
	switch ft.kind {
	case faultStatus:
		if ft.status == http.StatusTooManyRequests {
			c.w.Header().Set("Retry-After", "1")
		}
		c.fail(ft.status, "injected_fault", "fault injected by the test ("+strconv.Itoa(ft.status)+")", nil)
	case faultThrottle:
		retry := retryAfterSeconds(ft.retryAfter)
		setRateHeaders(c.w.Header(), c.s.opts.KeyLimit, 0, c.start.Add(time.Duration(retry)*time.Second))
		c.w.Header().Set("Retry-After", strconv.Itoa(retry))
		c.fail(http.StatusTooManyRequests, "rate_limited", "rate limit exceeded (injected); retry after "+strconv.Itoa(retry)+"s",
			map[string]any{"retry_after": retry})
	case faultDrop:
		c.drop()
	case faultMalformed:
		c.writeRaw(http.StatusOK, "application/json", []byte(`{"object":"success","data":{"id":"per_`))
	case faultOversized:
		c.writeRaw(http.StatusOK, "application/json", oversized(ft.size))
	}
	return true
}

// oversized returns a valid success envelope of exactly size bytes (or the
// minimum envelope when size is smaller).
func oversized(size int) []byte {
	const head, tail = `{"object":"success","data":{"id":"per_oversized","padding":"`, `"}}`
	pad := max(size-len(head)-len(tail), 0)
	var b bytes.Buffer
	b.Grow(len(head) + pad + len(tail))
	b.WriteString(head)
	b.Write(bytes.Repeat([]byte{'x'}, pad))
	b.WriteString(tail)
	return b.Bytes()
}

// drop ends the request without a response: the connection is hijacked and
// closed when the ResponseWriter allows it, else the handler aborts with
// http.ErrAbortHandler (which net/http and NewTransport both turn into a
// broken response).
func (c *call) drop() {
	c.status = StatusDropped
	c.record()
	if hj, ok := c.w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

// StatusDropped is the Status the request log records for a request whose
// connection was dropped by DropNext.
const StatusDropped = -1
