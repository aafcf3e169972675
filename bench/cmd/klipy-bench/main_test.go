package main

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/klipy-ai/klipy-mcp/bench"
)

func TestQuickShrinksOnlyWhatWasNotSet(t *testing.T) {
	cfg, err := parseFlags([]string{"-quick", "-runs", "7", "-concurrency", "2,8"})
	if err != nil {
		t.Fatal(err)
	}
	got := []any{cfg.runs, cfg.warmup, cfg.calls, cfg.budgetDuration, cfg.sessions, cfg.levels}
	want := []any{7, 1, 300, 10 * time.Second, 100, []int{2, 8}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("quick config (-want +got):\n%s", diff)
	}
	full, err := parseFlags(nil)
	if err != nil {
		t.Fatal(err)
	}
	if full.budgetDuration != 2*time.Minute || full.runs < 15 {
		t.Errorf("full run: budget %v, %d cold starts; want 2m and ≥ 15", full.budgetDuration, full.runs)
	}
	if _, err := parseFlags([]string{"-concurrency", "0"}); err == nil {
		t.Error("concurrency 0 was accepted")
	}
}

func TestVerdicts(t *testing.T) {
	ms := func(v float64) time.Duration { return time.Duration(v * float64(time.Millisecond)) }
	runs := map[string][]startup{
		"klipy-mcp": {{coldStart: ms(13), peakKiB: 15000}},
		"floor":     {{coldStart: ms(10), peakKiB: 10000}},
	}
	rows := coldStartRows(runs)
	if rows[0].Status != bench.Pass || rows[2].Status != bench.Pass {
		t.Errorf("1.3× cold start and 1.5× RSS under 20 MB should pass: %+v", rows)
	}
	runs["klipy-mcp"][0].peakKiB = 15001
	if rows := coldStartRows(runs); rows[2].Status != bench.Fail {
		t.Errorf("RSS above 1.5× floor passed: %+v", rows[2])
	}
	slow := throughput{perSec: 59}
	fast := throughput{perSec: 100}
	if got := throughputRows(4, slow, fast, fast)[0].Status; got != bench.Fail {
		t.Errorf("0.59× the floor's throughput: %s, want FAIL", got)
	}
	b := &budgetResult{requests: 380, elapsed: 2 * time.Minute}
	rows = budgetRows(b, 4)
	if rows[0].Status != bench.Pass || rows[1].Status != bench.Pass {
		t.Errorf("95%% with no 429s should pass: %+v", rows)
	}
	b.throttled = 1
	if budgetRows(b, 4)[1].Status != bench.Fail {
		t.Error("a 429 passed")
	}
}
