package main

import "runtime/debug"

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
