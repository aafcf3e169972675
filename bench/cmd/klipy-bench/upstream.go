package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"

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
}

// startUpstream starts a fake with the given per-key and per-organization
// limits (0 = Klipy's real ones) and seeds one person to fetch.
func startUpstream(ctx context.Context, keyLimit, orgLimit int) (*upstream, error) {
	fake := klipytest.New(klipytest.Options{KeyLimit: keyLimit, OrgLimit: orgLimit})
	for _, k := range []string{seedKey, benchKey} {
		fake.AddKey(klipytest.Key{Token: k, Org: benchOrg, Scopes: []string{string(klipy.ScopeAll)}})
	}
	u := &upstream{}
	u.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u.requests.Add(1)
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
	u.requests.Store(0)
	return u, nil
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
