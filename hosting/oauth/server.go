package oauth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/time/rate"
)

// Lifetimes of what the server issues.
const (
	CodeTTL    = 60 * time.Second    // an authorization code
	AccessTTL  = time.Hour           // an access token
	RefreshTTL = 30 * 24 * time.Hour // a grant and its refresh token, renewed by each refresh
	ClientTTL  = 365 * 24 * time.Hour
	// formTTL bounds how long a sign-in page stays usable.
	formTTL = 10 * time.Minute
)

// Paths the server answers on, relative to the public URL.
const (
	PathMCP                 = "/mcp"
	PathASMetadata          = "/.well-known/oauth-authorization-server"
	PathResourceMetadata    = "/.well-known/oauth-protected-resource"
	PathResourceMetadataMCP = "/.well-known/oauth-protected-resource/mcp"
	PathAuthorize           = "/authorize"
	PathToken               = "/token"
	PathRegister            = "/register"
	PathRevoke              = "/revoke"
)

// Account is what Klipy says about a key at sign-in.
type Account struct {
	// Workspace is the organization's name; empty when Klipy did not say.
	Workspace string
	// Scopes are the key's scopes when ScopesKnown.
	Scopes      []string
	ScopesKnown bool
}

// ErrKeyRejected is returned by a Config.Verify function when Klipy
// refuses the key itself (unknown, expired or revoked).
var ErrKeyRejected = errors.New("oauth: the Klipy API rejected the key")

// Config configures a Server.
type Config struct {
	// PublicURL is the server's external origin, e.g. https://mcp.example.com:
	// the issuer, and with /mcp the protected resource.
	PublicURL string
	// Secret is the SecretSize-byte key that seals stored Klipy keys; the
	// same on every replica.
	Secret []byte
	// Store keeps clients, codes and grants; default a MemoryStore.
	Store Store
	// Verify checks a Klipy key at sign-in: ErrKeyRejected for a key Klipy
	// refuses, another error when Klipy could not be asked.
	Verify func(ctx context.Context, key string) (Account, error)
	// Logger receives the server's logs (never a key, code or token).
	Logger *slog.Logger
	// Observe, when set, is told of each event (see the Event constants),
	// for metrics.
	Observe func(event string)
	// ClientFetch governs fetching Client ID Metadata Documents.
	ClientFetch FetchOptions

	now func() time.Time
}

// The server's own bound on sign-in key checks, until SetVerifyGate
// replaces it: so many a minute for the whole process, in bursts of
// VerifyBurst.
const (
	DefaultVerifyRate = 60
	VerifyBurst       = 10
)

// Events passed to Config.Observe.
const (
	EventSignInStarted   = "signin_started"
	EventSignInCompleted = "signin_completed"
	EventSignInDenied    = "signin_denied"
	EventSignInBadKey    = "signin_bad_key"
	EventSignInThrottled = "signin_throttled"
	EventTokenIssued     = "token_issued"
	EventTokenRefreshed  = "token_refreshed"
	EventTokenRevoked    = "token_revoked"
	EventTokenInvalid    = "token_invalid"
	EventRefreshReused   = "refresh_reused"
	EventGrantDropped    = "grant_dropped"
)

// Server is the authorization server. Its Routes serve the OAuth endpoints;
// Resolve maps an access token to the Klipy key it stands for.
type Server struct {
	cfg      Config
	issuer   string // PublicURL without a trailing slash
	resource string // issuer + /mcp
	seal     *sealer
	store    Store
	clients  *clientCache
	verify   func() bool // may a key be checked with Klipy now (SetVerifyGate)
	log      *slog.Logger
	secure   bool // issuer is https: cookies are Secure
}

// New checks cfg and returns the server.
func New(cfg Config) (*Server, error) {
	issuer, err := CheckPublicURL(cfg.PublicURL)
	if err != nil {
		return nil, err
	}
	sl, err := newSealer(cfg.Secret)
	if err != nil {
		return nil, err
	}
	if cfg.Verify == nil {
		return nil, errors.New("oauth: Config.Verify is required")
	}
	if cfg.Store == nil {
		cfg.Store = NewMemoryStore()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.now == nil {
		cfg.now = time.Now
	}
	s := &Server{cfg: cfg, issuer: issuer, resource: issuer + PathMCP, seal: sl, store: cfg.Store,
		log: cfg.Logger, secure: strings.HasPrefix(issuer, "https://")}
	s.clients = newClientCache(cfg.ClientFetch, cfg.now)
	verifies := rate.NewLimiter(rate.Limit(float64(DefaultVerifyRate)/60), VerifyBurst)
	s.verify = func() bool { return verifies.AllowN(cfg.now(), 1) }
	return s, nil
}

// CheckPublicURL validates a public URL (an http(s) origin, no path, query
// or fragment; http only for loopback hosts) and returns it without a
// trailing slash.
func CheckPublicURL(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSuffix(strings.TrimSpace(raw), "/"))
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") ||
		u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", fmt.Errorf("public URL %q must be an origin such as https://mcp.example.com (no path)", raw)
	}
	if u.Scheme == "http" && !isLoopbackName(u.Hostname()) {
		return "", fmt.Errorf("public URL %q must use https (http only for a loopback address)", raw)
	}
	return u.Scheme + "://" + u.Host, nil
}

// Issuer returns the issuer identifier (the public URL).
func (s *Server) Issuer() string { return s.issuer }

// Resource returns the protected resource this server issues tokens for.
func (s *Server) Resource() string { return s.resource }

// ResourceMetadataURL is the URL of the protected-resource metadata that a
// 401 from /mcp points to.
func (s *Server) ResourceMetadataURL() string { return s.issuer + PathResourceMetadataMCP }

// Challenge returns the WWW-Authenticate value of a 401 from /mcp; code is
// "" for a request without credentials, else an RFC 6750 error code
// ("invalid_token").
func (s *Server) Challenge(code, description string) string {
	v := `Bearer resource_metadata="` + s.ResourceMetadataURL() + `"`
	if code != "" {
		v += `, error="` + code + `"`
		if description != "" {
			v += `, error_description="` + description + `"`
		}
	}
	return v
}

// Routes registers the server's endpoints on mux.
func (s *Server) Routes(mux *http.ServeMux) {
	mux.HandleFunc(PathASMetadata, s.cors(s.serveASMetadata))
	mux.HandleFunc(PathResourceMetadata, s.cors(s.serveResourceMetadata))
	mux.HandleFunc(PathResourceMetadataMCP, s.cors(s.serveResourceMetadata))
	mux.HandleFunc(PathRegister, s.cors(s.serveRegister))
	mux.HandleFunc(PathToken, s.cors(s.serveToken))
	mux.HandleFunc(PathRevoke, s.cors(s.serveRevoke))
	mux.HandleFunc(PathAuthorize, s.serveAuthorize)
}

func (s *Server) observe(event string) {
	if s.cfg.Observe != nil {
		s.cfg.Observe(event)
	}
}

// cors lets browser-based clients read the metadata and call the token,
// registration and revocation endpoints: none of them uses cookies, so any
// origin is safe.
func (s *Server) cors(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Origin") != "" {
			w.Header().Set("Access-Control-Allow-Origin", "*")
		}
		if r.Method == http.MethodOptions {
			w.Header().Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
			w.Header().Set("Access-Control-Allow-Headers", "Content-Type, Authorization, Mcp-Protocol-Version")
			w.Header().Set("Access-Control-Max-Age", "600")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		next(w, r)
	}
}

// SetObserver sets the function told of each event (for metrics); the host
// calls it once, before serving.
func (s *Server) SetObserver(f func(event string)) { s.cfg.Observe = f }

// SetVerifyGate sets the budget of sign-in key checks: allow reports
// whether a key may be checked with Klipy now. Beyond it the sign-in page
// asks the person to try again in a minute, so the page cannot be used to
// try keys against Klipy at speed. A host passes the budget its other key
// checks draw from, so that together they stay within it; a nil allow
// checks every key. Without a call, the server bounds the checks itself
// (DefaultVerifyRate, VerifyBurst). Call it before serving.
func (s *Server) SetVerifyGate(allow func() bool) { s.verify = allow }
