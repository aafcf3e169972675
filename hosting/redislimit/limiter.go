// Package redislimit implements klipy.Limiter on Redis, so that every replica
// of a hosted klipy-mcp draws from the same per-key and per-organization
// budgets (SPEC §7). It uses the GCRA algorithm of
// github.com/go-redis/redis_rate/v10, which keeps one timestamp per bucket in
// Redis and decides atomically in a Lua script.
package redislimit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/klipy-ai/klipy-mcp/klipy"
	"github.com/redis/go-redis/v9"
)

// DefaultPrefix namespaces the limiter's keys in Redis.
const DefaultPrefix = "klipy-mcp:rl:"

// DefaultMaxSleep bounds one pause between two attempts, so that a waiter
// re-checks the shared budget at least this often.
const DefaultMaxSleep = 2 * time.Second

// Options configure a Limiter.
type Options struct {
	// Prefix is prepended to every bucket key; default DefaultPrefix.
	Prefix string
	// MaxSleep bounds one pause between attempts; default DefaultMaxSleep.
	MaxSleep time.Duration
	// Fallback, when set, paces requests while Redis is unreachable, so an
	// outage degrades to per-replica limits instead of failing every call.
	// Without it Wait returns the Redis error.
	Fallback klipy.Limiter
	// Logger receives a warning when Redis fails; default slog.Default().
	Logger *slog.Logger
}

// Limiter is a klipy.Limiter whose buckets live in Redis. It is safe for
// concurrent use; share one per process.
type Limiter struct {
	rl   *redis_rate.Limiter
	opts Options
}

var _ klipy.Limiter = (*Limiter)(nil)

// New returns a Limiter on the Redis client rdb.
func New(rdb redis.UniversalClient, opts Options) *Limiter {
	if opts.Prefix == "" {
		opts.Prefix = DefaultPrefix
	}
	if opts.MaxSleep <= 0 {
		opts.MaxSleep = DefaultMaxSleep
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	return &Limiter{rl: redis_rate.NewLimiter(rdb), opts: opts}
}

// Open parses a redis:// or rediss:// URL, checks that the server answers
// and returns a Limiter with its client. Close the client when done.
func Open(ctx context.Context, url string, opts Options) (*Limiter, *redis.Client, error) {
	ropts, err := redis.ParseURL(url)
	if err != nil {
		return nil, nil, fmt.Errorf("redislimit: invalid Redis URL: %w", err)
	}
	rdb := redis.NewClient(ropts)
	if err := rdb.Ping(ctx).Err(); err != nil {
		_ = rdb.Close()
		return nil, nil, fmt.Errorf("redislimit: Redis at %s does not answer: %w", ropts.Addr, err)
	}
	return New(rdb, opts), rdb, nil
}

// Limit returns the GCRA limit used for perMinute requests per minute. The
// burst is small (a twentieth of the rate, between 1 and 10), so a flood of
// parallel calls is spread over the window instead of reaching Klipy at once.
func Limit(perMinute int) redis_rate.Limit {
	burst := min(max(perMinute/20, 1), 10)
	return redis_rate.Limit{Rate: perMinute, Period: time.Minute, Burst: burst}
}

// Wait blocks until one request in bucket key may be sent at perMinute
// requests per minute across every replica sharing the Redis, or ctx is done.
// A perMinute of zero or less means unlimited.
func (l *Limiter) Wait(ctx context.Context, key string, perMinute int) error {
	if perMinute <= 0 {
		return ctx.Err()
	}
	rkey := l.bucket(key)
	limit := Limit(perMinute)
	for {
		res, err := l.rl.Allow(ctx, rkey, limit)
		if err != nil {
			return l.fail(ctx, key, perMinute, err)
		}
		if res.Allowed > 0 {
			return nil
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < res.RetryAfter {
			// The budget cannot recover before the caller gives up: say so
			// now, with the wait, as the local limiter does.
			return &klipy.RateLimitError{Bucket: key, Wait: res.RetryAfter}
		}
		if err := l.sleep(ctx, res.RetryAfter); err != nil {
			return err
		}
	}
}

// Allow takes one request from bucket key if the shared budget has room,
// without waiting, and reports whether it did.
func (l *Limiter) Allow(ctx context.Context, key string, perMinute int) (bool, error) {
	res, err := l.rl.Allow(ctx, l.bucket(key), Limit(perMinute))
	if err != nil {
		return false, err
	}
	return res.Allowed > 0, nil
}

// bucket names the Redis key for a bucket. Bucket names are hashed so that
// nothing the client chose as a name (which could embed an identifier) is
// stored in Redis in clear.
func (l *Limiter) bucket(key string) string {
	sum := sha256.Sum256([]byte(key))
	return l.opts.Prefix + hex.EncodeToString(sum[:16])
}

// sleep pauses for d, bounded by MaxSleep, or until ctx is done.
func (l *Limiter) sleep(ctx context.Context, d time.Duration) error {
	d = min(max(d, time.Millisecond), l.opts.MaxSleep)
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// fail handles a Redis error: the caller's own cancellation wins, then the
// fallback limiter, else the error.
func (l *Limiter) fail(ctx context.Context, key string, perMinute int, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if l.opts.Fallback == nil {
		return fmt.Errorf("redislimit: %w", err)
	}
	l.opts.Logger.Warn("redis rate limiter unavailable; pacing locally", "err", err)
	return l.opts.Fallback.Wait(ctx, key, perMinute)
}
