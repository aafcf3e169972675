package redisconn_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gomodule/redigo/redis"
	"github.com/google/go-cmp/cmp"
	"github.com/klipy-ai/klipy-mcp/hosting/redisconn"
	"github.com/klipy-ai/klipy-mcp/hosting/redisconn/redistest"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestParseURL(t *testing.T) {
	for raw, want := range map[string]redisconn.Target{
		"redis://redis:6379/0":              {Network: "tcp", Addr: "redis:6379"},
		"redis://redis":                     {Network: "tcp", Addr: "redis:6379"},
		"redis://":                          {Network: "tcp", Addr: "localhost:6379"},
		"redis://10.0.0.5:6380/3":           {Network: "tcp", Addr: "10.0.0.5:6380", DB: 3},
		"redis://:s3cret@redis:6379/1":      {Network: "tcp", Addr: "redis:6379", Password: "s3cret", DB: 1},
		"redis://app:s3cret@redis/":         {Network: "tcp", Addr: "redis:6379", Username: "app", Password: "s3cret"},
		"redis://[::1]:7000/2":              {Network: "tcp", Addr: "[::1]:7000", DB: 2},
		"unix:///run/redis.sock":            {Network: "unix", Addr: "/run/redis.sock"},
		"unix://:pw@/run/redis.sock?db=4":   {Network: "unix", Addr: "/run/redis.sock", Password: "pw", DB: 4},
		"rediss://u:p@cache.example:6380/0": {Network: "tcp", Addr: "cache.example:6380", Username: "u", Password: "p"},
	} {
		got, err := redisconn.ParseURL(raw)
		if err != nil {
			t.Errorf("ParseURL(%q): %v", raw, err)
			continue
		}
		if strings.HasPrefix(raw, "rediss:") {
			if got.TLS == nil || got.TLS.ServerName != "cache.example" || got.TLS.InsecureSkipVerify {
				t.Errorf("ParseURL(%q).TLS = %+v, want verified TLS to cache.example", raw, got.TLS)
			}
			got.TLS = nil
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("ParseURL(%q) (-want +got):\n%s", raw, diff)
		}
	}
	if got, err := redisconn.ParseURL("rediss://h?skip_verify=true"); err != nil || !got.TLS.InsecureSkipVerify {
		t.Errorf("rediss with skip_verify: %+v, %v", got.TLS, err)
	}
	for _, raw := range []string{
		"http://redis:6379", "redis://redis/x", "redis://redis/-1", "redis://redis/0?pool_size=3",
		"unix://", "unix:///s?db=x", "redis:redis", "rediss://h?skip_verify=maybe",
	} {
		if _, err := redisconn.ParseURL(raw); err == nil {
			t.Errorf("ParseURL(%q) = nil error, want one", raw)
		}
	}
}

// server starts a private redis-server (CLIENT KILL must not reach anyone
// else's) and returns a pool on it and its URL.
func server(t *testing.T) (*redis.Pool, string) {
	t.Helper()
	url := redistest.Start(t)
	p, _, err := redisconn.Open(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p, url
}

// TestBrokenIdleConnectionsAreRetried: connections the server closed while
// they sat idle (as after a restart) cost a retry, not a failed command.
func TestBrokenIdleConnectionsAreRetried(t *testing.T) {
	p, url := server(t)
	ctx := context.Background()
	// Three idle connections in the pool.
	conns := make([]redis.Conn, 3)
	for i := range conns {
		c, err := p.GetContext(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := redis.DoContext(c, ctx, "PING"); err != nil {
			t.Fatal(err)
		}
		conns[i] = c
	}
	for _, c := range conns {
		c.Close()
	}
	if n := p.IdleCount(); n != 3 {
		t.Fatalf("%d idle connections, want 3", n)
	}
	// The server closes them all.
	other, _, err := redisconn.Open(url)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if n, err := redis.Int(redisconn.Do(ctx, other, "CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes")); err != nil || n != 3 {
		t.Fatalf("CLIENT KILL = %d, %v; want 3 connections closed", n, err)
	}
	time.Sleep(20 * time.Millisecond)
	if v, err := redis.String(redisconn.Do(ctx, p, "SET", "k", "v")); err != nil || v != "OK" {
		t.Fatalf("SET on a pool of broken connections = %q, %v; want OK", v, err)
	}
}

// TestContextInterruptsACommand: cancelling the context of a command that
// blocks in Redis returns at once with the context's error, and the
// connection is not reused.
func TestContextInterruptsACommand(t *testing.T) {
	p, _ := server(t)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	_, err := redisconn.Do(ctx, p, "BLPOP", "nothing", "2")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("BLPOP with a cancelled context = %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("returned after %v, want about 50ms", d)
	}
	if n := p.IdleCount(); n != 0 {
		t.Errorf("%d idle connections after the interrupted command, want 0", n)
	}
	// A deadline bounds a command too.
	dctx, dcancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer dcancel()
	if _, err := redisconn.Do(dctx, p, "BLPOP", "nothing", "2"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("BLPOP past the deadline = %v, want context.DeadlineExceeded", err)
	}
	// The pool still works.
	if _, err := redisconn.Do(context.Background(), p, "PING"); err != nil {
		t.Errorf("PING after: %v", err)
	}
}

// TestUnreachable: a Redis that is not there fails the command at once,
// without dialling again and again until a deadline.
func TestUnreachable(t *testing.T) {
	p, _, err := redisconn.Open("unix://" + filepath.Join(t.TempDir(), "none.sock"))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	start := time.Now()
	if _, err := redisconn.Do(ctx, p, "PING"); err == nil {
		t.Fatal("PING on no server = nil error")
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("PING on no server failed after %v, want at once", d)
	}
}

// TestParseURLHidesPassword: an unparsable URL's error does not repeat the
// password (it reaches the usage error on stderr).
func TestParseURLHidesPassword(t *testing.T) {
	for _, raw := range []string{"redis://u:s3cret@h:x/0", "redis://:s3cret@h:1/0%zz", "unix://:s3cret@/s\x7f"} {
		_, err := redisconn.ParseURL(raw)
		if err == nil || strings.Contains(err.Error(), "s3cret") {
			t.Errorf("ParseURL(%q) = %v, want an error without the password", raw, err)
		}
	}
}
