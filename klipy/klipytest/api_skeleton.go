// Package klipytest is a working, in-memory Klipy API: the fake that tests
// and sandbox mode run against.
package klipytest

// This file fixes the package's public surface so that the packages built on
// it can be written in parallel. The real implementation replaces it.

import (
	"net/http"
	"time"
)

// SandboxKey is the key the demo workspace accepts; it carries every scope.
const SandboxKey = "klipy_api_sandbox"

// Key is an API key the fake accepts.
type Key struct {
	Token     string
	Org       string   // organization id; keys of one org share its window
	Scopes    []string // e.g. "people:read"; "ALL" grants everything
	ExpiresAt time.Time
}

// Options configure a fake. Zero values mean the real API's behaviour.
type Options struct {
	KeyLimit int              // requests per minute per key; default 200
	OrgLimit int              // requests per minute per organization; default 1000
	Now      func() time.Time // clock; default time.Now
}

// Request is one request the fake received. The key is identified by its
// token's organization and a redacted form, never in clear.
type Request struct {
	Method string
	Path   string // path below the API base, e.g. "/people/query"
	Header http.Header
	Body   []byte
	Status int
}

// Server is the fake API. It is an http.Handler, safe for concurrent use.
type Server struct{}

// New returns an empty fake.
func New(opts Options) *Server { return &Server{} }

// NewSandbox returns a fake seeded with the demo workspace and SandboxKey.
func NewSandbox() *Server { return &Server{} }

// AddKey makes k valid.
func (s *Server) AddKey(k Key) {}

// ServeHTTP serves the API under any path prefix ending in the contract's paths.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	http.Error(w, "not implemented", http.StatusNotImplemented)
}

// Requests returns a copy of the request log.
func (s *Server) Requests() []Request { return nil }
