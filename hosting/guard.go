package hosting

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
)

// Headers a browser client may send to /mcp and read back.
const (
	corsAllowHeaders  = "Content-Type, Accept, Authorization, X-Klipy-Api-Key, Mcp-Session-Id, Mcp-Protocol-Version, Last-Event-ID"
	corsAllowMethods  = "GET, POST, DELETE, OPTIONS"
	corsExposeHeaders = "Mcp-Session-Id, WWW-Authenticate"
)

// authRealm names the protection space in WWW-Authenticate.
const authRealm = "klipy-mcp"

// isLoopbackHost reports whether host (bare or host:port) names a loopback
// interface.
func isLoopbackHost(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

// rebinding reports a DNS-rebinding attempt: a request that reached a
// loopback listener under a Host that is not a loopback name. It is the
// check mcp-go's StreamableHTTPServer.ServeHTTP makes, which the host does
// not call for clients' requests (it uses Handle), made first so that such a request is refused
// before anything else is looked at.
func rebinding(r *http.Request) bool {
	local, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
	return ok && local != nil && isLoopbackAddr(local) && !isLoopbackHost(r.Host)
}

// isLoopbackAddr reports whether a is on a loopback interface. A TCP
// address without a zone (every one a listener accepts on a loopback
// interface) is read as it is, without formatting it for isLoopbackHost.
func isLoopbackAddr(a net.Addr) bool {
	if ta, ok := a.(*net.TCPAddr); ok && ta != nil && ta.Zone == "" {
		return ta.IP.IsLoopback()
	}
	return isLoopbackHost(a.String())
}

// originAllowed says whether a browser origin may call /mcp: it is listed in
// AllowedOrigins ("*" lists every origin), or it is the server's own origin
// on a loopback Host (a page served by this very server; the rebinding check
// has already made sure a loopback Host is genuine).
func (h *Handler) originAllowed(origin string, r *http.Request) bool {
	for _, o := range h.cfg.AllowedOrigins {
		if o == "*" || strings.EqualFold(strings.TrimSuffix(o, "/"), origin) {
			return true
		}
	}
	u, err := url.Parse(origin)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") &&
		strings.EqualFold(u.Host, r.Host) && isLoopbackHost(r.Host)
}

// allowCORS decorates the response for an allowed browser origin.
func allowCORS(w http.ResponseWriter, origin string) {
	h := w.Header()
	h.Add("Vary", "Origin")
	h.Set("Access-Control-Allow-Origin", origin)
	h.Set("Access-Control-Expose-Headers", corsExposeHeaders)
}

// preflight answers a CORS preflight for an allowed origin.
func preflight(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Access-Control-Allow-Methods", corsAllowMethods)
	h.Set("Access-Control-Allow-Headers", corsAllowHeaders)
	h.Set("Access-Control-Max-Age", "600")
	w.WriteHeader(http.StatusNoContent)
}

// errorBody is the JSON body of every error the host itself answers.
type errorBody struct {
	Error   string `json:"error"`
	Message string `json:"message"`
}

// writeError answers status with a JSON body naming code and saying what to
// do next.
func writeError(w http.ResponseWriter, status int, code, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(errorBody{Error: code, Message: message})
}

// writeUnauthorized answers 401 with a Bearer challenge (RFC 6750 §3): no
// error code when the request carried no key, invalid_token when the Klipy
// API rejected the key it carried.
func writeUnauthorized(w http.ResponseWriter, rejected bool) {
	if rejected {
		w.Header().Set("WWW-Authenticate", `Bearer realm="`+authRealm+`", error="invalid_token", error_description="the Klipy API rejected this key"`)
		writeError(w, http.StatusUnauthorized, "invalid_token",
			"The Klipy API rejected this API key (invalid, expired or revoked). Send a valid key as Authorization: Bearer <key> or X-Klipy-Api-Key.")
		return
	}
	w.Header().Set("WWW-Authenticate", `Bearer realm="`+authRealm+`"`)
	writeError(w, http.StatusUnauthorized, "missing_key",
		"This server needs your Klipy API key: send Authorization: Bearer <key> or X-Klipy-Api-Key: <key>.")
}

// guard gives /healthz, /readyz and /metrics the DNS-rebinding and Origin
// rules of /mcp: on a loopback server a page of another site cannot read
// them through a rebound name.
func (h *Handler) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h.admit(w, r) {
			next.ServeHTTP(w, r)
		}
	})
}

// metricsAuth puts next behind Config.MetricsToken when it is set. The
// tokens are compared in constant time (of their hashes, so that not even
// the length leaks).
func (h *Handler) metricsAuth(next http.Handler) http.Handler {
	if h.cfg.MetricsToken == "" {
		return next
	}
	want := sha256.Sum256([]byte(h.cfg.MetricsToken))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		got := sha256.Sum256([]byte(strings.TrimSpace(token)))
		if !ok || subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
			h.metrics.rejected("metrics_token")
			w.Header().Set("WWW-Authenticate", `Bearer realm="`+authRealm+` metrics"`)
			writeError(w, http.StatusUnauthorized, "metrics_token", "/metrics needs Authorization: Bearer <the metrics token>.")
			return
		}
		next.ServeHTTP(w, r)
	})
}
