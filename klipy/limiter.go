package klipy

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limiter paces requests. Wait blocks until one request in the bucket named
// by key may be sent at perMinute requests per minute, or ctx is done. Local
// (in-process) and Redis-backed implementations share this interface.
//
// When the wait cannot end before ctx's deadline, Wait should return at once
// with a *RateLimitError saying how long it would have taken. It must check
// that deadline itself before blocking: for a call whose caller set no
// deadline, ctx reports the call's budget as its deadline, but no timer
// closes its Done channel then.
type Limiter interface {
	Wait(ctx context.Context, key string, perMinute int) error
}

// Burst returns the burst the package allows a bucket of perMinute requests
// per minute: a twentieth of the minute's budget, at least 1 and at most 10,
// so that a flood of parallel calls is spread over the window.
func Burst(perMinute int) int {
	return min(max(perMinute/20, 1), 10)
}

// maxBuckets bounds a LocalLimiter's memory; past it, idle buckets (those
// that have refilled) are dropped, which loses nothing.
const maxBuckets = 10000

// Pauser is implemented by a Limiter that also keeps the pauses the server
// asked for (a spent X-RateLimit-Remaining, a 429's Retry-After), so that
// every client sharing the limiter honours them. A client whose Limiter is
// not a Pauser keeps its pauses itself.
type Pauser interface {
	// Pause records that bucket may send nothing before until.
	Pause(bucket string, until time.Time)
	// Paused returns how long bucket must still pause (0 when it need not).
	Paused(bucket string) time.Duration
}

// LocalLimiter is an in-process Limiter with one token bucket
// (golang.org/x/time/rate) per bucket name, and a Pauser. It is safe for
// concurrent use; share one among the clients that share a budget.
type LocalLimiter struct {
	mu      sync.Mutex
	buckets map[string]bucket
	pauses  *pauseTable
}

var _ Pauser = (*LocalLimiter)(nil)

// NewLocalLimiter returns an empty LocalLimiter.
func NewLocalLimiter() *LocalLimiter {
	return &LocalLimiter{buckets: map[string]bucket{}, pauses: newPauseTable()}
}

// Pause records that bucket may send nothing before until.
func (l *LocalLimiter) Pause(bucket string, until time.Time) { l.pauses.Pause(bucket, until) }

// Paused returns how long bucket must still pause.
func (l *LocalLimiter) Paused(bucket string) time.Duration { return l.pauses.Paused(bucket) }

// Wait takes one token from bucket key, waiting for it under ctx.
func (l *LocalLimiter) Wait(ctx context.Context, key string, perMinute int) error {
	if perMinute <= 0 {
		return nil
	}
	b := l.bucket(key, perMinute)
	if b.Allow() {
		return nil // a token now: spares the *Reservation that waiting needs
	}
	r := b.Reserve()
	d := r.Delay()
	if d == 0 {
		return nil
	}
	if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < d {
		r.Cancel()
		return &RateLimitError{Bucket: key, Wait: d}
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		r.Cancel()
		return ctx.Err()
	}
}

// bucket is a token bucket and the rate per minute it was last set to,
// which spares asking the bucket (two more locks) on every call.
type bucket struct {
	lim       *rate.Limiter
	perMinute int
}

// bucket returns the bucket named key, created or re-rated for perMinute.
func (l *LocalLimiter) bucket(key string, perMinute int) *rate.Limiter {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[key]
	switch {
	case !ok:
		if len(l.buckets) >= maxBuckets {
			l.sweep()
		}
		b = bucket{rate.NewLimiter(rate.Limit(float64(perMinute)/60), Burst(perMinute)), perMinute}
		l.buckets[key] = b
	case b.perMinute != perMinute:
		b.lim.SetLimit(rate.Limit(float64(perMinute) / 60))
		b.lim.SetBurst(Burst(perMinute))
		b.perMinute = perMinute
		l.buckets[key] = b
	}
	return b.lim
}

// sweep drops the buckets that are full again.
func (l *LocalLimiter) sweep() {
	now := time.Now()
	for k, b := range l.buckets {
		if b.lim.TokensAt(now) >= float64(b.lim.Burst()) {
			delete(l.buckets, k)
		}
	}
}

// keyBucket names a key's bucket by a hash of the key, never the key.
func keyBucket(apiKey string) string {
	sum := sha256.Sum256([]byte(apiKey))
	return "key:" + hex.EncodeToString(sum[:8])
}

// orgBucket names an organization's bucket.
func orgBucket(orgID string) string { return "org:" + orgID }

// pauseTable remembers, per bucket name, until when the server said its
// window is spent (X-RateLimit-Remaining: 0, or a 429).
type pauseTable struct {
	mu    sync.Mutex
	until map[string]time.Time
}

func newPauseTable() *pauseTable { return &pauseTable{until: map[string]time.Time{}} }

// Pause records that bucket may send nothing before t.
func (w *pauseTable) Pause(bucket string, t time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.until) >= maxBuckets {
		now := time.Now()
		for k, u := range w.until {
			if !u.After(now) {
				delete(w.until, k)
			}
		}
	}
	if t.After(w.until[bucket]) {
		w.until[bucket] = t
	}
}

// Paused returns how long bucket must still pause (0 when it need not).
func (w *pauseTable) Paused(bucket string) time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	t, ok := w.until[bucket]
	if !ok {
		return 0
	}
	d := time.Until(t)
	if d <= 0 {
		delete(w.until, bucket)
		return 0
	}
	return d
}
