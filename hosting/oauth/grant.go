package oauth

import (
	"context"
	"encoding/json"
	"errors"
	"time"
)

// Store key prefixes. Tokens and codes appear only as their hashes.
const (
	kClient     = "client:"  // + client id → clientRecord (clients registered before ids were sealed)
	kCode       = "code:"    // + hash(code) → codeRecord
	kCodeUsed   = "codeuse:" // + hash(code) → grant id (a reused code revokes its grant)
	kGrant      = "grant:"   // + grant id → grantRecord
	kAccess     = "at:"      // + hash(token) → tokenRecord
	kRefresh    = "rt:"      // + hash(token) → tokenRecord
	kRefreshOld = "rtold:"   // + hash(token) → grant id (a reused refresh token revokes its grant)
)

// codeRecord is what an authorization code stands for until it is redeemed.
type codeRecord struct {
	ClientID    string `json:"client_id"`
	RedirectURI string `json:"redirect_uri"`
	Challenge   string `json:"challenge"`
	Resource    string `json:"resource"`
	SealedKey   []byte `json:"sealed_key"` // sealed with ad "code:"+hash
	Workspace   string `json:"workspace,omitempty"`
}

// grantRecord is one sign-in: a client's access to one Klipy key, shared by
// every token issued from it (the refresh-token family).
type grantRecord struct {
	ClientID  string `json:"client_id"`
	Resource  string `json:"resource"`
	SealedKey []byte `json:"sealed_key"` // sealed with ad "grant:"+id
}

// tokenRecord is an access or refresh token.
type tokenRecord struct {
	Grant    string    `json:"grant"`
	ClientID string    `json:"client_id"`
	Expires  time.Time `json:"exp"`
}

// tokenPair is a token response (RFC 6749 §5.1).
type tokenPair struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"`
	RefreshToken string `json:"refresh_token"`
}

func (s *Server) putJSON(ctx context.Context, key string, v any, ttl time.Duration) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return s.store.Put(ctx, key, b, ttl)
}

func (s *Server) getJSON(ctx context.Context, key string, v any, take bool) error {
	get := s.store.Get
	if take {
		get = s.store.Take
	}
	b, err := get(ctx, key)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// startGrant stores a new grant for key and issues its first tokens.
func (s *Server) startGrant(ctx context.Context, clientID, resource string, key []byte) (string, tokenPair, error) {
	id := newID()
	g := grantRecord{ClientID: clientID, Resource: resource, SealedKey: s.seal.seal(key, kGrant+id)}
	if err := s.putJSON(ctx, kGrant+id, g, RefreshTTL); err != nil {
		return "", tokenPair{}, err
	}
	tp, err := s.issue(ctx, id, clientID)
	return id, tp, err
}

// issue stores a fresh access and refresh token for grant id.
func (s *Server) issue(ctx context.Context, id, clientID string) (tokenPair, error) {
	now := s.cfg.now()
	at, rt := newToken(accessPrefix), newToken(refreshPrefix)
	if err := s.putJSON(ctx, kAccess+hashOf(at), tokenRecord{Grant: id, ClientID: clientID, Expires: now.Add(AccessTTL)}, AccessTTL); err != nil {
		return tokenPair{}, err
	}
	if err := s.putJSON(ctx, kRefresh+hashOf(rt), tokenRecord{Grant: id, ClientID: clientID, Expires: now.Add(RefreshTTL)}, RefreshTTL); err != nil {
		return tokenPair{}, err
	}
	return tokenPair{AccessToken: at, TokenType: "Bearer", ExpiresIn: int(AccessTTL / time.Second), RefreshToken: rt}, nil
}

// ErrInvalidToken is returned by Resolve for a token that is unknown,
// expired, revoked, tampered with or issued for another resource.
var ErrInvalidToken = errors.New("oauth: invalid access token")

// Resolve returns the Klipy key an access token stands for, and an id for
// the token's grant (for DropGrant). It fails with ErrInvalidToken for any
// token that is not valid now.
func (s *Server) Resolve(ctx context.Context, token string) (key, grant string, err error) {
	var t tokenRecord
	if err := s.getJSON(ctx, kAccess+hashOf(token), &t, false); err != nil {
		return "", "", s.invalid(err)
	}
	if !s.cfg.now().Before(t.Expires) {
		return "", "", s.invalid(ErrNotFound)
	}
	var g grantRecord
	if err := s.getJSON(ctx, kGrant+t.Grant, &g, false); err != nil {
		return "", "", s.invalid(err)
	}
	plain, err := s.seal.open(g.SealedKey, kGrant+t.Grant)
	if err != nil || g.Resource != s.resource {
		return "", "", s.invalid(ErrNotFound)
	}
	return string(plain), t.Grant, nil
}

// invalid maps a lookup failure: an absent record is an invalid token, a
// store failure is passed on (the host answers 503, not 401).
func (s *Server) invalid(err error) error {
	if errors.Is(err, ErrNotFound) || isDecodeError(err) {
		s.observe(EventTokenInvalid)
		return ErrInvalidToken
	}
	return err
}

func isDecodeError(err error) bool {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	return errors.As(err, &se) || errors.As(err, &te)
}

// DropGrant ends grant id and so every token issued from it: the host calls
// it when Klipy rejects the key behind a token.
func (s *Server) DropGrant(ctx context.Context, id string) {
	if id == "" {
		return
	}
	if err := s.store.Delete(ctx, kGrant+id); err != nil {
		s.log.Warn("oauth: cannot drop a grant", "err", err)
		return
	}
	s.observe(EventGrantDropped)
}
