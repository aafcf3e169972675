package redislimit

import (
	"context"
	"time"

	"github.com/gomodule/redigo/redis"
	"github.com/klipy-ai/klipy-mcp/hosting/redisconn"
)

// SetClock makes l read the time from now, so that a test can move it.
func SetClock(l *Limiter, now func() time.Time) { l.now = now }

// RetryAfter takes one request from bucket key and returns how long the
// script says to wait (0 when it was allowed).
func RetryAfter(ctx context.Context, l *Limiter, key string, perMinute int) (time.Duration, error) {
	v, err := l.take(ctx, l.bucket(key), Limit(perMinute))
	return v.retryAfter, err
}

// BucketTTL returns the PTTL of bucket key's Redis key (-2 ms: no key).
func BucketTTL(ctx context.Context, l *Limiter, key string) (time.Duration, error) {
	ms, err := redis.Int64(redisconn.Do(ctx, l.pool, "PTTL", l.bucket(key)))
	return time.Duration(ms) * time.Millisecond, err
}
