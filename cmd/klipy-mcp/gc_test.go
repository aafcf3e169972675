package main

import (
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
