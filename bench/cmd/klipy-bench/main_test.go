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
		"klipy-mcp": {{coldStart: ms(12.5), peakKiB: 14000}},
		"floor":     {{coldStart: ms(10), peakKiB: 10000}},
	}
	rows := coldStartRows(runs)
	if rows[0].Status != bench.Pass || rows[2].Status != bench.Pass {
		t.Errorf("1.25× cold start and 1.4× RSS under 17 MB should pass: %+v", rows)
	}
	runs["klipy-mcp"][0].peakKiB = 14001
	if rows := coldStartRows(runs); rows[2].Status != bench.Fail {
		t.Errorf("RSS above 1.4× floor passed: %+v", rows[2])
	}
	runs["klipy-mcp"][0].peakKiB, runs["floor"][0].peakKiB = 16700, 12500 // 17.1 MB
	if rows := coldStartRows(runs); rows[2].Status != bench.Fail {
		t.Errorf("RSS above 17 MB passed: %+v", rows[2])
	}
	relay := throughput{perSec: 100, cpuPerCall: 100 * time.Microsecond}
	echo := throughput{perSec: 300, cpuPerCall: 50 * time.Microsecond}
	ok := throughput{perSec: 85, cpuPerCall: 130 * time.Microsecond}
	if rows := throughputRows(4, ok, echo, relay); rows[0].Status != bench.Pass || rows[1].Status != bench.Pass {
		t.Errorf("0.85× the relay floor's throughput at 1.3× its CPU should pass: %+v", rows[:2])
	}
	if got := throughputRows(4, throughput{perSec: 84, cpuPerCall: time.Microsecond}, echo, relay)[0].Status; got != bench.Fail {
		t.Errorf("0.84× the relay floor's throughput: %s, want FAIL", got)
	}
	if got := throughputRows(4, throughput{perSec: 200, cpuPerCall: 131 * time.Microsecond}, echo, relay)[1].Status; got != bench.Fail {
		t.Errorf("1.31× the relay floor's CPU per call: %s, want FAIL", got)
	}
	b := &budgetResult{requests: 380, elapsed: 2 * time.Minute}
	rows = budgetRows(b, 4, "stdio")
	if rows[0].Status != bench.Pass || rows[1].Status != bench.Pass {
		t.Errorf("95%% with no 429s should pass: %+v", rows)
	}
	b.throttled = 1
	if budgetRows(b, 4, "stdio")[1].Status != bench.Fail {
		t.Error("a 429 passed")
	}
}

func TestStrictFailsOnMissedOrSkipped(t *testing.T) {
	for _, tc := range []struct {
		status      bench.Status
		lax, strict bool
	}{
		{bench.Pass, true, true},
		{bench.Info, true, true},
		{bench.Fail, true, false},
		{bench.Skip, true, false},
		{bench.Error, false, false},
	} {
		rows := []bench.Row{{Status: bench.Pass}, {Status: tc.status}}
		if got := passed(rows, false); got != tc.lax {
			t.Errorf("%s without -strict: passed = %v, want %v", tc.status, got, tc.lax)
		}
		if got := passed(rows, true); got != tc.strict {
			t.Errorf("%s with -strict: passed = %v, want %v", tc.status, got, tc.strict)
		}
	}
}

func TestSearchCacheVerdict(t *testing.T) {
	if searchCacheRow(3, 0).Status != bench.Pass || searchCacheRow(3, 1).Status != bench.Fail {
		t.Error("search cache: 0 requests must pass and 1 must fail")
	}
}
