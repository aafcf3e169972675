// Package klipytest is a working, in-memory Klipy API: the fake that tests
// and sandbox mode run against.
//
// A Server implements every operation of the contract of record
// (klipy/openapi.yaml) at the wire level: the success and error envelopes,
// API keys with scopes and expiry, per-key and per-organization rate limits
// with the real headers, cursor pagination, validation errors and not-found.
// Fault-injection switches (latency, 5xx and 429 bursts, dropped
// connections, malformed or oversized bodies, refused writes, contract
// drift) let reliability tests provoke every failure the client must
// survive, and a request log lets them check what reached the API.
//
// The package is linked into the product binary for sandbox mode, so it
// uses only the standard library and does no work until a Server is built.
package klipytest

import (
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Options configure a fake. Zero values mean the real API's behaviour.
type Options struct {
	KeyLimit int              // requests per minute per key; default 200
	OrgLimit int              // requests per minute per organization; default 1000
	Now      func() time.Time // clock; default time.Now

	// BasePath, when set, is the path prefix the API is mounted under
	// (e.g. "/api/v1"); requests outside it get 404. When empty, the fake
	// finds the API path by itself: everything before the first segment
	// naming a top-level resource (authenticate, people, companies,
	// interactions) is ignored, so "/api/v1/people/query" and
	// "/people/query" are the same operation.
	BasePath string

	// HideScopes makes /authenticate leave out the key's scopes, as the
	// real API may, so clients must fall back to declared scopes.
	HideScopes bool

	// LogLimit caps the request log; the oldest entries are dropped first.
	// Zero keeps every request; a negative limit keeps none. The counters
	// (Count, CountByStatus) are never capped.
	LogLimit int
}

// Server is the fake API. It is an http.Handler, safe for concurrent use.
type Server struct {
	opts Options

	mu         sync.RWMutex
	keys       map[string]Key
	workspaces map[string]*workspace
	teamNames  map[string]string

	limits *limiter
	faults faults
	log    requestLog
	seq    atomic.Uint64 // record sequence: ids and keyset order
	reqSeq atomic.Uint64 // request ids
	routes []route

	authMode atomic.Int32 // an AuthMode: what /authenticate asks of a key
}

// New returns an empty fake: no keys, no records.
func New(opts Options) *Server {
	if opts.KeyLimit <= 0 {
		opts.KeyLimit = 200
	}
	if opts.OrgLimit <= 0 {
		opts.OrgLimit = 1000
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	opts.BasePath = strings.TrimSuffix(opts.BasePath, "/")
	s := &Server{
		opts:       opts,
		keys:       make(map[string]Key),
		workspaces: make(map[string]*workspace),
		teamNames:  make(map[string]string),
		limits:     newLimiter(opts.KeyLimit, opts.OrgLimit),
	}
	s.log.limit = opts.LogLimit
	s.routes = s.routeTable()
	return s
}

func (s *Server) now() time.Time { return s.opts.Now() }

// ServeHTTP serves the API. See Options.BasePath for how the operation's
// path is found below the mount point.
//
// Every request goes through the same steps: injected latency, then any
// queued one-shot fault (which answers instead of the API and touches no
// state), authentication (401), the rate limits (429), routing (404/405),
// DenyWrites (500), the operation's scope (403) and finally the operation.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c := s.newCall(w, r)
	defer c.record() // for a handler that never answered; normally a no-op
	if !s.faults.delay(r.Context()) {
		w.Header().Set(FaultHeader, "latency")
		c.fail(http.StatusServiceUnavailable, "request_cancelled", "the request was cancelled during injected latency", nil)
		return
	}
	if s.faults.inject(c) {
		return
	}
	if c.bodyErr != nil {
		c.fail(http.StatusBadRequest, "body_too_large", c.bodyErr.Error(), nil)
		return
	}
	if !s.authenticate(c) || !s.rateLimit(c) {
		return
	}
	rt, ok := s.match(c)
	if !ok {
		return
	}
	if s.faults.writesDenied() && isWrite(r.Method, c.path) {
		c.fail(http.StatusInternalServerError, "writes_denied", "this fake refuses every write (DenyWrites is on)", nil)
		return
	}
	if !c.key.allows(rt.scope) {
		c.fail(http.StatusForbidden, "insufficient_scope", "this API key lacks the "+rt.scope+" scope", map[string]any{"required_scope": rt.scope})
		return
	}
	rt.handle(c)
}

// isWrite reports whether a request may change data: anything but GET and
// the read-only POST …/query searches.
func isWrite(method, path string) bool {
	if method == http.MethodGet || method == http.MethodHead {
		return false
	}
	return !(method == http.MethodPost && strings.HasSuffix(path, "/query"))
}

// apiPath returns the path below the API base, or "" when the request is
// outside Options.BasePath.
func (s *Server) apiPath(p string) string {
	if s.opts.BasePath != "" {
		rest, ok := strings.CutPrefix(p, s.opts.BasePath)
		if !ok || (rest != "" && rest[0] != '/') {
			return ""
		}
		return rest
	}
	segs := strings.Split(strings.Trim(p, "/"), "/")
	for i, seg := range segs {
		switch seg {
		case "authenticate", "people", "companies", "interactions":
			return "/" + strings.Join(segs[i:], "/")
		}
	}
	return p
}
