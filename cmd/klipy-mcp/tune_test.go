package main

import (
	"runtime"
	"runtime/debug"
	"testing"
)

func TestTuneGC(t *testing.T) {
	before := debug.SetGCPercent(100)
	t.Cleanup(func() { debug.SetGCPercent(before) })

	if p, set := tuneGC(func(string) (string, bool) { return "50", true }); set || p != 0 {
		t.Fatalf("GOGC set: tuneGC = %d, %v; want no change", p, set)
	}
	if got := debug.SetGCPercent(100); got != 100 {
		t.Fatalf("GOGC set: collector target %d, want the operator's (100 here)", got)
	}
	if p, set := tuneGC(func(string) (string, bool) { return "", false }); !set || p != httpGCPercent {
		t.Fatalf("GOGC unset: tuneGC = %d, %v; want %d, true", p, set, httpGCPercent)
	}
	if got := debug.SetGCPercent(100); got != httpGCPercent {
		t.Fatalf("GOGC unset: collector target %d, want %d", got, httpGCPercent)
	}
}

func TestStdioProcs(t *testing.T) {
	before := runtime.GOMAXPROCS(0)
	t.Cleanup(func() { runtime.GOMAXPROCS(before) })
	unset := func(string) (string, bool) { return "", false }

	for name, tc := range map[string]struct {
		lookup   func(string) (string, bool)
		pollable bool
	}{
		"GOMAXPROCS set": {func(string) (string, bool) { return "3", true }, true},
		"blocking input": {unset, false},
	} {
		n, toCalls := stdioProcs(tc.lookup, tc.pollable)
		toCalls()()
		if n != before || runtime.GOMAXPROCS(0) != before {
			t.Errorf("%s: stdioProcs = %d and %d processors after toCalls, want no change from %d", name, n, runtime.GOMAXPROCS(0), before)
		}
	}
	n, toCalls := stdioProcs(unset, true)
	if n != 1 || runtime.GOMAXPROCS(0) != before {
		t.Errorf("poller input: stdioProcs = %d with %d processors; want 1, and no change before toCalls", n, runtime.GOMAXPROCS(0))
	}
	restore := toCalls()
	if got := runtime.GOMAXPROCS(0); got != 1 {
		t.Errorf("after toCalls: %d processors, want 1", got)
	}
	restore()
	if got := runtime.GOMAXPROCS(0); got != before {
		t.Errorf("after restore: %d processors, want %d", got, before)
	}
}
