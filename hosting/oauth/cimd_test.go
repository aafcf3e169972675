package oauth

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// metadataHost serves Client ID Metadata Documents on 127.0.0.1.
type metadataHost struct {
	ts      *httptest.Server
	fetches atomic.Int32 // of documents that exist
	misses  atomic.Int32 // of /gone.json (404)
	release chan struct{}
}

func newMetadataHost(t *testing.T) *metadataHost {
	m := &metadataHost{release: make(chan struct{})}
	mux := http.NewServeMux()
	doc := func(w http.ResponseWriter, r *http.Request) {
		m.fetches.Add(1)
		id := "http://" + r.Host + r.URL.Path
		_ = json.NewEncoder(w).Encode(map[string]any{"client_id": id, "client_name": "Claude",
			"redirect_uris": []string{redirect}, "token_endpoint_auth_method": "none"})
	}
	mux.HandleFunc("/good.json", doc)
	mux.HandleFunc("/late.json", func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(200 * time.Millisecond)
		doc(w, r)
	})
	mux.HandleFunc("/gone.json", func(w http.ResponseWriter, r *http.Request) {
		m.misses.Add(1)
		http.NotFound(w, r)
	})
	mux.HandleFunc("/huge.json", func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"client_id":"` + strings.Repeat("x", DefaultFetchMaxBytes) + `"}`))
	})
	mux.HandleFunc("/slow.json", func(w http.ResponseWriter, r *http.Request) {
		select { // held until the test ends or the client gives up
		case <-m.release:
		case <-r.Context().Done():
		}
	})
	mux.HandleFunc("/redirect.json", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/good.json", http.StatusFound)
	})
	mux.HandleFunc("/other-id.json", func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]any{"client_id": "https://elsewhere.example/x.json", "redirect_uris": []string{redirect}})
	})
	m.ts = httptest.NewServer(mux)
	t.Cleanup(func() { close(m.release); m.ts.Close() })
	return m
}

func TestClientMetadataDocuments(t *testing.T) {
	m := newMetadataHost(t)
	e := newEnv(t, func(_ *env, c *Config) {
		c.ClientFetch = FetchOptions{AllowHTTP: true, DialPolicy: AllowLoopback, Timeout: 300 * time.Millisecond}
	})
	good := m.ts.URL + "/good.json"
	q := e.signIn(good, redirect, goodKey)
	if s, r := e.exchange(good, redirect, q.Get("code"), verifier); s != 200 {
		t.Fatalf("token for a metadata-document client: %d %v", s, r)
	}
	e.signIn(good, redirect, goodKey)
	if n := m.fetches.Load(); n != 1 {
		t.Errorf("the document was fetched %d times, want 1 (cached)", n)
	}
	b := e.browser()
	if p := e.get(b, e.authQuery(good, redirect)); !strings.Contains(p.body, "Claude (127.0.0.1) wants to connect") {
		t.Errorf("the page does not name the client with its host:\n%s", p.body)
	}
	for _, path := range []string{"/huge.json", "/slow.json", "/redirect.json", "/other-id.json", "/missing.json"} {
		before := e.store.Len()
		start := time.Now()
		p := e.get(e.browser(), e.authQuery(m.ts.URL+path, redirect))
		if p.status != 400 || p.location != "" || !strings.Contains(p.body, "unknown client_id") {
			t.Errorf("%s: %d %q", path, p.status, p.location)
		}
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("%s took %v", path, d)
		}
		if e.store.Len() != before {
			t.Errorf("%s: stored", path)
		}
	}
}

// With the default policy a document on a loopback or private address is
// never fetched.
func TestClientMetadataPrivateAddressRefused(t *testing.T) {
	m := newMetadataHost(t)
	e := newEnv(t, func(_ *env, c *Config) { c.ClientFetch = FetchOptions{AllowHTTP: true} })
	p := e.get(e.browser(), e.authQuery(m.ts.URL+"/good.json", redirect))
	if p.status != 400 || m.fetches.Load() != 0 {
		t.Errorf("a loopback document was fetched: %d, %d fetches", p.status, m.fetches.Load())
	}
	for _, a := range []string{"10.1.2.3", "192.168.0.1", "172.16.0.1", "169.254.169.254", "100.64.0.1", "::1", "fd00::1", "0.0.0.0"} {
		if PublicOnly(netip.MustParseAddr(a)) == nil {
			t.Errorf("PublicOnly allows %s", a)
		}
	}
	if PublicOnly(netip.MustParseAddr("93.184.216.34")) != nil {
		t.Error("PublicOnly refuses a public address")
	}
}

// metadataEnv is a server that fetches documents from m's loopback host.
func metadataEnv(t *testing.T, timeout time.Duration) *env {
	return newEnv(t, func(_ *env, c *Config) {
		c.ClientFetch = FetchOptions{AllowHTTP: true, DialPolicy: AllowLoopback, Timeout: timeout}
	})
}

// TestClientMetadataFailureRemembered: a document that could not be used
// is not fetched again for a minute, however often it is named.
func TestClientMetadataFailureRemembered(t *testing.T) {
	m := newMetadataHost(t)
	e := metadataEnv(t, time.Second)
	gone := m.ts.URL + "/gone.json"
	for range 3 {
		if e.knownClient(gone, redirect) {
			t.Fatal("a missing document named a client")
		}
	}
	if n := m.misses.Load(); n != 1 {
		t.Errorf("fetched %d times within a minute, want 1", n)
	}
	e.clock.add(failureTTL + time.Second)
	e.knownClient(gone, redirect)
	if n := m.misses.Load(); n != 2 {
		t.Errorf("fetched %d times after a minute, want 2", n)
	}
}

// TestClientMetadataOneFetchAtATime: sign-ins that name the same document
// while it is being fetched wait for that one fetch.
func TestClientMetadataOneFetchAtATime(t *testing.T) {
	m := newMetadataHost(t)
	e := metadataEnv(t, 2*time.Second)
	late := m.ts.URL + "/late.json"
	var wg sync.WaitGroup
	var known atomic.Int32
	for range 8 {
		wg.Go(func() {
			if p := e.get(e.browser(), e.authQuery(late, redirect)); p.status == http.StatusOK {
				known.Add(1)
			}
		})
	}
	wg.Wait()
	if n := m.fetches.Load(); n != 1 || known.Load() != 8 {
		t.Errorf("8 sign-ins at once: %d fetches (want 1), %d pages shown (want 8)", n, known.Load())
	}
}

// TestClientMetadataFetchBudget: documents not in the cache are fetched
// within a process-wide budget; beyond it the page asks to come back in a
// minute and nothing is fetched.
func TestClientMetadataFetchBudget(t *testing.T) {
	m := newMetadataHost(t)
	e := metadataEnv(t, time.Second)
	for i := range fetchBurst {
		if e.knownClient(fmt.Sprintf("%s/gone.json?n=%d", m.ts.URL, i), redirect) {
			t.Fatal("a missing document named a client")
		}
	}
	p := e.get(e.browser(), e.authQuery(m.ts.URL+"/gone.json?n=over", redirect))
	if p.status != http.StatusServiceUnavailable || p.header.Get("Retry-After") == "" || !strings.Contains(p.body, "Try again in a minute") {
		t.Errorf("past the budget: %d %q, want 503 with Retry-After", p.status, p.header.Get("Retry-After"))
	}
	if n := m.misses.Load(); n != fetchBurst {
		t.Errorf("%d fetches, want %d (none past the budget)", n, fetchBurst)
	}
	e.clock.add(time.Second) // one more fetch's worth
	if !e.knownClient(m.ts.URL+"/good.json", redirect) {
		t.Error("a good document a second later was not fetched")
	}
}
