package hosting

import (
	"errors"
	"net/http"
	"time"

	"golang.org/x/time/rate"

	"github.com/klipy-ai/klipy-mcp/klipy"
)

// rejectedCheckCost is what a check that ends with the key rejected costs
// the discovery budget, in checks: a flood of bogus keys drains the budget
// ten times faster than legitimate new keys do, so it reaches the upstream
// far less often than the rate allows.
const rejectedCheckCost = 10

// discoveryGate bounds, process-wide, the /authenticate checks of keys not
// yet known (Config.DiscoveryRate). A nil gate allows everything.
type discoveryGate struct{ lim *rate.Limiter }

func newDiscoveryGate(cfg Config) *discoveryGate {
	if cfg.DiscoveryRate < 0 {
		return nil
	}
	return &discoveryGate{lim: rate.NewLimiter(rate.Limit(float64(cfg.DiscoveryRate)/60), cfg.DiscoveryBurst)}
}

// allow takes one check from the budget, or reports that none is left.
func (g *discoveryGate) allow() bool { return g == nil || g.lim.Allow() }

// rejected charges the rest of a rejected check's cost; the budget may go
// into debt, which later checks wait out.
func (g *discoveryGate) rejected() {
	if g != nil {
		g.lim.ReserveN(time.Now(), min(rejectedCheckCost-1, g.lim.Burst()))
	}
}

// newCallerClient builds the client of a caller's key.
func (h *Handler) newCallerClient(_ *caller, key string) (*klipy.Client, error) {
	return h.callerClient(key, h.cfg.Klipy.Hooks)
}

// callerClient builds the client of a caller's key with hooks: the host's
// client options plus the process-wide discovery gate.
func (h *Handler) callerClient(key string, hooks klipy.Hooks) (*klipy.Client, error) {
	opts := h.clientOptions(key, hooks)
	opts.DiscoveryGate = h.gate.allow
	return klipy.New(opts)
}

// lookupCaller finds the caller of a request's own key; a key rejected a
// moment ago is refused from memory, without asking the upstream again.
func (h *Handler) lookupCaller(w http.ResponseWriter, req *request, key string) bool {
	if h.callers.isRejected(req.id) {
		h.metrics.rejected("invalid_key")
		h.unauthorized(w, "invalid_token", "the Klipy API rejected this key")
		return false
	}
	return h.useCaller(w, req, h.callers, key)
}

// useCaller sets req's caller to key's, from cs; it answers 500 when the
// key's client cannot be built.
func (h *Handler) useCaller(w http.ResponseWriter, req *request, cs *callers, key string) bool {
	c, err := cs.get(req.id, key)
	if err != nil {
		h.cfg.Logger.Error("cannot build a Klipy client", "err", err)
		h.reject(w, http.StatusInternalServerError, "client", "The server could not set up a Klipy client.")
		return false
	}
	req.caller = c
	return true
}

// resolveCaller makes sure a POST's client knows its key's scopes (so that
// tools/list is filtered by them) before mcp-go sees the request. The check
// is shared by every request of the key (klipy.Client.Discover); a key the
// upstream rejects gets 401 and is remembered, a key that cannot be checked
// now because too many new keys are being checked gets 503, and a check that
// failed otherwise is left for the tools, which refuse to run a scoped tool
// until the key has been checked.
func (h *Handler) resolveCaller(w http.ResponseWriter, r *http.Request, req *request) bool {
	if r.Method != http.MethodPost {
		return true
	}
	err := req.caller.client.Discover(r.Context())
	switch {
	case err == nil:
		if req.ownKey {
			h.callersOf(req).promote(req.caller)
		}
	case !req.ownKey:
		h.cfg.Logger.Debug("scope discovery failed for the server key; continuing without scopes", "err", err)
	case errors.Is(err, klipy.ErrUnauthorized):
		h.callersOf(req).reject(req.caller)
		h.gate.rejected()
		h.metrics.rejected("invalid_key")
		h.keyRejected(r, req)
		h.unauthorized(w, "invalid_token", "the Klipy API rejected this key")
		return false
	case errors.Is(err, klipy.ErrDiscoveryLimited):
		w.Header().Set("Retry-After", "1")
		h.reject(w, http.StatusServiceUnavailable, "discovery_limited",
			"Too many new API keys are being checked right now; retry in 1 second.")
		return false
	default:
		h.cfg.Logger.Debug("scope discovery failed; continuing without scopes", "err", err)
	}
	return true
}
