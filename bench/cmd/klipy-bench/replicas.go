package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os/exec"
	"strings"
	"time"

	"github.com/klipy-ai/klipy-mcp/bench"
)

// replicas is how many klipy-mcp http processes share one Redis in the
// upstream-budget run.
const replicas = 2

// errNoRedis skips the replicated budget run on machines without Redis.
var errNoRedis = errors.New("redis-server is not on PATH: install it (Debian: apt-get install redis-server) to measure the upstream budget of replicas sharing Redis")

// startRedis starts a throwaway redis-server on a free loopback port,
// without persistence, and waits until it answers PING.
func startRedis(ctx context.Context) (url string, stop func(), err error) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return "", nil, errNoRedis
	}
	var out *capped
	p, addr, err := launch(ctx, func(addr string) *exec.Cmd {
		_, port, _ := net.SplitHostPort(addr)
		cmd := exec.Command(bin, "--bind", "127.0.0.1", "--port", port, "--save", "", "--appendonly", "no")
		out = &capped{max: 8 << 10}
		cmd.Stdout, cmd.Stderr = out, out
		return cmd
	}, waitPong)
	if err != nil {
		if out != nil {
			err = fmt.Errorf("%w; output: %s", err, out)
		}
		return "", nil, fmt.Errorf("redis-server: %w", err)
	}
	stop = func() {
		p.cmd.Process.Kill()
		<-p.done
	}
	return "redis://" + addr + "/0", stop, nil
}

// waitPong polls addr with a Redis PING for at most 10 s.
func waitPong(ctx context.Context, addr string) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	for {
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.SetDeadline(time.Now().Add(time.Second))
			_, err = c.Write([]byte("PING\r\n"))
			line, rerr := bufio.NewReader(c).ReadString('\n')
			c.Close()
			if err == nil && rerr == nil && strings.HasPrefix(line, "+PONG") {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("no PONG from %s: %w", addr, ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// replicatedBudget runs two klipy-mcp http replicas with the same key and
// --redis-url against a fake with Klipy's real limits, and keeps callers
// (spread over both) demanding get_person far faster than 200/min for d.
func replicatedBudget(ctx context.Context, k *target, callers int, d time.Duration) (*budgetResult, error) {
	redisURL, stopRedis, err := startRedis(ctx)
	if err != nil {
		return nil, err
	}
	defer stopRedis()
	up, err := startUpstream(ctx, 0, 0, false)
	if err != nil {
		return nil, err
	}
	defer up.close()
	kr := *k
	kr.httpArgs = []string{"http", "--api-key", benchKey, "--base-url", up.baseURL, "--redis-url", redisURL}
	kr.args = map[string]any{"person_id": up.personID}

	start := time.Now()
	var sessions []*bench.HTTPSession
	client := newHTTPClient(max(callers, replicas))
	defer client.CloseIdleConnections()
	for range replicas {
		p, err := kr.startHTTP(ctx)
		if err != nil {
			return nil, err
		}
		defer p.stop()
		ss, err := openSessions(ctx, client, p.url, max(1, callers/replicas), 1)
		if err != nil {
			return nil, fmt.Errorf("replica sessions: %w", err)
		}
		sessions = append(sessions, ss...)
	}
	res := &budgetResult{}
	l := &load{t: &kr}
	res.drive(ctx, start.Add(d), len(sessions), func(ctx context.Context, i int) error {
		return l.call(ctx)(sessions[i])
	})
	res.elapsed = time.Since(start)
	res.requests, res.throttled = up.requests.Load(), up.throttled.Load()
	return res, nil
}
