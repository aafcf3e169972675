package klipy

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"
)

// DefaultBaseURL is the production Klipy API.
const DefaultBaseURL = "https://api.klipy.ai/api/v1"

// Defaults of Options.
const (
	DefaultRateLimit = 200              // requests per minute per key
	DefaultOrgLimit  = 1000             // requests per minute per organization
	DefaultTimeout   = 30 * time.Second // one HTTP attempt
)

// MaxResponseBytes caps a response body; a larger answer is an error.
const MaxResponseBytes = 10 << 20

// AuthScheme selects the header the key travels in.
type AuthScheme int

const (
	// AuthBearer sends "Authorization: Bearer <key>" (the default).
	AuthBearer AuthScheme = iota
	// AuthAPIKeyHeader sends "X-Klipy-Api-Key: <key>".
	AuthAPIKeyHeader
)

// Hooks let the caller observe the client (metrics). Nil functions are skipped.
type Hooks struct {
	// Request is called once per HTTP attempt with the operation id
	// (e.g. "getPerson"), the status (0 on a network error) and its duration.
	Request func(op string, status int, d time.Duration)
	// RateLimitWait is called whenever the client waited for rate-limit budget.
	RateLimitWait func(d time.Duration)
}

// Options configure a Client. The zero value of each field means its default.
type Options struct {
	BaseURL    string       // default DefaultBaseURL
	APIKey     string       // the key; never logged
	Auth       AuthScheme   // default AuthBearer
	HTTPClient *http.Client // default: a pooled client
	Version    string       // klipy-mcp version for the User-Agent
	UserAgent  string       // suffix, e.g. the MCP client's "name/version"
	Scopes     []Scope      // declared scopes, used when /authenticate lists none
	RateLimit  int          // requests per minute per key; default 200
	OrgLimit   int          // requests per minute per organization; default 1000
	// Limiter paces requests. Share one among clients that share a budget
	// (the callers of a hosted server): their organization buckets, and the
	// pauses the server asked for when it is a Pauser, are then common.
	// Default: a LocalLimiter of the client's own.
	Limiter Limiter
	// Timeout bounds one HTTP attempt (default DefaultTimeout). A call whose
	// context has no deadline is also bounded as a whole, by callBudget.
	Timeout time.Duration
	Logger  *slog.Logger
	Hooks   Hooks
	// DiscoveryGate, when set, is asked before Discover sends /authenticate
	// for a key not yet checked; false refuses the check with
	// ErrDiscoveryLimited. A host serving many keys uses it to bound the
	// checks of unknown keys as a whole.
	DiscoveryGate func() bool
}

// Client talks to the Klipy API with one key. It is safe for concurrent use.
type Client struct {
	People       *PeopleService
	Companies    *CompaniesService
	Interactions *InteractionsService

	base      *url.URL // as configured; requests use reqBase, and FuzzPrepareURL checks it against base
	reqBase   url.URL  // base as a request reads it (http.NewRequest's empty port removed)
	key       string
	keyBucket string
	auth      AuthScheme
	http      *http.Client
	version   string
	// Header values shared by every request (net/http only reads them):
	// the key's header, the default User-Agent, and the User-Agent of the
	// last caller suffix.
	keyHeader []string
	agentHdr  []string
	agent     atomic.Pointer[agentHeader]
	rateLimit int
	orgLimit  int
	limiter   Limiter
	pauses    Pauser
	timeout   time.Duration
	log       *slog.Logger
	hooks     Hooks

	discoveryGate func() bool
	flight        singleflight.Group // one /authenticate in flight (Discover)
	now           func() time.Time   // nil: time.Now (tests set a clock)

	mu            sync.Mutex
	orgID         string
	orgKey        string // orgBucket(orgID), built once
	scopes        []Scope
	scopesKnown   bool
	authenticated bool                     // /authenticate answered
	closed        *AuthenticateClosedError // /authenticate is closed to the key
	holdErr       error                    // the last failed check, reused until holdUntil
	holdUntil     time.Time
	fails         int // failed checks in a row
}

// PeopleService covers /people.
type PeopleService struct{ c *Client }

// CompaniesService covers /companies.
type CompaniesService struct{ c *Client }

// InteractionsService covers /interactions.
type InteractionsService struct{ c *Client }

// Response carries what every answer says besides its payload.
type Response struct {
	StatusCode int
	RequestID  string
	RateLimit  RateLimit
}

// RateLimit is the window state the API reported. Limit and Remaining are
// -1 when the answer did not say.
type RateLimit struct {
	Limit     int
	Remaining int
	Reset     time.Time
}

// defaultHTTPClient is shared so that connections are pooled across clients
// (one per caller key in hosting). It is a package variable on purpose: a
// pool is process-wide state by nature. Nothing assigns it or changes its
// fields after start-up; a caller that wants other settings passes its own
// Options.HTTPClient instead.
var defaultHTTPClient = &http.Client{Transport: newTransport()}

func newTransport() http.RoundTripper {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 64
	return t
}

// New returns a client for opts.
func New(opts Options) (*Client, error) {
	if opts.APIKey == "" {
		return nil, errors.New("klipy: no API key")
	}
	base, err := url.Parse(firstOf(opts.BaseURL, DefaultBaseURL))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, fmt.Errorf("klipy: base URL %q is not an absolute http(s) URL", opts.BaseURL)
	}
	base.Path = strings.TrimRight(base.Path, "/")
	c := &Client{
		base:      base,
		key:       opts.APIKey,
		keyBucket: keyBucket(opts.APIKey),
		auth:      opts.Auth,
		http:      opts.HTTPClient,
		version:   opts.Version,
		agentHdr:  []string{userAgent(opts.Version, opts.UserAgent)},
		rateLimit: orDefault(opts.RateLimit, DefaultRateLimit),
		orgLimit:  orDefault(opts.OrgLimit, DefaultOrgLimit),
		limiter:   opts.Limiter,
		timeout:   opts.Timeout,
		log:       opts.Logger,
		hooks:     opts.Hooks,

		discoveryGate: opts.DiscoveryGate,
	}
	req, err := http.NewRequest(http.MethodGet, base.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("klipy: base URL %q: %w", opts.BaseURL, err)
	}
	c.reqBase = *req.URL
	c.keyHeader = []string{"Bearer " + c.key}
	if c.auth == AuthAPIKeyHeader {
		c.keyHeader = []string{c.key}
	}
	if c.http == nil {
		c.http = defaultHTTPClient
	}
	if c.limiter == nil {
		c.limiter = NewLocalLimiter()
	}
	c.pauses, _ = c.limiter.(Pauser)
	if c.pauses == nil {
		c.pauses = newPauseTable()
	}
	if c.timeout <= 0 {
		c.timeout = DefaultTimeout
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if len(opts.Scopes) > 0 {
		c.scopes, c.scopesKnown = slices.Clone(opts.Scopes), true
	}
	c.People = &PeopleService{c}
	c.Companies = &CompaniesService{c}
	c.Interactions = &InteractionsService{c}
	return c, nil
}

func orDefault(v, def int) int {
	if v > 0 {
		return v
	}
	return def
}

type userAgentKey struct{}

// WithUserAgent returns a context whose requests name suffix (for example
// the calling MCP client's "name/version") in their User-Agent instead of
// Options.UserAgent. One client serves many MCP clients over HTTP, so the
// caller is named per request.
func WithUserAgent(ctx context.Context, suffix string) context.Context {
	return context.WithValue(ctx, userAgentKey{}, suffix)
}

// agentHeader is a User-Agent header value and the caller suffix it was
// built for.
type agentHeader struct {
	suffix string
	value  []string
}

// agentFor returns the User-Agent header value for a request under ctx. The
// last suffix's value is kept, so a caller's calls build it once; one
// entry, so that callers cannot grow it.
func (c *Client) agentFor(ctx context.Context) []string {
	suffix, ok := ctx.Value(userAgentKey{}).(string)
	if !ok {
		return c.agentHdr
	}
	if a := c.agent.Load(); a != nil && a.suffix == suffix {
		return a.value
	}
	a := &agentHeader{suffix: suffix, value: []string{userAgent(c.version, suffix)}}
	c.agent.Store(a)
	return a.value
}

// userAgent builds "klipy-mcp/<version> (+<suffix>)", the suffix cleaned of
// control characters and cut to 100 bytes.
func userAgent(version, suffix string) string {
	ua := "klipy-mcp/" + firstOf(strings.TrimSpace(version), "dev")
	suffix = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '(' || r == ')' {
			return -1
		}
		return r
	}, strings.TrimSpace(suffix))
	if len(suffix) > 100 {
		suffix = strings.ToValidUTF8(suffix[:100], "")
	}
	if suffix != "" {
		ua += " (+" + suffix + ")"
	}
	return ua
}

// Scopes returns the key's scopes and whether they are known (from
// Authenticate, else from Options.Scopes).
func (c *Client) Scopes() ([]Scope, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.scopes), c.scopesKnown
}

// Allows reports whether the key may use scope; true while scopes are
// unknown (see Permit for what a call should check).
func (c *Client) Allows(scope Scope) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if scope == "" || !c.scopesKnown {
		return true
	}
	return slices.Contains(c.scopes, ScopeAll) || slices.Contains(c.scopes, scope)
}

// orgBucketKey returns the organization's limiter bucket, "" while the
// organization is unknown.
func (c *Client) orgBucketKey() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.orgKey
}

// OrganizationID returns the organization learnt from Authenticate, or "".
func (c *Client) OrganizationID() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.orgID
}
