package klipytest_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/klipy-ai/klipy-mcp/klipy/klipytest"
)

// rateHeaders returns X-RateLimit-Limit, -Remaining and -Reset.
func rateHeaders(t *testing.T, r result) (limit, remaining int, reset int64) {
	t.Helper()
	var err error
	if limit, err = strconv.Atoi(r.header.Get("X-RateLimit-Limit")); err != nil {
		t.Fatalf("X-RateLimit-Limit: %v", err)
	}
	if remaining, err = strconv.Atoi(r.header.Get("X-RateLimit-Remaining")); err != nil {
		t.Fatalf("X-RateLimit-Remaining: %v", err)
	}
	if reset, err = strconv.ParseInt(r.header.Get("X-RateLimit-Reset"), 10, 64); err != nil {
		t.Fatalf("X-RateLimit-Reset: %v", err)
	}
	return limit, remaining, reset
}

func TestRateLimitPerKey(t *testing.T) {
	clk := newClock() // 12:00:30, so the window ends in 30 s
	a := newAPI(t, klipytest.Options{KeyLimit: 3, OrgLimit: 100, Now: clk.Now})
	windowEnd := time.Date(2026, 3, 10, 12, 1, 0, 0, time.UTC).Unix()
	for i := range 3 {
		r := must(t, a.do(allKey, "GET", "/authenticate", nil), 200)
		limit, remaining, reset := rateHeaders(t, r)
		if limit != 3 || remaining != 2-i || reset != windowEnd {
			t.Errorf("request %d: limit %d remaining %d reset %d, want 3 %d %d", i, limit, remaining, reset, 2-i, windowEnd)
		}
	}
	clk.Advance(10 * time.Second)
	r := a.do(allKey, "POST", "/people/query", "{}")
	mustFail(t, r, 429, "rate_limited")
	if got := r.header.Get("Retry-After"); got != "20" {
		t.Errorf("Retry-After = %q, want 20 (seconds to the window's end)", got)
	}
	if _, remaining, _ := rateHeaders(t, r); remaining != 0 {
		t.Errorf("remaining on 429 = %d", remaining)
	}
	// Another key of the same org has its own window.
	must(t, a.do(readKey, "GET", "/authenticate", nil), 200)
	// The next minute opens a fresh window.
	clk.Advance(20 * time.Second)
	r = must(t, a.do(allKey, "GET", "/authenticate", nil), 200)
	if _, remaining, reset := rateHeaders(t, r); remaining != 2 || reset != windowEnd+60 {
		t.Errorf("new window: remaining %d reset %d", remaining, reset)
	}
}

func TestRateLimitPerOrg(t *testing.T) {
	clk := newClock()
	a := newAPI(t, klipytest.Options{KeyLimit: 4, OrgLimit: 5, Now: clk.Now})
	for range 3 {
		must(t, a.do(allKey, "GET", "/authenticate", nil), 200)
	}
	r := must(t, a.do(readKey, "GET", "/authenticate", nil), 200)
	// The org's window (1 left) is tighter than the key's (3 left).
	if limit, remaining, _ := rateHeaders(t, r); limit != 5 || remaining != 1 {
		t.Errorf("headers report limit %d remaining %d, want the org's 5 and 1", limit, remaining)
	}
	must(t, a.do(readKey, "GET", "/authenticate", nil), 200)
	r = a.do(readKey, "GET", "/authenticate", nil)
	mustFail(t, r, 429, "rate_limited")
	if limit, _, _ := rateHeaders(t, r); limit != 5 {
		t.Errorf("429 limit = %d, want the org's 5", limit)
	}
	// Other organizations are not affected.
	must(t, a.do(otherKey, "GET", "/authenticate", nil), 200)
}

func TestRateLimitDefaults(t *testing.T) {
	a := newAPI(t, klipytest.Options{})
	r := must(t, a.do(allKey, "GET", "/authenticate", nil), 200)
	if limit, remaining, reset := rateHeaders(t, r); limit != 200 || remaining != 199 || reset < time.Now().Unix() {
		t.Errorf("defaults: limit %d remaining %d reset %d", limit, remaining, reset)
	}
}
