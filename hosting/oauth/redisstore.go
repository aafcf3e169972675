package oauth

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

// RedisStore is a Store in Redis, shared by every replica: a token issued by
// one replica works on all of them, and a revocation on one is seen by all.
// Redis expires records by their TTL.
type RedisStore struct {
	rdb    redis.UniversalClient
	prefix string
}

// NewRedisStore returns a Store on rdb whose keys all start with prefix
// (e.g. "klipy-mcp:oauth:").
func NewRedisStore(rdb redis.UniversalClient, prefix string) *RedisStore {
	return &RedisStore{rdb: rdb, prefix: prefix}
}

// Put implements Store.
func (s *RedisStore) Put(ctx context.Context, key string, val []byte, ttl time.Duration) error {
	return s.rdb.Set(ctx, s.prefix+key, val, ttl).Err()
}

// Get implements Store.
func (s *RedisStore) Get(ctx context.Context, key string) ([]byte, error) {
	return s.result(s.rdb.Get(ctx, s.prefix+key).Bytes())
}

// Take implements Store with GETDEL, which is atomic.
func (s *RedisStore) Take(ctx context.Context, key string) ([]byte, error) {
	return s.result(s.rdb.GetDel(ctx, s.prefix+key).Bytes())
}

// Delete implements Store.
func (s *RedisStore) Delete(ctx context.Context, keys ...string) error {
	if len(keys) == 0 {
		return nil
	}
	full := make([]string, len(keys))
	for i, k := range keys {
		full[i] = s.prefix + k
	}
	return s.rdb.Del(ctx, full...).Err()
}

func (s *RedisStore) result(b []byte, err error) ([]byte, error) {
	if errors.Is(err, redis.Nil) {
		return nil, ErrNotFound
	}
	return b, err
}
