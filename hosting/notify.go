package hosting

import (
	"bytes"
	"context"
	"encoding/json"
	"sync"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// The notification drain.
//
// mcp-go v1.2.1 answers a POST by running the handler while a forwarder
// goroutine copies the session's queued notifications onto the response's
// event stream. When the handler returns, the response path closes the stream
// for the forwarder; a notification the forwarder has already taken off the
// queue but not yet written is then dropped. Progress or log notifications
// sent just before a tool returns are therefore often lost.
//
// The host closes the race from outside mcp-go. Every notification a tool
// sends passes through the session's UpgradeToSSEWhenReceiveNotification
// (mcp-go calls it right before queueing), so a thin session wrapper counts
// what was queued; the host's response writer counts the notification events
// actually written on the session's streams. A tool-handler middleware waits,
// after the handler returns and before mcp-go writes the response, until the
// two counts meet (bounded by DrainTimeout, and by the request's context).

// noteCounter counts the notifications queued for one session (or one
// stateless request) and those written to its streams.
type noteCounter struct {
	mu      sync.Mutex
	queued  int64
	written int64
	changed chan struct{} // closed and replaced on every write
}

func newNoteCounter() *noteCounter { return &noteCounter{changed: make(chan struct{})} }

func (n *noteCounter) queue() {
	n.mu.Lock()
	n.queued++
	n.mu.Unlock()
}

func (n *noteCounter) wrote() {
	n.mu.Lock()
	n.written++
	close(n.changed)
	n.changed = make(chan struct{})
	n.mu.Unlock()
}

// drain waits until every notification queued so far has been written, ctx
// is done or timeout passes. It reports whether everything was written.
func (n *noteCounter) drain(ctx context.Context, timeout time.Duration) bool {
	n.mu.Lock()
	target := n.queued
	n.mu.Unlock()
	var deadline <-chan time.Time
	for {
		n.mu.Lock()
		done, changed := n.written >= target, n.changed
		n.mu.Unlock()
		if done {
			return true
		}
		if deadline == nil {
			t := time.NewTimer(timeout)
			defer t.Stop()
			deadline = t.C
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return false
		case <-deadline:
			return false
		}
	}
}

type noteCounterKey struct{}

// withNoteCounter returns a context whose tool calls count into n.
func withNoteCounter(ctx context.Context, n *noteCounter) context.Context {
	return context.WithValue(ctx, noteCounterKey{}, n)
}

func noteCounterFrom(ctx context.Context) *noteCounter {
	n, _ := ctx.Value(noteCounterKey{}).(*noteCounter)
	return n
}

// httpSession is everything mcp-go's streamable HTTP session implements;
// the counting wrapper keeps all of it visible to tool handlers.
type httpSession interface {
	server.SessionWithTools
	server.SessionWithResources
	server.SessionWithResourceTemplates
	server.SessionWithLogging
	server.SessionWithClientInfo
	server.SessionWithStreamableHTTPConfig
	server.SessionWithSubscriptionFilter
	server.SessionWithSampling
	server.SessionWithElicitation
	server.SessionWithRoots
	server.SessionWithProtocolVersion
}

// countingSession counts each notification mcp-go queues for the session.
type countingSession struct {
	httpSession
	notes *noteCounter
}

// UpgradeToSSEWhenReceiveNotification is called by mcp-go once per
// notification, just before it is queued.
func (s *countingSession) UpgradeToSSEWhenReceiveNotification() {
	s.notes.queue()
	s.httpSession.UpgradeToSSEWhenReceiveNotification()
}

// drainNotifications returns the tool middleware that makes a tool's
// response wait for the notifications it sent (see above).
func drainNotifications(timeout time.Duration, onTimeout func()) server.ToolHandlerMiddleware {
	return func(next server.ToolHandlerFunc) server.ToolHandlerFunc {
		return func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			notes := noteCounterFrom(ctx)
			sess, ok := server.ClientSessionFromContext(ctx).(httpSession)
			srv := server.ServerFromContext(ctx)
			if notes == nil || !ok || srv == nil {
				return next(ctx, req)
			}
			res, err := next(srv.WithContext(ctx, &countingSession{httpSession: sess, notes: notes}), req)
			if !notes.drain(ctx, timeout) && ctx.Err() == nil {
				onTimeout()
			}
			return res, err
		}
	}
}

// sseEventPrefix starts every event mcp-go writes on a stream.
var sseEventPrefix = []byte("event: message\ndata: ")

// isNotificationEvent reports whether p is one SSE event carrying a JSON-RPC
// notification (a method and no id). mcp-go writes each event in one Write.
func isNotificationEvent(p []byte) bool {
	data, ok := bytes.CutPrefix(p, sseEventPrefix)
	if !ok {
		return false
	}
	var msg struct {
		ID     json.RawMessage `json:"id"`
		Method string          `json:"method"`
	}
	if json.Unmarshal(data, &msg) != nil {
		return false
	}
	return msg.Method != "" && msg.ID == nil
}
