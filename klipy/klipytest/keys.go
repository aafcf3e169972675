package klipytest

import (
	"net/http"
	"slices"
	"strings"
	"time"
)

// SandboxKey is the key the demo workspace accepts; it carries every scope.
const SandboxKey = "klipy_api_sandbox"

// SandboxOrg is the organization NewSandbox seeds with the demo workspace.
const SandboxOrg = "sandbox"

// ScopeAll grants every scope.
const ScopeAll = "ALL"

// Key is an API key the fake accepts.
type Key struct {
	Token     string
	Org       string    // organization id; keys of one org share its window and its data
	Scopes    []string  // e.g. "people:read"; "ALL" grants everything
	ExpiresAt time.Time // zero: never expires
}

// allows reports whether the key grants scope; the empty scope (used by
// authenticate) is granted to every valid key.
func (k Key) allows(scope string) bool {
	return scope == "" || slices.Contains(k.Scopes, ScopeAll) || slices.Contains(k.Scopes, scope)
}

// AddKey makes k valid, replacing any key with the same token. Keys of the
// same Org share one workspace; different orgs never see each other's data.
func (s *Server) AddKey(k Key) {
	k.Scopes = slices.Clone(k.Scopes)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys[k.Token] = k
	s.workspaceLocked(k.Org)
}

// RemoveKey revokes the key with this token; later requests with it get 401.
func (s *Server) RemoveKey(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.keys, token)
}

// SetTeamName sets the organization name /authenticate reports for org
// (team_name); by default it is the org id.
func (s *Server) SetTeamName(org, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.teamNames[org] = name
}

// tokenOf returns the API key a request carries: X-Klipy-Api-Key when
// present, else the Authorization Bearer token.
func tokenOf(h http.Header) string {
	if k := strings.TrimSpace(h.Get("X-Klipy-Api-Key")); k != "" {
		return k
	}
	scheme, tok, ok := strings.Cut(strings.TrimSpace(h.Get("Authorization")), " ")
	if ok && strings.EqualFold(scheme, "Bearer") {
		return strings.TrimSpace(tok)
	}
	return ""
}

// authenticate resolves the request's key, answering 401 when it is
// missing, unknown or expired.
func (s *Server) authenticate(c *call) bool {
	if c.token == "" {
		c.fail(http.StatusUnauthorized, "missing_api_key", "send the API key as Authorization: Bearer <key> or X-Klipy-Api-Key", nil)
		return false
	}
	s.mu.RLock()
	k, ok := s.keys[c.token]
	s.mu.RUnlock()
	if !ok {
		c.fail(http.StatusUnauthorized, "invalid_api_key", "the API key is not valid (unknown or revoked)", nil)
		return false
	}
	if !k.ExpiresAt.IsZero() && !c.start.Before(k.ExpiresAt) {
		c.fail(http.StatusUnauthorized, "expired_api_key", "the API key has expired", nil)
		return false
	}
	c.key = k
	return true
}

// AuthMode is what /authenticate asks of a key. Klipy's documentation
// lists /authenticate under the ALL scope; the contract of record assumes
// any valid key may call it. The modes other than AuthOpen play that guess
// being wrong.
type AuthMode int32

const (
	// AuthOpen accepts every valid key (the contract of record).
	AuthOpen AuthMode = iota
	// AuthNeedsAll403 answers 403 insufficient_scope to a key without ALL.
	AuthNeedsAll403
	// AuthNeedsAll401 answers 401 to a key without ALL, with a message
	// about the missing scope (the docs say "401 or 403").
	AuthNeedsAll401
)

// SetAuthMode chooses what /authenticate asks of a key (AuthOpen by
// default). Every other operation is unaffected.
func (s *Server) SetAuthMode(m AuthMode) { s.authMode.Store(int32(m)) }

// handleAuthenticate serves GET /authenticate.
func (s *Server) handleAuthenticate(c *call) {
	if !c.key.allows(ScopeAll) {
		switch AuthMode(s.authMode.Load()) {
		case AuthNeedsAll403:
			c.fail(http.StatusForbidden, "insufficient_scope", "this API key lacks the ALL scope", map[string]any{"required_scope": ScopeAll})
			return
		case AuthNeedsAll401:
			c.fail(http.StatusUnauthorized, "unauthorized", "this endpoint requires an API key with the ALL scope", nil)
			return
		}
	}
	s.mu.RLock()
	name, ok := s.teamNames[c.key.Org]
	s.mu.RUnlock()
	if !ok {
		name = c.key.Org
	}
	data := map[string]any{"team_name": name, "organization_id": c.key.Org}
	if !s.opts.HideScopes {
		scopes := slices.Clone(c.key.Scopes)
		if scopes == nil {
			scopes = []string{}
		}
		data["scopes"] = scopes
	}
	c.ok(data)
}
