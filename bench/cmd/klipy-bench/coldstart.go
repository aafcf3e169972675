package main

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/klipy-ai/klipy-mcp/bench"
)

// startup is what one spawn of a stdio server measured.
type startup struct {
	coldStart time.Duration
	peakKiB   int64
	toolsList json.RawMessage
}

// spawnOnce spawns t over stdio, times spawn → initialize response, then
// lists the tools and reads the process's peak RSS.
func spawnOnce(ctx context.Context, t *target) (startup, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	srv, start, err := t.startStdio()
	if err != nil {
		return startup{}, err
	}
	defer srv.Close(5 * time.Second)
	if _, err := srv.Call(ctx, "initialize", bench.InitializeParams()); err != nil {
		return startup{}, fmt.Errorf("%s: %w", t.name, err)
	}
	var s startup
	s.coldStart = time.Since(start)
	if err := srv.Notify("notifications/initialized", nil); err != nil {
		return startup{}, err
	}
	if s.toolsList, err = srv.Call(ctx, "tools/list", map[string]any{}); err != nil {
		return startup{}, fmt.Errorf("%s: %w", t.name, err)
	}
	mem, err := bench.ReadMemory(srv.PID())
	if err != nil {
		return startup{}, err
	}
	s.peakKiB = mem.Peak
	return s, nil
}

// coldStarts spawns every target warmup+runs times, interleaved so that
// machine noise falls on all of them alike, and keeps the measured runs.
func coldStarts(ctx context.Context, targets []*target, warmup, runs int) (map[string][]startup, error) {
	got := map[string][]startup{}
	for i := range warmup + runs {
		for _, t := range targets {
			s, err := spawnOnce(ctx, t)
			if err != nil {
				return got, fmt.Errorf("cold start of %s (run %d): %w", t.name, i, err)
			}
			if i >= warmup {
				got[t.name] = append(got[t.name], s)
			}
		}
	}
	return got, nil
}

// Budgets of stdio start-up (SPEC §9).
const (
	maxColdStart = 1.25 // × the floor's p50
	maxPeakRatio = 1.4  // × the floor's peak RSS
	maxPeakMB    = 17
)

// coldStartRows turns the spawns into the cold-start and peak-RSS rows.
func coldStartRows(runs map[string][]startup) []bench.Row {
	var start, peak = map[string]bench.Sample{}, map[string][]int64{}
	for name, ss := range runs {
		for _, s := range ss {
			start[name] = append(start[name], s.coldStart)
			peak[name] = append(peak[name], s.peakKiB)
		}
	}
	k, f := start["klipy-mcp"], start["floor"]
	p50 := bench.Row{Measure: "stdio cold start p50 (spawn → initialize)", Unit: "ms",
		Klipy: bench.Num(bench.Ms(k.Percentile(50))), Floor: bench.Num(bench.Ms(f.Percentile(50))),
		Budget: fmt.Sprintf("≤ %.2f× floor", maxColdStart)}.WithRatio()
	p50.Status = bench.Verdict(*p50.Ratio <= maxColdStart)
	p90 := bench.Row{Measure: "stdio cold start p90", Unit: "ms",
		Klipy: bench.Num(bench.Ms(k.Percentile(90))), Floor: bench.Num(bench.Ms(f.Percentile(90))),
		Budget: "—", Status: bench.Info}.WithRatio()
	kp, fp := medianKiB(peak["klipy-mcp"]), medianKiB(peak["floor"])
	rss := bench.Row{Measure: "peak RSS after initialize + tools/list (median)", Unit: "MB",
		Klipy: bench.Num(kp * 1024 / 1e6), Floor: bench.Num(fp * 1024 / 1e6), Budget: fmt.Sprintf("≤ %.1f× floor and ≤ %d MB", maxPeakRatio, maxPeakMB)}.WithRatio()
	rss.Status = bench.Verdict(*rss.Ratio <= maxPeakRatio && *rss.Klipy <= maxPeakMB)
	rss.Note = fmt.Sprintf("%d runs each", len(k))
	return []bench.Row{p50, p90, rss}
}

// medianKiB returns the median of v as a float.
func medianKiB(v []int64) float64 {
	s := make(bench.Sample, len(v))
	for i, x := range v {
		s[i] = time.Duration(x)
	}
	return float64(s.Percentile(50))
}

// upstreamRTT is the round trip to the real API assumed by the cold-start
// measure with a distant upstream: a user's machine to api.klipy.ai.
const upstreamRTT = 100 * time.Millisecond

// distantColdStart measures klipy-mcp's cold start when every upstream
// answer takes upstreamRTT, to show whether start-up waits for the API
// (the floor talks to no upstream, so its cold start is unchanged).
func distantColdStart(ctx context.Context, k *target, runs int) (bench.Sample, error) {
	up, err := startUpstream(ctx, unlimited, unlimited, false)
	if err != nil {
		return nil, err
	}
	defer up.close()
	up.delay.Store(int64(upstreamRTT))
	far := *k
	far.stdioArgs = []string{"stdio", "--api-key", benchKey, "--base-url", up.baseURL}
	var s bench.Sample
	for range runs {
		got, err := spawnOnce(ctx, &far)
		if err != nil {
			return nil, err
		}
		s = append(s, got.coldStart)
	}
	return s, nil
}

// distantRow reports the cold start with a distant upstream.
func distantRow(far bench.Sample, floor []startup) bench.Row {
	var f bench.Sample
	for _, s := range floor {
		f = append(f, s.coldStart)
	}
	r := bench.Row{Measure: fmt.Sprintf("stdio cold start p50 with a %s upstream round trip", upstreamRTT), Unit: "ms",
		Klipy: bench.Num(bench.Ms(far.Percentile(50))), Floor: bench.Num(bench.Ms(f.Percentile(50))),
		Budget: "—", Status: bench.Info}.WithRatio()
	r.Note = fmt.Sprintf("%d runs; start-up waits for the API when this is ≥ %s more than the loopback figure", len(far), upstreamRTT)
	return r
}
