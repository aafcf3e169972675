// Package klipymcp_test drives the klipy-mcp binary end to end: it builds
// the binary once, runs it against the fake Klipy API on loopback and talks
// to it with an independent MCP client (the official go-sdk) and raw
// JSON-RPC.
package klipymcp_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/klipy-ai/klipy-mcp/klipy/klipytest"
)

// The values stamped into the test binary, checked by the version tests.
const (
	stampVersion = "v9.9.9-e2e"
	stampCommit  = "e2ecommit"
)

// binary is the path of the klipy-mcp binary TestMain built.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "klipy-mcp-e2e")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "klipy-mcp")
	build := exec.Command("go", "build", "-o", binary,
		"-ldflags", "-X main.version="+stampVersion+" -X main.commit="+stampCommit, "./cmd/klipy-mcp")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building klipy-mcp:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// fakeAPI serves fake under /api/v1 on loopback and returns its base URL.
func fakeAPI(t *testing.T, fake http.Handler) string {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle("/api/v1/", fake)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL + "/api/v1"
}

// command returns the binary run with args and a clean environment (so a
// developer's KLIPY_* variables cannot leak in), plus env entries.
func command(ctx context.Context, env []string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.TempDir()}, env...)
	cmd.WaitDelay = 5 * time.Second
	return cmd
}

// result is a finished run of the binary.
type result struct {
	code           int
	stdout, stderr string
}

// runBinary runs the binary to completion (bounded) and returns its exit
// code and output.
func runBinary(t *testing.T, env []string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	cmd := command(ctx, env, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("running %v: %v", args, err)
		}
		code = ee.ExitCode()
	}
	return result{code, stdout.String(), stderr.String()}
}

// server is a running klipy-mcp process that listens on a port.
type server struct {
	cmd    *exec.Cmd
	url    string // the address it reported, e.g. http://127.0.0.1:12345/mcp
	stderr *syncBuffer
	done   chan error
}

// startListening starts a command that listens (http or sandbox) with JSON
// logs, and waits for the log line carrying its address under key.
func startListening(t *testing.T, key string, args ...string) *server {
	t.Helper()
	cmd := command(context.Background(), nil, append(args, "--log-format", "json")...)
	pr, pw := io.Pipe()
	s := &server{cmd: cmd, stderr: &syncBuffer{}, done: make(chan error, 1)}
	cmd.Stderr = io.MultiWriter(s.stderr, pw)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { s.done <- cmd.Wait(); pw.Close() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-s.done
	})
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			var line map[string]any
			if json.Unmarshal(sc.Bytes(), &line) == nil {
				if u, ok := line[key].(string); ok {
					urls <- u
					break
				}
			}
		}
		_, _ = io.Copy(io.Discard, pr)
	}()
	select {
	case s.url = <-urls:
	case err := <-s.done:
		t.Fatalf("%v exited before listening: %v\n%s", args, err, s.stderr)
	case <-time.After(20 * time.Second):
		t.Fatalf("%v did not report its address:\n%s", args, s.stderr)
	}
	return s
}

// stop sends SIGTERM and returns the exit code.
func (s *server) stop(t *testing.T) int {
	t.Helper()
	if err := s.cmd.Process.Signal(sigterm); err != nil {
		t.Fatal(err)
	}
	return s.wait(t)
}

// wait waits (bounded) for the process to exit and returns its exit code.
func (s *server) wait(t *testing.T) int {
	t.Helper()
	select {
	case err := <-s.done:
		s.done <- err // for the cleanup
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	case <-time.After(30 * time.Second):
		t.Fatalf("the process did not exit:\n%s", s.stderr)
		return -1
	}
}

// syncBuffer is a bytes.Buffer safe for one writer and concurrent readers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// keyCount counts the requests the fake received with each key.
func keyCount(fake *klipytest.Server) map[string]int {
	out := map[string]int{}
	for _, r := range fake.Requests() {
		out[string(r.Key)]++
	}
	return out
}

// assertNoKey fails if the key appears in text.
func assertNoKey(t *testing.T, what, text, key string) {
	t.Helper()
	if strings.Contains(text, key) {
		t.Errorf("%s contains the API key", what)
	}
}
