package klipytest

import (
	"net/http"
	"strconv"
	"sync"
	"time"
)

// limiter enforces the real API's fixed one-minute windows: one counter per
// key and one per organization. Windows are aligned to the clock's minutes,
// so every key's window resets at the same instant (the next whole minute).
type limiter struct {
	mu       sync.Mutex
	keyLimit int
	orgLimit int
	keys     map[string]*window
	orgs     map[string]*window
}

type window struct {
	start time.Time
	count int
}

// quota is what the rate-limit headers report for one request.
type quota struct {
	limit     int
	remaining int
	reset     time.Time // end of the window
	ok        bool      // false: over the limit, the request is refused
}

func newLimiter(keyLimit, orgLimit int) *limiter {
	return &limiter{keyLimit: keyLimit, orgLimit: orgLimit, keys: map[string]*window{}, orgs: map[string]*window{}}
}

// take counts one request of key (in org) at now, unless either window is
// spent; refused requests are not counted. The quota reported is that of
// the window with fewer requests left (the key's on a tie).
func (l *limiter) take(now time.Time, key, org string) quota {
	l.mu.Lock()
	defer l.mu.Unlock()
	start := now.Truncate(time.Minute)
	kw := current(l.keys, key, start)
	ow := current(l.orgs, org, start)
	ok := kw.count < l.keyLimit && ow.count < l.orgLimit
	if ok {
		kw.count++
		ow.count++
	}
	q := quota{limit: l.keyLimit, remaining: l.keyLimit - kw.count, reset: start.Add(time.Minute), ok: ok}
	if orgLeft := l.orgLimit - ow.count; orgLeft < q.remaining {
		q.limit, q.remaining = l.orgLimit, orgLeft
	}
	return q
}

// current returns name's window, starting a fresh one when the stored one
// is from an earlier minute.
func current(m map[string]*window, name string, start time.Time) *window {
	w := m[name]
	if w == nil || !w.start.Equal(start) {
		w = &window{start: start}
		m[name] = w
	}
	return w
}

// rateLimit counts the request against its key and organization, sets the
// X-RateLimit-* headers (Reset in epoch seconds) and answers 429 with
// Retry-After (whole seconds, at least 1) when a window is spent.
func (s *Server) rateLimit(c *call) bool {
	now := c.start
	q := s.limits.take(now, c.token, c.key.Org)
	setRateHeaders(c.w.Header(), q.limit, q.remaining, q.reset)
	if q.ok {
		return true
	}
	retry := retryAfterSeconds(q.reset.Sub(now))
	c.w.Header().Set("Retry-After", strconv.Itoa(retry))
	c.fail(http.StatusTooManyRequests, "rate_limited",
		"rate limit exceeded ("+strconv.Itoa(q.limit)+" requests per minute); retry after "+strconv.Itoa(retry)+"s",
		map[string]any{"limit": q.limit, "retry_after": retry})
	return false
}

func setRateHeaders(h http.Header, limit, remaining int, reset time.Time) {
	h.Set("X-RateLimit-Limit", strconv.Itoa(limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(max(remaining, 0)))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10))
}

// retryAfterSeconds rounds d up to whole seconds, at least 1.
func retryAfterSeconds(d time.Duration) int {
	sec := int((d + time.Second - 1) / time.Second)
	return max(sec, 1)
}
