package klipy

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// pace waits until the call may be sent: for a window the server said is
// spent, then for the key's bucket and, once the organization is known, the
// organization's bucket. The window is checked again after the buckets, as
// another call may have learnt meanwhile that it is spent; then the buckets
// are waited for again, so that calls released together by a window reset
// still leave in small bursts. A wait that cannot end before ctx's deadline
// fails at once with a *RateLimitError.
func (c *Client) pace(ctx context.Context, op string) error {
	for {
		if err := c.waitWindow(ctx, op); err != nil {
			return err
		}
		if err := c.waitBudget(ctx, op); err != nil {
			return err
		}
		if c.pauses.Paused(c.keyBucket) == 0 {
			return nil
		}
	}
}

// waitWindow waits for the server-reported window of the key to reset. A
// pause longer than max429Wait is never waited out: the call fails at once
// with the time left (SPEC §5), as does one that cannot end before ctx's
// deadline.
func (c *Client) waitWindow(ctx context.Context, op string) error {
	d := c.pauses.Paused(c.keyBucket)
	if d <= 0 {
		return nil
	}
	if d > max429Wait || !fits(ctx, d) {
		return &RateLimitError{Bucket: "server window", Wait: d}
	}
	c.waited(d)
	if err := sleep(ctx, d); err != nil {
		return fmt.Errorf("klipy: %s: waiting for the rate-limit window: %w", op, err)
	}
	return nil
}

// waitBudget takes a token from the key's and the organization's buckets.
func (c *Client) waitBudget(ctx context.Context, op string) error {
	start := c.hookStart(c.hooks.RateLimitWait != nil)
	err := c.limiter.Wait(ctx, c.keyBucket, c.rateLimit)
	if org := c.orgBucketKey(); err == nil && org != "" {
		err = c.limiter.Wait(ctx, org, c.orgLimit)
	}
	if !start.IsZero() {
		if d := time.Since(start); d >= time.Millisecond {
			c.waited(d)
		}
	}
	if err == nil {
		return nil // before errors.As, whose target would escape on every call
	}
	var rl *RateLimitError
	if !errors.As(err, &rl) {
		return fmt.Errorf("klipy: %s: waiting for rate-limit budget: %w", op, err)
	}
	return err
}

func (c *Client) waited(d time.Duration) {
	if c.hooks.RateLimitWait != nil {
		c.hooks.RateLimitWait(d)
	}
}

// observe reads the request id and rate-limit headers of an answer, and
// remembers a spent window (X-RateLimit-Remaining: 0, or a 429) so that
// later calls pause until it resets.
func (c *Client) observe(ex exchange) *Response {
	if ex.header == nil {
		return nil
	}
	h := ex.header
	resp := &Response{StatusCode: ex.status, RequestID: requestID(h)}
	resp.RateLimit = RateLimit{
		Limit:     headerInt(h, hdrLimit),
		Remaining: headerInt(h, hdrRemaining),
		Reset:     parseReset(header(h, hdrReset), time.Now()),
	}
	switch {
	case ex.status == http.StatusTooManyRequests:
		c.pauses.Pause(c.keyBucket, time.Now().Add(c.retryWait(h)))
	case resp.RateLimit.Remaining == 0 && !resp.RateLimit.Reset.IsZero():
		c.pauses.Pause(c.keyBucket, resp.RateLimit.Reset)
	}
	return resp
}

// retryWait is how long a 429 asks to wait: Retry-After, else the window
// reset, else one second.
func (c *Client) retryWait(h http.Header) time.Duration {
	now := time.Now()
	if d, ok := parseRetryAfter(h.Get("Retry-After"), now); ok {
		return d
	}
	if t := parseReset(header(h, hdrReset), now); !t.IsZero() {
		return t.Sub(now)
	}
	return time.Second
}

// requestID reads the request id header under its usual names.
func requestID(h http.Header) string {
	for _, name := range requestIDHeaders {
		if v := header(h, name); v != "" {
			return v
		}
	}
	return ""
}

var requestIDHeaders = [...]string{"X-Request-Id", "Request-Id", "X-Klipy-Request-Id"}

// header is h.Get(name) for a canonical name, which it spares
// canonicalising again on every answer.
func header(h http.Header, name string) string {
	if v := h[name]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// The rate-limit headers, spelt canonically, as header needs.
const (
	hdrLimit     = "X-Ratelimit-Limit"
	hdrRemaining = "X-Ratelimit-Remaining"
	hdrReset     = "X-Ratelimit-Reset"
)

// headerInt reads an integer header, -1 when absent or unreadable.
func headerInt(h http.Header, name string) int {
	v := header(h, name)
	if v == "" {
		return -1 // absent: spares Atoi's error
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		return -1
	}
	return n
}

// parseReset reads X-RateLimit-Reset, whose unit is undocumented: values
// of 1e11 and above are epoch milliseconds, of 1e6 and above epoch seconds
// (no window lasts 11 days), smaller ones seconds from now. The result is at most maxWindowWait ahead and never
// before now; zero when absent or unreadable.
func parseReset(v string, now time.Time) time.Time {
	if v == "" {
		return time.Time{}
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil || f < 0 {
		return time.Time{}
	}
	var t time.Time
	switch {
	case f >= 1e11:
		t = time.UnixMilli(int64(f))
	case f >= 1e6:
		t = time.Unix(int64(f), 0)
	default:
		t = now.Add(time.Duration(f * float64(time.Second)))
	}
	switch {
	case t.Before(now):
		return now
	case t.After(now.Add(maxWindowWait)):
		return now.Add(maxWindowWait)
	}
	return t
}
