package hosting

import (
	"crypto/rand"
	"errors"
	"sync"
	"time"

	"github.com/mark3labs/mcp-go/server"
)

// sessionPrefix starts every session id this host issues.
const sessionPrefix = "mcp-session-"

// errUnknownSession is returned for ids that were never issued, have been
// terminated or have idled out.
var errUnknownSession = errors.New("hosting: unknown or expired session")

// session is one session-based (2025-11-25 era) MCP session.
type session struct {
	owner    keyID // the key that opened it
	bound    bool  // owner is set (after the initialize response)
	lastSeen time.Time
}

// sessions tracks the sessions this process issued. It is mcp-go's
// SessionIdManager, so mcp-go only accepts ids that exist here, and the host's
// own middleware binds each id to the key that opened it. mcp-go's default
// manager only checks an id's format and keeps ids valid after DELETE.
type sessions struct {
	ttl time.Duration
	now func() time.Time

	mu        sync.Mutex
	byID      map[string]*session
	lastPrune time.Time
}

var _ server.SessionIdManager = (*sessions)(nil)

func newSessions(ttl time.Duration, now func() time.Time) *sessions {
	return &sessions{ttl: ttl, now: now, byID: make(map[string]*session), lastPrune: now()}
}

// Generate issues a new session id (called by mcp-go for initialize).
func (s *sessions) Generate() string {
	id := sessionPrefix + rand.Text()
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.byID[id] = &session{lastSeen: now}
	s.pruneLocked(now)
	return id
}

// Validate accepts only live ids this process issued.
func (s *sessions) Validate(id string) (isTerminated bool, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.liveLocked(id, s.now()) == nil {
		return false, errUnknownSession
	}
	return false, nil
}

// Terminate forgets id (DELETE, idle sweep, shutdown). Forgotten ids are
// answered 404 like ids never issued, which tells clients to start over.
func (s *sessions) Terminate(id string) (isNotAllowed bool, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.byID, id)
	return false, nil
}

// bind records owner as the key that opened id. It happens when the
// initialize response carrying the id is written, before the client sees it.
func (s *sessions) bind(id string, owner keyID) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sess := s.byID[id]; sess != nil && !sess.bound {
		sess.owner, sess.bound = owner, true
	}
}

// use checks that id is a live session opened by owner and marks it used. A
// session opened by another key is reported exactly like an unknown one, so
// that a caller learns nothing about other callers' sessions.
func (s *sessions) use(id string, owner keyID) error {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	sess := s.liveLocked(id, now)
	if sess == nil || !sess.bound || sess.owner != owner {
		return errUnknownSession
	}
	sess.lastSeen = now
	return nil
}

// liveLocked returns id's session unless it is unknown or idle past the TTL.
func (s *sessions) liveLocked(id string, now time.Time) *session {
	sess := s.byID[id]
	if sess == nil || now.Sub(sess.lastSeen) >= s.ttl {
		return nil
	}
	return sess
}

// pruneLocked drops idle sessions, at most once per half TTL, so the map
// stays bounded even when mcp-go's own sweeper has not run yet.
func (s *sessions) pruneLocked(now time.Time) {
	if now.Sub(s.lastPrune) < s.ttl/2 {
		return
	}
	s.lastPrune = now
	for id, sess := range s.byID {
		if now.Sub(sess.lastSeen) >= s.ttl {
			delete(s.byID, id)
		}
	}
}

// active returns how many sessions are open.
func (s *sessions) active() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.byID)
}
