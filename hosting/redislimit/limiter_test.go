package redislimit_test

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/klipy-ai/klipy-mcp/hosting/redisconn"
	"github.com/klipy-ai/klipy-mcp/hosting/redisconn/redistest"
	"github.com/klipy-ai/klipy-mcp/hosting/redislimit"
	"github.com/klipy-ai/klipy-mcp/klipy"
)

// redisURL returns the Redis the tests share budgets through (see
// redistest.URL).
func redisURL(t *testing.T) string { return redistest.URL(t) }

// waitForRedis pings a freshly started server until it answers (bounded).
func waitForRedis(t *testing.T, url string) { redistest.WaitReady(t, url) }

// replica opens one limiter with its own Redis connection pool, as one
// replica of the server would.
func replica(t *testing.T, url string, opts redislimit.Options) *redislimit.Limiter {
	t.Helper()
	l, p, err := redislimit.Open(context.Background(), url, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close() })
	return l
}

func TestLimit(t *testing.T) {
	for perMinute, burst := range map[int]int{1: 1, 20: 1, 120: 6, 200: 10, 1000: 10} {
		if got := redislimit.Limit(perMinute).Burst; got != burst {
			t.Errorf("Limit(%d).Burst = %d, want %d", perMinute, got, burst)
		}
	}
}

// TestReplicasShareBudget floods one bucket from two replicas at once: together
// they are granted the burst, and nothing more than what elapsed time adds.
func TestReplicasShareBudget(t *testing.T) {
	url := redisURL(t)
	a, b := replica(t, url, redislimit.Options{}), replica(t, url, redislimit.Options{})
	const perMinute = 120 // burst 6, then one every 500 ms
	start := time.Now()
	var granted atomic.Int64
	var wg sync.WaitGroup
	for _, l := range []*redislimit.Limiter{a, b, a, b} {
		wg.Go(func() {
			for range 20 {
				ok, err := l.Allow(context.Background(), "key:shared", perMinute)
				if err != nil {
					t.Error(err)
					return
				}
				if ok {
					granted.Add(1)
				}
			}
		})
	}
	wg.Wait()
	limit := redislimit.Limit(perMinute)
	most := int64(limit.Burst) + int64(time.Since(start)/(time.Minute/perMinute)) + 1
	if got := granted.Load(); got < int64(limit.Burst) || got > most {
		t.Errorf("two replicas were granted %d requests, want between %d and %d", got, limit.Burst, most)
	}
	// Another bucket is untouched by the flood.
	if ok, err := a.Allow(context.Background(), "key:other", perMinute); err != nil || !ok {
		t.Errorf("other bucket: Allow = %v, %v; want true, nil", ok, err)
	}
}

// TestWaitPacesReplicas lets two replicas wait for one bucket for a while:
// the requests they send together stay within burst + rate × elapsed.
func TestWaitPacesReplicas(t *testing.T) {
	url := redisURL(t)
	a, b := replica(t, url, redislimit.Options{}), replica(t, url, redislimit.Options{})
	const perMinute = 1200 // 20 per second, burst 10
	ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer cancel()
	start := time.Now()
	var sent atomic.Int64
	var wg sync.WaitGroup
	for _, l := range []*redislimit.Limiter{a, b, a, b, a, b} {
		wg.Go(func() {
			for l.Wait(ctx, "key:paced", perMinute) == nil {
				sent.Add(1)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	limit := redislimit.Limit(perMinute)
	most := int64(limit.Burst) + int64(elapsed/(time.Minute/perMinute)) + 1
	least := int64(limit.Burst) + int64(elapsed/(time.Minute/perMinute))/2
	if got := sent.Load(); got > most || got < least {
		t.Errorf("replicas sent %d requests in %v, want between %d and %d", got, elapsed, least, most)
	}
}

func TestWaitHonoursContext(t *testing.T) {
	l := replica(t, redisURL(t), redislimit.Options{})
	if err := l.Wait(context.Background(), "key:slow", 1); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := l.Wait(ctx, "key:slow", 1)
	// At 1/min the budget recovers in about a minute, far past the 50ms
	// deadline: Wait says so at once, with the wait, like the local limiter.
	if !errors.Is(err, klipy.ErrRateLimited) {
		t.Fatalf("Wait on a spent budget = %v, want klipy.ErrRateLimited", err)
	}
	if wait, ok := klipy.RetryAfter(err); !ok || wait < 30*time.Second {
		t.Errorf("RetryAfter = %v, %v; want about a minute", wait, ok)
	}
	if d := time.Since(start); d > 40*time.Millisecond {
		t.Errorf("Wait returned after %v, want at once", d)
	}

	// A caller without a deadline is paced until its context ends.
	ctx2, cancel2 := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel2)
	if err := l.Wait(ctx2, "key:slow", 1); !errors.Is(err, context.Canceled) {
		t.Fatalf("Wait without deadline = %v, want context.Canceled", err)
	}
}

// countingLimiter is a trivial local limiter that records its use.
type countingLimiter struct{ calls atomic.Int64 }

func (c *countingLimiter) Wait(ctx context.Context, key string, perMinute int) error {
	c.calls.Add(1)
	return ctx.Err()
}

func TestFallbackWhenRedisIsDown(t *testing.T) {
	rdb, _, err := redisconn.Open("unix://" + filepath.Join(t.TempDir(), "none.sock"))
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	fb := &countingLimiter{}
	l := redislimit.New(rdb, redislimit.Options{Fallback: fb})
	if err := l.Wait(context.Background(), "key:x", 60); err != nil {
		t.Fatalf("Wait with fallback = %v, want nil", err)
	}
	if fb.calls.Load() != 1 {
		t.Errorf("fallback used %d times, want 1", fb.calls.Load())
	}
	if err := redislimit.New(rdb, redislimit.Options{}).Wait(context.Background(), "key:x", 60); err == nil {
		t.Error("Wait without fallback on a dead Redis = nil, want an error")
	}
}
