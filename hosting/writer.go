package hosting

import (
	"net/http"
	"sync"
	"time"
)

// responseWriter wraps the writer of one /mcp response. It bounds every
// write by the write deadline, pushed forward as the response makes progress
// (so a stalled client is cut off while a live event stream is not), runs
// beforeHeader once just before the status line goes out, and serialises
// writes, because a tool call's notification relay writes events while
// mcp-go writes the rest.
type responseWriter struct {
	http.ResponseWriter
	rc           http.ResponseController
	writeTimeout time.Duration
	beforeHeader func(h http.Header)

	mu     sync.Mutex
	status int
	ended  bool      // the handler returned; late relay writes are dropped
	armed  time.Time // when the write deadline was last set to armed+writeTimeout
}

// init makes rw the writer of w's response (rw is part of a larger
// allocation) and sets the write deadline.
func (rw *responseWriter) init(w http.ResponseWriter, writeTimeout time.Duration) {
	rw.ResponseWriter, rw.rc, rw.writeTimeout = w, *http.NewResponseController(w), writeTimeout
	rw.arm(time.Now())
}

// arm sets the write deadline writeTimeout after now. Writers that cannot
// set deadlines are left alone.
func (w *responseWriter) arm(now time.Time) {
	w.armed = now
	_ = w.rc.SetWriteDeadline(now.Add(w.writeTimeout))
}

// rearm pushes the write deadline forward before a write, unless it was set
// less than rearmSlack(writeTimeout) ago. Every deadline change reprograms a
// runtime timer and may wake the network poller, and the usual response is
// written within microseconds of the request's start, so it costs one change
// per response instead of one per write. The deadline never lies more than
// writeTimeout ahead, so a client that stops reading is still cut off at
// most writeTimeout after the write it stalled began; a write that makes
// progress gets at least writeTimeout minus the slack.
func (w *responseWriter) rearm() {
	if now := time.Now(); now.Sub(w.armed) > rearmSlack(w.writeTimeout) {
		w.arm(now)
	}
}

// rearmSlack is how long a write deadline may go without being pushed
// forward: a tenth of the timeout (3 s of the default 30 s).
func rearmSlack(writeTimeout time.Duration) time.Duration { return writeTimeout / 10 }

// WriteHeader sends the status line once; later calls are ignored (the
// relay may have started an event stream before mcp-go answers on it).
func (w *responseWriter) WriteHeader(code int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.writeHeaderLocked(code)
}

func (w *responseWriter) writeHeaderLocked(code int) {
	if w.status != 0 {
		return
	}
	w.status = code
	if w.beforeHeader != nil {
		w.beforeHeader(w.Header())
	}
	w.ResponseWriter.WriteHeader(code)
}

// Write writes p.
func (w *responseWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.writeHeaderLocked(http.StatusOK)
	w.rearm()
	return w.ResponseWriter.Write(p)
}

// Flush sends buffered data to the client.
func (w *responseWriter) Flush() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.writeHeaderLocked(http.StatusOK)
	w.rearm()
	_ = w.rc.Flush()
}

// end marks the response finished: a notification relay that outlives its
// request (a tool run as a background task) must not touch the writer.
func (w *responseWriter) end() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.ended = true
}

// CanStream tells mcp-go that it may answer with an event stream: Flush
// reaches the connection (as mcp-go's own adapter over this writer, which
// has Flush, reported).
func (w *responseWriter) CanStream() bool { return true }

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *responseWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
