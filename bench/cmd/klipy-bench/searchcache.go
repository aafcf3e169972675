package main

import (
	"context"
	"fmt"
	"time"

	"github.com/klipy-ai/klipy-mcp/bench"
)

// searchCache runs klipy-mcp over stdio against the fake and makes two
// different free-text search_people queries with the same key, seconds
// apart, counting the upstream requests of each: within 60 s the second
// should be answered from what the first fetched (SPEC §9).
func searchCache(ctx context.Context, k *target, up *upstream) ([]bench.Row, error) {
	srv, err := startInitialized(ctx, withRateLimit(k))
	if err != nil {
		return nil, err
	}
	defer srv.Close(5 * time.Second)
	var counts [2]int64
	for i, q := range []string{"jordan", "partnerships"} {
		before := up.requests.Load()
		raw, err := srv.Call(ctx, "tools/call", bench.CallParams("search_people", map[string]any{"query": q}))
		if err != nil {
			return nil, fmt.Errorf("search_people %q: %w", q, err)
		}
		if err := bench.CheckToolResult(raw); err != nil {
			return nil, fmt.Errorf("search_people %q: %w", q, err)
		}
		counts[i] = up.requests.Load() - before
	}
	return []bench.Row{searchCacheRow(counts[0], counts[1])}, nil
}

func searchCacheRow(first, second int64) bench.Row {
	return bench.Row{Measure: "free-text search_people: upstream requests of a second, different query within 60 s",
		Unit: "", Klipy: bench.Num(float64(second)), Budget: "0", Status: bench.Verdict(second == 0),
		Note: fmt.Sprintf("the first query sent %d", first)}
}
