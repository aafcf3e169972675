package bench

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"sync"
	"sync/atomic"
	"time"
)

// StdioServer is an MCP server process driven over its stdin and stdout.
// Calls may be made concurrently; responses are matched by id.
type StdioServer struct {
	cmd     *exec.Cmd
	stdin   io.WriteCloser
	writeMu sync.Mutex
	nextID  atomic.Int64

	mu      sync.Mutex
	pending map[int64]chan response
	readErr error
	done    chan struct{}
}

// StartStdio starts cmd (whose stdin and stdout must be unset) and returns
// the moment just before the process was spawned, for cold-start timing.
func StartStdio(cmd *exec.Cmd) (*StdioServer, time.Time, error) {
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, time.Time{}, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, time.Time{}, err
	}
	s := &StdioServer{cmd: cmd, stdin: stdin, pending: map[int64]chan response{}, done: make(chan struct{})}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, time.Time{}, fmt.Errorf("start %s: %w", cmd.Path, err)
	}
	go s.readLoop(stdout)
	return s, start, nil
}

// PID returns the server's process id.
func (s *StdioServer) PID() int { return s.cmd.Process.Pid }

// readLoop delivers each response line to the caller waiting for its id.
func (s *StdioServer) readLoop(r io.Reader) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 16<<20)
	for sc.Scan() {
		var msg response
		if err := json.Unmarshal(sc.Bytes(), &msg); err != nil || msg.ID == nil || msg.Method != "" {
			continue // notifications, server requests and noise are not ours
		}
		s.mu.Lock()
		ch := s.pending[*msg.ID]
		delete(s.pending, *msg.ID)
		s.mu.Unlock()
		if ch != nil {
			msg.Result = append(json.RawMessage(nil), msg.Result...)
			ch <- msg
		}
	}
	s.mu.Lock()
	s.readErr = sc.Err()
	if s.readErr == nil {
		s.readErr = io.EOF
	}
	s.mu.Unlock()
	close(s.done)
}

// Call sends a request and waits for its result.
func (s *StdioServer) Call(ctx context.Context, method string, params any) (json.RawMessage, error) {
	id := s.nextID.Add(1)
	ch := make(chan response, 1)
	s.mu.Lock()
	s.pending[id] = ch
	s.mu.Unlock()
	if err := s.write(request{JSONRPC: "2.0", ID: &id, Method: method, Params: params}); err != nil {
		return nil, err
	}
	select {
	case msg := <-ch:
		if msg.Error != nil {
			return nil, fmt.Errorf("%s: %w", method, msg.Error)
		}
		return msg.Result, nil
	case <-s.done:
		return nil, fmt.Errorf("%s: server closed its output: %w", method, s.readErr)
	case <-ctx.Done():
		return nil, fmt.Errorf("%s: %w", method, ctx.Err())
	}
}

// Notify sends a notification.
func (s *StdioServer) Notify(method string, params any) error {
	return s.write(request{JSONRPC: "2.0", Method: method, Params: params})
}

// Initialize performs the initialize handshake.
func (s *StdioServer) Initialize(ctx context.Context) error {
	if _, err := s.Call(ctx, "initialize", InitializeParams()); err != nil {
		return err
	}
	return s.Notify("notifications/initialized", nil)
}

func (s *StdioServer) write(req request) error {
	b, err := json.Marshal(req)
	if err != nil {
		return err
	}
	b = append(b, '\n')
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	_, err = s.stdin.Write(b)
	return err
}

// Close closes the server's stdin (a clean EOF shutdown) and waits for it to
// exit, killing it after grace.
func (s *StdioServer) Close(grace time.Duration) error {
	s.stdin.Close()
	var killed bool
	select {
	case <-s.done:
	case <-time.After(grace):
		s.cmd.Process.Kill()
		killed = true
	}
	err := s.cmd.Wait()
	if killed {
		return errors.New("server did not exit on EOF; killed")
	}
	return err
}
