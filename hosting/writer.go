package hosting

import (
	"net/http"
	"time"
)

// responseWriter wraps the writer of one /mcp response. It re-arms the write
// deadline on every write (so a stalled client is cut off while a live event
// stream is not), counts notification events for the notification drain, and
// runs beforeHeader once, just before the status line goes out.
type responseWriter struct {
	http.ResponseWriter
	rc           *http.ResponseController
	writeTimeout time.Duration
	notes        *noteCounter // nil: nothing to count
	beforeHeader func(h http.Header)
	status       int
}

func newResponseWriter(w http.ResponseWriter, writeTimeout time.Duration) *responseWriter {
	rw := &responseWriter{ResponseWriter: w, rc: http.NewResponseController(w), writeTimeout: writeTimeout}
	rw.arm()
	return rw
}

// arm pushes the write deadline writeTimeout into the future. Writers that
// cannot set deadlines (tests' recorders) are left alone.
func (w *responseWriter) arm() {
	_ = w.rc.SetWriteDeadline(time.Now().Add(w.writeTimeout))
}

// WriteHeader sends the status line after beforeHeader has seen the headers.
func (w *responseWriter) WriteHeader(code int) {
	if w.status != 0 {
		return
	}
	w.status = code
	if w.beforeHeader != nil {
		w.beforeHeader(w.Header())
	}
	w.ResponseWriter.WriteHeader(code)
}

// Write writes p and counts it when it is a notification event.
func (w *responseWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	w.arm()
	n, err := w.ResponseWriter.Write(p)
	if err == nil && w.notes != nil && isNotificationEvent(p) {
		w.notes.wrote()
	}
	return n, err
}

// Flush sends buffered data to the client.
func (w *responseWriter) Flush() {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	w.arm()
	_ = w.rc.Flush()
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *responseWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
