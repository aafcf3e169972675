// Package rawio reads and writes descriptors that wait in the Go runtime's
// poller (sockets, and pipes opened non-blocking) with raw system calls.
//
// An ordinary read or write tells the scheduler it may block. When every
// processor was idle just before, as in a server that is waiting for its
// one client or for the upstream API, that wakes the runtime's monitor
// thread, which then polls every 20 µs until the process is idle again: two
// thread wake-ups and several sleeps per stdio tool call, about a third of
// the call's CPU on a small machine (docs/benchmarks.md). A read or write on
// a non-blocking descriptor cannot block, so that bookkeeping buys nothing:
// this package makes the call raw and, when it would block, waits in the
// poller as the standard library does (deadlines and Close still apply).
//
// On systems other than Linux every function returns what it was given.
package rawio

import (
	"context"
	"net"
	"os"
	"time"
)

// Polled reports whether f waits in the runtime's poller: only there can a
// deadline be set.
func Polled(f *os.File) bool { return f.SetDeadline(time.Time{}) == nil }

// Dialer returns a DialContext function for an http.Transport that dials
// with d and reads and writes each connection with Conn.
func Dialer(d *net.Dialer) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return Conn(c), nil
	}
}

// Listener returns ln with each accepted connection read and written with
// Conn.
func Listener(ln net.Listener) net.Listener { return listener{ln} }

type listener struct{ net.Listener }

func (l listener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return Conn(c), nil
}
