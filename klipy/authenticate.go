package klipy

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"
)

// Authenticate validates the key and learns its workspace, organization and
// (when listed) scopes. The client caches the organization, which then
// shares its rate budget with every key of the organization, and the scopes,
// which then refuse operations the key cannot do before they are sent.
//
// Klipy's documentation lists /authenticate under the ALL scope, so a
// narrower key may be refused there although it works elsewhere. When
// /authenticate answers 403, or 401 with a message about scopes, one cheap
// read (see probe) tells a working key from a bad one: a working key gets an
// *AuthenticateClosedError, and the client remembers it, so that later calls
// of Authenticate return that error without asking again. A bad key gets an
// error matching ErrUnauthorized.
func (c *Client) Authenticate(ctx context.Context) (*Workspace, *Response, error) {
	if closed := c.authClosed(); closed != nil {
		return nil, nil, closed
	}
	ws := new(Workspace)
	resp, err := c.do(ctx, call{op: "authenticate"}, record(ws))
	if err != nil {
		return nil, resp, c.classifyAuthError(ctx, err)
	}
	c.learn(ws)
	return ws, resp, nil
}

// AuthenticateClosedError says /authenticate refused a key that works
// elsewhere: the key is valid, but its scopes and organization cannot be
// learnt. errors.Is(err, ErrScopesUnknown) is true.
type AuthenticateClosedError struct {
	// StatusCode is what /authenticate answered (403, or 401 about scope).
	StatusCode int
	// Message is the API's message (without the key).
	Message string
}

// ErrScopesUnknown is matched by an *AuthenticateClosedError.
var ErrScopesUnknown = errors.New("klipy: the key's scopes and organization cannot be learnt")

// Error says what was refused and what it means.
func (e *AuthenticateClosedError) Error() string {
	return fmt.Sprintf("klipy: authenticate: HTTP %d (%s): this key may not call /authenticate (it probably needs the ALL scope), but it works for other operations; its scopes and organization are unknown", e.StatusCode, e.Message)
}

// Is reports ErrScopesUnknown.
func (e *AuthenticateClosedError) Is(target error) bool { return target == ErrScopesUnknown }

// closedAuthError reports whether err is /authenticate's way of refusing a
// key for lack of scope: a 403, or a 401 whose body speaks of scope.
func closedAuthError(err error) (*APIError, bool) {
	var ae *APIError
	if !errors.As(err, &ae) {
		return nil, false
	}
	switch ae.StatusCode {
	case http.StatusForbidden:
		return ae, true
	case http.StatusUnauthorized:
		return ae, mentionsScope(ae.Code + " " + ae.Message + " " + fmt.Sprint(ae.Details))
	}
	return nil, false
}

// classifyAuthError turns /authenticate's refusal of a working key into an
// *AuthenticateClosedError, remembered by the client. Any other error is
// returned as it is.
func (c *Client) classifyAuthError(ctx context.Context, err error) error {
	ae, ok := closedAuthError(err)
	if !ok {
		return err
	}
	if perr := c.probe(ctx); perr != nil {
		return perr
	}
	closed := &AuthenticateClosedError{StatusCode: ae.StatusCode, Message: ae.Message}
	c.mu.Lock()
	c.closed = closed
	c.mu.Unlock()
	c.log.InfoContext(ctx, "klipy: /authenticate is closed to this key; its scopes and organization are unknown", "status", ae.StatusCode)
	return closed
}

// probeID names no record: the probe only wants to know whether the API
// accepts the key, and a 404 says it does without returning any data.
const probeID = "klipy-mcp-key-probe"

// probe makes one cheap read to learn whether the key works beyond
// /authenticate: GET of a record that does not exist, for the first read
// scope the key may have. 2xx, 404 and 403 (authenticated, but not allowed
// that scope) mean it works; a 401 that does not speak of scope means it
// does not (the error matches ErrUnauthorized). Any other failure
// (network, 5xx, 429) is returned: nothing is learnt.
func (c *Client) probe(ctx context.Context) error {
	op := ""
	for _, cand := range []struct {
		op    string
		scope Scope
	}{{"getPerson", ScopePeopleRead}, {"getCompany", ScopeCompaniesRead}, {"getInteraction", ScopeInteractionsRead}} {
		if c.Allows(cand.scope) {
			op = cand.op
			break
		}
	}
	if op == "" {
		return nil // declared scopes allow no read to check with; trust the 403
	}
	var sink struct{}
	_, err := c.do(ctx, call{op: op, id: probeID}, record(&sink))
	if _, scoped := closedAuthError(err); err == nil || scoped || errors.Is(err, ErrNotFound) {
		return nil
	}
	return err
}

// authClosed returns the remembered *AuthenticateClosedError, or nil.
func (c *Client) authClosed() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed == nil {
		return nil
	}
	return c.closed
}

// Ping checks that the API answers this key, for readiness probes: it calls
// /authenticate, or, for a key to which /authenticate is closed, makes the
// cheap read of probe. It teaches the client what Authenticate teaches it.
func (c *Client) Ping(ctx context.Context) error {
	_, _, err := c.Authenticate(ctx)
	if errors.Is(err, ErrScopesUnknown) {
		return c.probe(ctx)
	}
	return err
}

// learn caches what Authenticate said about the key.
func (c *Client) learn(ws *Workspace) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if ws.OrganizationID != "" {
		c.orgID, c.orgKey = ws.OrganizationID, orgBucket(ws.OrganizationID)
	}
	if ws.ScopesKnown {
		c.scopes, c.scopesKnown = slices.Clone(ws.Scopes), true
	}
	c.authenticated = true
}

// clock is the client's clock (tests replace it).
func (c *Client) clock() time.Time {
	if c.now != nil {
		return c.now()
	}
	return time.Now()
}
