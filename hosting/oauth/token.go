package oauth

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"strings"
)

// maxFormBytes caps the body of the token and revocation endpoints.
const maxFormBytes = 16 << 10

// parseForm reads a POSTed application/x-www-form-urlencoded body, capped.
func parseForm(w http.ResponseWriter, r *http.Request) bool {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		writeOAuthError(w, http.StatusMethodNotAllowed, "invalid_request", "use POST")
		return false
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "the body must be a form of at most 16 KiB")
		return false
	}
	return true
}

// serveToken is the token endpoint (RFC 6749 §3.2) for the
// authorization_code and refresh_token grants of public clients.
func (s *Server) serveToken(w http.ResponseWriter, r *http.Request) {
	if !parseForm(w, r) {
		return
	}
	switch r.PostForm.Get("grant_type") {
	case "authorization_code":
		s.redeemCode(w, r)
	case "refresh_token":
		s.refresh(w, r)
	case "":
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "grant_type is required")
	default:
		writeOAuthError(w, http.StatusBadRequest, "unsupported_grant_type", "use authorization_code or refresh_token")
	}
}

// redeemCode exchanges a code for tokens. The code is taken from the store
// before anything else is checked, so a code is tried at most once; a code
// presented again revokes the grant it produced (RFC 6749 §4.1.2).
func (s *Server) redeemCode(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f := r.PostForm
	code := f.Get("code")
	if code == "" || f.Get("code_verifier") == "" {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "code and code_verifier are required")
		return
	}
	h := hashOf(code)
	var c codeRecord
	if err := s.getJSON(ctx, kCode+h, &c, true); err != nil {
		if errors.Is(err, ErrNotFound) {
			s.revokeReusedCode(r, h)
			writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "the code is unknown, expired or already used")
			return
		}
		s.storeFailed(w, err)
		return
	}
	switch {
	case f.Get("client_id") != c.ClientID:
		writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "the code was issued to another client")
	case f.Get("redirect_uri") != c.RedirectURI:
		writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "redirect_uri differs from the authorization request")
	case subtle.ConstantTimeCompare([]byte(pkceS256(f.Get("code_verifier"))), []byte(c.Challenge)) != 1:
		writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "code_verifier does not match the code challenge")
	case !s.resourceOK(f["resource"], c.Resource):
		writeOAuthError(w, http.StatusBadRequest, "invalid_target", "resource must be "+s.resource)
	default:
		s.finishCode(w, r, h, c)
	}
}

func (s *Server) finishCode(w http.ResponseWriter, r *http.Request, h string, c codeRecord) {
	ctx := r.Context()
	key, err := s.seal.open(c.SealedKey, kCode+h)
	if err != nil {
		writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "the code is unknown, expired or already used")
		return
	}
	id, tp, err := s.startGrant(ctx, c.ClientID, c.Resource, key)
	if err != nil {
		s.storeFailed(w, err)
		return
	}
	_ = s.store.Put(ctx, kCodeUsed+h, []byte(id), formTTL)
	s.observe(EventTokenIssued)
	writeTokens(w, tp)
}

// revokeReusedCode ends the grant a code produced when the code is
// presented again.
func (s *Server) revokeReusedCode(r *http.Request, h string) {
	if id, err := s.store.Take(r.Context(), kCodeUsed+h); err == nil {
		s.DropGrant(r.Context(), string(id))
	}
}

// resourceOK accepts a token request's resource parameters: none (the
// code's binding applies) or exactly the bound resource.
func (s *Server) resourceOK(given []string, bound string) bool {
	for _, g := range given {
		if strings.TrimSuffix(g, "/") != bound {
			return false
		}
	}
	return true
}

// refresh rotates a refresh token. A refresh token presented a second time
// revokes its whole grant (OAuth 2.1 §4.3.1): one of the two presenters is
// not the client.
func (s *Server) refresh(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f := r.PostForm
	rt := f.Get("refresh_token")
	if rt == "" {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "refresh_token is required")
		return
	}
	h := hashOf(rt)
	var t tokenRecord
	if err := s.getJSON(ctx, kRefresh+h, &t, true); err != nil {
		if errors.Is(err, ErrNotFound) {
			if id, err := s.store.Get(ctx, kRefreshOld+h); err == nil {
				s.observe(EventRefreshReused)
				s.DropGrant(ctx, string(id))
			}
			writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "the refresh token is unknown, expired, revoked or already used")
			return
		}
		s.storeFailed(w, err)
		return
	}
	var g grantRecord
	err := s.getJSON(ctx, kGrant+t.Grant, &g, false)
	switch {
	case errors.Is(err, ErrNotFound):
		writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "the grant was revoked; sign in again")
		return
	case err != nil:
		s.storeFailed(w, err)
		return
	case f.Get("client_id") != "" && f.Get("client_id") != t.ClientID:
		writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "the refresh token was issued to another client")
		return
	case !s.resourceOK(f["resource"], g.Resource):
		writeOAuthError(w, http.StatusBadRequest, "invalid_target", "resource must be "+s.resource)
		return
	}
	_ = s.store.Put(ctx, kRefreshOld+h, []byte(t.Grant), RefreshTTL)
	tp, err := s.issue(ctx, t.Grant, t.ClientID)
	if err == nil {
		b, _ := s.store.Get(ctx, kGrant+t.Grant)
		err = s.store.Put(ctx, kGrant+t.Grant, b, RefreshTTL) // the grant lives as long as its newest refresh token
	}
	if err != nil {
		s.storeFailed(w, err)
		return
	}
	s.observe(EventTokenRefreshed)
	writeTokens(w, tp)
}

func writeTokens(w http.ResponseWriter, tp tokenPair) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	writeJSON(w, http.StatusOK, tp)
}

func (s *Server) storeFailed(w http.ResponseWriter, err error) {
	s.log.Error("oauth: store unavailable", "err", err)
	writeOAuthError(w, http.StatusServiceUnavailable, "temporarily_unavailable", "the grant store is unavailable; try again")
}

// serveRevoke is the revocation endpoint (RFC 7009). Revoking either token
// ends the whole grant, so the other token stops working too. Unknown
// tokens are not an error.
func (s *Server) serveRevoke(w http.ResponseWriter, r *http.Request) {
	if !parseForm(w, r) {
		return
	}
	ctx := r.Context()
	tok := r.PostForm.Get("token")
	if tok == "" {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "token is required")
		return
	}
	h := hashOf(tok)
	for _, k := range []string{kAccess + h, kRefresh + h} {
		var t tokenRecord
		if err := s.getJSON(ctx, k, &t, false); err == nil {
			if cid := r.PostForm.Get("client_id"); cid != "" && cid != t.ClientID {
				continue // RFC 7009 §2.1: a client may revoke only its own tokens
			}
			if err := s.store.Delete(ctx, k, kGrant+t.Grant); err != nil {
				s.storeFailed(w, err)
				return
			}
			s.observe(EventTokenRevoked)
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
}
