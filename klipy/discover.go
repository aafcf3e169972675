package klipy

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Discovery tuning (SPEC §10: a key that is not yet known never makes its
// callers queue).
const (
	// discoveryAttempts is how many times one check of the key is sent: one
	// fewer than a user's call gets, so that a failing upstream costs a
	// first call at most one more round trip.
	discoveryAttempts = 2
	// discoveryHoldMin is how long a failed check is reused before the next
	// one is sent; it doubles with every failure in a row, up to
	// discoveryHoldMax.
	discoveryHoldMin = 2 * time.Second
	discoveryHoldMax = 30 * time.Second
)

// ErrDiscoveryLimited is returned by Discover when Options.DiscoveryGate
// refused to send /authenticate (too many keys are being checked at once).
// Nothing was sent and nothing is remembered.
var ErrDiscoveryLimited = errors.New("klipy: too many new keys are being checked; retry in a moment")

// DiscoveryError says the last check of the key failed. It is remembered
// for RetryAfter; until then Discover returns it without asking again.
// Unwrap gives the cause, so errors.Is(err, ErrUnauthorized) says the key
// was rejected and errors.Is(err, ErrUnavailable) that the API was not
// reachable.
type DiscoveryError struct {
	Err        error
	RetryAfter time.Duration
}

// Error says that the key could not be checked, and why.
func (e *DiscoveryError) Error() string {
	return "klipy: the key could not be checked: " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *DiscoveryError) Unwrap() error { return e.Err }

// Discover makes sure the client knows what its key may do. It returns nil
// once /authenticate has answered for the key, or has been found closed to
// it (its scopes then stay unknown, or declared). Concurrent callers share
// one /authenticate in flight; each waits under its own ctx, and the check
// itself runs under the client's timeout, not under any caller's. A failed
// check is remembered briefly (*DiscoveryError), so that a failing upstream
// is not asked again by every call.
func (c *Client) Discover(ctx context.Context) error {
	if done, err := c.discovered(); done {
		return err
	}
	ch := c.flight.DoChan("authenticate", func() (any, error) {
		return nil, c.discoverOnce(context.WithoutCancel(ctx))
	})
	select {
	case r := <-ch:
		return r.Err
	case <-ctx.Done():
		return fmt.Errorf("klipy: waiting for the key check: %w", ctx.Err())
	}
}

// Discovered reports whether Discover would answer at once, without a new
// check of the key: callers on a hot path skip setting up a wait.
func (c *Client) Discovered() bool {
	done, _ := c.discovered()
	return done
}

// discovered reports whether Discover can answer without a new check, and
// that answer.
func (c *Client) discovered() (bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.authenticated || c.closed != nil:
		return true, nil
	case c.holdErr != nil:
		if left := c.holdUntil.Sub(c.clock()); left > 0 {
			return true, &DiscoveryError{Err: c.holdErr, RetryAfter: left}
		}
	}
	return false, nil
}

// discoverOnce sends one check (of discoveryAttempts attempts, bounded by
// the client's timeout) and remembers its failure.
func (c *Client) discoverOnce(ctx context.Context) error {
	if c.discoveryGate != nil && !c.discoveryGate() {
		return ErrDiscoveryLimited
	}
	ctx, cancel := context.WithTimeout(withAttempts(ctx, discoveryAttempts), c.timeout)
	defer cancel()
	_, _, err := c.Authenticate(ctx)
	c.mu.Lock()
	defer c.mu.Unlock()
	if err == nil || errors.Is(err, ErrScopesUnknown) {
		c.holdErr, c.fails = nil, 0
		return nil
	}
	hold := min(discoveryHoldMin<<min(c.fails, 5), discoveryHoldMax)
	if wait, ok := RetryAfter(err); ok {
		hold = max(hold, wait)
	}
	c.fails++
	c.holdErr, c.holdUntil = err, c.clock().Add(hold)
	return &DiscoveryError{Err: err, RetryAfter: hold}
}

// Permit reports whether an operation needing scope may be sent now. With
// the key's scopes known (listed by /authenticate, or declared) it is
// Allows; with /authenticate closed to the key and nothing declared, every
// operation may be tried. While the key has not been checked, Permit checks
// it first (Discover) and returns the check's error when it fails: an
// operation is never sent for a key whose scopes were never learnt, so that
// a tool a key is not offered never runs for it.
func (c *Client) Permit(ctx context.Context, op string, scope Scope) error {
	if scope == "" {
		return nil
	}
	if !c.scopesSettled() {
		if err := c.Discover(ctx); err != nil {
			return err
		}
	}
	if !c.Allows(scope) {
		return &ScopeError{Op: op, Scope: scope}
	}
	return nil
}

// scopesSettled reports whether what the key may do is as known as it will
// get: scopes listed or declared, /authenticate answered, or found closed.
func (c *Client) scopesSettled() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.scopesKnown || c.authenticated || c.closed != nil
}

// ScopesUnknownReason returns why the key's scopes and organization cannot
// be learnt (an *AuthenticateClosedError), or nil when they can or may yet.
func (c *Client) ScopesUnknownReason() error { return c.authClosed() }

type attemptsKey struct{}

// withAttempts returns a context whose calls are sent at most n times.
func withAttempts(ctx context.Context, n int) context.Context {
	return context.WithValue(ctx, attemptsKey{}, n)
}

// attemptsFor returns how many times a call under ctx may be sent.
func attemptsFor(ctx context.Context) int {
	if n, ok := ctx.Value(attemptsKey{}).(int); ok && n > 0 {
		return n
	}
	return maxAttempts
}
