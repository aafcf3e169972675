// Package redislimit implements klipy.Limiter on Redis, so that every replica
// of a hosted klipy-mcp draws from the same per-key and per-organization
// budgets (SPEC §7). It uses the GCRA algorithm, which keeps one timestamp
// per bucket in Redis and decides atomically in a Lua script (gcra.go).
//
// While Redis is unreachable each replica paces itself with its share of
// every budget, so that the replicas together still stay within it. The
// number of replicas is the one last seen in Redis: each replica's Run keeps
// a heartbeat there (a member of a sorted set, scored by time, that others
// drop once it is older than ReplicaTTL).
package redislimit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/gomodule/redigo/redis"
	"github.com/klipy-ai/klipy-mcp/hosting/redisconn"
	"github.com/klipy-ai/klipy-mcp/klipy"
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
	// outage degrades to per-replica limits instead of failing every call:
	// each replica asks it for its share of the budget (see Share). Without
	// it Wait returns the Redis error.
	Fallback klipy.Limiter
	// Logger receives a warning when Redis fails (at most one per
	// WarnEvery) and a note when it is back; by default logs are discarded.
	Logger *slog.Logger
	// WarnEvery spaces the warnings of an outage; default DefaultWarnEvery.
	WarnEvery time.Duration
	// HeartbeatInterval is how often Run reports this replica alive;
	// default DefaultHeartbeatInterval.
	HeartbeatInterval time.Duration
	// ReplicaTTL is how long a replica counts after its last heartbeat;
	// default three heartbeat intervals.
	ReplicaTTL time.Duration
	// ProbeEvery is how often, during an outage, one call asks Redis whether
	// it is back; the calls in between go straight to the fallback instead
	// of each waiting for a connection to fail. Default DefaultProbeEvery.
	ProbeEvery time.Duration
}

// Defaults of Options.
const (
	DefaultWarnEvery         = 30 * time.Second
	DefaultHeartbeatInterval = 5 * time.Second
	DefaultProbeEvery        = time.Second
)

// Limiter is a klipy.Limiter whose buckets live in Redis. It is safe for
// concurrent use; share one per process.
type Limiter struct {
	pool   *redis.Pool
	opts   Options
	id     string              // this replica's member in the heartbeat set
	pauses *klipy.LocalLimiter // the pauses the server asked for (klipy.Pauser)
	now    func() time.Time    // the clock of outage warnings and probes; tests move it

	replicas atomic.Int64 // replicas last seen in Redis, at least 1
	lastWarn atomic.Int64 // unix nanoseconds of the last outage warning
	down     atomic.Bool  // the last Redis call failed
	probeAt  atomic.Int64 // during an outage, unix nanoseconds before which Redis is not asked
}

var (
	_ klipy.Limiter = (*Limiter)(nil)
	_ klipy.Pauser  = (*Limiter)(nil)
)

// New returns a Limiter on the Redis connection pool p.
func New(p *redis.Pool, opts Options) *Limiter {
	if opts.Prefix == "" {
		opts.Prefix = DefaultPrefix
	}
	if opts.MaxSleep <= 0 {
		opts.MaxSleep = DefaultMaxSleep
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.WarnEvery <= 0 {
		opts.WarnEvery = DefaultWarnEvery
	}
	if opts.HeartbeatInterval <= 0 {
		opts.HeartbeatInterval = DefaultHeartbeatInterval
	}
	if opts.ProbeEvery <= 0 {
		opts.ProbeEvery = DefaultProbeEvery
	}
	if opts.ReplicaTTL <= 0 {
		opts.ReplicaTTL = 3 * opts.HeartbeatInterval
	}
	l := &Limiter{pool: p, opts: opts, pauses: klipy.NewLocalLimiter(),
		id: strconv.FormatUint(rand.Uint64(), 36), now: time.Now}
	l.replicas.Store(1)
	return l
}

// Open parses a redis://, rediss:// or unix:// URL (see
// redisconn.ParseURL), checks that the server answers and returns a
// Limiter with its connection pool. Close the pool when done.
func Open(ctx context.Context, url string, opts Options) (*Limiter, *redis.Pool, error) {
	p, addr, err := redisconn.Open(url)
	if err != nil {
		return nil, nil, fmt.Errorf("redislimit: invalid Redis URL: %w", err)
	}
	if _, err := redisconn.Do(ctx, p, "PING"); err != nil {
		_ = p.Close()
		return nil, nil, fmt.Errorf("redislimit: Redis at %s does not answer: %w", addr, err)
	}
	l := New(p, opts)
	if err := l.Beat(ctx); err != nil {
		_ = p.Close()
		return nil, nil, fmt.Errorf("redislimit: Redis at %s: %w", addr, err)
	}
	return l, p, nil
}

// Share is the budget one of replicas paces itself with while Redis is
// unreachable: its part of perMinute less the burst it may spend at once, so
// that the replicas together stay within perMinute in any minute. It is at
// least 1.
func Share(perMinute, replicas int) int {
	part := perMinute / max(replicas, 1)
	return max(part-klipy.Burst(part), 1)
}

// Wait blocks until one request in bucket key may be sent at perMinute
// requests per minute across every replica sharing the Redis, or ctx is done.
// A perMinute of zero or less means unlimited.
func (l *Limiter) Wait(ctx context.Context, key string, perMinute int) error {
	if perMinute <= 0 {
		return ctx.Err()
	}
	if l.opts.Fallback != nil && l.outage() {
		return l.fallback(ctx, key, perMinute, nil)
	}
	rkey := l.bucket(key)
	limit := Limit(perMinute)
	for {
		res, err := l.take(ctx, rkey, limit)
		if err != nil {
			return l.fail(ctx, key, perMinute, err)
		}
		l.up()
		if res.allowed {
			return nil
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < res.retryAfter {
			// The budget cannot recover before the caller gives up: say so
			// now, with the wait, as the local limiter does.
			return &klipy.RateLimitError{Bucket: key, Wait: res.retryAfter}
		}
		if err := l.sleep(ctx, res.retryAfter); err != nil {
			return err
		}
	}
}

// Allow takes one request from bucket key if the shared budget has room,
// without waiting, and reports whether it did.
func (l *Limiter) Allow(ctx context.Context, key string, perMinute int) (bool, error) {
	res, err := l.take(ctx, l.bucket(key), Limit(perMinute))
	if err != nil {
		return false, err
	}
	return res.allowed, nil
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
	l.markDown()
	if l.opts.Fallback == nil {
		return fmt.Errorf("redislimit: %w", err)
	}
	return l.fallback(ctx, key, perMinute, err)
}

// fallback paces a request locally with this replica's share of perMinute,
// warning at most once per WarnEvery.
func (l *Limiter) fallback(ctx context.Context, key string, perMinute int, err error) error {
	n := int(l.replicas.Load())
	share := Share(perMinute, n)
	if last, now := l.lastWarn.Load(), l.now().UnixNano(); err != nil && now-last >= int64(l.opts.WarnEvery) && l.lastWarn.CompareAndSwap(last, now) {
		l.opts.Logger.Warn("redis rate limiter unavailable; each replica paces itself with its share of the budget",
			"err", err, "replicas", n, "per_minute", perMinute, "share", share)
	}
	return l.opts.Fallback.Wait(ctx, key, share)
}

// markDown notes a failed Redis call: Redis is not asked again for
// ProbeEvery.
func (l *Limiter) markDown() {
	l.down.Store(true)
	l.probeAt.Store(l.now().Add(l.opts.ProbeEvery).UnixNano())
}

// up notes a Redis call that worked, and says so once after an outage.
func (l *Limiter) up() {
	if l.down.Load() && l.down.CompareAndSwap(true, false) {
		l.probeAt.Store(0)
		l.opts.Logger.Info("redis rate limiter reachable again; budgets are shared across replicas")
	}
}

// Replicas returns the number of replicas last seen in Redis (at least 1).
func (l *Limiter) Replicas() int { return int(l.replicas.Load()) }

// heartbeatKey is the sorted set of live replicas.
func (l *Limiter) heartbeatKey() string { return l.opts.Prefix + "replicas" }

// Beat reports this replica alive in Redis, drops replicas silent for
// ReplicaTTL, and records how many are left.
func (l *Limiter) Beat(ctx context.Context) error {
	now := time.Now()
	key := l.heartbeatKey()
	r, err := redisconn.With(ctx, l.pool, func(c redis.Conn) (any, error) {
		// One transaction: the count never includes a replica this very
		// call drops, nor misses this one.
		for _, cmd := range [][]any{
			{"MULTI"},
			{"ZADD", key, now.UnixMilli(), l.id},
			{"ZREMRANGEBYSCORE", key, "-inf", "(" + strconv.FormatInt(now.Add(-l.opts.ReplicaTTL).UnixMilli(), 10)},
			{"ZCARD", key},
			{"PEXPIRE", key, (2 * l.opts.ReplicaTTL).Milliseconds()},
		} {
			if err := c.Send(cmd[0].(string), cmd[1:]...); err != nil {
				return nil, err
			}
		}
		return redis.DoContext(c, ctx, "EXEC")
	})
	replies, err := redis.Values(r, err)
	if err != nil {
		return err
	}
	if len(replies) != 4 {
		return fmt.Errorf("redislimit: heartbeat: %d replies, want 4", len(replies))
	}
	card, err := redis.Int64(replies[2], nil)
	if err != nil {
		return fmt.Errorf("redislimit: heartbeat: %w", err)
	}
	l.replicas.Store(max(card, 1))
	return nil
}

// Run keeps this replica's heartbeat until ctx is done, then withdraws it
// so that the others count one replica less at once.
func (l *Limiter) Run(ctx context.Context) {
	t := time.NewTicker(l.opts.HeartbeatInterval)
	defer t.Stop()
	for {
		_ = l.Beat(ctx) // an outage keeps the count last seen
		select {
		case <-ctx.Done():
			cctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			_, _ = redisconn.Do(cctx, l.pool, "ZREM", l.heartbeatKey(), l.id)
			return
		case <-t.C:
		}
	}
}

// pauseTimeout bounds the Redis calls of Pause and Paused, which have no
// context of their own.
const pauseTimeout = 500 * time.Millisecond

// Pause records a pause the server asked for, in this process and in Redis,
// so that the other replicas honour it too: a window one replica found spent
// is spent for all of them.
func (l *Limiter) Pause(bucket string, until time.Time) {
	l.pauses.Pause(bucket, until)
	if l.outage() {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), pauseTimeout)
	defer cancel()
	if ttl := (time.Until(until) + time.Second).Milliseconds(); ttl > 0 {
		_, _ = redisconn.Do(ctx, l.pool, "SET", l.pauseKey(bucket), until.UnixMilli(), "PX", ttl)
	}
}

// Paused returns how long bucket must still pause, as this process or any
// replica learnt it. During an outage only this process's pauses count.
func (l *Limiter) Paused(bucket string) time.Duration {
	if d := l.pauses.Paused(bucket); d > 0 || l.outage() {
		return d
	}
	ctx, cancel := context.WithTimeout(context.Background(), pauseTimeout)
	defer cancel()
	ms, err := redis.Int64(redisconn.Do(ctx, l.pool, "GET", l.pauseKey(bucket)))
	if err != nil {
		return 0 // none (redis.ErrNil), or Redis is down, which Wait reports
	}
	until := time.UnixMilli(ms)
	l.pauses.Pause(bucket, until)
	return max(time.Until(until), 0)
}

// outage reports that Redis failed lately and is not to be asked yet.
func (l *Limiter) outage() bool { return l.now().UnixNano() < l.probeAt.Load() }

// pauseKey names the Redis key of a bucket's pause.
func (l *Limiter) pauseKey(bucket string) string { return l.bucket(bucket) + ":pause" }
