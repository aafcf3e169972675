package oauth

import (
	"context"
	"errors"
	"sync"
	"time"
)

// ErrNotFound is returned by a Store for a key that is absent or expired.
var ErrNotFound = errors.New("oauth: not found")

// Store keeps the server's records (clients, codes, grants, token hashes)
// under string keys, each with a time to live. Implementations must be safe
// for concurrent use; Take must be atomic, so that a code or refresh token
// is redeemed at most once even across replicas.
type Store interface {
	// Put stores val under key for ttl, replacing any previous value.
	Put(ctx context.Context, key string, val []byte, ttl time.Duration) error
	// Get returns key's value, or ErrNotFound.
	Get(ctx context.Context, key string) ([]byte, error)
	// Take returns key's value and deletes it in one step, or ErrNotFound.
	Take(ctx context.Context, key string) ([]byte, error)
	// Delete removes keys; absent keys are not an error.
	Delete(ctx context.Context, keys ...string) error
}

// MemoryStore is a Store in process memory, for a single replica. Expired
// records are dropped when read and swept as new ones are written.
type MemoryStore struct {
	now func() time.Time

	mu    sync.Mutex
	items map[string]memItem
	puts  int
}

type memItem struct {
	val []byte
	exp time.Time
}

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{now: time.Now, items: make(map[string]memItem)}
}

// Put implements Store.
func (m *MemoryStore) Put(_ context.Context, key string, val []byte, ttl time.Duration) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	m.items[key] = memItem{val: append([]byte(nil), val...), exp: now.Add(ttl)}
	if m.puts++; m.puts%256 == 0 {
		for k, it := range m.items {
			if !now.Before(it.exp) {
				delete(m.items, k)
			}
		}
	}
	return nil
}

// Get implements Store.
func (m *MemoryStore) Get(_ context.Context, key string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.getLocked(key)
}

func (m *MemoryStore) getLocked(key string) ([]byte, error) {
	it, ok := m.items[key]
	if !ok {
		return nil, ErrNotFound
	}
	if !m.now().Before(it.exp) {
		delete(m.items, key)
		return nil, ErrNotFound
	}
	return it.val, nil
}

// Take implements Store.
func (m *MemoryStore) Take(_ context.Context, key string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, err := m.getLocked(key)
	delete(m.items, key)
	return v, err
}

// Delete implements Store.
func (m *MemoryStore) Delete(_ context.Context, keys ...string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, k := range keys {
		delete(m.items, k)
	}
	return nil
}

// Len returns how many records are held, expired or not (tests check that
// refused requests store nothing).
func (m *MemoryStore) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for _, it := range m.items {
		if m.now().Before(it.exp) {
			n++
		}
	}
	return n
}
