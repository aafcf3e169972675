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

	if n, restore := stdioProcs(func(string) (string, bool) { return "3", true }, true); n != before {
		t.Errorf("GOMAXPROCS set: stdioProcs = %d, want the current %d", n, before)
	} else {
		restore()
	}
	if n, restore := stdioProcs(unset, false); n != before || runtime.GOMAXPROCS(0) != before {
		t.Errorf("blocking input: stdioProcs = %d, want no change from %d", n, before)
	} else {
		restore()
	}
	n, restore := stdioProcs(unset, true)
	if n != 1 || runtime.GOMAXPROCS(0) != 1 {
		t.Errorf("poller input: stdioProcs = %d, runtime has %d; want 1", n, runtime.GOMAXPROCS(0))
	}
	restore()
	if got := runtime.GOMAXPROCS(0); got != before {
		t.Errorf("after restore: %d processors, want %d", got, before)
	}
}
