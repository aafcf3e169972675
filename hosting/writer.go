package hosting

import (
	"net/http"
	"sync"
	"time"
)

// responseWriter wraps the writer of one /mcp response. It re-arms the write
// deadline on every write (so a stalled client is cut off while a live event
// stream is not), runs beforeHeader once just before the status line goes
// out, and serialises writes, because a tool call's notification relay
// writes events while mcp-go writes the rest.
type responseWriter struct {
	http.ResponseWriter
	rc           *http.ResponseController
	writeTimeout time.Duration
	beforeHeader func(h http.Header)

	mu     sync.Mutex
	status int
	ended  bool // the handler returned; late relay writes are dropped
}

func newResponseWriter(w http.ResponseWriter, writeTimeout time.Duration) *responseWriter {
	rw := &responseWriter{ResponseWriter: w, rc: http.NewResponseController(w), writeTimeout: writeTimeout}
	rw.arm()
	return rw
}

// arm pushes the write deadline writeTimeout into the future. Writers that
// cannot set deadlines are left alone.
func (w *responseWriter) arm() {
	_ = w.rc.SetWriteDeadline(time.Now().Add(w.writeTimeout))
}

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
	w.arm()
	return w.ResponseWriter.Write(p)
}

// Flush sends buffered data to the client.
func (w *responseWriter) Flush() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.writeHeaderLocked(http.StatusOK)
	w.arm()
	_ = w.rc.Flush()
}

// end marks the response finished: a notification relay that outlives its
// request (a tool run as a background task) must not touch the writer.
func (w *responseWriter) end() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.ended = true
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *responseWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
