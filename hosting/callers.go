package hosting

import (
	"container/list"
	"context"
	"crypto/sha256"
	"errors"
	"net/http"
	"strings"
	"sync"
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

	mu       sync.Mutex // serialises discovery
	known    bool       // Authenticate succeeded once
	lastUsed time.Time  // guarded by callers.mu
}

// errKeyRejected says the upstream refused the key itself.
var errKeyRejected = errors.New("hosting: the Klipy API rejected the key")

// discover authenticates the key once, so that the client knows its scopes
// before tools are listed. A rejected key is reported as errKeyRejected; any
// other failure (network, upstream down) is left for the tools to report and
// retried on the caller's next request.
func (c *caller) discover(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.known {
		return nil
	}
	_, _, err := c.client.Authenticate(ctx)
	switch {
	case err == nil:
		c.known = true
		return nil
	case errors.Is(err, klipy.ErrUnauthorized):
		return errKeyRejected
	default:
		return err
	}
}

// callers is a bounded LRU of per-key clients with an idle TTL.
type callers struct {
	newClient func(key string) (*klipy.Client, error)
	size      int
	ttl       time.Duration
	now       func() time.Time

	mu    sync.Mutex
	order *list.List // of *caller, most recently used first
	byID  map[keyID]*list.Element
}

func newCallers(size int, ttl time.Duration, now func() time.Time, newClient func(string) (*klipy.Client, error)) *callers {
	return &callers{newClient: newClient, size: size, ttl: ttl, now: now,
		order: list.New(), byID: make(map[keyID]*list.Element)}
}

// get returns key's caller, creating its client on first use or after it
// was evicted or idled out.
func (cs *callers) get(key string) (*caller, error) {
	id := idOf(key)
	now := cs.now()
	cs.mu.Lock()
	if el, ok := cs.byID[id]; ok {
		c := el.Value.(*caller)
		if now.Sub(c.lastUsed) < cs.ttl {
			c.lastUsed = now
			cs.order.MoveToFront(el)
			cs.mu.Unlock()
			return c, nil
		}
		cs.remove(el)
	}
	cs.mu.Unlock()

	client, err := cs.newClient(key)
	if err != nil {
		return nil, err
	}
	return cs.insert(&caller{id: id, client: client, lastUsed: now}), nil
}

// insert adds c unless a concurrent request added the same key first, in
// which case that caller wins, and evicts the least recently used beyond size.
func (cs *callers) insert(c *caller) *caller {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if el, ok := cs.byID[c.id]; ok {
		return el.Value.(*caller)
	}
	cs.byID[c.id] = cs.order.PushFront(c)
	for cs.order.Len() > cs.size {
		cs.remove(cs.order.Back())
	}
	return c
}

func (cs *callers) remove(el *list.Element) {
	delete(cs.byID, el.Value.(*caller).id)
	cs.order.Remove(el)
}

// len returns how many callers are cached.
func (cs *callers) len() int {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	return cs.order.Len()
}
