package main

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/klipy-ai/klipy-mcp/bench"
)

// throughput is one server's result at one concurrency.
type throughput struct {
	perSec float64
	lat    bench.Sample
	// cpuPerCall is the server process's CPU time per call: unlike calls/s
	// it hardly depends on what else the machine is doing.
	cpuPerCall time.Duration
	// bytesPerCall and allocsPerCall are what the server process allocated
	// per call (its /metrics counters), which the collector's work follows.
	bytesPerCall, allocsPerCall float64
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

// load is one server's callers at one concurrency level: conc sessions,
// each used by one caller at a time.
type load struct {
	t        *target
	pid      int
	client   *http.Client
	sessions []*bench.HTTPSession
	metrics  string // the server's /metrics
	lat      bench.Sample
	elapsed  time.Duration
	cpu      time.Duration
	allocs   allocs
}

// newLoad opens conc sessions on url and warms them up for warm.
func newLoad(ctx context.Context, s server, conc int, warm time.Duration) (*load, error) {
	t := s.t
	l := &load{t: t, pid: s.proc.cmd.Process.Pid, client: newHTTPClient(conc),
		metrics: strings.TrimSuffix(s.proc.url, "/mcp") + "/metrics"}
	var err error
	if l.sessions, err = openSessions(ctx, l.client, s.proc.url, conc, conc); err != nil {
		l.close()
		return nil, err
	}
	if _, _, err := hammer(l.sessions, warm, l.call(ctx)); err != nil {
		l.close()
		return nil, fmt.Errorf("%s warm-up: %w", t.name, err)
	}
	return l, nil
}

// call returns the measured call for one session.
func (l *load) call(ctx context.Context) func(*bench.HTTPSession) error {
	return func(s *bench.HTTPSession) error {
		res, err := s.Call(ctx, "tools/call", bench.CallParams(l.t.tool, l.t.args))
		if err != nil {
			return err
		}
		return bench.CheckToolResult(res)
	}
}

// run loads the server for d and adds to the totals.
func (l *load) run(ctx context.Context, d time.Duration) error {
	a0, err := readAllocs(ctx, l.client, l.metrics)
	if err != nil {
		return err
	}
	cpu0, err := bench.ReadCPU(l.pid)
	if err != nil {
		return err
	}
	lat, elapsed, err := hammer(l.sessions, d, l.call(ctx))
	if err != nil {
		return fmt.Errorf("%s at concurrency %d: %w", l.t.name, len(l.sessions), err)
	}
	cpu1, err := bench.ReadCPU(l.pid)
	if err != nil {
		return err
	}
	a1, err := readAllocs(ctx, l.client, l.metrics)
	if err != nil {
		return err
	}
	l.lat, l.elapsed, l.cpu = append(l.lat, lat...), l.elapsed+elapsed, l.cpu+cpu1-cpu0
	l.allocs.bytes += a1.bytes - a0.bytes
	l.allocs.objects += a1.objects - a0.objects
	return nil
}

func (l *load) result() throughput {
	n := max(len(l.lat), 1)
	return throughput{perSec: float64(len(l.lat)) / l.elapsed.Seconds(), lat: l.lat, cpuPerCall: l.cpu / time.Duration(n),
		bytesPerCall: l.allocs.bytes / float64(n), allocsPerCall: l.allocs.objects / float64(n)}
}

// allocs are a process's allocation counters.
type allocs struct{ bytes, objects float64 }

// readAllocs reads the allocation counters from a /metrics page in the
// Prometheus text format (klipy-mcp's, or the floor's two lines).
func readAllocs(ctx context.Context, client *http.Client, url string) (allocs, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return allocs{}, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return allocs{}, fmt.Errorf("read allocation counters: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return allocs{}, fmt.Errorf("read allocation counters: %s: HTTP %d", url, resp.StatusCode)
	}
	var a allocs
	found := 0
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), " ")
		var dst *float64
		switch {
		case !ok:
			continue
		case name == "go_memstats_alloc_bytes_total":
			dst = &a.bytes
		case name == "go_memstats_mallocs_total":
			dst = &a.objects
		default:
			continue
		}
		if *dst, err = strconv.ParseFloat(value, 64); err != nil {
			return allocs{}, fmt.Errorf("read allocation counters: %s: %w", name, err)
		}
		found++
	}
	if err := sc.Err(); err != nil {
		return allocs{}, fmt.Errorf("read allocation counters: %w", err)
	}
	if found != 2 {
		return allocs{}, fmt.Errorf("read allocation counters: %s lacks go_memstats_alloc_bytes_total or go_memstats_mallocs_total", url)
	}
	return a, nil
}

func (l *load) close() { l.client.CloseIdleConnections() }

// slices is how many alternating turns each server gets per level, so that
// the machine's changing load falls on both alike.
const slices = 4

// server is a target running in HTTP mode.
type server struct {
	t    *target
	proc *httpProc
}

// compareAt loads every server at concurrency conc for d each, in
// alternating slices, and returns their results in order.
func compareAt(ctx context.Context, servers []server, conc int, d, warm time.Duration) ([]throughput, error) {
	loads := make([]*load, len(servers))
	for i, s := range servers {
		l, err := newLoad(ctx, s, conc, warm)
		if err != nil {
			return nil, err
		}
		defer l.close()
		loads[i] = l
	}
	for range slices {
		for _, l := range loads {
			if err := l.run(ctx, d/slices); err != nil {
				return nil, err
			}
		}
	}
	out := make([]throughput, len(loads))
	for i, l := range loads {
		out[i] = l.result()
	}
	return out, nil
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

// httpThroughput runs klipy-mcp, the floor and the relay floor at every
// concurrency, alternating.
func httpThroughput(ctx context.Context, k, f *target, up *upstream, levels []int, d, warm time.Duration) ([]bench.Row, error) {
	var servers []server
	for _, t := range []*target{k, f, relayFloor(f, up)} {
		p, err := t.startHTTP(ctx)
		if err != nil {
			return nil, err
		}
		defer p.stop()
		servers = append(servers, server{t, p})
	}
	var rows []bench.Row
	for _, c := range levels {
		got, err := compareAt(ctx, servers, c, d, warm)
		if err != nil {
			return rows, err
		}
		rows = append(rows, throughputRows(c, got[0], got[1], got[2])...)
	}
	return rows, nil
}

// Budgets of streamable HTTP against the relay floor (SPEC §9), at every
// concurrency.
const (
	minRelayThroughput = 0.85
	maxRelayCPU        = 1.3
)

// throughputRows reports one concurrency level: the budgets are against the
// relay floor (the same upstream GET); the echo floor is for scale.
func throughputRows(c int, k, f, relay throughput) []bench.Row {
	us := func(d time.Duration) *float64 { return bench.Num(float64(d) / float64(time.Microsecond)) }
	rel := bench.Row{Measure: fmt.Sprintf("HTTP calls/s at concurrency %d (get_person vs relay floor)", c), Unit: "/s",
		Klipy: bench.Num(k.perSec), Floor: bench.Num(relay.perSec),
		Budget: fmt.Sprintf("≥ %.2f× relay floor", minRelayThroughput)}.WithRatio()
	rel.Status = bench.Verdict(*rel.Ratio >= minRelayThroughput)
	cpu := bench.Row{Measure: fmt.Sprintf("server CPU per HTTP call at concurrency %d (get_person vs relay floor)", c), Unit: "µs",
		Klipy: us(k.cpuPerCall), Floor: us(relay.cpuPerCall),
		Budget: fmt.Sprintf("≤ %.1f× relay floor", maxRelayCPU),
		Note:   fmt.Sprintf("echo floor %.0f µs", float64(f.cpuPerCall)/float64(time.Microsecond))}.WithRatio()
	cpu.Status = bench.Verdict(cpu.Ratio != nil && *cpu.Ratio <= maxRelayCPU)
	tput := bench.Row{Measure: fmt.Sprintf("HTTP calls/s at concurrency %d (get_person vs echo floor)", c), Unit: "/s",
		Klipy: bench.Num(k.perSec), Floor: bench.Num(f.perSec), Budget: "—", Status: bench.Info,
		Note: "relay floor = echo server whose tool makes the same upstream GET"}.WithRatio()
	lat := bench.Row{Measure: fmt.Sprintf("HTTP latency p50 at concurrency %d (vs relay floor)", c), Unit: "ms",
		Klipy: bench.Num(bench.Ms(k.lat.Percentile(50))), Floor: bench.Num(bench.Ms(relay.lat.Percentile(50))),
		Budget: "—", Status: bench.Info}.WithRatio()
	lat99 := bench.Row{Measure: fmt.Sprintf("HTTP latency p99 at concurrency %d (vs relay floor)", c), Unit: "ms",
		Klipy: bench.Num(bench.Ms(k.lat.Percentile(99))), Floor: bench.Num(bench.Ms(relay.lat.Percentile(99))),
		Budget: "—", Status: bench.Info}.WithRatio()
	mem := bench.Row{Measure: fmt.Sprintf("server allocation per HTTP call at concurrency %d (get_person vs relay floor)", c), Unit: "KB",
		Klipy: bench.Num(k.bytesPerCall / 1000), Floor: bench.Num(relay.bytesPerCall / 1000), Budget: "—", Status: bench.Info,
		Note: fmt.Sprintf("%.0f vs %.0f allocations; the collector's work follows these bytes", k.allocsPerCall, relay.allocsPerCall)}.WithRatio()
	return []bench.Row{rel, cpu, tput, lat, lat99, mem}
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
