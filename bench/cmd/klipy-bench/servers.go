package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/klipy-ai/klipy-mcp/bench"
)

// target is one server under test: how to launch it and what to call.
type target struct {
	name string // "klipy-mcp" or "floor"
	bin  string
	// stdioArgs and httpArgs are the command lines of the two modes; httpArgs
	// gets "--addr HOST:PORT" appended.
	stdioArgs []string
	httpArgs  []string
	// tool and args are the call measured.
	tool string
	args map[string]any
}

// build compiles pkg (relative to the module root) into dir, with a
// go build -overlay file when overlay is set (to measure a proposed change
// without touching the tree).
func build(ctx context.Context, root, dir, name, pkg, overlay string) (string, error) {
	out := filepath.Join(dir, name)
	args := []string{"build", "-o", out}
	if overlay != "" {
		args = append(args, "-overlay", overlay)
	}
	cmd := exec.CommandContext(ctx, "go", append(args, pkg)...)
	cmd.Dir = root
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build %s: %w\n%s", pkg, err, b)
	}
	return out, nil
}

// command returns the process for args with a clean environment: no KLIPY_
// variable leaks in from the caller's shell.
func command(bin string, args []string) *exec.Cmd {
	cmd := exec.Command(bin, args...)
	var env []string
	for _, kv := range os.Environ() {
		if len(kv) < 6 || kv[:6] != "KLIPY_" {
			env = append(env, kv)
		}
	}
	cmd.Env = env
	cmd.Stderr = &capped{max: 8 << 10}
	return cmd
}

// startStdio spawns t in stdio mode.
func (t *target) startStdio(extra ...string) (*bench.StdioServer, time.Time, error) {
	return bench.StartStdio(command(t.bin, append(append([]string{}, t.stdioArgs...), extra...)))
}

// proc is a server process started by launch.
type proc struct {
	cmd  *exec.Cmd
	done chan struct{} // closed once the process has exited
}

// stop interrupts the server, kills it after 5 s, and waits for it.
func (p *proc) stop() {
	p.cmd.Process.Signal(os.Interrupt)
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
		p.cmd.Process.Kill()
		<-p.done
	}
}

// launchAttempts is how many ports launch tries.
const launchAttempts = 3

// launch starts the server newCmd builds for a loopback address whose port
// was free just now, and waits until ready succeeds. The port can be taken
// between that check and the server's bind (by an outgoing connection of
// this machine), so a server that exits before it is ready is started again
// on another port.
func launch(ctx context.Context, newCmd func(addr string) *exec.Cmd, ready func(ctx context.Context, addr string) error) (*proc, string, error) {
	for attempt := 1; ; attempt++ {
		addr, err := freeAddr()
		if err != nil {
			return nil, "", err
		}
		p := &proc{cmd: newCmd(addr), done: make(chan struct{})}
		if err := p.cmd.Start(); err != nil {
			return nil, "", err
		}
		go func() { p.cmd.Wait(); close(p.done) }()
		rctx, cancel := context.WithCancel(ctx)
		go func() {
			select {
			case <-p.done:
				cancel()
			case <-rctx.Done():
			}
		}()
		err = ready(rctx, addr)
		cancel()
		if err == nil {
			return p, addr, nil
		}
		exited := false
		select {
		case <-p.done:
			exited = true
		default:
			p.stop()
		}
		if !exited || attempt == launchAttempts || ctx.Err() != nil {
			return nil, "", fmt.Errorf("%w (on %s, attempt %d)", err, addr, attempt)
		}
	}
}

// httpProc is a server running in HTTP mode.
type httpProc struct {
	*proc
	url string // the /mcp endpoint
}

// startHTTP starts t in HTTP mode on a free loopback port and waits until it
// answers /healthz.
func (t *target) startHTTP(ctx context.Context) (*httpProc, error) {
	var cmd *exec.Cmd
	p, addr, err := launch(ctx, func(addr string) *exec.Cmd {
		cmd = command(t.bin, append(append([]string{}, t.httpArgs...), "--addr", addr))
		return cmd
	}, func(ctx context.Context, addr string) error {
		return waitHealthy(ctx, "http://"+addr+"/healthz")
	})
	if err != nil {
		if cmd != nil {
			err = fmt.Errorf("%s http: %w; stderr: %s", t.name, err, cmd.Stderr)
		}
		return nil, err
	}
	return &httpProc{proc: p, url: "http://" + addr + "/mcp"}, nil
}

// freeAddr returns a loopback address with a port that was free just now.
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return "127.0.0.1:" + strconv.Itoa(l.Addr().(*net.TCPAddr).Port), nil
}

// waitHealthy polls url until it answers 200, for at most 15 s.
func waitHealthy(ctx context.Context, url string) error {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("not healthy at %s: %w", url, ctx.Err())
		case <-tick.C:
		}
	}
}

// capped keeps the first max bytes written to it (a server's stderr, for
// diagnostics) and drops the rest.
type capped struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (c *capped) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if room := c.max - len(c.buf); room > 0 {
		c.buf = append(c.buf, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

func (c *capped) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return string(c.buf)
}
