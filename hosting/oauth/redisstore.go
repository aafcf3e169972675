package oauth

import (
	"context"
	"errors"
	"time"

	"github.com/gomodule/redigo/redis"
	"github.com/klipy-ai/klipy-mcp/hosting/redisconn"
)

// RedisStore is a Store in Redis, shared by every replica: a token issued by
// one replica works on all of them, and a revocation on one is seen by all.
// Redis expires records by their TTL.
type RedisStore struct {
	pool   *redis.Pool
	prefix string
}

// NewRedisStore returns a Store on the Redis connection pool p whose keys
// all start with prefix (e.g. "klipy-mcp:oauth:").
func NewRedisStore(p *redis.Pool, prefix string) *RedisStore {
	return &RedisStore{pool: p, prefix: prefix}
}

// Put implements Store.
func (s *RedisStore) Put(ctx context.Context, key string, val []byte, ttl time.Duration) error {
	args := []any{s.prefix + key, val}
	if ttl > 0 {
		args = append(args, "PX", max(ttl.Milliseconds(), 1))
	}
	_, err := redisconn.Do(ctx, s.pool, "SET", args...)
	return err
}

// Get implements Store.
func (s *RedisStore) Get(ctx context.Context, key string) ([]byte, error) {
	return s.result(redis.Bytes(redisconn.Do(ctx, s.pool, "GET", s.prefix+key)))
}

// Take implements Store with GETDEL, which is atomic.
func (s *RedisStore) Take(ctx context.Context, key string) ([]byte, error) {
	return s.result(redis.Bytes(redisconn.Do(ctx, s.pool, "GETDEL", s.prefix+key)))
}

// Delete implements Store.
func (s *RedisStore) Delete(ctx context.Context, keys ...string) error {
	if len(keys) == 0 {
		return nil
	}
	full := make([]any, len(keys))
	for i, k := range keys {
		full[i] = s.prefix + k
	}
	_, err := redisconn.Do(ctx, s.pool, "DEL", full...)
	return err
}

func (s *RedisStore) result(b []byte, err error) ([]byte, error) {
	if errors.Is(err, redis.ErrNil) {
		return nil, ErrNotFound
	}
	return b, err
}
