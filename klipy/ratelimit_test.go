package klipy_test

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/klipy-ai/klipy-mcp/klipy"
)

// The tests in this file run under testing/synctest: time is fake, so
// seconds and minutes of pacing take no real time and are measured exactly.

// counting answers every request with h and counts the requests.
type counting struct {
	n atomic.Int64
	h http.HandlerFunc
}

func (c *counting) ServeHTTP(w http.ResponseWriter, r *http.Request) { c.n.Add(1); c.h(w, r) }

func withHeader(k, v string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { w.Header().Set(k, v); h(w, r) }
}

func TestShortRetryAfterWaitsAndRetries(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		for _, date := range []bool{false, true} {
			retryAfter := "2"
			if date {
				retryAfter = time.Now().Add(2 * time.Second).UTC().Format(http.TimeFormat)
			}
			srv := &counting{h: sequence(withHeader("Retry-After", retryAfter, reply(429, `{"error":{"code":"rate_limited","message":"slow"}}`)),
				reply(200, envelope(personJSON)))}
			var waited time.Duration
			c := newMemClient(t, testKey(t)+retryAfter, srv, func(o *klipy.Options) {
				o.Hooks.RateLimitWait = func(d time.Duration) { waited += d }
			})
			start := time.Now()
			// A create is retried too: a 429 means it was not processed.
			if _, _, err := c.People.Create(ctxTimeout(t, 30*time.Second), &klipy.PersonInput{Email: "a@b.co"}); err != nil {
				t.Fatalf("Retry-After %q: %v", retryAfter, err)
			}
			if el := time.Since(start); el != 2*time.Second || waited != 2*time.Second || srv.n.Load() != 2 {
				t.Errorf("Retry-After %q: took %v, hook saw %v, %d requests; want 2s, 2s, 2", retryAfter, el, waited, srv.n.Load())
			}
		}
	})
}

func TestLongRetryAfterReturnsError(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv := &counting{h: withHeader("Retry-After", "30", reply(429, `{"error":{"code":"rate_limited","message":"slow"}}`))}
		c := newMemClient(t, testKey(t), srv)
		start := time.Now()
		_, _, err := c.People.Get(ctxTimeout(t, time.Minute), "p1")
		var ae *klipy.APIError
		d, ok := klipy.RetryAfter(err)
		if !errors.Is(err, klipy.ErrRateLimited) || !errors.As(err, &ae) || ae.RetryAfter != 30*time.Second || !ok || d != 30*time.Second {
			t.Fatalf("err = %v, RetryAfter = %v %v; want a 429 APIError with RetryAfter 30s", err, d, ok)
		}
		if time.Since(start) != 0 {
			t.Errorf("waited %v, want no wait", time.Since(start))
		}
		// The window is remembered: a call whose deadline falls inside it
		// fails at once without reaching the server.
		time.Sleep(10 * time.Second)
		_, _, err = c.People.Get(ctxTimeout(t, 5*time.Second), "p1")
		d, _ = klipy.RetryAfter(err)
		if !errors.Is(err, klipy.ErrRateLimited) || d != 20*time.Second || srv.n.Load() != 1 {
			t.Errorf("second call: err = %v, wait %v, %d requests; want ErrRateLimited, 20s, 1", err, d, srv.n.Load())
		}
	})
}

func TestShortRetryAfterBeyondDeadline(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv := &counting{h: withHeader("Retry-After", "5", reply(429, `{}`))}
		c := newMemClient(t, testKey(t), srv)
		_, _, err := c.People.Get(ctxTimeout(t, 2*time.Second), "p1")
		if d, ok := klipy.RetryAfter(err); !errors.Is(err, klipy.ErrRateLimited) || !ok || d != 5*time.Second || srv.n.Load() != 1 {
			t.Errorf("err = %v, RetryAfter %v; want ErrRateLimited with 5s after 1 request", err, d)
		}
	})
}

// TestRemainingZeroPausesNextCall covers both readings of X-RateLimit-Reset:
// a spent window of 8 s is waited out by the next call.
func TestRemainingZeroPausesNextCall(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		for _, name := range []string{"seconds left", "epoch seconds", "epoch milliseconds"} {
			reset := map[string]string{
				"seconds left":       "8",
				"epoch seconds":      strconv.FormatInt(time.Now().Add(8*time.Second).Unix(), 10),
				"epoch milliseconds": strconv.FormatInt(time.Now().Add(8*time.Second).UnixMilli(), 10),
			}[name]
			c := newMemClient(t, testKey(t)+name, spentOnce(reset))
			_, resp, err := c.People.Get(context.Background(), "p1")
			if err != nil || resp.RateLimit.Remaining != 0 || resp.RateLimit.Limit != 200 || !resp.RateLimit.Reset.Equal(time.Now().Add(8*time.Second)) {
				t.Fatalf("%s: first call: %v, %+v", name, err, resp)
			}
			start := time.Now()
			if _, _, err := c.People.Get(context.Background(), "p1"); err != nil {
				t.Fatal(err)
			}
			if el := time.Since(start); el != 8*time.Second {
				t.Errorf("%s: second call waited %v, want 8s", name, el)
			}
		}
	})
}

// spentOnce answers with a person, the first time also saying that the
// window is spent until reset.
func spentOnce(reset string) http.HandlerFunc {
	var first atomic.Bool
	first.Store(true)
	return func(w http.ResponseWriter, r *http.Request) {
		if first.Swap(false) {
			w.Header().Set("X-RateLimit-Limit", "200")
			w.Header().Set("X-RateLimit-Remaining", "0")
			w.Header().Set("X-RateLimit-Reset", reset)
		}
		reply(200, envelope(personJSON))(w, r)
	}
}

// TestLongPauseFailsFast: a spent window longer than 10 s is never waited
// out, even by a call without a deadline; calls inside it fail at once with
// the time left, and the first call after it goes through.
func TestLongPauseFailsFast(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv := &counting{h: spentOnce("20")}
		c := newMemClient(t, testKey(t), srv)
		if _, _, err := c.People.Get(context.Background(), "p1"); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		_, _, err := c.People.Get(context.Background(), "p1")
		d, _ := klipy.RetryAfter(err)
		if !errors.Is(err, klipy.ErrRateLimited) || time.Since(start) != 0 || d != 20*time.Second || srv.n.Load() != 1 {
			t.Fatalf("second call: %v after %v (retry %v, %d requests); want ErrRateLimited at once, 20s, 1 request", err, time.Since(start), d, srv.n.Load())
		}
		if !strings.Contains(err.Error(), "retry in 20 seconds") {
			t.Errorf("error %q does not say \"retry in 20 seconds\"", err)
		}
		// Once less than 10 s is left, the pause is waited out.
		time.Sleep(12 * time.Second)
		start = time.Now()
		if _, _, err := c.People.Get(context.Background(), "p1"); err != nil || time.Since(start) != 8*time.Second || srv.n.Load() != 2 {
			t.Errorf("12 s later: %v after %v, %d requests; want success after 8s, 2 requests", err, time.Since(start), srv.n.Load())
		}
	})
}

func TestSeconds(t *testing.T) {
	t.Parallel()
	for d, want := range map[time.Duration]string{0: "1 second", 300 * time.Millisecond: "1 second", time.Second: "1 second",
		1001 * time.Millisecond: "2 seconds", 30 * time.Second: "30 seconds"} {
		if got := klipy.Seconds(d); got != want {
			t.Errorf("Seconds(%v) = %q, want %q", d, got, want)
		}
	}
}

// TestLongRetryAfterNextCallReturnsAtOnce is the defect as found, over real
// HTTP: after one 429 with Retry-After: 30, the key's next call (with no
// deadline of its own) answers within 100 ms with the time left.
func TestLongRetryAfterNextCallReturnsAtOnce(t *testing.T) {
	t.Parallel()
	c, a := newTestClient(t, withHeader("Retry-After", "30", reply(429, `{"error":{"code":"rate_limited","message":"slow down"}}`)))
	if _, _, err := c.People.Get(context.Background(), "p1"); !errors.Is(err, klipy.ErrRateLimited) {
		t.Fatalf("first call: %v, want ErrRateLimited", err)
	}
	start := time.Now()
	_, _, err := c.People.Get(context.Background(), "p1")
	el := time.Since(start)
	d, _ := klipy.RetryAfter(err)
	t.Logf("the call after a 429 with Retry-After: 30 returned in %v: %v", el, err)
	if !errors.Is(err, klipy.ErrRateLimited) || el >= 100*time.Millisecond || d < 29*time.Second || d > 30*time.Second {
		t.Fatalf("next call: %v after %v (retry %v); want ErrRateLimited within 100ms, about 30s", err, el, d)
	}
	if !strings.Contains(err.Error(), "retry in 30 seconds") || len(a.requests()) != 1 {
		t.Errorf("next call: %q after %d requests; want \"retry in 30 seconds\" and no second request", err, len(a.requests()))
	}
}

// TestCallWithoutDeadlineIsBounded: a call whose context has no deadline
// still ends: a limiter wait past the call's budget fails at once.
func TestCallWithoutDeadlineIsBounded(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv := &counting{h: reply(200, envelope(personJSON))}
		c := newMemClient(t, testKey(t), srv, func(o *klipy.Options) { o.RateLimit, o.Timeout = 1, time.Second })
		if _, _, err := c.People.Get(context.Background(), "p1"); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		_, _, err := c.People.Get(context.Background(), "p1")
		if !errors.Is(err, klipy.ErrRateLimited) || time.Since(start) != 0 {
			t.Errorf("second call at 1/min: %v after %v; want ErrRateLimited at once", err, time.Since(start))
		}
	})
}

// TestLimiterPacing: 250 calls at 200/min take (250-burst)/200 minutes.
func TestLimiterPacing(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv := &counting{h: reply(200, envelope(personJSON))}
		var waited time.Duration
		c := newMemClient(t, testKey(t), srv, func(o *klipy.Options) {
			o.Hooks.RateLimitWait = func(d time.Duration) { waited += d }
		})
		start := time.Now()
		for range 250 {
			if _, _, err := c.People.Get(context.Background(), "p1"); err != nil {
				t.Fatal(err)
			}
		}
		want := time.Duration(250-klipy.Burst(200)) * time.Minute / 200
		if el := time.Since(start); el < want-time.Second || el > want+time.Second {
			t.Errorf("250 calls took %v, want %v", el, want)
		}
		if waited < want-time.Second {
			t.Errorf("Hooks.RateLimitWait saw %v in all, want about %v", waited, want)
		}
	})
}

func TestBurst(t *testing.T) {
	t.Parallel()
	for perMinute, want := range map[int]int{1: 1, 20: 1, 60: 3, 200: 10, 1000: 10} {
		if got := klipy.Burst(perMinute); got != want {
			t.Errorf("Burst(%d) = %d, want %d", perMinute, got, want)
		}
	}
}

// TestOrgBucketShared: two keys of one organization share its budget once
// Authenticate has told the clients their organization.
func TestOrgBucketShared(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv := &counting{h: func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == prefix+"/authenticate" {
				reply(200, envelope(`{"team":{"name":"Acme","id":"org-acme"}}`))(w, r)
				return
			}
			reply(200, envelope(personJSON))(w, r)
		}}
		lim := klipy.NewLocalLimiter()
		var clients []*klipy.Client
		for _, k := range []string{"klipy_api_one", "klipy_api_two"} {
			c := newMemClient(t, k, srv, func(o *klipy.Options) { o.Limiter, o.RateLimit, o.OrgLimit = lim, 1000, 60 })
			ws, _, err := c.Authenticate(context.Background())
			if err != nil || ws.OrganizationID != "org-acme" || c.OrganizationID() != "org-acme" {
				t.Fatalf("authenticate: %+v, %v", ws, err)
			}
			clients = append(clients, c)
		}
		start := time.Now()
		var wg sync.WaitGroup
		for _, c := range clients {
			wg.Go(func() {
				for range 30 {
					if _, _, err := c.People.Get(context.Background(), "p1"); err != nil {
						t.Error(err)
					}
				}
			})
		}
		wg.Wait()
		// 60 requests through one 60/min bucket of burst 3 (authenticate
		// ran before the organization was known).
		want := time.Duration(60-klipy.Burst(60)) * time.Second
		if el := time.Since(start); el < want-time.Second || el > want+time.Second {
			t.Errorf("60 calls on two keys of one org took %v, want about %v", el, want)
		}
	})
}

// TestClientsKnowNothingOfEachOther: clients that set no Limiter each have
// their own budget and pauses; clients sharing a LocalLimiter share both.
func TestClientsKnowNothingOfEachOther(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		key := testKey(t)
		run := func(lim klipy.Limiter) (budget, pause time.Duration) {
			srv := &counting{h: reply(200, envelope(personJSON))}
			var clients []*klipy.Client
			for range 2 {
				clients = append(clients, newMemClient(t, key, srv, func(o *klipy.Options) { o.Limiter, o.RateLimit = lim, 60 }))
			}
			start := time.Now()
			for i := range 13 {
				if _, _, err := clients[i%2].People.Get(context.Background(), "p1"); err != nil {
					t.Fatal(err)
				}
			}
			budget = time.Since(start)
			time.Sleep(time.Minute) // both buckets full again
			srv.h = spentOnce("5")
			if _, _, err := clients[0].People.Get(context.Background(), "p1"); err != nil {
				t.Fatal(err)
			}
			start = time.Now()
			if _, _, err := clients[1].People.Get(context.Background(), "p1"); err != nil {
				t.Fatal(err)
			}
			return budget, time.Since(start)
		}
		// Own limiters: 7 calls on client 0 at 60/min, burst 3, take 4 s;
		// client 1 does not see the pause client 0 learnt.
		if budget, pause := run(nil); budget != 4*time.Second || pause != 0 {
			t.Errorf("own limiters: 13 calls took %v, the other client paused %v; want 4s, 0", budget, pause)
		}
		// Shared: one bucket for all 13 calls, and one pause for both.
		if budget, pause := run(klipy.NewLocalLimiter()); budget != 10*time.Second || pause != 5*time.Second {
			t.Errorf("shared limiter: 13 calls took %v, the other client paused %v; want 10s, 5s", budget, pause)
		}
	})
}

func TestCancelWhileWaiting(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv := &counting{h: reply(200, envelope(personJSON))}
		c := newMemClient(t, testKey(t), srv, func(o *klipy.Options) { o.RateLimit = 60 })
		for range klipy.Burst(60) {
			if _, _, err := c.People.Get(context.Background(), "p1"); err != nil {
				t.Fatal(err)
			}
		}
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(300*time.Millisecond, cancel)
		start := time.Now()
		_, _, err := c.People.Get(ctx, "p1")
		if !errors.Is(err, context.Canceled) || time.Since(start) != 300*time.Millisecond || srv.n.Load() != 3 {
			t.Errorf("err = %v after %v, %d requests; want context.Canceled after 300ms, 3 requests", err, time.Since(start), srv.n.Load())
		}
		// The cancelled wait gave its token back: the next call waits
		// only the one second a token takes to refill.
		start = time.Now()
		if _, _, err := c.People.Get(context.Background(), "p1"); err != nil || time.Since(start) != 700*time.Millisecond {
			t.Errorf("next call: %v after %v, want success after 700ms", err, time.Since(start))
		}
		// A wait that cannot fit the deadline fails at once.
		_, _, err = c.People.Get(ctxTimeout(t, 500*time.Millisecond), "p1")
		if d, ok := klipy.RetryAfter(err); !errors.Is(err, klipy.ErrRateLimited) || !ok || d != time.Second {
			t.Errorf("err = %v, RetryAfter %v; want ErrRateLimited with 1s", err, d)
		}
	})
}

// windowServer is a fake of Klipy's documented limit: fixed one-minute
// windows of limit requests per key, reported in X-RateLimit-* headers,
// 429 beyond.
type windowServer struct {
	mu          sync.Mutex
	limit       int
	start       time.Time
	count       int
	ok, limited int
	last        time.Time
	together    int // requests at the instant of the last one
	maxTogether int // the largest burst seen
}

func (s *windowServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	now := time.Now()
	if s.start.IsZero() || now.Sub(s.start) >= time.Minute {
		s.start, s.count = now, 0
	}
	s.count++
	if !now.Equal(s.last) {
		s.last, s.together = now, 0
	}
	s.together++
	s.maxTogether = max(s.maxTogether, s.together)
	left := s.start.Add(time.Minute).Sub(now)
	over := s.count > s.limit
	if over {
		s.limited++
	} else {
		s.ok++
	}
	remaining := max(s.limit-s.count, 0)
	s.mu.Unlock()
	w.Header().Set("X-RateLimit-Limit", strconv.Itoa(s.limit))
	w.Header().Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
	w.Header().Set("X-RateLimit-Reset", strconv.Itoa(int((left+time.Second-1)/time.Second)))
	if over {
		w.Header().Set("Retry-After", strconv.Itoa(int((left+time.Second-1)/time.Second)))
		reply(429, `{"error":{"code":"rate_limited","message":"slow down"}}`)(w, r)
		return
	}
	reply(200, envelope(personJSON))(w, r)
}

// TestSustainedDemandRate measures the upstream budget used under sustained
// demand (SPEC §9: ≥ 95 % of a 200/min key's budget, zero 429s caused by
// us): 16 workers call as fast as the client lets them for 10 minutes.
func TestSustainedDemandRate(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv := &windowServer{limit: 200}
		c := newMemClient(t, testKey(t), srv)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		var wg sync.WaitGroup
		for range 16 {
			wg.Go(func() {
				for ctx.Err() == nil {
					_, _, err := c.People.Get(ctx, "p1")
					if d, ok := klipy.RetryAfter(err); ok {
						time.Sleep(d) // budget spent until after the deadline
					}
				}
			})
		}
		wg.Wait()
		perMinute := float64(srv.ok) / 10
		t.Logf("sustained demand: %d requests served in 10 min = %.1f/min (%.1f%% of 200/min), %d answered 429",
			srv.ok, perMinute, perMinute/2, srv.limited)
		if perMinute < 190 || srv.limited != 0 || srv.maxTogether > klipy.Burst(200) {
			t.Errorf("%.1f requests/min with %d 429s, bursts up to %d; want ≥ 190/min, no 429, bursts ≤ %d",
				perMinute, srv.limited, srv.maxTogether, klipy.Burst(200))
		}
	})
}

// TestLocalLimiterBucketsAreSeparate: buckets of different names do not
// share a budget, and concurrent waiters on one bucket are paced together.
func TestLocalLimiterBucketsAreSeparate(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		l := klipy.NewLocalLimiter()
		start := time.Now()
		var wg sync.WaitGroup
		for _, name := range []string{"key:a", "key:b", "org:c"} {
			for range 2 { // two waiters per bucket
				wg.Go(func() {
					for range 6 {
						if err := l.Wait(context.Background(), name, 60); err != nil {
							t.Error(err)
						}
					}
				})
			}
		}
		wg.Wait()
		// Each bucket serves 12 waits at 60/min with a burst of 3: 9 s,
		// all three in parallel.
		if el := time.Since(start); el != 9*time.Second {
			t.Errorf("took %v, want 9s", el)
		}
	})
}

// recordingLimiter is a Limiter that lets everything through and records
// the buckets asked for.
type recordingLimiter struct {
	mu      sync.Mutex
	buckets []string
	rates   []int
}

func (l *recordingLimiter) Wait(ctx context.Context, key string, perMinute int) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buckets = append(l.buckets, key)
	l.rates = append(l.rates, perMinute)
	return nil
}

// TestBucketNames: the key's bucket is named by a hash, never the key; the
// organization's bucket joins once Authenticate has named it.
func TestBucketNames(t *testing.T) {
	t.Parallel()
	lim := &recordingLimiter{}
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		reply(200, envelope(`{"team_name":"Acme","organization_id":"org9","id":"p1"}`))(w, r)
	}, func(o *klipy.Options) { o.Limiter = lim })
	c.People.Get(context.Background(), "p1")
	c.Authenticate(context.Background())
	c.People.Get(context.Background(), "p1")
	if len(lim.buckets) != 4 {
		t.Fatalf("buckets %v, want 4 waits", lim.buckets)
	}
	keyBucket := lim.buckets[0]
	if !strings.HasPrefix(keyBucket, "key:") || strings.Contains(keyBucket, testKey(t)) || strings.Contains(keyBucket, "klipy_api") {
		t.Errorf("key bucket %q", keyBucket)
	}
	want := []string{keyBucket, keyBucket, keyBucket, "org:org9"}
	if !cmp.Equal(lim.buckets, want) || !cmp.Equal(lim.rates, []int{200, 200, 200, 1000}) {
		t.Errorf("waits %v at %v, want %v at 200,200,200,1000", lim.buckets, lim.rates, want)
	}
}
