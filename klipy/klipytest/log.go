package klipytest

import (
	"maps"
	"net/http"
	"slices"
	"sync"
)

// Secret is an API key held in the request log. It prints as [REDACTED]
// with %v, %+v, %#v, %s and %q, so a log entry dumped by a failing test
// does not show the key; compare it with string(r.Key) == token.
type Secret string

// String returns "[REDACTED]" (or "" for no key).
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return "[REDACTED]"
}

// GoString returns the redacted form for %#v.
func (s Secret) GoString() string { return `"` + s.String() + `"` }

// Request is one request the fake received. Headers carrying the API key
// are redacted; Key holds the key as sent (a Secret, printed redacted) so
// tests can check that every request carried the right key.
type Request struct {
	Method string
	Path   string // path below the API base, e.g. "/people/query"
	Op     string // the contract's operationId, "" when no operation matched
	Header http.Header
	Body   []byte
	Status int // StatusDropped when the connection was dropped
	Key    Secret
	Org    string // the key's organization, "" when authentication failed
}

// requestLog is the bounded request log and the unbounded counters.
type requestLog struct {
	mu       sync.Mutex
	limit    int
	entries  []Request
	total    int
	byStatus map[int]int
}

func (l *requestLog) add(c *call) {
	r := Request{
		Method: c.r.Method, Path: c.path, Op: c.op, Header: redact(c.r.Header),
		Body: c.body, Status: c.status, Key: Secret(c.token), Org: c.key.Org,
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.total++
	if l.byStatus == nil {
		l.byStatus = map[int]int{}
	}
	l.byStatus[r.Status]++
	if l.limit < 0 {
		return
	}
	l.entries = append(l.entries, r)
	if l.limit > 0 && len(l.entries) > l.limit {
		l.entries = slices.Delete(l.entries, 0, len(l.entries)-l.limit)
	}
}

// redact copies h with the API key headers' values replaced.
func redact(h http.Header) http.Header {
	out := h.Clone()
	for _, name := range []string{"Authorization", "X-Klipy-Api-Key"} {
		if len(out.Values(name)) > 0 {
			out.Set(name, "[REDACTED]")
		}
	}
	return out
}

// Requests returns a copy of the request log, oldest first.
func (s *Server) Requests() []Request {
	s.log.mu.Lock()
	defer s.log.mu.Unlock()
	return slices.Clone(s.log.entries)
}

// ResetRequests empties the request log and zeroes the counters.
func (s *Server) ResetRequests() {
	s.log.mu.Lock()
	defer s.log.mu.Unlock()
	s.log.entries, s.log.total, s.log.byStatus = nil, 0, nil
}

// Count returns how many requests the fake has answered (or dropped) since
// it was built or last reset, including those no longer in a capped log.
func (s *Server) Count() int {
	s.log.mu.Lock()
	defer s.log.mu.Unlock()
	return s.log.total
}

// CountByStatus returns how many requests got each status code
// (StatusDropped for dropped connections).
func (s *Server) CountByStatus() map[int]int {
	s.log.mu.Lock()
	defer s.log.mu.Unlock()
	return maps.Clone(s.log.byStatus)
}
