package main

import "github.com/klipy-ai/klipy-mcp/klipy"

// redisLimiter returns the limiter that shares rate-limit budgets across
// replicas through Redis at url.
func redisLimiter(url string) (klipy.Limiter, error) {
	return nil, usageError("--redis-url is not available in this build: run without it (each replica then limits itself)")
}
