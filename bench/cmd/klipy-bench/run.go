package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/klipy-ai/klipy-mcp/bench"
)

// run builds the servers, runs the chosen phases and reports. It returns
// false when a measure failed, or (with -strict) a budget was missed.
func run(ctx context.Context, cfg *config, log *slog.Logger) (bool, error) {
	began := time.Now()
	cfg.loadBefore = loadAvg()
	root, err := moduleRoot(ctx)
	if err != nil {
		return false, err
	}
	cfg.root = root
	cfg.tree = treeVersion(ctx, root) // what is built, before anyone commits more
	dir, cleanup, err := binDir(cfg.binDir)
	if err != nil {
		return false, err
	}
	defer cleanup()
	log.Info("building", "dir", dir)
	kbin, kerr := build(ctx, root, dir, "klipy-mcp", "./cmd/klipy-mcp", cfg.overlay)
	fbin, err := build(ctx, root, dir, "floor", "./bench/floor", "")
	if err != nil {
		return false, err
	}
	up, err := startUpstream(ctx, unlimited, unlimited, true)
	if err != nil {
		return false, err
	}
	defer up.close()
	k, f := targets(kbin, fbin, up)
	rows := runPhases(ctx, cfg, log, k, f, up, kerr)
	return report(ctx, cfg, rows, time.Since(began))
}

// binDir returns the directory to build into: dir (made absolute and
// created), or a temporary one that cleanup removes.
func binDir(dir string) (string, func(), error) {
	if dir == "" {
		tmp, err := os.MkdirTemp("", "klipy-bench-")
		return tmp, func() { os.RemoveAll(tmp) }, err
	}
	abs, err := filepath.Abs(dir)
	if err == nil {
		err = os.MkdirAll(abs, 0o755)
	}
	return abs, func() {}, err
}

// runPhases runs each chosen phase; a phase that fails (or every phase, when
// klipy-mcp did not build: buildErr) becomes an error row.
func runPhases(ctx context.Context, cfg *config, log *slog.Logger, k, f *target, up *upstream, buildErr error) []bench.Row {
	var rows []bench.Row
	for _, p := range phases {
		if !cfg.wants(p) {
			continue
		}
		log.Info("measuring", "phase", p)
		got, err := []bench.Row(nil), buildErr
		if err == nil {
			got, err = runPhase(ctx, p, cfg, k, f, up)
		}
		switch {
		case errors.Is(err, errNoRedis):
			log.Warn("phase skipped", "phase", p, "why", err)
			got = append(got, bench.Row{Measure: p, Status: bench.Skip, Note: err.Error()})
		case err != nil:
			log.Error("phase failed", "phase", p, "err", err)
			got = append(got, bench.Row{Measure: p, Status: bench.Error, Note: oneLine(err)})
		}
		rows = append(rows, got...)
	}
	return rows
}

// targets describes the two servers. klipy-mcp runs as a user would run it
// (key + base URL) with a rate limit high enough not to distort latency.
func targets(kbin, fbin string, up *upstream) (*target, *target) {
	k := &target{name: "klipy-mcp", bin: kbin,
		stdioArgs: []string{"stdio", "--api-key", benchKey, "--base-url", up.baseURL},
		httpArgs: []string{"http", "--api-key", benchKey, "--base-url", up.baseURL,
			"--rate-limit", strconv.Itoa(unlimited)},
		tool: "get_person", args: map[string]any{"person_id": up.personID}}
	f := &target{name: "floor", bin: fbin, stdioArgs: []string{"stdio"}, httpArgs: []string{"http"},
		tool: "echo", args: map[string]any{"message": "hello"}}
	return k, f
}

// withRateLimit returns a copy of t whose stdio mode has no effective limit.
func withRateLimit(t *target) *target {
	c := *t
	c.stdioArgs = append(append([]string{}, t.stdioArgs...), "--rate-limit", strconv.Itoa(unlimited))
	return &c
}

func runPhase(ctx context.Context, phase string, cfg *config, k, f *target, up *upstream) ([]bench.Row, error) {
	switch phase {
	case "startup":
		return startupPhase(ctx, cfg, k, f)
	case "latency":
		l, err := stdioLatency(ctx, withRateLimit(k), f, up, cfg.calls, cfg.latencyLimit)
		if err != nil {
			return nil, err
		}
		return latencyRows(l), nil
	case "http":
		return httpThroughput(ctx, k, f, up, cfg.levels, cfg.httpDuration, cfg.httpWarm)
	case "sessions":
		km, err := sessionMemory(ctx, k, cfg.sessions)
		if err != nil {
			return nil, err
		}
		fm, err := sessionMemory(ctx, f, cfg.sessions)
		if err != nil {
			return nil, err
		}
		return sessionRows(km, fm, cfg.sessions), nil
	case "budget":
		b, err := upstreamBudget(ctx, k, cfg.budgetCallers, cfg.budgetDuration)
		if err != nil {
			return nil, err
		}
		return budgetRows(b, cfg.budgetCallers, "stdio"), nil
	case "replicas":
		b, err := replicatedBudget(ctx, k, cfg.budgetCallers, cfg.budgetDuration)
		if err != nil {
			return nil, err
		}
		return budgetRows(b, cfg.budgetCallers, fmt.Sprintf("%d HTTP replicas sharing Redis", replicas)), nil
	case "search":
		return searchCache(ctx, k, up)
	}
	return nil, fmt.Errorf("unknown phase %q", phase)
}

// startupPhase measures cold starts and peak RSS, and sizes tools/list.
func startupPhase(ctx context.Context, cfg *config, k, f *target) ([]bench.Row, error) {
	runs, err := coldStarts(ctx, []*target{k, f}, cfg.warmup, cfg.runs)
	if err != nil {
		return nil, err
	}
	rows := coldStartRows(runs)
	far, err := distantColdStart(ctx, k, max(3, cfg.runs/4))
	if err != nil {
		return rows, err
	}
	rows = append(rows, distantRow(far, runs[f.name]))
	tok := bench.Tokenizer{Dir: filepath.Join(cfg.root, "bench", "tokenizer")}
	if err := tok.Install(ctx); err != nil {
		return rows, err
	}
	kc, err := measureCatalogue(ctx, tok, runs[k.name][0].toolsList)
	if err != nil {
		return rows, fmt.Errorf("klipy-mcp tools/list: %w", err)
	}
	fc, err := measureCatalogue(ctx, tok, runs[f.name][0].toolsList)
	if err != nil {
		return rows, fmt.Errorf("floor tools/list: %w", err)
	}
	rows = append(rows, catalogueRows(kc, fc)...)
	lr, err := listRowsRows(ctx, tok, k)
	if err != nil {
		return rows, fmt.Errorf("list rows: %w", err)
	}
	return append(rows, lr...), nil
}

// moduleRoot returns the directory of the main module's go.mod.
func moduleRoot(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", fmt.Errorf("run klipy-bench from inside the klipy-mcp module")
	}
	return filepath.Dir(gomod), nil
}

func oneLine(err error) string {
	s := strings.Join(strings.Fields(err.Error()), " ")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

// report prints the rows as JSON lines and a table, and updates the doc.
func report(ctx context.Context, cfg *config, rows []bench.Row, took time.Duration) (bool, error) {
	if err := bench.WriteJSONLines(os.Stdout, rows); err != nil {
		return false, err
	}
	table := bench.Markdown(rows)
	fmt.Println()
	fmt.Print(table)
	ok := passed(rows, cfg.strict)
	if cfg.doc == "" {
		return ok, nil
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "Generated by `%s` on %s (took %s).\n\n", strings.TrimSpace(cfg.command),
		time.Now().UTC().Format("2006-01-02 15:04 MST"), took.Round(time.Second))
	b.WriteString(machine(ctx))
	fmt.Fprintf(&b, "Tree: %s. Load average (1 min) at start %s, at end %s.\n\n", cfg.tree, cfg.loadBefore, loadAvg())
	if cfg.overlay != "" {
		fmt.Fprintf(&b, "klipy-mcp was built with `-overlay %s` (a proposed change, not the tree).\n\n", cfg.overlay)
	}
	b.WriteString(table)
	return ok, bench.UpdateDoc(filepath.Join(cfg.root, cfg.doc), b.String())
}

// passed says whether the run succeeds: every measure was taken and, with
// strict, every budget was met and no measure was skipped.
func passed(rows []bench.Row, strict bool) bool {
	for _, r := range rows {
		missed := r.Status == bench.Fail || r.Status == bench.Skip
		if r.Status == bench.Error || (strict && missed) {
			return false
		}
	}
	return true
}

// machine describes where the run happened.
func machine(ctx context.Context) string {
	cpu := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.SplitSeq(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				cpu = strings.TrimSpace(v)
				break
			}
		}
	}
	gov, _ := exec.CommandContext(ctx, "go", "env", "GOVERSION").Output()
	return fmt.Sprintf("Machine: %s, %d cores (GOMAXPROCS of the servers), %s, %s/%s.\n",
		cpu, numCPU(), strings.TrimSpace(string(gov)), goos(), goarch())
}

// loadAvg returns the 1-minute load average, or "?".
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) > 0 {
		return f[0]
	}
	return "?"
}

// treeVersion names the commit measured, marked when the tree has changes.
func treeVersion(ctx context.Context, root string) string {
	git := func(args ...string) string {
		cmd := exec.CommandContext(ctx, "git", args...)
		cmd.Dir = root
		out, _ := cmd.Output()
		return strings.TrimSpace(string(out))
	}
	rev := git("rev-parse", "--short", "HEAD")
	if rev == "" {
		return "unknown commit"
	}
	if git("status", "--porcelain", "--untracked-files=no") != "" {
		rev += " with uncommitted changes"
	}
	return "commit " + rev
}
