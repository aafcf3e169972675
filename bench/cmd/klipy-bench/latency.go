package main

import (
	"context"
	"fmt"
	"time"

	"github.com/klipy-ai/klipy-mcp/bench"
)

// latencies are the round trips of one stdio latency run.
type latencies struct {
	mcp, direct, floor bench.Sample
	// relay is the floor's fetch tool relaying the same upstream GET.
	relay bench.Sample
	// conns is how many upstream connections were opened during the run: a
	// pooled client opens a handful, one per call means no reuse.
	conns int64
	// cpu is each server's CPU time per call (klipy-mcp, floor, relay).
	cpu [3]time.Duration
}

// stdioServers are the three servers the latency measure alternates
// between: klipy-mcp, the echo floor and the relay floor.
type stdioServers struct {
	targets [3]*target
	procs   [3]*bench.StdioServer
}

// startStdioServers starts and initializes k, f and the relay floor.
func startStdioServers(ctx context.Context, k, f *target, up *upstream) (*stdioServers, error) {
	s := &stdioServers{targets: [3]*target{k, f, relayFloor(f, up)}}
	for i, t := range s.targets {
		p, err := startInitialized(ctx, t)
		if err != nil {
			s.close()
			return nil, err
		}
		s.procs[i] = p
	}
	return s, nil
}

// call makes server i's measured call.
func (s *stdioServers) call(ctx context.Context, i int) error {
	return stdioCall(ctx, s.procs[i], s.targets[i])
}

func (s *stdioServers) pids() [3]int {
	return [3]int{s.procs[0].PID(), s.procs[1].PID(), s.procs[2].PID()}
}

func (s *stdioServers) close() {
	for _, p := range s.procs {
		if p != nil {
			p.Close(5 * time.Second)
		}
	}
}

// stdioLatency measures, in alternating blocks, klipy-mcp's get_person over
// stdio, the same fetch by the klipy client directly, the floor's echo and
// the relay floor's fetch over stdio; calls is the number of each. It stops
// early, with what it has, once limit has passed.
func stdioLatency(ctx context.Context, k, f *target, up *upstream, calls int, limit time.Duration) (*latencies, error) {
	direct, err := up.directClient(unlimited, unlimited)
	if err != nil {
		return nil, err
	}
	srv, err := startStdioServers(ctx, k, f, up)
	if err != nil {
		return nil, err
	}
	defer srv.close()
	round := func(n int) (m, d, e, r bench.Sample, err error) {
		m, err1 := timeCalls(n, func() error { return srv.call(ctx, 0) })
		d, err2 := timeCalls(n, func() error { _, _, err := direct.People.Get(ctx, up.personID); return err })
		e, err3 := timeCalls(n, func() error { return srv.call(ctx, 1) })
		r, err4 := timeCalls(n, func() error { return srv.call(ctx, 2) })
		return m, d, e, r, firstErr(err1, err2, err3, err4)
	}
	if _, _, _, _, err := round(min(200, calls/3)); err != nil {
		return nil, err
	}
	const block = 50
	var l latencies
	conns0, cpu0 := up.conns.Load(), readCPUs(srv.pids())
	deadline := time.Now().Add(limit)
	for done := 0; done < calls && time.Now().Before(deadline); done += block {
		m, d, e, r, err := round(min(block, calls-done))
		if err != nil {
			return nil, err
		}
		l.mcp, l.direct, l.floor = append(l.mcp, m...), append(l.direct, d...), append(l.floor, e...)
		l.relay = append(l.relay, r...)
	}
	if len(l.mcp) == 0 {
		return nil, fmt.Errorf("no calls measured within %s", limit)
	}
	cpu1 := readCPUs(srv.pids())
	for i := range cpu1 {
		l.cpu[i] = (cpu1[i] - cpu0[i]) / time.Duration(len(l.mcp))
	}
	l.conns = up.conns.Load() - conns0
	return &l, nil
}

// readCPUs reads the CPU time of each process, 0 where it cannot.
func readCPUs(pids [3]int) [3]time.Duration {
	var out [3]time.Duration
	for i, pid := range pids {
		out[i], _ = bench.ReadCPU(pid)
	}
	return out
}

// relayFloor is the floor with a fetch tool that GETs the measured person.
func relayFloor(f *target, up *upstream) *target {
	r := *f
	r.name = "floor (relay)"
	proxy := []string{"--proxy", up.baseURL + "/people/" + up.personID, "--proxy-key", benchKey}
	r.stdioArgs = append([]string{"stdio"}, proxy...)
	r.httpArgs = append([]string{"http"}, proxy...)
	r.tool, r.args = "fetch", map[string]any{}
	return &r
}

// startInitialized spawns t over stdio and initializes it.
func startInitialized(ctx context.Context, t *target) (*bench.StdioServer, error) {
	srv, _, err := t.startStdio()
	if err != nil {
		return nil, err
	}
	ictx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := srv.Initialize(ictx); err != nil {
		srv.Close(time.Second)
		return nil, fmt.Errorf("%s: %w", t.name, err)
	}
	return srv, nil
}

// stdioCall makes t's measured tool call and checks it succeeded.
func stdioCall(ctx context.Context, srv *bench.StdioServer, t *target) error {
	res, err := srv.Call(ctx, "tools/call", bench.CallParams(t.tool, t.args))
	if err != nil {
		return err
	}
	return bench.CheckToolResult(res)
}

// timeCalls runs fn n times and returns each duration.
func timeCalls(n int, fn func() error) (bench.Sample, error) {
	s := make(bench.Sample, 0, n)
	for range n {
		start := time.Now()
		if err := fn(); err != nil {
			return nil, err
		}
		s = append(s, time.Since(start))
	}
	return s, nil
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// latencyRows reports the added latency of a stdio call over a direct one.
func latencyRows(l *latencies) []bench.Row {
	added50 := bench.Ms(l.mcp.Percentile(50) - l.direct.Percentile(50))
	added99 := bench.Ms(l.mcp.Percentile(99) - l.direct.Percentile(99))
	n := fmt.Sprintf("%d calls each; %d upstream connections opened", len(l.mcp), l.conns)
	return []bench.Row{
		{Measure: "added stdio call latency p50 (get_person − direct klipy call)", Unit: "ms",
			Klipy: bench.Num(added50), Budget: "≤ 0.3 ms", Status: bench.Verdict(added50 <= 0.3), Note: n},
		{Measure: "added stdio call latency p99", Unit: "ms", Klipy: bench.Num(added99), Budget: "—", Status: bench.Info},
		bench.Row{Measure: "stdio tools/call round trip p50 (get_person vs echo)", Unit: "ms",
			Klipy: bench.Num(bench.Ms(l.mcp.Percentile(50))), Floor: bench.Num(bench.Ms(l.floor.Percentile(50))),
			Budget: "—", Status: bench.Info}.WithRatio(),
		bench.Row{Measure: "stdio tools/call round trip p99", Unit: "ms",
			Klipy: bench.Num(bench.Ms(l.mcp.Percentile(99))), Floor: bench.Num(bench.Ms(l.floor.Percentile(99))),
			Budget: "—", Status: bench.Info}.WithRatio(),
		bench.Row{Measure: "stdio relay of one upstream GET p50 (get_person vs floor fetch)", Unit: "ms",
			Klipy: bench.Num(bench.Ms(l.mcp.Percentile(50))), Floor: bench.Num(bench.Ms(l.relay.Percentile(50))),
			Budget: "—", Status: bench.Info,
			Note: "floor fetch = minimal relay: the cost of the shape (two process hops), not of klipy-mcp's code"}.WithRatio(),
		bench.Row{Measure: "stdio server CPU per call (get_person vs floor relay)", Unit: "µs",
			Klipy: bench.Num(float64(l.cpu[0]) / 1e3), Floor: bench.Num(float64(l.cpu[2]) / 1e3), Budget: "—",
			Status: bench.Info, Note: fmt.Sprintf("floor echo %.0f µs", float64(l.cpu[1])/1e3)}.WithRatio(),
		{Measure: "direct klipy client People.Get p50 / p99", Unit: "ms",
			Klipy: bench.Num(bench.Ms(l.direct.Percentile(50))), Budget: "—", Status: bench.Info,
			Note: fmt.Sprintf("p99 %.3f ms", bench.Ms(l.direct.Percentile(99)))},
	}
}
