package main

import (
	"context"
	"fmt"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"time"

	"github.com/klipy-ai/klipy-mcp/klipy"
	"github.com/klipy-ai/klipy-mcp/klipy/klipytest"
)

// Keys of the fake upstream: one seeds the data, the other is measured, so
// seeding spends none of the measured key's budget.
const (
	seedKey  = "klipy_api_bench_seed"
	benchKey = "klipy_api_bench_measured"
	benchOrg = "org_bench"
	// unlimited is the per-minute limit used where rate limiting must not
	// distort a latency or throughput measure.
	unlimited = 1 << 30
)

// upstream is a fake Klipy API on loopback that counts what reaches it.
type upstream struct {
	srv       *httptest.Server
	baseURL   string
	personID  string
	requests  atomic.Int64
	throttled atomic.Int64 // 429 answers
	conns     atomic.Int64 // TCP connections accepted
	// delay, when set, holds every answer back this long: the round trip to
	// the real API, which loopback hides.
	delay atomic.Int64
	// instant, once set, answers the measured GET /people/{id} with the
	// fake's own recorded answer, so the hot path costs the fake nothing.
	instant *canned
}

// canned is a recorded answer.
type canned struct {
	path   string
	header http.Header
	status int
	body   []byte
}

// startUpstream starts a fake with the given per-key and per-organization
// limits (0 = Klipy's real ones) and seeds one person to fetch. With instant
// the measured fetch is then replayed (see makeInstant).
func startUpstream(ctx context.Context, keyLimit, orgLimit int, instant bool) (*upstream, error) {
	fake := klipytest.New(klipytest.Options{KeyLimit: keyLimit, OrgLimit: orgLimit})
	for _, k := range []string{seedKey, benchKey} {
		fake.AddKey(klipytest.Key{Token: k, Org: benchOrg, Scopes: []string{string(klipy.ScopeAll)}})
	}
	u := &upstream{}
	u.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u.requests.Add(1)
		if d := time.Duration(u.delay.Load()); d > 0 {
			time.Sleep(d)
		}
		if c := u.instant; c != nil && r.Method == http.MethodGet && r.URL.Path == c.path {
			maps.Copy(w.Header(), c.header)
			w.WriteHeader(c.status)
			w.Write(c.body)
			return
		}
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		fake.ServeHTTP(rec, r)
		if rec.status == http.StatusTooManyRequests {
			u.throttled.Add(1)
		}
	}))
	u.srv.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			u.conns.Add(1)
		}
	}
	u.srv.Start()
	u.baseURL = u.srv.URL + "/api/v1"
	id, err := u.seed(ctx)
	if err != nil {
		u.srv.Close()
		return nil, err
	}
	u.personID = id
	if instant {
		if err := u.makeInstant(fake); err != nil {
			u.srv.Close()
			return nil, err
		}
	}
	u.requests.Store(0)
	return u, nil
}

// makeInstant records the fake's answer to GET /people/{id} for the
// measured key and replays it from then on. Use it only where the fake's
// own work or limits would distort what is measured (latency, throughput).
func (u *upstream) makeInstant(fake http.Handler) error {
	path := "/api/v1/people/" + u.personID
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.Header.Set("Authorization", "Bearer "+benchKey)
	rec := httptest.NewRecorder()
	fake.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		return fmt.Errorf("recording GET %s: HTTP %d: %s", path, rec.Code, rec.Body.Bytes())
	}
	u.instant = &canned{path: path, header: rec.Header().Clone(), status: rec.Code, body: rec.Body.Bytes()}
	return nil
}

// seed creates the person the benchmark fetches.
func (u *upstream) seed(ctx context.Context) (string, error) {
	c, err := klipy.New(klipy.Options{BaseURL: u.baseURL, APIKey: seedKey, RateLimit: unlimited, OrgLimit: unlimited})
	if err != nil {
		return "", fmt.Errorf("seed client: %w", err)
	}
	p, _, err := c.People.Create(ctx, &klipy.PersonInput{
		Email: "jordan.lee@acme.example", FirstName: "Jordan", LastName: "Lee",
		Title: "Head of Partnerships", CompanyID: "", Remarks: "Met at the founders' dinner.",
	})
	if err != nil {
		return "", fmt.Errorf("seed a person in the fake upstream: %w", err)
	}
	return p.ID, nil
}

// directClient returns a klipy client for the measured key.
func (u *upstream) directClient(rateLimit, orgLimit int) (*klipy.Client, error) {
	return klipy.New(klipy.Options{BaseURL: u.baseURL, APIKey: benchKey, RateLimit: rateLimit, OrgLimit: orgLimit})
}

func (u *upstream) close() { u.srv.Close() }

// statusRecorder remembers the status a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}
