package hosting

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/klipy-ai/klipy-mcp/hosting/oauth"
	"github.com/klipy-ai/klipy-mcp/klipy"
	"github.com/klipy-ai/klipy-mcp/tools"
	"github.com/mark3labs/mcp-go/server"
)

// Defaults for the zero values of Config.
const (
	DefaultSessionIdleTTL    = 30 * time.Minute
	DefaultShutdownTimeout   = 10 * time.Second
	DefaultMaxBodyBytes      = 1 << 20 // 1 MiB
	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultReadTimeout       = 30 * time.Second
	DefaultWriteTimeout      = 30 * time.Second
	DefaultIdleTimeout       = 120 * time.Second
	DefaultClientCacheSize   = 10000
	DefaultClientIdleTTL     = time.Hour
	DefaultReadyCacheTTL     = 10 * time.Second
	// DefaultMaxSessionsPerKey caps the sessions one key holds open.
	DefaultMaxSessionsPerKey = 100
	// DefaultMaxSessions caps the sessions of the process: at about 12 KiB
	// each, some 60 MiB.
	DefaultMaxSessions = 5000
)

// Defaults for how the host learns about keys it has not seen (SPEC §10).
const (
	DefaultUnverifiedCacheSize = 1000
	DefaultRejectedKeyTTL      = time.Minute
	DefaultRejectedCacheSize   = 10000
	DefaultDiscoveryRate       = 60 // /authenticate checks of new keys per minute, process-wide
	DefaultDiscoveryBurst      = 10
)

// Config configures the HTTP host. The zero value of every duration and size
// means its default.
type Config struct {
	// Tools is the tool configuration shared by every caller; its Client is
	// ignored: each request's context carries the caller's own client.
	Tools tools.Config
	// Klipy holds the options every per-key client is built from (base URL,
	// HTTP client, rate limit, shared Limiter, timeout); APIKey is ignored.
	// Hooks, when set, are called in addition to the host's metrics.
	Klipy klipy.Options
	// ServerKey is the server-wide key, used for requests without one only
	// when Loopback or Sandbox is true. It also backs /readyz.
	ServerKey string
	// Loopback says the listener is on a loopback address (a local,
	// single-user server).
	Loopback bool
	// Sandbox says the upstream is the embedded demo workspace.
	Sandbox bool
	// AllowedOrigins are browser origins allowed to call /mcp, exactly as
	// browsers send them ("https://app.example.com"); "*" allows any.
	AllowedOrigins []string
	// SessionIdleTTL ends a session-based (2025-11-25 era) session after this
	// long without a request; default DefaultSessionIdleTTL.
	SessionIdleTTL time.Duration
	// Logger receives the host's logs; by default they are discarded. Keys
	// never appear in them.
	Logger *slog.Logger
	// MaxSessionsPerKey caps the session-based sessions one key holds open;
	// past it, that key's least recently used idle session is closed. Default
	// DefaultMaxSessionsPerKey.
	MaxSessionsPerKey int
	// MaxSessions caps the sessions of the process; past it, the least
	// recently used idle session is closed. Default DefaultMaxSessions.
	MaxSessions int
	// MetricsToken, when set, is the bearer token /metrics requires
	// (Authorization: Bearer <token>).
	MetricsToken string

	// ShutdownTimeout bounds how long Serve lets in-flight calls finish after
	// its context is cancelled; default DefaultShutdownTimeout.
	ShutdownTimeout time.Duration
	// MaxBodyBytes caps a request body (413 above it); default 1 MiB.
	MaxBodyBytes int64
	// ReadHeaderTimeout bounds reading a request's headers (Serve).
	ReadHeaderTimeout time.Duration
	// ReadTimeout bounds reading a request's body: under Serve, the whole
	// request from its first byte (http.Server.ReadTimeout); under another
	// server, the body from when the handler starts reading it.
	ReadTimeout time.Duration
	// WriteTimeout bounds each write of a response: a write that stalls is
	// cut at most WriteTimeout after it began. The deadline is pushed forward
	// as the response makes progress (at most once per WriteTimeout/10), so
	// long-lived event streams are not cut while they make progress.
	WriteTimeout time.Duration
	// IdleTimeout closes keep-alive connections idle this long (Serve).
	IdleTimeout time.Duration
	// ClientCacheSize bounds how many callers' clients (with their rate-limit
	// state and discovered scopes) are kept; default DefaultClientCacheSize.
	ClientCacheSize int
	// ClientIdleTTL drops a caller's cached client after this long unused.
	ClientIdleTTL time.Duration
	// UnverifiedCacheSize bounds the callers whose key the upstream has not
	// accepted yet; they are kept apart from (and never evict) the
	// ClientCacheSize callers with accepted keys.
	UnverifiedCacheSize int
	// RejectedKeyTTL is how long a key the upstream rejected is answered 401
	// from memory; RejectedCacheSize bounds how many are remembered.
	RejectedKeyTTL    time.Duration
	RejectedCacheSize int
	// DiscoveryRate bounds, per minute and for the whole process, the
	// /authenticate checks of keys not yet known, with bursts of
	// DiscoveryBurst. A request that would need a check beyond it gets 503
	// with Retry-After at once, so a flood of unknown keys never reaches the
	// upstream one for one. A negative rate turns the bound off.
	DiscoveryRate  int
	DiscoveryBurst int
	// ReadyCacheTTL is how long a /readyz upstream check is reused.
	ReadyCacheTTL time.Duration
	// Registry receives the host's metrics and is served on /metrics, with
	// the Go runtime and process series; default a fresh registry.
	Registry *Registry
	// OAuth, when set, makes the host an OAuth 2.1 authorization server: it
	// serves OAuth's endpoints, answers 401 with a pointer to its metadata,
	// and maps a bearer credential that is not a Klipy key to the key of the
	// access token it is. Klipy keys sent directly keep working.
	OAuth *oauth.Server
	// ServerOptions are appended to the MCP server's options (hooks,
	// middleware, extra capabilities).
	ServerOptions []server.ServerOption

	// now is the clock for session, client-cache and readiness expiry.
	now func() time.Time
	// newServer builds the shared MCP server; default tools.NewServer. Tests
	// of the host's mechanics use a server with probe tools instead.
	newServer func(tools.Config, ...server.ServerOption) (*server.MCPServer, error)
}

// withDefaults returns cfg with every zero value replaced by its default.
func (cfg Config) withDefaults() Config {
	setDefault(&cfg.SessionIdleTTL, DefaultSessionIdleTTL)
	setDefault(&cfg.ShutdownTimeout, DefaultShutdownTimeout)
	setDefault(&cfg.ReadHeaderTimeout, DefaultReadHeaderTimeout)
	setDefault(&cfg.ReadTimeout, DefaultReadTimeout)
	setDefault(&cfg.WriteTimeout, DefaultWriteTimeout)
	setDefault(&cfg.IdleTimeout, DefaultIdleTimeout)
	setDefault(&cfg.ClientIdleTTL, DefaultClientIdleTTL)
	setDefault(&cfg.ReadyCacheTTL, DefaultReadyCacheTTL)
	setDefault(&cfg.RejectedKeyTTL, DefaultRejectedKeyTTL)
	setDefault(&cfg.UnverifiedCacheSize, DefaultUnverifiedCacheSize)
	setDefault(&cfg.RejectedCacheSize, DefaultRejectedCacheSize)
	setDefault(&cfg.DiscoveryBurst, DefaultDiscoveryBurst)
	if cfg.DiscoveryRate == 0 {
		cfg.DiscoveryRate = DefaultDiscoveryRate
	}
	setDefault(&cfg.MaxBodyBytes, DefaultMaxBodyBytes)
	setDefault(&cfg.ClientCacheSize, DefaultClientCacheSize)
	setDefault(&cfg.MaxSessionsPerKey, DefaultMaxSessionsPerKey)
	setDefault(&cfg.MaxSessions, DefaultMaxSessions)
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Klipy.Limiter == nil {
		// One limiter for every caller's client, so that the keys of one
		// organization share its budget and every client of a key honours
		// the pauses the server asked for.
		cfg.Klipy.Limiter = klipy.NewLocalLimiter()
	}
	if cfg.now == nil {
		cfg.now = time.Now
	}
	if cfg.newServer == nil {
		cfg.newServer = tools.NewServer
	}
	return cfg
}

// setDefault sets *v to def unless it is positive.
func setDefault[T ~int | ~int64](v *T, def T) {
	if *v <= 0 {
		*v = def
	}
}

// validate reports configuration mistakes the command should show at start-up.
func (cfg Config) validate() error {
	var errs []error
	for _, o := range cfg.AllowedOrigins {
		if o == "*" {
			continue
		}
		if err := checkOrigin(o); err != nil {
			errs = append(errs, err)
		}
	}
	if cfg.Sandbox && cfg.ServerKey == "" {
		errs = append(errs, errors.New("hosting: sandbox mode needs ServerKey (the sandbox key)"))
	}
	return errors.Join(errs...)
}

// checkOrigin accepts an origin as browsers send it: scheme://host[:port].
func checkOrigin(o string) error {
	u, err := url.Parse(o)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		(u.Path != "" && u.Path != "/") || u.RawQuery != "" || strings.Contains(o, "@") {
		return fmt.Errorf("hosting: allowed origin %q is not of the form https://host[:port]", o)
	}
	return nil
}
