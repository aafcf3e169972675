package hosting

import (
	"container/list"
	"crypto/rand"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mark3labs/mcp-go/server"
)

// sessionPrefix starts every session id this host issues.
const sessionPrefix = "mcp-session-"

// errUnknownSession is returned for ids that were never issued, have been
// terminated or have idled out.
var errUnknownSession = errors.New("hosting: unknown or expired session")

// Why a session was closed to make room, the values of the reason label.
const (
	evictPerKey = "per_key" // its key opened more than MaxSessionsPerKey
	evictTotal  = "total"   // the process holds MaxSessions
)

// session is one session-based (2025-11-25 era) MCP session.
type session struct {
	id       string
	owner    keyID // the key that opened it
	bound    bool  // owner is set (after the initialize response)
	lastSeen time.Time
	calls    int           // POST requests in flight (a call, or its answer to an elicitation)
	elem     *list.Element // in sessions.lru
}

// eviction is a session closed to make room, still to be cleaned up in
// mcp-go.
type eviction struct {
	id     string
	reason string
}

// sessions tracks the sessions this process issued. It is mcp-go's
// SessionIdManager, so mcp-go only accepts ids that exist here, and the host's
// own middleware binds each id to the key that opened it. mcp-go's default
// manager only checks an id's format and keeps ids valid after DELETE.
//
// Sessions are capped per key and in total: past a cap the idle session
// used least recently (of that key, or of all) is closed, so one caller
// opening sessions in a loop costs bounded memory and pushes out only its
// own idle sessions. A session with a request in flight (a call waiting on
// a delete confirmation, say) is skipped; only when every candidate is busy
// is the least recently used one closed anyway, so the caps stay hard
// bounds on memory.
type sessions struct {
	ttl    time.Duration
	now    func() time.Time
	perKey int
	total  int

	mu        sync.Mutex
	byID      map[string]*session
	lru       *list.List // of *session, least recently used first
	perOwner  map[keyID]int
	evicted   []eviction
	lastPrune time.Time

	// anyEvicted says evicted may be non-empty, so that the check after
	// every request takes no lock when (as nearly always) it is empty.
	anyEvicted atomic.Bool
}

var _ server.SessionIdManager = (*sessions)(nil)

func newSessions(ttl time.Duration, now func() time.Time, perKey, total int) *sessions {
	return &sessions{ttl: ttl, now: now, perKey: perKey, total: total, byID: make(map[string]*session),
		lru: list.New(), perOwner: make(map[keyID]int), lastPrune: now()}
}

// Generate issues a new session id (called by mcp-go for initialize). At
// the total cap, the least recently used idle session is closed first.
func (s *sessions) Generate() string {
	id := sessionPrefix + rand.Text()
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pruneLocked(now)
	for len(s.byID) >= s.total {
		victim := s.victimLocked(func(*session) bool { return true })
		if victim == nil {
			break
		}
		s.evictLocked(victim, evictTotal)
	}
	sess := &session{id: id, lastSeen: now}
	sess.elem = s.lru.PushBack(sess)
	s.byID[id] = sess
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

// Terminate forgets id (DELETE, idle sweep, eviction, shutdown). Forgotten
// ids are answered 404 like ids never issued, which tells clients to start
// over.
func (s *sessions) Terminate(id string) (isNotAllowed bool, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sess := s.byID[id]; sess != nil {
		s.removeLocked(sess)
	}
	return false, nil
}

// bind records owner as the key that opened id. It happens when the
// initialize response carrying the id is written, before the client sees it.
// Past the per-key cap, the key's least recently used idle other session is
// closed.
func (s *sessions) bind(id string, owner keyID) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess := s.byID[id]
	if sess == nil || sess.bound {
		return
	}
	sess.owner, sess.bound = owner, true
	s.perOwner[owner]++
	for s.perOwner[owner] > s.perKey {
		victim := s.victimLocked(func(old *session) bool { return old.bound && old.owner == owner && old != sess })
		if victim == nil {
			break
		}
		s.evictLocked(victim, evictPerKey)
	}
}

// victimLocked returns the session to close to make room among those
// match accepts: the least recently used idle one, else (all are busy) the
// least recently used one, else nil.
func (s *sessions) victimLocked(match func(*session) bool) *session {
	var oldest *session
	for e := s.lru.Front(); e != nil; e = e.Next() {
		sess := e.Value.(*session)
		if !match(sess) {
			continue
		}
		if sess.calls == 0 {
			return sess
		}
		if oldest == nil {
			oldest = sess
		}
	}
	return oldest
}

// use checks that id is a live session opened by owner and marks it used;
// a call (a POST) also counts as in flight until done. A session opened by
// another key is reported exactly like an unknown one, so that a caller
// learns nothing about other callers' sessions.
func (s *sessions) use(id string, owner keyID, call bool) error {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	sess := s.liveLocked(id, now)
	if sess == nil || !sess.bound || sess.owner != owner {
		return errUnknownSession
	}
	sess.lastSeen = now
	s.lru.MoveToBack(sess.elem)
	if call {
		sess.calls++
	}
	return nil
}

// done ends a call use counted in flight; the session counts as used now.
func (s *sessions) done(id string) {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if sess := s.byID[id]; sess != nil && sess.calls > 0 {
		sess.calls--
		sess.lastSeen = now
		s.lru.MoveToBack(sess.elem)
	}
}

// takeEvicted returns the sessions closed to make room since the last call,
// for the host to clean up in mcp-go.
func (s *sessions) takeEvicted() []eviction {
	if !s.anyEvicted.Load() {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ev := s.evicted
	s.evicted = nil
	s.anyEvicted.Store(false)
	return ev
}

// liveLocked returns id's session unless it is unknown or idle past the TTL.
func (s *sessions) liveLocked(id string, now time.Time) *session {
	sess := s.byID[id]
	if sess == nil || now.Sub(sess.lastSeen) >= s.ttl {
		return nil
	}
	return sess
}

// evictLocked closes sess to make room and queues it for clean-up.
func (s *sessions) evictLocked(sess *session, reason string) {
	s.removeLocked(sess)
	s.evicted = append(s.evicted, eviction{id: sess.id, reason: reason})
	s.anyEvicted.Store(true)
}

func (s *sessions) removeLocked(sess *session) {
	delete(s.byID, sess.id)
	s.lru.Remove(sess.elem)
	if sess.bound {
		if s.perOwner[sess.owner]--; s.perOwner[sess.owner] <= 0 {
			delete(s.perOwner, sess.owner)
		}
	}
}

// pruneLocked drops idle sessions, at most once per half TTL, so the map
// stays bounded even when mcp-go's own sweeper has not run yet. The least
// recently used come first, so it stops at the first live one.
func (s *sessions) pruneLocked(now time.Time) {
	if now.Sub(s.lastPrune) < s.ttl/2 {
		return
	}
	s.lastPrune = now
	for e := s.lru.Front(); e != nil; {
		sess := e.Value.(*session)
		e = e.Next()
		if now.Sub(sess.lastSeen) < s.ttl {
			break
		}
		s.removeLocked(sess)
	}
}

// active returns how many sessions are open.
func (s *sessions) active() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.byID)
}
