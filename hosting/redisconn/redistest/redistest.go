// Package redistest starts Redis servers for tests of the packages that
// share state through Redis.
package redistest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/klipy-ai/klipy-mcp/hosting/redisconn"
)

// EnvURL names the variable that points the tests at a Redis of the
// caller's choosing instead of a private one.
const EnvURL = "KLIPY_TEST_REDIS_URL"

// URL returns $KLIPY_TEST_REDIS_URL when set, else Start's server.
func URL(t testing.TB) string {
	t.Helper()
	if u := os.Getenv(EnvURL); u != "" {
		return u
	}
	return Start(t)
}

// Start starts a redis-server of the test's own on a unix socket, without
// persistence, and returns its URL once it answers; the server is stopped
// when the test ends. The test is skipped when redis-server is not
// installed.
func Start(t testing.TB) string {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Skip("redis-server is not installed and " + EnvURL + " is not set; install redis-server to run this test")
	}
	dir := t.TempDir()
	sock := filepath.Join(dir, "redis.sock")
	cmd := exec.Command(bin, "--port", "0", "--unixsocket", sock, "--save", "", "--appendonly", "no", "--dir", dir)
	if err := cmd.Start(); err != nil {
		t.Fatalf("start redis-server: %v", err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	url := "unix://" + sock
	WaitReady(t, url)
	return url
}

// WaitReady pings the server at url until it answers, for at most 10 s.
func WaitReady(t testing.TB, url string) {
	t.Helper()
	p, _, err := redisconn.Open(url)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		_, err := redisconn.Do(ctx, p, "PING")
		cancel()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("redis-server did not come up: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
