package hosting

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/klipy-ai/klipy-mcp/hosting/oauth"
	"github.com/klipy-ai/klipy-mcp/klipy"
)

// keyPrefix starts every Klipy API key. With OAuth on, any other bearer
// credential is looked up as an access token.
const keyPrefix = "klipy_api_"

// tokenAuth is the host's side of OAuth sign-in: it maps access tokens to
// the Klipy keys they stand for and notices when Klipy stops accepting one
// of those keys, so that the grant ends and the client signs in again.
type tokenAuth struct {
	srv     *oauth.Server
	callers *callers // clients of keys reached through a token; see caller.refused
}

// initOAuth mounts the authorization server's endpoints and prepares token
// resolution.
func (h *Handler) initOAuth(mux *http.ServeMux) {
	h.oauth = &tokenAuth{srv: h.cfg.OAuth}
	h.cfg.OAuth.SetObserver(h.metrics.oauthEvent)
	h.cfg.OAuth.SetVerifyGate(h.gate.allow) // sign-in and first calls share one budget of key checks
	h.oauth.callers = newCallers(h.cfg, h.newTokenClient)
	h.cfg.OAuth.Routes(mux)
}

// newTokenClient is newCallerClient for a key reached through a token, with
// a hook that marks c when Klipy answers 401.
func (h *Handler) newTokenClient(c *caller, key string) (*klipy.Client, error) {
	outer := h.cfg.Klipy.Hooks
	next := outer.Request
	outer.Request = func(op string, status int, d time.Duration) {
		if status == http.StatusUnauthorized {
			c.refused.Store(true)
		}
		if next != nil {
			next(op, status, d)
		}
	}
	return h.callerClient(key, outer)
}

// callersOf returns the cache that holds req's caller: keys reached through
// a token have their own (their clients watch for Klipy's 401).
func (h *Handler) callersOf(req *request) *callers {
	if req.grant != "" {
		return h.oauth.callers
	}
	return h.callers
}

// authenticateToken resolves an access token to its Klipy key and caller.
func (h *Handler) authenticateToken(w http.ResponseWriter, r *http.Request, req *request, token string) bool {
	key, grant, err := h.oauth.srv.Resolve(r.Context(), token)
	switch {
	case errors.Is(err, oauth.ErrInvalidToken):
		h.metrics.rejected("invalid_token")
		h.unauthorized(w, "invalid_token", "the access token is invalid, expired or revoked; sign in again")
		return false
	case err != nil:
		h.cfg.Logger.Error("cannot look up an access token", "err", err)
		h.reject(w, http.StatusServiceUnavailable, "token_store", "The sign-in store is unavailable; try again.")
		return false
	}
	req.grant, req.id, req.ownKey = grant, idOf(key), true
	return h.useCaller(w, req, h.oauth.callers, key)
}

// isToken says whether a bearer credential is to be looked up as an access
// token rather than sent to Klipy as a key.
func (h *Handler) isToken(r *http.Request, cred string) bool {
	return h.oauth != nil && !strings.HasPrefix(cred, keyPrefix) && r.Header.Get("Authorization") != ""
}

// unauthorized answers 401 with the challenge of the mode the server runs
// in: with OAuth, it points to the protected-resource metadata (RFC 9728).
func (h *Handler) unauthorized(w http.ResponseWriter, code, desc string) {
	if h.oauth == nil {
		writeUnauthorized(w, code != "")
		return
	}
	w.Header().Set("WWW-Authenticate", h.oauth.srv.Challenge(code, desc))
	if code == "" {
		writeError(w, http.StatusUnauthorized, "missing_key",
			"Sign in (OAuth; see WWW-Authenticate) or send your Klipy API key as Authorization: Bearer <key> or X-Klipy-Api-Key.")
		return
	}
	writeError(w, http.StatusUnauthorized, code, "The credential was refused: "+desc+".")
}

// keyRejected ends the grant of a request whose key Klipy refused.
func (h *Handler) keyRejected(r *http.Request, req *request) {
	if h.oauth == nil || req.grant == "" || req.caller == nil {
		return
	}
	h.oauth.srv.DropGrant(r.Context(), req.grant)
	req.caller.refused.Store(false)
}

// rejectedUpstream reports whether Klipy answered 401 to req's key during
// this request, and clears the mark.
func (h *Handler) rejectedUpstream(req *request) bool {
	if h.oauth == nil || req.grant == "" || req.caller == nil {
		return false
	}
	return req.caller.refused.Swap(false)
}

// tokenWriter answers a token request whose key Klipy refused during the
// call with 401 invalid_token instead of the tool's result, when the
// response has not started yet, so the client signs in again at once.
type tokenWriter struct {
	*responseWriter
	h       *Handler
	r       *http.Request
	req     *request
	decided bool
	refused bool
}

func (t *tokenWriter) decide() {
	if t.decided {
		return
	}
	t.decided = true
	if t.h.rejectedUpstream(t.req) {
		t.h.keyRejected(t.r, t.req)
		t.h.metrics.rejected("invalid_key")
		t.refused = true
		t.responseWriter.Header().Del("Content-Type")
		t.h.unauthorized(t.responseWriter, "invalid_token", "Klipy no longer accepts the API key behind this sign-in; sign in again")
	}
}

// WriteHeader implements http.ResponseWriter.
func (t *tokenWriter) WriteHeader(code int) {
	if t.decide(); !t.refused {
		t.responseWriter.WriteHeader(code)
	}
}

// Write implements http.ResponseWriter.
func (t *tokenWriter) Write(p []byte) (int, error) {
	if t.decide(); t.refused {
		return len(p), nil
	}
	return t.responseWriter.Write(p)
}

// Flush implements http.Flusher.
func (t *tokenWriter) Flush() {
	if t.decide(); !t.refused {
		t.responseWriter.Flush()
	}
}

// after runs once mcp-go is done with a token request: a refusal noticed
// after the response started still ends the grant, so the next request
// gets 401.
func (t *tokenWriter) after() {
	if t.h.rejectedUpstream(t.req) {
		t.h.keyRejected(t.r, t.req)
	}
}

// oauthEvent counts one sign-in or token event (the oauth.Event values, a
// fixed set, so callers cannot grow the label set).
func (m *metrics) oauthEvent(event string) {
	m.reg.Counter("klipy_mcp_oauth_events_total", "event", event).Inc()
}
