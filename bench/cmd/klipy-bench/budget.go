package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/klipy-ai/klipy-mcp/bench"
)

// klipyKeyLimit is Klipy's real per-key limit, requests per minute.
const klipyKeyLimit = 200

// budgetResult is what the upstream-budget run observed.
type budgetResult struct {
	requests, throttled int64
	elapsed             time.Duration
	calls, failed       int
}

// upstreamBudget runs klipy-mcp over stdio with a real user's configuration
// (key, base URL, default rate limit) against a fake with Klipy's real
// limits, and keeps callers demanding get_person far faster than 200/min
// for d. It counts what reached the fake and how much of it was refused.
func upstreamBudget(ctx context.Context, k *target, callers int, d time.Duration) (*budgetResult, error) {
	up, err := startUpstream(ctx, 0, 0, false)
	if err != nil {
		return nil, err
	}
	defer up.close()
	kb := *k
	kb.stdioArgs = []string{"stdio", "--api-key", benchKey, "--base-url", up.baseURL}
	kb.args = map[string]any{"person_id": up.personID}

	start := time.Now()
	srv, err := startInitialized(ctx, &kb)
	if err != nil {
		return nil, err
	}
	defer srv.Close(5 * time.Second)
	res := &budgetResult{}
	res.drive(ctx, start.Add(d), callers, func(ctx context.Context, _ int) error {
		return stdioCall(ctx, srv, &kb)
	})
	res.elapsed = time.Since(start)
	res.requests, res.throttled = up.requests.Load(), up.throttled.Load()
	return res, nil
}

// drive runs n callers, each calling call in a loop until end, and counts
// the calls and the failed ones. A call the end of the run cut short (it
// was waiting for budget) is not counted.
func (b *budgetResult) drive(ctx context.Context, end time.Time, n int, call func(ctx context.Context, caller int) error) {
	ctx, cancel := context.WithDeadline(ctx, end)
	defer cancel()
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				err := call(ctx, i)
				if ctx.Err() != nil {
					return
				}
				mu.Lock()
				b.calls++
				if err != nil {
					b.failed++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
}

// share is the fraction of the key's budget over the run that was used.
func (b *budgetResult) share() float64 {
	return float64(b.requests) / (klipyKeyLimit * b.elapsed.Minutes())
}

// budgetRows reports an upstream-budget run; how says how klipy-mcp ran.
func budgetRows(b *budgetResult, callers int, how string) []bench.Row {
	share := b.share() * 100
	note := fmt.Sprintf("%d requests in %s, %d callers, %d calls (%d failed)",
		b.requests, b.elapsed.Round(time.Second), callers, b.calls, b.failed)
	return []bench.Row{
		{Measure: "upstream budget used under sustained demand (200/min key), " + how, Unit: "%",
			Klipy: bench.Num(share), Budget: "≥ 95 %", Status: bench.Verdict(share >= 95), Note: note},
		{Measure: "429s received from upstream, " + how, Unit: "",
			Klipy: bench.Num(float64(b.throttled)), Budget: "0", Status: bench.Verdict(b.throttled == 0)},
	}
}
