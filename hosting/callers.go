package hosting

import (
	"container/list"
	"crypto/sha256"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/klipy-ai/klipy-mcp/klipy"
)

// keyID identifies a caller by the SHA-256 of their key, so that no map,
// log line or metric label ever holds a key in clear.
type keyID [sha256.Size]byte

// idOf returns the identity of key.
func idOf(key string) keyID { return sha256.Sum256([]byte(key)) }

// requestKey returns the key a request carries: "Authorization: Bearer …"
// first, else "X-Klipy-Api-Key". Any other Authorization scheme counts as no
// key.
func requestKey(r *http.Request) string {
	if auth := r.Header.Get("Authorization"); auth != "" {
		scheme, token, ok := strings.Cut(strings.TrimSpace(auth), " ")
		if ok && strings.EqualFold(scheme, "Bearer") {
			return strings.TrimSpace(token)
		}
		return ""
	}
	return strings.TrimSpace(r.Header.Get("X-Klipy-Api-Key"))
}

// caller is one key's client, shared by every request with that key so that
// its rate-limit state and discovered scopes persist across requests.
type caller struct {
	id     keyID
	client *klipy.Client
	// refused is set when Klipy answers 401 to a key reached through an
	// access token, so that the request ends the grant (see tokenAuth).
	refused atomic.Bool

	// Guarded by callers.mu.
	lastUsed time.Time
	tier     *tier // the tier holding it; nil once dropped
}

// tier is one LRU list of callers with its bound.
type tier struct {
	size  int
	order *list.List // of *caller, most recently used first
	byID  map[keyID]*list.Element
}

func newTier(size int) *tier {
	return &tier{size: size, order: list.New(), byID: make(map[keyID]*list.Element)}
}

// callers caches per-key clients in two LRU tiers with an idle TTL, and
// remembers rejected keys for a short time. Keys the upstream has accepted
// live in the known tier; keys not yet checked (or whose check failed) live
// in a small tier of their own, so that a flood of unknown keys never
// pushes a known caller out. Rejected keys are answered 401 from memory.
type callers struct {
	newClient func(c *caller, key string) (*klipy.Client, error)
	ttl       time.Duration
	now       func() time.Time

	mu         sync.Mutex
	known      *tier
	unverified *tier
	rejected   *rejections
}

func newCallers(cfg Config, newClient func(*caller, string) (*klipy.Client, error)) *callers {
	return &callers{newClient: newClient, ttl: cfg.ClientIdleTTL, now: cfg.now,
		known: newTier(cfg.ClientCacheSize), unverified: newTier(cfg.UnverifiedCacheSize),
		rejected: newRejections(cfg.RejectedKeyTTL, cfg.RejectedCacheSize)}
}

// get returns the caller of key, whose id the request already computed,
// creating its client (in the unverified tier) on first use or after it was
// evicted or idled out.
func (cs *callers) get(id keyID, key string) (*caller, error) {
	now := cs.now()
	cs.mu.Lock()
	for _, t := range []*tier{cs.known, cs.unverified} {
		el, ok := t.byID[id]
		if !ok {
			continue
		}
		c := el.Value.(*caller)
		if now.Sub(c.lastUsed) < cs.ttl {
			c.lastUsed = now
			t.order.MoveToFront(el)
			cs.mu.Unlock()
			return c, nil
		}
		cs.drop(c)
	}
	cs.mu.Unlock()

	c := &caller{id: id, lastUsed: now}
	client, err := cs.newClient(c, key)
	if err != nil {
		return nil, err
	}
	c.client = client
	return cs.insert(c), nil
}

// insert adds c to the unverified tier unless a concurrent request added
// the same key first, in which case that caller wins.
func (cs *callers) insert(c *caller) *caller {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	for _, t := range []*tier{cs.known, cs.unverified} {
		if el, ok := t.byID[c.id]; ok {
			return el.Value.(*caller)
		}
	}
	cs.add(cs.unverified, c)
	return c
}

// add puts c at the front of t and evicts t's least recently used beyond
// its size.
func (cs *callers) add(t *tier, c *caller) {
	c.tier = t
	t.byID[c.id] = t.order.PushFront(c)
	for t.order.Len() > t.size {
		cs.drop(t.order.Back().Value.(*caller))
	}
}

// drop removes c from its tier.
func (cs *callers) drop(c *caller) {
	if c.tier == nil {
		return
	}
	if el, ok := c.tier.byID[c.id]; ok && el.Value == c {
		delete(c.tier.byID, c.id)
		c.tier.order.Remove(el)
	}
	c.tier = nil
}

// promote moves a caller whose key the upstream accepted into the known
// tier. A caller dropped meanwhile (evicted from the unverified tier) is
// added back: its key is good.
func (cs *callers) promote(c *caller) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if c.tier == cs.known {
		return
	}
	cs.drop(c)
	if _, ok := cs.known.byID[c.id]; ok { // a concurrent caller of the key won
		return
	}
	cs.add(cs.known, c)
}

// reject drops a caller whose key the upstream rejected and remembers the
// key for a short time.
func (cs *callers) reject(c *caller) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	cs.drop(c)
	cs.rejected.add(c.id, cs.now())
}

// isRejected reports whether id was rejected within the negative TTL.
func (cs *callers) isRejected(id keyID) bool {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	return cs.rejected.has(id, cs.now())
}

// len returns how many callers are cached, in both tiers.
func (cs *callers) len() int {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	return cs.known.order.Len() + cs.unverified.order.Len()
}

// knownLen returns how many callers with an accepted key are cached.
func (cs *callers) knownLen() int {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	return cs.known.order.Len()
}

// rejections is a bounded negative cache of rejected keys, oldest first out.
type rejections struct {
	ttl   time.Duration
	size  int
	order *list.List // of rejection, oldest first
	byID  map[keyID]*list.Element
}

type rejection struct {
	id    keyID
	until time.Time
}

func newRejections(ttl time.Duration, size int) *rejections {
	return &rejections{ttl: ttl, size: size, order: list.New(), byID: make(map[keyID]*list.Element)}
}

func (r *rejections) add(id keyID, now time.Time) {
	if el, ok := r.byID[id]; ok {
		r.order.Remove(el)
	}
	r.byID[id] = r.order.PushBack(rejection{id: id, until: now.Add(r.ttl)})
	for r.order.Len() > r.size {
		r.remove(r.order.Front())
	}
}

func (r *rejections) has(id keyID, now time.Time) bool {
	el, ok := r.byID[id]
	if !ok {
		return false
	}
	if now.Before(el.Value.(rejection).until) {
		return true
	}
	r.remove(el)
	return false
}

func (r *rejections) remove(el *list.Element) {
	delete(r.byID, el.Value.(rejection).id)
	r.order.Remove(el)
}
