package main

import (
	"runtime"
	"runtime/debug"
)

// httpGCPercent is the collector's target in http mode when GOGC is not set.
//
// The host's live heap is small (about 1 MB, plus a few KB per session), so
// Go's default (GOGC=100, with its 4 MB minimum) starts a collection every
// hundred or so tool calls, and each one also burns idle processors on
// marking. Doubling the target halves the collections for about 4 MB more
// heap: docs/benchmarks.md measures what it saves per call. Stdio mode keeps
// the default, where start-up memory matters more than CPU per call.
const httpGCPercent = 200

// tuneGC sets the collector's target for http mode unless the operator chose
// one with GOGC, and reports the percent it set.
func tuneGC(lookup func(string) (string, bool)) (percent int, set bool) {
	if _, chosen := lookup("GOGC"); chosen {
		return 0, false
	}
	debug.SetGCPercent(httpGCPercent)
	return httpGCPercent, true
}

// stdioProcs returns the processors a stdio session's tool calls run on:
// one (GOMAXPROCS=1) when its input waits in the runtime's poller, unless
// the operator chose GOMAXPROCS; toCalls sets that number and returns a
// function that puts the previous one back. The session calls it at its
// first tool call: start-up (package set-up, the key check, the catalogue,
// the collection of start-up garbage) keeps every processor, as one would
// lengthen it and raise its peak memory (docs/benchmarks.md).
//
// A stdio server serves one client, and a call spends microseconds of CPU
// between waits on its client and on Klipy. With more processors, the
// runtime wakes an idle thread to look for work at every step of a call,
// and that thread competes for a small machine's cores with the client and
// Klipy's answer: on two cores, with the input in the poller, one processor
// cut a call's round trip by about a fifth and its CPU by a third. With a
// blocking input (a terminal) a single processor would wait behind the
// read, so it is kept only for poller input.
func stdioProcs(lookup func(string) (string, bool), pollable bool) (procs int, toCalls func() (restore func())) {
	if _, chosen := lookup("GOMAXPROCS"); chosen || !pollable {
		return runtime.GOMAXPROCS(0), func() func() { return func() {} }
	}
	return 1, func() func() {
		prev := runtime.GOMAXPROCS(1)
		return func() { runtime.GOMAXPROCS(prev) }
	}
}
