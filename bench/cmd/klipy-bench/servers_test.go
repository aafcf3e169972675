package main

import (
	"context"
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// readyAfter is a launch readiness check for test processes: ready after d,
// unless the process exits first (which cancels ctx).
func readyAfter(d time.Duration) func(ctx context.Context, addr string) error {
	return func(ctx context.Context, addr string) error {
		select {
		case <-ctx.Done():
			return errors.New("not ready")
		case <-time.After(d):
			return nil
		}
	}
}

func TestLaunchRetriesAServerThatExits(t *testing.T) {
	attempts := 0
	p, addr, err := launch(t.Context(), func(addr string) *exec.Cmd {
		attempts++
		if attempts == 1 {
			return exec.Command("sh", "-c", "exit 3") // as a server whose port was taken
		}
		return exec.Command("sleep", "30")
	}, readyAfter(300*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer p.stop()
	if attempts != 2 || !strings.HasPrefix(addr, "127.0.0.1:") {
		t.Errorf("attempts %d, addr %q; want 2 attempts on a loopback address", attempts, addr)
	}
	start := time.Now()
	p.stop()
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("stop took %v", d)
	}
}

func TestLaunchGivesUp(t *testing.T) {
	attempts := 0
	start := time.Now()
	_, _, err := launch(t.Context(), func(string) *exec.Cmd {
		attempts++
		return exec.Command("sh", "-c", "exit 3")
	}, readyAfter(10*time.Second))
	if err == nil || attempts != launchAttempts {
		t.Fatalf("err %v after %d attempts; want an error after %d", err, attempts, launchAttempts)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("gave up after %v: an exited server should end the wait at once", d)
	}
}

func TestLaunchDoesNotRetryAServerThatRuns(t *testing.T) {
	attempts := 0
	var cmd *exec.Cmd
	_, _, err := launch(t.Context(), func(string) *exec.Cmd {
		attempts++
		cmd = exec.Command("sleep", "30")
		return cmd
	}, func(context.Context, string) error { return errors.New("unhealthy") })
	if err == nil || attempts != 1 {
		t.Fatalf("err %v after %d attempts; want an error after 1", err, attempts)
	}
	if cmd.ProcessState == nil {
		t.Error("the unhealthy server was left running")
	}
}
