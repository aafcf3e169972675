package hosting

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/klipy-ai/klipy-mcp/klipy"
)

// serveHealth answers /healthz: the process is up and serving HTTP.
func serveHealth(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok\n"))
}

// readyCheckTimeout bounds one upstream check.
const readyCheckTimeout = 5 * time.Second

// readiness answers /readyz: the upstream is reachable with the server key.
// Without a server key (multi-tenant mode) there is no key to check with, and
// the server is always ready. Results are reused for ttl so that probes do
// not spend the key's rate limit.
type readiness struct {
	client *klipy.Client
	ttl    time.Duration
	now    func() time.Time

	mu        sync.Mutex
	checkedAt time.Time
	err       error
}

func (rd *readiness) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if err := rd.check(); err != nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte("not ready: the Klipy API is not reachable with the server key\n"))
		return
	}
	_, _ = w.Write([]byte("ready\n"))
}

// check returns the cached result, refreshing it when older than ttl. The
// check does not use the probe's context: a probe that gives up must not
// leave a cancellation cached as the upstream's state.
func (rd *readiness) check() error {
	if rd.client == nil {
		return nil
	}
	rd.mu.Lock()
	defer rd.mu.Unlock()
	now := rd.now()
	if !rd.checkedAt.IsZero() && now.Sub(rd.checkedAt) < rd.ttl {
		return rd.err
	}
	ctx, cancel := context.WithTimeout(context.Background(), readyCheckTimeout)
	defer cancel()
	rd.err = rd.client.Ping(ctx) // a key closed to /authenticate is checked with a read
	rd.checkedAt = now
	return rd.err
}
