package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/gomodule/redigo/redis"
	"github.com/klipy-ai/klipy-mcp/hosting/redislimit"
	"github.com/klipy-ai/klipy-mcp/klipy"
)

// redisTimeout bounds the start-up check that Redis answers.
const redisTimeout = 5 * time.Second

// redisLimiter returns the limiter that shares rate-limit budgets across
// replicas through the Redis at url, its Redis connection pool (also the
// store of OAuth grants), and a function that stops its heartbeat and
// closes the pool. While Redis is unreachable each replica
// paces itself with its share of the budget (the replica count last seen in
// Redis).
func redisLimiter(ctx context.Context, url string, logger *slog.Logger) (klipy.Limiter, *redis.Pool, func(), error) {
	octx, cancel := context.WithTimeout(ctx, redisTimeout)
	defer cancel()
	lim, rdb, err := redislimit.Open(octx, url, redislimit.Options{
		Fallback: klipy.NewLocalLimiter(),
		Logger:   logger,
	})
	if err != nil {
		return nil, nil, nil, usageError("--redis-url: %v", err)
	}
	hctx, stop := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() {
		defer close(done)
		lim.Run(hctx)
	}()
	return lim, rdb, func() {
		stop()
		<-done
		rdb.Close()
	}, nil
}
