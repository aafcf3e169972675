package hosting

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// Notifications sent by tools.
//
// mcp-go v1.2.1 answers a POST by running the handler while a forwarder
// goroutine copies the session's notification queue onto the response's
// event stream. Two defects follow. When the handler returns, the response
// path closes the stream for the forwarder, and a notification the forwarder
// has already taken off the queue but not yet written is dropped: a progress
// or log notification sent just before a tool returns is often lost. And in a
// session-based (2025-11-25 era) session, concurrent POSTs share one queue, so
// one call's notification can be taken by another call's forwarder and
// written to the wrong stream, or dropped when that call is finishing.
//
// The host routes a tool call's notifications itself. During the call, the
// session in the handler's context is wrapped so that its NotificationChannel
// is a channel of this call; the first notification starts a relay that
// writes each one, in order, as an event on this call's own response stream
// (the host's response writer serialises these writes with mcp-go's). When
// the handler returns, the middleware lets the relay write whatever is still
// queued and waits for it to stop before mcp-go writes the response. The
// wrapper still calls the real session's UpgradeToSSEWhenReceiveNotification,
// so mcp-go answers on the same event stream. Nothing is waited on when a
// call sends no notification.

// callStream relays one tool call's notifications onto its response.
type callStream struct {
	w *responseWriter

	once    sync.Once
	queue   chan mcp.JSONRPCNotification
	stop    chan struct{}
	stopped chan struct{}
}

// notificationBuffer bounds a call's queued notifications, like mcp-go's
// own per-session queue (a full queue reports ErrNotificationChannelBlocked
// to the sender).
const notificationBuffer = 100

// channel returns the call's queue, starting the relay on first use.
func (s *callStream) channel() chan<- mcp.JSONRPCNotification {
	s.once.Do(func() {
		s.queue = make(chan mcp.JSONRPCNotification, notificationBuffer)
		s.stop, s.stopped = make(chan struct{}), make(chan struct{})
		go s.relay()
	})
	return s.queue
}

// relay writes queued notifications until stopped, then writes the rest.
func (s *callStream) relay() {
	defer close(s.stopped)
	for {
		select {
		case n := <-s.queue:
			s.w.writeEvent(n)
		case <-s.stop:
			for {
				select {
				case n := <-s.queue:
					s.w.writeEvent(n)
				default:
					return
				}
			}
		}
	}
}

// finish waits until every notification the call queued has been written.
func (s *callStream) finish() {
	if s.stop == nil {
		return // the call sent none; the relay never started
	}
	close(s.stop)
	<-s.stopped
}

// httpSession is everything mcp-go's streamable HTTP session implements;
// the wrapper keeps all of it visible to tool handlers.
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

// callSession is the session a tool handler sees: the real one, with its
// notifications routed to the call's own stream (held here, so that a call
// costs one allocation).
type callSession struct {
	httpSession
	stream callStream
}

// NotificationChannel returns the call's queue instead of the session's.
func (s *callSession) NotificationChannel() chan<- mcp.JSONRPCNotification {
	return s.stream.channel()
}

// routeNotifications returns the tool middleware described above.
func routeNotifications() server.ToolHandlerMiddleware {
	return func(next server.ToolHandlerFunc) server.ToolHandlerFunc {
		return func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			hreq := requestFrom(ctx)
			sess, ok := server.ClientSessionFromContext(ctx).(httpSession)
			srv := server.ServerFromContext(ctx)
			if hreq == nil || hreq.tool == "" || !ok || srv == nil {
				return next(ctx, req)
			}
			cs := &callSession{httpSession: sess, stream: callStream{w: &hreq.w}}
			defer cs.stream.finish()
			return next(srv.WithContext(ctx, cs), req)
		}
	}
}

// writeEvent writes msg as one server-sent event, switching the response to
// an event stream first if nothing was written yet (as mcp-go does).
func (w *responseWriter) writeEvent(msg any) {
	data, err := json.Marshal(msg)
	if err != nil {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.ended {
		return
	}
	if w.status == 0 {
		h := w.Header()
		h.Set("Content-Type", "text/event-stream")
		h.Set("Cache-Control", "no-cache")
		h.Set("Connection", "keep-alive")
		w.writeHeaderLocked(http.StatusOK)
	}
	w.rearm()
	if _, err := fmt.Fprintf(w.ResponseWriter, "event: message\ndata: %s\n\n", data); err != nil {
		return // the client is gone; mcp-go sees the same when it answers
	}
	_ = w.rc.Flush()
}
