package main

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/klipy-ai/klipy-mcp/bench"
)

// throughput is one server's result at one concurrency.
type throughput struct {
	perSec float64
	lat    bench.Sample
}

// newHTTPClient returns a client that keeps up to conns connections open.
func newHTTPClient(conns int) *http.Client {
	tr := &http.Transport{MaxIdleConns: conns, MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns,
		DisableCompression: true, IdleConnTimeout: time.Minute}
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

// openSessions initializes n sessions on url, conc at a time.
func openSessions(ctx context.Context, client *http.Client, url string, n, conc int) ([]*bench.HTTPSession, error) {
	sessions := make([]*bench.HTTPSession, n)
	errs := make(chan error, n)
	sem := make(chan struct{}, conc)
	var wg sync.WaitGroup
	for i := range sessions {
		sessions[i] = bench.NewHTTPSession(client, url, nil)
		wg.Add(1)
		sem <- struct{}{}
		go func(s *bench.HTTPSession) {
			defer func() { <-sem; wg.Done() }()
			if err := s.Initialize(ctx); err != nil {
				errs <- err
			}
		}(sessions[i])
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return nil, err
	}
	return sessions, nil
}

// runLoad makes t's tool call from conc sessions (one caller each) for d and
// returns the throughput and every call's latency.
func runLoad(ctx context.Context, t *target, url string, conc int, d, warm time.Duration) (throughput, error) {
	client := newHTTPClient(conc)
	defer client.CloseIdleConnections()
	sessions, err := openSessions(ctx, client, url, conc, conc)
	if err != nil {
		return throughput{}, err
	}
	call := func(s *bench.HTTPSession) error {
		res, err := s.Call(ctx, "tools/call", bench.CallParams(t.tool, t.args))
		if err != nil {
			return err
		}
		return bench.CheckToolResult(res)
	}
	if _, _, err := hammer(sessions, warm, call); err != nil {
		return throughput{}, fmt.Errorf("%s warm-up: %w", t.name, err)
	}
	lat, elapsed, err := hammer(sessions, d, call)
	if err != nil {
		return throughput{}, fmt.Errorf("%s at concurrency %d: %w", t.name, conc, err)
	}
	return throughput{perSec: float64(len(lat)) / elapsed.Seconds(), lat: lat}, nil
}

// hammer calls call in a loop from every session until d has passed.
func hammer(sessions []*bench.HTTPSession, d time.Duration, call func(*bench.HTTPSession) error) (bench.Sample, time.Duration, error) {
	var mu sync.Mutex
	var all bench.Sample
	var firstErr error
	var wg sync.WaitGroup
	start := time.Now()
	deadline := start.Add(d)
	for _, s := range sessions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine bench.Sample
			var err error
			for time.Now().Before(deadline) {
				t0 := time.Now()
				if err = call(s); err != nil {
					break
				}
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			all = append(all, mine...)
			if err != nil && firstErr == nil {
				firstErr = err
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	return all, time.Since(start), firstErr
}

// httpThroughput runs both targets at every concurrency, alternating.
func httpThroughput(ctx context.Context, k, f *target, levels []int, d, warm time.Duration) ([]bench.Row, error) {
	kp, err := k.startHTTP(ctx)
	if err != nil {
		return nil, err
	}
	defer kp.stop()
	fp, err := f.startHTTP(ctx)
	if err != nil {
		return nil, err
	}
	defer fp.stop()
	var rows []bench.Row
	for _, c := range levels {
		kt, err := runLoad(ctx, k, kp.url, c, d, warm)
		if err != nil {
			return rows, err
		}
		ft, err := runLoad(ctx, f, fp.url, c, d, warm)
		if err != nil {
			return rows, err
		}
		rows = append(rows, throughputRows(c, kt, ft)...)
	}
	return rows, nil
}

// throughputRows reports one concurrency level.
func throughputRows(c int, k, f throughput) []bench.Row {
	tput := bench.Row{Measure: fmt.Sprintf("HTTP calls/s at concurrency %d (get_person vs echo)", c), Unit: "/s",
		Klipy: bench.Num(k.perSec), Floor: bench.Num(f.perSec), Budget: "≥ 0.6× floor"}.WithRatio()
	tput.Status = bench.Verdict(*tput.Ratio >= 0.6)
	lat := bench.Row{Measure: fmt.Sprintf("HTTP latency p50 at concurrency %d", c), Unit: "ms",
		Klipy: bench.Num(bench.Ms(k.lat.Percentile(50))), Floor: bench.Num(bench.Ms(f.lat.Percentile(50))),
		Budget: "—", Status: bench.Info}.WithRatio()
	lat99 := bench.Row{Measure: fmt.Sprintf("HTTP latency p99 at concurrency %d", c), Unit: "ms",
		Klipy: bench.Num(bench.Ms(k.lat.Percentile(99))), Floor: bench.Num(bench.Ms(f.lat.Percentile(99))),
		Budget: "—", Status: bench.Info}.WithRatio()
	return []bench.Row{tput, lat, lat99}
}

// sessionMemory starts t in HTTP mode, opens warm sessions, then n more, and
// returns the resident-memory growth per added session in KB.
func sessionMemory(ctx context.Context, t *target, n int) (float64, error) {
	p, err := t.startHTTP(ctx)
	if err != nil {
		return 0, err
	}
	defer p.stop()
	const conns = 8
	client := newHTTPClient(conns)
	defer client.CloseIdleConnections()
	if _, err := openSessions(ctx, client, p.url, 20, conns); err != nil {
		return 0, fmt.Errorf("%s warm sessions: %w", t.name, err)
	}
	before, err := bench.ReadMemory(p.cmd.Process.Pid)
	if err != nil {
		return 0, err
	}
	if _, err := openSessions(ctx, client, p.url, n, conns); err != nil {
		return 0, fmt.Errorf("%s sessions: %w", t.name, err)
	}
	after, err := bench.ReadMemory(p.cmd.Process.Pid)
	if err != nil {
		return 0, err
	}
	return float64(after.RSS-before.RSS) * 1024 / 1000 / float64(n), nil
}

// sessionRows reports memory per idle session.
func sessionRows(k, f float64, n int) []bench.Row {
	r := bench.Row{Measure: fmt.Sprintf("memory per idle HTTP session (RSS growth / %d sessions)", n), Unit: "KB",
		Klipy: bench.Num(k), Floor: bench.Num(f), Budget: "≤ 30 KB", Status: bench.Verdict(k <= 30)}
	return []bench.Row{r.WithRatio()}
}
