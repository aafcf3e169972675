package hosting

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/klipy-ai/klipy-mcp/klipy"
)

func TestCallersCacheIsBounded(t *testing.T) {
	clock := &fakeClock{now: time.Date(2026, 7, 28, 9, 0, 0, 0, time.UTC)}
	built := 0
	cfg := Config{ClientCacheSize: 2, ClientIdleTTL: time.Hour, now: clock.Now}.withDefaults()
	cs := newCallers(cfg, func(_ *caller, key string) (*klipy.Client, error) {
		built++
		return klipy.New(klipy.Options{APIKey: key})
	})
	get := func(key string) *caller {
		t.Helper()
		c, err := cs.get(idOf(key), key)
		if err != nil {
			t.Fatal(err)
		}
		cs.promote(c) // as a key the upstream accepted
		return c
	}
	a := get("klipy_api_a")
	if get("klipy_api_a") != a {
		t.Error("the same key got a second client")
	}
	get("klipy_api_b")
	get("klipy_api_a") // a is now the most recently used
	get("klipy_api_c") // evicts b
	if cs.len() != 2 || built != 3 {
		t.Fatalf("len %d, built %d; want 2 cached, 3 built", cs.len(), built)
	}
	if get("klipy_api_a") != a {
		t.Error("the most recently used key was evicted")
	}
	get("klipy_api_b")
	if built != 4 {
		t.Errorf("built %d clients, want 4 (b rebuilt after eviction)", built)
	}
	clock.Advance(time.Hour)
	if get("klipy_api_a") == a {
		t.Error("an idle caller outlived its TTL")
	}
}

// TestKeysNeverLogged drives every path that handles a key with debug logs
// on and checks that no key appears in them.
func TestKeysNeverLogged(t *testing.T) {
	up := newUpstream(t)
	logs := &syncBuffer{}
	logger := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	// No discovery budget: the rejected key must not keep the fresh one
	// from reaching the (failing) upstream below.
	_, url := host(t, up, Config{Logger: logger, ServerKey: keyPeople, Loopback: true, DiscoveryRate: -1})
	for _, era := range eras {
		c := connect(t, url, era, bearer(keyAll))
		call(t, c, "get_workspace", nil)
		call(t, c, "get_person", map[string]any{"person_id": "missing"})
	}
	post(t, url, initializeBody, bearer(keyBogus))
	post(t, url, listBody, sessionHeaders(keyAll, "mcp-session-unknown"))
	post(t, url, initializeBody, nil)
	up.FailNext(3, http.StatusServiceUnavailable)
	post(t, url, initializeBody, map[string]string{"X-Klipy-Api-Key": "klipy_api_fresh_key"})
	if !strings.Contains(logs.String(), "scope discovery failed") {
		t.Errorf("the upstream failure was not logged; the test checks nothing:\n%s", logs)
	}
	for _, key := range []string{keyAll, keyPeople, keyBogus, "klipy_api_fresh_key"} {
		if strings.Contains(logs.String(), key) {
			t.Errorf("a log line contains a key:\n%s", logs)
		}
	}
}

// TestCallersTiers: unchecked keys live in their own small tier, so any
// number of them never evicts a caller whose key was accepted.
func TestCallersTiers(t *testing.T) {
	clock := &fakeClock{now: time.Date(2026, 7, 28, 9, 0, 0, 0, time.UTC)}
	cfg := Config{ClientCacheSize: 2, UnverifiedCacheSize: 3, ClientIdleTTL: time.Hour, now: clock.Now}.withDefaults()
	cs := newCallers(cfg, func(_ *caller, key string) (*klipy.Client, error) { return klipy.New(klipy.Options{APIKey: key}) })
	good, err := cs.get(idOf("klipy_api_good"), "klipy_api_good")
	if err != nil {
		t.Fatal(err)
	}
	cs.promote(good)
	for i := range 50 {
		key := fmt.Sprintf("klipy_api_unknown_%d", i)
		if _, err := cs.get(idOf(key), key); err != nil {
			t.Fatal(err)
		}
	}
	if cs.knownLen() != 1 || cs.len() != 4 {
		t.Errorf("known %d, total %d; want 1 known and 3 unverified", cs.knownLen(), cs.len())
	}
	if c, _ := cs.get(idOf("klipy_api_good"), "klipy_api_good"); c != good {
		t.Error("a flood of unchecked keys evicted an accepted caller")
	}
}

// TestRejectedKeysExpireAndAreBounded: a rejected key is remembered for
// RejectedKeyTTL, and at most RejectedCacheSize keys are, oldest out first.
func TestRejectedKeysExpireAndAreBounded(t *testing.T) {
	clock := &fakeClock{now: time.Date(2026, 7, 28, 9, 0, 0, 0, time.UTC)}
	cfg := Config{RejectedKeyTTL: time.Minute, RejectedCacheSize: 2, now: clock.Now}.withDefaults()
	cs := newCallers(cfg, func(_ *caller, key string) (*klipy.Client, error) { return klipy.New(klipy.Options{APIKey: key}) })
	reject := func(key string) {
		c, err := cs.get(idOf(key), key)
		if err != nil {
			t.Fatal(err)
		}
		cs.reject(c)
	}
	reject("klipy_api_a")
	clock.Advance(59 * time.Second)
	if !cs.isRejected(idOf("klipy_api_a")) {
		t.Error("a rejected key was forgotten before its TTL")
	}
	clock.Advance(time.Second)
	if cs.isRejected(idOf("klipy_api_a")) {
		t.Error("a rejected key was remembered past its TTL")
	}
	reject("klipy_api_b")
	reject("klipy_api_c")
	reject("klipy_api_d") // pushes b out
	if cs.isRejected(idOf("klipy_api_b")) || !cs.isRejected(idOf("klipy_api_c")) || !cs.isRejected(idOf("klipy_api_d")) {
		t.Error("the negative cache did not keep the newest 2 rejections")
	}
	if cs.len() != 0 {
		t.Errorf("%d rejected callers still cached", cs.len())
	}
}
