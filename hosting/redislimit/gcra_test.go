package redislimit_test

import (
	"context"
	"testing"
	"time"

	"github.com/klipy-ai/klipy-mcp/hosting/redislimit"
)

// TestGCRALimits pins the script's three answers: the burst goes at once,
// the next request is refused with a wait of about one emission interval,
// and after that wait a request goes again (and only one).
func TestGCRALimits(t *testing.T) {
	l := replica(t, redisURL(t), redislimit.Options{})
	ctx := context.Background()
	const perMinute = 600 // one every 100 ms, burst 10
	limit := redislimit.Limit(perMinute)
	interval := limit.Period / time.Duration(limit.Rate)
	for i := range limit.Burst {
		if ok, err := l.Allow(ctx, "key:gcra", perMinute); err != nil || !ok {
			t.Fatalf("request %d of the burst: Allow = %v, %v; want true", i+1, ok, err)
		}
	}
	if ok, err := l.Allow(ctx, "key:gcra", perMinute); err != nil || ok {
		t.Fatalf("request past the burst: Allow = %v, %v; want false", ok, err)
	}
	wait, err := redislimit.RetryAfter(ctx, l, "key:gcra", perMinute)
	if err != nil {
		t.Fatal(err)
	}
	// The burst took well under an interval, so the wait is most of one.
	if wait <= interval/2 || wait > interval {
		t.Errorf("retry after %v, want about the emission interval %v", wait, interval)
	}
	time.Sleep(wait + 5*time.Millisecond)
	if ok, err := l.Allow(ctx, "key:gcra", perMinute); err != nil || !ok {
		t.Fatalf("after the wait: Allow = %v, %v; want true", ok, err)
	}
	if ok, err := l.Allow(ctx, "key:gcra", perMinute); err != nil || ok {
		t.Errorf("right after the recovered request: Allow = %v, %v; want false", ok, err)
	}
}

// TestGCRAKeyExpires: the bucket's key lives only until its theoretical
// arrival time has passed, when it is worth the same as no key.
func TestGCRAKeyExpires(t *testing.T) {
	l := replica(t, redisURL(t), redislimit.Options{})
	ctx := context.Background()
	const perMinute = 600 // one every 100 ms, burst 10
	for range 3 {
		if _, err := l.Allow(ctx, "key:ttl", perMinute); err != nil {
			t.Fatal(err)
		}
	}
	ttl, err := redislimit.BucketTTL(ctx, l, "key:ttl")
	if err != nil {
		t.Fatal(err)
	}
	if ttl <= 0 || ttl > 300*time.Millisecond {
		t.Errorf("bucket TTL after 3 requests at one per 100 ms = %v, want (0, 300ms]", ttl)
	}
	time.Sleep(ttl + 20*time.Millisecond)
	if ttl, err := redislimit.BucketTTL(ctx, l, "key:ttl"); err != nil || ttl != -2*time.Millisecond {
		t.Errorf("bucket TTL once full again = %v, %v; want the key gone (-2ms)", ttl, err)
	}
}

// TestGCRAHugeRate: a rate whose emission interval is under the script's
// microsecond still works (the interval is rounded up to 1 µs).
func TestGCRAHugeRate(t *testing.T) {
	l := replica(t, redisURL(t), redislimit.Options{})
	for range 3 {
		if ok, err := l.Allow(context.Background(), "key:huge", 100_000_000); err != nil || !ok {
			t.Fatalf("Allow at 100M/min = %v, %v; want true", ok, err)
		}
	}
}
