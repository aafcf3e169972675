// Command klipy-bench measures klipy-mcp against the performance budgets of
// SPEC §9. It builds klipy-mcp and the floor server (bench/floor: a minimal
// mcp-go server with one echo tool, and with --proxy the relay floor whose
// one tool makes the same upstream GET as get_person) and measures them in
// the same run, so that every budget is a ratio against a reference on the
// same noisy machine: stdio cold start, peak RSS, the model-visible size of
// tools/list, the tokens a model reads back from list pages and get_person
// (demo workspace), the latency a stdio tool call adds over a direct klipy
// client call, streamable HTTP throughput and CPU per call against the relay
// floor, memory per idle HTTP session, upstream requests of a second search
// within 60 s, and use of the upstream rate budget over stdio and by two
// HTTP replicas sharing a redis-server it starts on loopback (that phase is
// skipped, with a message, where redis-server is missing). The fake Klipy
// API (klipytest) runs in this process on loopback.
//
// It prints one JSON object per measure and a markdown table on stdout
// (progress goes to stderr), and with -doc rewrites the generated part of
// docs/benchmarks.md. It exits 1 when a measure could not be taken, and with
// -strict also when a budget is missed or a measure was skipped (shared
// machines are noisy: a gate on the budgets belongs on a quiet machine with
// the full run).
//
// Usage, from the module root:
//
//	go run ./bench/cmd/klipy-bench [-quick] [-strict] [-only phase,...] [-doc docs/benchmarks.md]
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"time"
)

// config holds the flags.
type config struct {
	quick          bool
	strict         bool
	runs, warmup   int
	calls          int
	latencyLimit   time.Duration
	httpDuration   time.Duration
	httpWarm       time.Duration
	levels         []int
	sessions       int
	budgetDuration time.Duration
	budgetCallers  int
	doc            string
	only           map[string]bool
	root           string
	binDir         string
	overlay        string
	command        string
	loadBefore     string
	tree           string
}

// phases are the measures, in the order they run; -only picks some.
var phases = []string{"startup", "latency", "http", "sessions", "search", "budget", "replicas"}

func parseFlags(args []string) (*config, error) {
	fs := flag.NewFlagSet("klipy-bench", flag.ContinueOnError)
	c := &config{}
	fs.BoolVar(&c.quick, "quick", false, "one short iteration of everything (CI): finishes in well under 2 minutes")
	fs.BoolVar(&c.strict, "strict", false, "exit 1 when a budget is missed, not only when a measure fails")
	fs.IntVar(&c.runs, "runs", 25, "measured cold starts per server (after -warmup)")
	fs.IntVar(&c.warmup, "warmup", 3, "cold starts per server before measuring")
	fs.IntVar(&c.calls, "calls", 3000, "stdio calls per kind for the added-latency measure")
	fs.DurationVar(&c.latencyLimit, "latency-limit", 3*time.Minute, "stop the added-latency measure after this long")
	fs.DurationVar(&c.httpDuration, "http-duration", 4*time.Second, "load time per server and concurrency level")
	levels := fs.String("concurrency", "1,4,16,64", "HTTP concurrency levels")
	fs.IntVar(&c.sessions, "sessions", 500, "idle HTTP sessions opened for the per-session memory measure")
	fs.DurationVar(&c.budgetDuration, "budget-duration", 2*time.Minute, "length of the sustained-demand upstream budget run")
	fs.IntVar(&c.budgetCallers, "budget-callers", 4, "concurrent callers in the upstream budget run")
	fs.StringVar(&c.doc, "doc", "", "rewrite the generated part of this markdown file (e.g. docs/benchmarks.md)")
	only := fs.String("only", "", "comma list of phases to run: "+strings.Join(phases, ","))
	fs.StringVar(&c.overlay, "overlay", "", "go build -overlay file for klipy-mcp: measure a proposed change without editing the tree")
	fs.StringVar(&c.binDir, "bin-dir", "", "where to build the binaries (default: a temporary directory)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if c.quick {
		c.applyQuick(fs)
	}
	var err error
	if c.levels, err = parseInts(*levels); err != nil {
		return nil, fmt.Errorf("-concurrency: %w", err)
	}
	c.only = map[string]bool{}
	for p := range strings.SplitSeq(*only, ",") {
		if p != "" {
			c.only[p] = true
		}
	}
	c.command = "go run ./bench/cmd/klipy-bench " + strings.Join(args, " ")
	c.httpWarm = min(c.httpDuration/4, time.Second)
	return c, nil
}

// applyQuick shrinks every measure that was not set explicitly.
func (c *config) applyQuick(fs *flag.FlagSet) {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	shrink := func(name string, apply func()) {
		if !set[name] {
			apply()
		}
	}
	shrink("runs", func() { c.runs = 5 })
	shrink("warmup", func() { c.warmup = 1 })
	shrink("calls", func() { c.calls = 300 })
	shrink("latency-limit", func() { c.latencyLimit = 15 * time.Second })
	shrink("http-duration", func() { c.httpDuration = 500 * time.Millisecond })
	shrink("sessions", func() { c.sessions = 100 })
	shrink("budget-duration", func() { c.budgetDuration = 10 * time.Second })
}

func parseInts(s string) ([]int, error) {
	var out []int
	for f := range strings.SplitSeq(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("bad level %q", f)
		}
		out = append(out, n)
	}
	return out, nil
}

func (c *config) wants(phase string) bool { return len(c.only) == 0 || c.only[phase] }

func main() {
	cfg, err := parseFlags(os.Args[1:])
	if err != nil {
		os.Exit(2)
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ok, err := run(ctx, cfg, log)
	if err != nil {
		log.Error("benchmark failed", "err", err)
		os.Exit(1)
	}
	if !ok {
		os.Exit(1)
	}
}
