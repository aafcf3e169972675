package hosting

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/klipy-ai/klipy-mcp/klipy"
	"github.com/klipy-ai/klipy-mcp/klipy/klipytest"
	"github.com/klipy-ai/klipy-mcp/tools"
	"github.com/mark3labs/mcp-go/mcp"
)

// firstCalls runs n concurrent first calls (initialize, then get_person) of
// key and returns how long the slowest took; every call must end in an
// isError result.
func firstCalls(t *testing.T, url, key string, n int) time.Duration {
	t.Helper()
	start := time.Now()
	var wg sync.WaitGroup
	var slowest atomic.Int64
	for range n {
		wg.Go(func() {
			c, err := dial(url, mcp.ProtocolVersion20260728, bearer(key))
			if err != nil {
				t.Errorf("connect: %v", err)
				return
			}
			defer c.Close()
			res, err := tryCall(c, "get_person", map[string]any{"person_id": "per_1"})
			switch {
			case err != nil:
				t.Errorf("get_person: %v", err)
			case !res.IsError:
				t.Errorf("get_person succeeded against a failing upstream: %s", resultText(res))
			}
			d := int64(time.Since(start))
			for cur := slowest.Load(); d > cur && !slowest.CompareAndSwap(cur, d); cur = slowest.Load() {
			}
		})
	}
	wg.Wait()
	return time.Duration(slowest.Load())
}

// TestFirstCallsUpstreamRefusing (issue 9.2): with the upstream refusing
// connections, 8 concurrent first calls of one new key all return an
// isError within 2 s (they used to queue behind one another's checks).
func TestFirstCallsUpstreamRefusing(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := "http://" + ln.Addr().String() + "/api/v1"
	ln.Close()
	_, url := host(t, &upstream{url: refused}, Config{})
	if d := firstCalls(t, url, "klipy_api_fresh_key", 8); d > 2*time.Second {
		t.Errorf("the slowest of 8 first calls took %v, want ≤ 2s", d)
	}
}

// TestFirstCallsUpstreamSlow (issue 9.2): with the upstream slower than the
// timeout, 4 concurrent first calls all return within the timeout plus one
// backoff (and some slack for a shared machine).
func TestFirstCallsUpstreamSlow(t *testing.T) {
	up := newUpstream(t)
	up.SetLatency(3 * time.Second)
	const timeout = time.Second
	_, url := host(t, up, Config{Klipy: klipy.Options{Timeout: timeout}})
	if d := firstCalls(t, url, keyAll, 4); d > timeout+100*time.Millisecond+400*time.Millisecond {
		t.Errorf("the slowest of 4 first calls took %v, want ≤ timeout (%v) + one backoff", d, timeout)
	}
	if n := up.Count(); n > 2 {
		t.Errorf("the fake got %d requests, want at most 2 (one check, shared)", n)
	}
}

// The bounds TestBogusKeyFlood holds the flood's answers to.
const (
	floodAnswerBound = time.Second
	floodBound       = 10 * time.Second
)

// TestBogusKeyFlood (issue 9.5): 2,000 unknown keys cost at most 20
// upstream checks, each gets 401 or 503 within floodAnswerBound, the whole
// flood is answered within floodBound, and a known caller stays cached (it
// is not checked again) even with a small cache.

func TestBogusKeyFlood(t *testing.T) {
	up := newUpstream(t)
	_, url := host(t, up, Config{ClientCacheSize: 100})
	known := connect(t, url, mcp.ProtocolVersion20251125, bearer(keyAll))
	call(t, known, "search_people", map[string]any{"email": "nobody@example.com"})

	keys := make(chan string)
	go func() {
		defer close(keys)
		for i := range 2000 {
			keys <- fmt.Sprintf("klipy_api_bogus_%04d", i)
		}
	}()
	var wg sync.WaitGroup
	var mu sync.Mutex
	var slowest time.Duration
	start := time.Now()
	for range 16 {
		wg.Go(func() {
			for key := range keys {
				sent := time.Now()
				resp, _ := post(t, url, initializeBody, bearer(key))
				if resp.StatusCode != http.StatusUnauthorized && resp.StatusCode != http.StatusServiceUnavailable {
					t.Errorf("a bogus key got %d, want 401 or 503", resp.StatusCode)
				}
				took := time.Since(sent)
				mu.Lock()
				slowest = max(slowest, took)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	flood := time.Since(start)
	t.Logf("2,000 bogus keys answered in %v, the slowest in %v", flood, slowest)
	// A bogus key is refused from memory or by the discovery cap, never
	// after waiting on the upstream: each answer is quick, and so is the
	// flood (bounds generous for a loaded 2-core machine under -race).
	if slowest > floodAnswerBound {
		t.Errorf("the slowest bogus-key request took %v, want ≤ %v", slowest, floodAnswerBound)
	}
	if flood > floodBound {
		t.Errorf("2,000 bogus keys took %v, want ≤ %v", flood, floodBound)
	}
	bogus, knownChecks := 0, 0
	for _, r := range up.Requests() {
		switch {
		case strings.HasPrefix(string(r.Key), "klipy_api_bogus_"):
			bogus++
		case string(r.Key) == keyAll && r.Op == "authenticate":
			knownChecks++
		}
	}
	t.Logf("2,000 bogus keys: %d upstream requests", bogus)
	if bogus > 20 {
		t.Errorf("2,000 bogus keys sent %d upstream requests, want ≤ 20", bogus)
	}
	call(t, known, "search_people", map[string]any{"email": "nobody@example.com"})
	for _, r := range up.Requests() {
		if string(r.Key) == keyAll && r.Op == "authenticate" {
			knownChecks--
		}
	}
	if knownChecks != 0 {
		t.Errorf("the known caller was checked again after the flood: it was pushed out of the cache")
	}
}

// TestRejectedKeyIsRemembered: a rejected key is answered 401 from memory
// for a while; the upstream sees it once.
func TestRejectedKeyIsRemembered(t *testing.T) {
	up := newUpstream(t)
	_, url := host(t, up, Config{})
	for range 5 {
		if resp, _ := post(t, url, initializeBody, bearer(keyBogus)); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("bogus key: %d, want 401", resp.StatusCode)
		}
	}
	if n := up.Count(); n != 1 {
		t.Errorf("the upstream saw the rejected key %d times, want 1", n)
	}
}

// TestDiscoveryLimit: checks of new keys beyond the process-wide budget
// get 503 with Retry-After, without reaching the upstream; a rejected key's
// check costs more of the budget than an accepted one.
func TestDiscoveryLimit(t *testing.T) {
	up := newUpstream(t)
	_, url := host(t, up, Config{DiscoveryRate: 1, DiscoveryBurst: 3})
	var got []int
	for _, key := range []string{keyAll, keyPeople, "klipy_api_new_1", "klipy_api_new_2", "klipy_api_new_3", "klipy_api_new_4"} {
		resp, _ := post(t, url, initializeBody, bearer(key))
		got = append(got, resp.StatusCode)
		if resp.StatusCode == http.StatusServiceUnavailable && resp.Header.Get("Retry-After") == "" {
			t.Error("503 without Retry-After")
		}
	}
	want := []int{200, 200, 401, 503, 503, 503} // two good keys (1 each), one rejected (the rest of the burst)
	if !slices.Equal(got, want) || up.Count() != 3 {
		t.Errorf("statuses %v, upstream %d; want %v and 3 upstream", got, up.Count(), want)
	}
	metrics := scrape(t, strings.TrimSuffix(url, "/mcp")+"/metrics")
	if want := `klipy_mcp_http_rejected_total{reason="discovery_limited"} 3`; !strings.Contains(metrics, want) {
		t.Errorf("/metrics lacks %s", want)
	}
}

// authFailing wraps the fake so that /authenticate answers 503 while
// failing is set; every other operation reaches the fake.
func authFailing(t *testing.T, failing *atomic.Bool) *upstream {
	t.Helper()
	fake := klipytest.New(klipytest.Options{})
	fake.AddKey(klipytest.Key{Token: keyAll, Org: "org_acme", Scopes: []string{klipytest.ScopeAll}})
	fake.AddKey(klipytest.Key{Token: keyPeople, Org: "org_beta", Scopes: []string{"people:read"}})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if failing.Load() && strings.HasSuffix(r.URL.Path, "/authenticate") {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(`{"object":"error","error":{"code":"unavailable","message":"try later"}}`))
			return
		}
		fake.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return &upstream{Server: fake, url: srv.URL + "/api/v1"}
}

// TestUncheckedKeyNeverWrites (issue 9.6): a people:read key whose first
// request is create_person while /authenticate answers 503 never reaches
// the upstream write; the tool is offered (scopes unknown) but refused
// with nothing sent.
func TestUncheckedKeyNeverWrites(t *testing.T) {
	var failing atomic.Bool
	failing.Store(true)
	up := authFailing(t, &failing)
	_, url := host(t, up, Config{})
	for _, era := range eras {
		c := connect(t, url, era, bearer(keyPeople))
		res := call(t, c, "create_person", map[string]any{"email": "new@example.com"})
		if !res.IsError || !strings.Contains(resultText(res), "nothing was sent") {
			t.Errorf("%s: create_person = %s, want an isError saying nothing was sent", era, resultText(res))
		}
		if !slices.Contains(toolNames(t, c), "create_person") {
			t.Errorf("%s: create_person not listed while the key's scopes are unknown", era)
		}
	}
	for _, r := range up.Requests() {
		if r.Method != http.MethodGet {
			t.Errorf("%s %s reached the upstream for a key whose scopes were never learnt", r.Method, r.Path)
		}
	}
}

// TestAuthenticateNeedsAll (issue 11.1): a narrow key refused by
// /authenticate (403, or 401 about scope) is not a bad key: it can use
// every tool its scopes allow, get_workspace says what it could not learn,
// /readyz stays ready, and the upstream sees one /authenticate for it.
func TestAuthenticateNeedsAll(t *testing.T) {
	for name, mode := range map[string]klipytest.AuthMode{"403": klipytest.AuthNeedsAll403, "401": klipytest.AuthNeedsAll401} {
		t.Run(name, func(t *testing.T) {
			up := newUpstream(t)
			up.SetAuthMode(mode)
			_, url := host(t, up, Config{ServerKey: keyPeople})
			for _, era := range eras {
				c := connect(t, url, era, bearer(keyPeople))
				if n, want := len(toolNames(t, c)), len(tools.ToolNames()); n != want {
					t.Errorf("%s: %d tools listed, want the whole catalogue of %d (scopes unknown, none declared)", era, n, want)
				}
				for _, tool := range []string{"search_people", "get_workspace"} {
					if res := call(t, c, tool, map[string]any{}); res.IsError {
						t.Errorf("%s: %s: %s", era, tool, resultText(res))
					}
				}
				res := call(t, c, "create_person", map[string]any{"email": "x@example.com"})
				if !res.IsError || !strings.Contains(resultText(res), "people:write") {
					t.Errorf("%s: create_person = %s, want a missing-scope error", era, resultText(res))
				}
				ws := call(t, c, "get_workspace", nil)
				if !strings.Contains(resultText(ws), "ALL scope") {
					t.Errorf("%s: get_workspace does not say why it lacks the name: %s", era, resultText(ws))
				}
			}
			checks := 0
			for _, r := range up.Requests() {
				if string(r.Key) == keyPeople && r.Op == "authenticate" {
					checks++
				}
			}
			if checks != 1 {
				t.Errorf("%d /authenticate for the key, want 1 per TTL", checks)
			}
			if got := getStatus(t, strings.TrimSuffix(url, "/mcp")+"/readyz"); got != http.StatusOK {
				t.Errorf("/readyz = %d, want 200 with a server key closed to /authenticate", got)
			}
		})
	}
}

// TestAuthenticateNeedsAllDeclaredScopes: with declared scopes, a key closed
// to /authenticate sees only the tools they allow, in list and call.
func TestAuthenticateNeedsAllDeclaredScopes(t *testing.T) {
	up := newUpstream(t)
	up.SetAuthMode(klipytest.AuthNeedsAll403)
	_, url := host(t, up, Config{Klipy: klipy.Options{Scopes: []klipy.Scope{klipy.ScopePeopleRead}}})
	c := connect(t, url, mcp.ProtocolVersion20251125, bearer(keyPeople))
	names := toolNames(t, c)
	if slices.Contains(names, "create_person") || !slices.Contains(names, "search_people") {
		t.Errorf("tools %v, want people:read tools only", names)
	}
	if res, err := tryCall(c, "create_person", map[string]any{"email": "x@example.com"}); err == nil && !res.IsError {
		t.Error("create_person ran although it is not listed")
	}
	for _, r := range up.Requests() {
		if r.Op == "createPerson" {
			t.Error("create_person reached the upstream")
		}
	}
}
