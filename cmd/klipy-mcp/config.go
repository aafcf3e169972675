package main

import (
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/klipy-ai/klipy-mcp/klipy"
	"github.com/klipy-ai/klipy-mcp/tools"
)

// defaultBaseURL is the production Klipy API.
const defaultBaseURL = klipy.DefaultBaseURL

// config is the typed configuration of one command run, built from flags
// and environment by loadConfig.
type config struct {
	APIKey     string
	BaseURL    string
	Sandbox    bool
	Scopes     []klipy.Scope
	RateLimit  int
	Timeout    time.Duration
	ReadOnly   bool
	Toolsets   []string
	Tools      []string
	Exclude    []string
	SearchScan int
	Confirm    tools.ConfirmMode

	LogLevel  string
	LogFormat string
	LogFile   string

	Addr           string
	Public         bool
	AllowedOrigins []string
	RedisURL       string
	DiscoveryRate  int
	// MaxSessionsPerKey and MaxSessions cap session-based sessions.
	MaxSessionsPerKey int
	MaxSessions       int
	MetricsToken      string
	OAuth             bool
	PublicURL         string
	OAuthSecret       string

	// Play names the API variants and /authenticate modes the sandbox
	// command plays, as given.
	Play []string

	JSON   bool
	Readme string
}

// knownScopes are the scopes --scopes accepts.
var knownScopes = []klipy.Scope{klipy.ScopeAll, klipy.ScopePeopleRead, klipy.ScopePeopleWrite,
	klipy.ScopeCompaniesRead, klipy.ScopeCompaniesWrite, klipy.ScopeCompaniesRemove,
	klipy.ScopeInteractionsRead, klipy.ScopeInteractionsWrite}

// loadConfig turns the raw flag values into a config, rejecting anything
// malformed with a message that names the flag and the fix.
func loadConfig(fv flagValues) (*config, error) {
	v := fv.val
	p := &valueParser{v: v, env: fv.env}
	c := &config{
		APIKey:         strings.TrimSpace(v["api-key"]),
		BaseURL:        v["base-url"],
		Sandbox:        p.bool("sandbox"),
		RateLimit:      p.positive("rate-limit"),
		Timeout:        p.duration("timeout"),
		ReadOnly:       p.bool("read-only"),
		Toolsets:       splitList(v["toolsets"]),
		Tools:          splitList(v["tools"]),
		Exclude:        splitList(v["exclude-tools"]),
		SearchScan:     p.positive("search-scan"),
		Confirm:        tools.ConfirmMode(p.oneOf("confirm-destructive", "auto", "always", "never")),
		LogLevel:       p.oneOf("log-level", "debug", "info", "warn", "error"),
		LogFormat:      p.oneOf("log-format", "text", "json"),
		LogFile:        v["log-file"],
		Addr:           v["addr"],
		Public:         p.bool("public"),
		AllowedOrigins: splitList(v["allowed-origins"]),
		RedisURL:       v["redis-url"],
		DiscoveryRate:  p.positive("discovery-rate"),
		MetricsToken:   strings.TrimSpace(v["metrics-token"]),
		OAuth:          p.bool("oauth"),
		PublicURL:      strings.TrimSpace(v["public-url"]),
		OAuthSecret:    v["oauth-secret"],
		Play:           p.play("play"),
		JSON:           p.bool("json"),
		Readme:         v["readme"],
	}
	c.MaxSessionsPerKey, c.MaxSessions = p.positive("max-sessions-per-key"), p.positive("max-sessions")
	c.Scopes = p.scopes("scopes")
	if p.err != nil {
		return nil, p.err
	}
	if err := c.checkBaseURL(); err != nil {
		return nil, err
	}
	return c, nil
}

// checkBaseURL rejects a base URL that is not an absolute http(s) URL.
func (c *config) checkBaseURL() error {
	if c.BaseURL == "" { // the command takes no --base-url
		return nil
	}
	u, err := url.Parse(c.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return usageError("invalid --base-url %q: give an absolute http(s) URL such as %s", c.BaseURL, defaultBaseURL)
	}
	return nil
}

// requireKey fails unless a key is configured or the sandbox is on.
// keyedLogger starts a command that talks to Klipy: it checks that a key
// (or the sandbox) is configured, then opens the command's logger. The
// returned function closes the log file, if any.
func (e *env) keyedLogger() (*slog.Logger, func(), error) {
	if err := e.cfg.requireKey(); err != nil {
		return nil, nil, err
	}
	return newLogger(e.cfg, e.stderr)
}

func (c *config) requireKey() error {
	if c.APIKey == "" && !c.Sandbox {
		return usageError("no API key: set --api-key or KLIPY_API_KEY, or use --sandbox")
	}
	return nil
}

// listen validates --addr and --public and reports whether the address is
// loopback.
func (c *config) listen() (loopback bool, err error) {
	host, _, err := net.SplitHostPort(c.Addr)
	if err != nil {
		return false, usageError("invalid --addr %q: give host:port, e.g. 127.0.0.1:8080", c.Addr)
	}
	loopback = isLoopbackHost(host)
	if !loopback && !c.Public {
		return false, usageError("--addr %s is not a loopback address: add --public (KLIPY_PUBLIC=true) to serve the network, where every caller must send their own key", c.Addr)
	}
	return loopback, nil
}

// isLoopbackHost reports whether host names only this machine. An empty
// host (":8080") listens on every interface, so it is not loopback.
func isLoopbackHost(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// toolsConfig is the tools package's view of c.
func (c *config) toolsConfig() tools.Config {
	return tools.Config{
		Toolsets:           c.Toolsets,
		Tools:              c.Tools,
		ExcludeTools:       c.Exclude,
		ReadOnly:           c.ReadOnly,
		ConfirmDestructive: c.Confirm,
		SearchScan:         c.SearchScan,
		Version:            buildVersion(),
	}
}

// splitList splits a comma list, dropping blanks.
func splitList(s string) []string {
	var out []string
	for part := range strings.SplitSeq(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// valueParser parses flag values, keeping the first error.
type valueParser struct {
	v   map[string]string
	env map[string]string // flag name → environment variable it came from
	err error
}

// fail records that flag name's value breaks rule, naming the flag or the
// environment variable the value came from.
func (p *valueParser) fail(name, rule string) {
	if p.err != nil {
		return
	}
	if env, ok := p.env[name]; ok {
		p.err = usageError("invalid %s=%q: %s", env, p.v[name], rule)
		return
	}
	p.err = usageError("invalid --%s %q: %s", name, p.v[name], rule)
}

func (p *valueParser) bool(name string) bool {
	s, ok := p.v[name]
	if !ok || s == "" {
		return false
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		p.fail(name, "use true or false")
	}
	return b
}

func (p *valueParser) positive(name string) int {
	s, ok := p.v[name]
	if !ok {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		p.fail(name, "use a whole number above zero")
	}
	return n
}

func (p *valueParser) duration(name string) time.Duration {
	s, ok := p.v[name]
	if !ok {
		return 0
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		p.fail(name, "use a positive duration such as 30s or 2m")
	}
	return d
}

func (p *valueParser) oneOf(name string, allowed ...string) string {
	s, ok := p.v[name]
	if !ok {
		return ""
	}
	s = strings.ToLower(strings.TrimSpace(s))
	if !slices.Contains(allowed, s) {
		p.fail(name, "use one of "+strings.Join(allowed, ", "))
	}
	return s
}

// play checks a comma list of names the sandbox can play (playNames).
func (p *valueParser) play(name string) []string {
	names := splitList(p.v[name])
	modes := 0
	for _, n := range names {
		if !slices.Contains(playNames(), n) {
			p.fail(name, fmt.Sprintf("unknown variant %q; valid: %s", n, strings.Join(playNames(), ", ")))
		}
		if _, ok := authModes[n]; ok {
			modes++
		}
	}
	if modes > 1 {
		p.fail(name, "play at most one authenticate-needs-all mode")
	}
	return names
}

func (p *valueParser) scopes(name string) []klipy.Scope {
	var out []klipy.Scope
	for _, s := range splitList(p.v[name]) {
		sc := klipy.Scope(s)
		if strings.EqualFold(s, string(klipy.ScopeAll)) {
			sc = klipy.ScopeAll
		}
		if !slices.Contains(knownScopes, sc) {
			names := make([]string, len(knownScopes))
			for i, k := range knownScopes {
				names[i] = string(k)
			}
			p.fail(name, "unknown scope "+s+"; valid scopes: "+strings.Join(names, ", "))
			return nil
		}
		out = append(out, sc)
	}
	return out
}
