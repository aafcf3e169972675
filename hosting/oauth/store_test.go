package oauth

import (
	"errors"
	"testing"
	"time"

	"github.com/gomodule/redigo/redis"
	"github.com/klipy-ai/klipy-mcp/hosting/redisconn"
	"github.com/klipy-ai/klipy-mcp/hosting/redisconn/redistest"
)

// redisClient returns a connection pool on the tests' Redis (see
// redistest.URL).
func redisClient(t testing.TB) *redis.Pool {
	t.Helper()
	p, _, err := redisconn.Open(redistest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// Both stores keep the Store contract: Put/Get, Take once, Delete, TTL.
func TestStores(t *testing.T) {
	stores := map[string]func(t *testing.T) Store{
		"memory": func(*testing.T) Store { return NewMemoryStore() },
		"redis":  func(t *testing.T) Store { return NewRedisStore(redisClient(t), "test:") },
	}
	for name, mk := range stores {
		t.Run(name, func(t *testing.T) {
			s, ctx := mk(t), t.Context()
			if _, err := s.Get(ctx, "a"); !errors.Is(err, ErrNotFound) {
				t.Errorf("Get absent: %v", err)
			}
			if err := s.Put(ctx, "a", []byte("1"), time.Minute); err != nil {
				t.Fatal(err)
			}
			if v, err := s.Get(ctx, "a"); err != nil || string(v) != "1" {
				t.Errorf("Get = %q, %v", v, err)
			}
			if v, err := s.Take(ctx, "a"); err != nil || string(v) != "1" {
				t.Errorf("Take = %q, %v", v, err)
			}
			if _, err := s.Take(ctx, "a"); !errors.Is(err, ErrNotFound) {
				t.Errorf("second Take: %v", err)
			}
			_ = s.Put(ctx, "b", []byte("2"), time.Minute)
			_ = s.Delete(ctx, "b", "absent")
			if _, err := s.Get(ctx, "b"); !errors.Is(err, ErrNotFound) {
				t.Errorf("Get after Delete: %v", err)
			}
		})
	}
	t.Run("redis TTL", func(t *testing.T) {
		rdb := redisClient(t)
		s := NewRedisStore(rdb, "test:")
		_ = s.Put(t.Context(), "c", []byte("3"), time.Minute)
		ms, err := redis.Int64(redisconn.Do(t.Context(), rdb, "PTTL", "test:c"))
		if ttl := time.Duration(ms) * time.Millisecond; err != nil || ttl <= 0 || ttl > time.Minute {
			t.Errorf("TTL = %v, want (0, 1m]", ttl)
		}
	})
}

// BenchmarkResolveRedis is BenchmarkResolve with grants in Redis (a local
// unix socket): two GETs per request.
func BenchmarkResolveRedis(b *testing.B) {
	rdb := redisClient(b)
	e := newEnv(b, func(_ *env, c *Config) { c.Store = NewRedisStore(rdb, "bench:") })
	at, _ := e.tokens(e.register(redirect), redirect)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := e.srv.Resolve(b.Context(), at); err != nil {
			b.Fatal(err)
		}
	}
}
