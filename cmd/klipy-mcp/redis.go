package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/klipy-ai/klipy-mcp/hosting/redislimit"
	"github.com/klipy-ai/klipy-mcp/klipy"
	"github.com/redis/go-redis/v9"
)

// redisTimeout bounds the start-up check that Redis answers.
const redisTimeout = 5 * time.Second

// redisLimiter returns the limiter that shares rate-limit budgets across
// replicas through the Redis at url, and its Redis client (the caller closes it).
// While Redis is unreachable each replica falls back to limiting itself.
func redisLimiter(ctx context.Context, url string, logger *slog.Logger) (klipy.Limiter, redis.UniversalClient, error) {
	ctx, cancel := context.WithTimeout(ctx, redisTimeout)
	defer cancel()
	lim, rdb, err := redislimit.Open(ctx, url, redislimit.Options{
		Fallback: klipy.NewLocalLimiter(),
		Logger:   logger,
	})
	if err != nil {
		return nil, nil, usageError("--redis-url: %v", err)
	}
	return lim, rdb, nil
}
