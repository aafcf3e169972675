package klipy_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/klipy-ai/klipy-mcp/klipy"
	"github.com/klipy-ai/klipy-mcp/klipy/klipytest"
)

// plainFake starts the fake (without the contract wrapper: the closed
// /authenticate answers are not part of the contract of record) with one
// key and returns it with a client for that key.
func plainFake(t *testing.T, key klipytest.Key, mod ...func(*klipy.Options)) (*klipytest.Server, *klipy.Client) {
	t.Helper()
	fake := klipytest.New(klipytest.Options{BasePath: prefix})
	fake.AddKey(key)
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	opts := klipy.Options{BaseURL: srv.URL + prefix, APIKey: key.Token, Limiter: klipy.NewLocalLimiter()}
	for _, m := range mod {
		m(&opts)
	}
	c, err := klipy.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return fake, c
}

func countOp(fake *klipytest.Server, op string) int {
	n := 0
	for _, r := range fake.Requests() {
		if r.Op == op {
			n++
		}
	}
	return n
}

// TestDiscoverSharesOneCheck: concurrent first callers of a key share one
// /authenticate, and the scopes it learnt apply to all of them.
func TestDiscoverSharesOneCheck(t *testing.T) {
	fake, c := plainFake(t, klipytest.Key{Token: testKey(t), Org: "acme", Scopes: []string{"people:read"}})
	fake.SetLatency(100 * time.Millisecond) // keep the check in flight while the others arrive
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if err := c.Discover(ctxTimeout(t, 5*time.Second)); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := countOp(fake, "authenticate"); n != 1 {
		t.Errorf("%d /authenticate for 8 concurrent first callers, want 1", n)
	}
	if scopes, known := c.Scopes(); !known || len(scopes) != 1 {
		t.Errorf("scopes %v (known %v), want [people:read]", scopes, known)
	}
}

// TestDiscoverWaitsUnderEachCallersContext: a caller whose context ends
// stops waiting at once; the check goes on for the others.
func TestDiscoverWaitsUnderEachCallersContext(t *testing.T) {
	fake, c := plainFake(t, allScopes(t))
	fake.SetLatency(400 * time.Millisecond)
	done := make(chan error, 1)
	go func() { done <- c.Discover(ctxTimeout(t, 5*time.Second)) }()
	start := time.Now()
	err := c.Discover(ctxTimeout(t, 50*time.Millisecond))
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 300*time.Millisecond {
		t.Errorf("impatient caller: %v after %v, want its own deadline at ~50ms", err, time.Since(start))
	}
	if err := <-done; err != nil {
		t.Errorf("patient caller: %v", err)
	}
	if n := countOp(fake, "authenticate"); n != 1 {
		t.Errorf("%d /authenticate, want 1", n)
	}
}

// TestDiscoverRemembersAFailureBriefly: a failed check is reused until its
// hold ends (no request per call), then checked again; the check is sent
// fewer times than a user's call is.
func TestDiscoverRemembersAFailureBriefly(t *testing.T) {
	fake, c := plainFake(t, allScopes(t))
	now := time.Now()
	var mu sync.Mutex
	klipy.SetClock(c, func() time.Time { mu.Lock(); defer mu.Unlock(); return now })
	fake.FailNext(100, http.StatusServiceUnavailable)
	err := c.Discover(ctxTimeout(t, 5*time.Second))
	var de *klipy.DiscoveryError
	if !errors.As(err, &de) || !errors.Is(err, klipy.ErrUnavailable) || de.RetryAfter <= 0 {
		t.Fatalf("Discover = %v, want a *DiscoveryError wrapping ErrUnavailable with RetryAfter", err)
	}
	if n := fake.Count(); n != 2 {
		t.Errorf("the check was sent %d times, want 2 (a user's call gets 3)", n)
	}
	for range 5 {
		if err := c.Permit(ctxTimeout(t, time.Second), "createPerson", klipy.ScopePeopleWrite); !errors.As(err, &de) {
			t.Errorf("Permit while the failure is held = %v, want the *DiscoveryError", err)
		}
	}
	if n := fake.Count(); n != 2 {
		t.Errorf("%d requests after 5 more calls, want still 2: the failure is reused", n)
	}
	fake.ClearFaults()
	mu.Lock()
	now = now.Add(de.RetryAfter)
	mu.Unlock()
	if err := c.Permit(ctxTimeout(t, time.Second), "createPerson", klipy.ScopePeopleWrite); err != nil {
		t.Errorf("Permit after the hold: %v", err)
	}
	if n := fake.Count(); n != 3 {
		t.Errorf("%d requests, want 3 (checked again once the hold ended)", n)
	}
}

// TestDiscoverFirstCallsUpstreamRefusing: with the upstream refusing
// connections, 8 concurrent first calls all fail within 2 s.
func TestDiscoverFirstCallsUpstreamRefusing(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	c, err := klipy.New(klipy.Options{BaseURL: "http://" + addr + prefix, APIKey: testKey(t), Limiter: klipy.NewLocalLimiter()})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	var wg sync.WaitGroup
	var slowest atomic.Int64
	for range 8 {
		wg.Go(func() {
			err := c.Permit(ctxTimeout(t, 30*time.Second), "getPerson", klipy.ScopePeopleRead)
			if !errors.Is(err, klipy.ErrUnavailable) {
				t.Errorf("Permit = %v, want unavailable", err)
			}
			d := int64(time.Since(start))
			for cur := slowest.Load(); d > cur && !slowest.CompareAndSwap(cur, d); cur = slowest.Load() {
			}
		})
	}
	wg.Wait()
	if d := time.Duration(slowest.Load()); d > 2*time.Second {
		t.Errorf("slowest of 8 first calls took %v, want ≤ 2s", d)
	}
}

// TestDiscoveryGate: a refused gate sends nothing and is not remembered.
func TestDiscoveryGate(t *testing.T) {
	var open atomic.Bool
	fake, c := plainFake(t, allScopes(t), func(o *klipy.Options) { o.DiscoveryGate = open.Load })
	if err := c.Discover(ctxTimeout(t, time.Second)); !errors.Is(err, klipy.ErrDiscoveryLimited) {
		t.Errorf("Discover with the gate shut = %v, want ErrDiscoveryLimited", err)
	}
	if n := fake.Count(); n != 0 {
		t.Errorf("%d requests sent through a shut gate", n)
	}
	open.Store(true)
	if err := c.Discover(ctxTimeout(t, time.Second)); err != nil {
		t.Errorf("Discover with the gate open = %v", err)
	}
}

// TestAuthenticateNeedsAll plays /authenticate needing ALL (SPEC §1): a 403,
// or a 401 about scope, for a key that works elsewhere means scopes and
// organization unknown, remembered; a bad key is still a bad key.
func TestAuthenticateNeedsAll(t *testing.T) {
	for _, mode := range []klipytest.AuthMode{klipytest.AuthNeedsAll403, klipytest.AuthNeedsAll401} {
		t.Run(map[klipytest.AuthMode]string{klipytest.AuthNeedsAll403: "403", klipytest.AuthNeedsAll401: "401"}[mode], func(t *testing.T) {
			fake, c := plainFake(t, klipytest.Key{Token: testKey(t), Org: "acme", Scopes: []string{"people:read"}})
			fake.SetAuthMode(mode)
			_, _, err := c.Authenticate(ctxTimeout(t, 5*time.Second))
			var closed *klipy.AuthenticateClosedError
			if !errors.As(err, &closed) || !errors.Is(err, klipy.ErrScopesUnknown) || errors.Is(err, klipy.ErrUnauthorized) {
				t.Fatalf("Authenticate = %v, want *AuthenticateClosedError", err)
			}
			if err := c.Discover(ctxTimeout(t, time.Second)); err != nil {
				t.Errorf("Discover = %v, want nil: the key is usable", err)
			}
			if err := c.Permit(ctxTimeout(t, time.Second), "createPerson", klipy.ScopePeopleWrite); err != nil {
				t.Errorf("Permit with unknown scopes = %v, want nil (tried; a 403 names the scope)", err)
			}
			if c.ScopesUnknownReason() == nil {
				t.Error("ScopesUnknownReason is nil")
			}
			for range 3 {
				_, _, _ = c.Authenticate(ctxTimeout(t, time.Second))
			}
			if n, p := countOp(fake, "authenticate"), countOp(fake, "getPerson"); n != 1 || p != 1 {
				t.Errorf("%d /authenticate and %d probes, want 1 and 1 (remembered)", n, p)
			}
			if err := c.Ping(ctxTimeout(t, time.Second)); err != nil {
				t.Errorf("Ping = %v, want nil (the probe answers)", err)
			}
		})
	}
	t.Run("bad key", func(t *testing.T) {
		fake, c := plainFake(t, klipytest.Key{Token: testKey(t), Org: "acme", Scopes: []string{"people:read"}},
			func(o *klipy.Options) { o.APIKey = "klipy_api_not_a_key" })
		fake.SetAuthMode(klipytest.AuthNeedsAll403)
		if err := c.Discover(ctxTimeout(t, time.Second)); !errors.Is(err, klipy.ErrUnauthorized) {
			t.Errorf("Discover with a bad key = %v, want ErrUnauthorized", err)
		}
	})
	t.Run("403 from a key that works nowhere", func(t *testing.T) {
		c, a := newTestClient(t, sequence(
			reply(403, `{"error":{"code":"forbidden","message":"forbidden"}}`),
			reply(401, `{"error":{"code":"invalid_api_key","message":"unknown key"}}`)))
		if _, _, err := c.Authenticate(ctxTimeout(t, time.Second)); !errors.Is(err, klipy.ErrUnauthorized) {
			t.Errorf("Authenticate = %v, want ErrUnauthorized (the probe said 401)", err)
		}
		if n := len(a.requests()); n != 2 {
			t.Errorf("%d requests, want 2 (/authenticate and one probe)", n)
		}
	})
}

// TestDiscoverHoldGrows: the hold after a failed check doubles with every
// failure in a row, up to 30 s, and a success resets it.
func TestDiscoverHoldGrows(t *testing.T) {
	fake, c := plainFake(t, allScopes(t))
	now := time.Now()
	klipy.SetClock(c, func() time.Time { return now })
	fake.FailNext(1000, http.StatusServiceUnavailable)
	var holds []time.Duration
	for range 6 {
		var de *klipy.DiscoveryError
		if err := c.Discover(ctxTimeout(t, 5*time.Second)); !errors.As(err, &de) {
			t.Fatalf("Discover = %v, want a *DiscoveryError", err)
		}
		holds = append(holds, de.RetryAfter)
		now = now.Add(de.RetryAfter) // before the next check starts: no lock needed
	}
	want := []time.Duration{2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second, 30 * time.Second, 30 * time.Second}
	if !slices.Equal(holds, want) {
		t.Errorf("holds %v, want %v", holds, want)
	}
}
