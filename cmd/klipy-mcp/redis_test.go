package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestRedisURLErrors: a --redis-url that cannot be used stops http at
// start-up with one usage line, before it listens.
func TestRedisURLErrors(t *testing.T) {
	for _, tt := range []struct{ url, want string }{
		{"http://redis:6379", "--redis-url: redislimit: invalid Redis URL: scheme \"http\""},
		{"redis://redis/0?pool_size=9", `unsupported URL parameter "pool_size"`},
		{"unix://" + filepath.Join(t.TempDir(), "none.sock"), "--redis-url: redislimit: Redis at "},
	} {
		code, stdout, stderr := runCLI(t, nil, "http", "--api-key", "k", "--addr", "127.0.0.1:0", "--redis-url", tt.url)
		lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
		if code != 2 || stdout != "" || len(lines) != 1 || !strings.Contains(lines[0], tt.want) {
			t.Errorf("--redis-url %s: exit %d, stdout %q, stderr %q; want 2 and one line containing %q", tt.url, code, stdout, stderr, tt.want)
		}
		if strings.Contains(stderr, "does not answer") != strings.HasPrefix(tt.url, "unix:") {
			t.Errorf("--redis-url %s: stderr %q", tt.url, stderr)
		}
	}
}
