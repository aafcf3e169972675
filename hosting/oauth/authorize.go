package oauth

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// pending is an authorization request that passed validation, carried
// through the sign-in page sealed in a hidden field (so any replica can
// continue it and nothing is stored until the person approves).
type pending struct {
	ClientID    string    `json:"c"`
	ClientName  string    `json:"n"`
	RedirectURI string    `json:"r"`
	State       string    `json:"s,omitempty"`
	Challenge   string    `json:"p"`
	Resource    string    `json:"res"`
	CSRF        string    `json:"x"`
	Expires     time.Time `json:"e"`
	// Set once the key was accepted (the consent step).
	Key       string   `json:"k,omitempty"`
	Workspace string   `json:"w,omitempty"`
	Scopes    []string `json:"sc,omitempty"`
	Known     bool     `json:"kn,omitempty"`
}

// Sealing purposes of the hidden field.
const (
	adSignIn  = "form:signin"
	adConsent = "form:consent"
)

const csrfCookie = "kmcp_csrf"

// serveAuthorize is the authorization endpoint: GET validates the request
// and shows the sign-in page; POST handles its two forms.
func (s *Server) serveAuthorize(w http.ResponseWriter, r *http.Request) {
	setPageHeaders(w)
	switch r.Method {
	case http.MethodGet:
		s.startAuthorize(w, r)
	case http.MethodPost:
		s.postAuthorize(w, r)
	default:
		w.Header().Set("Allow", "GET, POST")
		s.errorPage(w, http.StatusMethodNotAllowed, "This address takes GET and POST only.")
	}
}

// authzError is a failed authorization request: sent back to the client
// when the redirect URI is trusted, else shown on a page.
type authzError struct {
	code, desc string
}

// startAuthorize validates an authorization request (RFC 6749 §4.1.1 with
// OAuth 2.1's PKCE and RFC 8707's resource) and shows the sign-in form.
// Until client_id and redirect_uri are known good, errors are shown, never
// redirected (RFC 6749 §4.1.2.1).
func (s *Server) startAuthorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	c, err := s.client(r.Context(), q.Get("client_id"))
	if err != nil {
		if errors.Is(err, errFetchBudget) {
			s.log.Warn("oauth: client metadata fetch budget spent; a sign-in was turned away")
			w.Header().Set("Retry-After", "60")
			s.errorPage(w, http.StatusServiceUnavailable, "Too many apps are signing in on this server right now. Try again in a minute.")
			return
		}
		if !errors.Is(err, errUnknownClient) {
			s.log.Error("oauth: cannot look up a client", "err", err)
			s.errorPage(w, http.StatusServiceUnavailable, "The sign-in service is unavailable right now. Try again in a minute.")
			return
		}
		s.errorPage(w, http.StatusBadRequest, "This app is not registered with this server (unknown client_id). Ask the app to connect again.")
		return
	}
	redirect := q.Get("redirect_uri")
	if redirect == "" && len(c.RedirectURIs) == 1 {
		redirect = c.RedirectURIs[0]
	}
	if !c.allowsRedirect(redirect) {
		s.errorPage(w, http.StatusBadRequest, "The app asked to return to an address it did not register (redirect_uri mismatch). Nothing was sent to it.")
		return
	}
	p := pending{ClientID: c.ClientID, ClientName: displayName(c), RedirectURI: redirect, State: q.Get("state"),
		Challenge: q.Get("code_challenge"), Resource: strings.TrimSuffix(q.Get("resource"), "/"),
		CSRF: newID(), Expires: s.cfg.now().Add(formTTL)}
	if e := s.checkRequest(q, &p); e != nil {
		s.redirectError(w, r, &p, e.code, e.desc)
		return
	}
	s.observe(EventSignInStarted)
	http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: p.CSRF, Path: PathAuthorize, MaxAge: int(formTTL / time.Second),
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteStrictMode})
	s.renderSignIn(w, http.StatusOK, &p, "")
}

// checkRequest applies the rules that are reported to the client.
func (s *Server) checkRequest(q url.Values, p *pending) *authzError {
	switch {
	case q.Get("response_type") != "code":
		return &authzError{"unsupported_response_type", "response_type must be code"}
	case p.Challenge == "":
		return &authzError{"invalid_request", "code_challenge is required (PKCE S256)"}
	case q.Get("code_challenge_method") != "S256":
		return &authzError{"invalid_request", "code_challenge_method must be S256"}
	case len(p.Challenge) != 43:
		return &authzError{"invalid_request", "code_challenge must be a base64url SHA-256 (43 characters)"}
	case len(q["resource"]) == 0:
		return &authzError{"invalid_target", "resource is required: " + s.resource}
	case len(q["resource"]) > 1 || p.Resource != s.resource:
		return &authzError{"invalid_target", "resource must be " + s.resource}
	case len(p.State) > 1000:
		return &authzError{"invalid_request", "state is too long"}
	}
	return nil
}

// displayName names a client on the sign-in page. A name is only what the
// client claims, so the host it returns to (or, for a metadata document,
// the host that published it) is shown with it.
func displayName(c *Client) string {
	host := ""
	src := c.ClientID
	if !c.Metadata && len(c.RedirectURIs) > 0 {
		src = c.RedirectURIs[0]
	}
	if u, err := url.Parse(src); err == nil {
		host = u.Hostname()
		if host == "" {
			host = u.Scheme + ":"
		}
	}
	name := c.ClientName
	if name == "" {
		name = "An app"
	}
	if host == "" {
		return name
	}
	return name + " (" + host + ")"
}

// postAuthorize handles the sign-in form (a key) and the consent form
// (approve or deny). Both carry the sealed request and must come with the
// CSRF cookie the GET set.
func (s *Server) postAuthorize(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		s.errorPage(w, http.StatusBadRequest, "The form could not be read. Start again from your app.")
		return
	}
	consent := r.PostForm.Has("decision")
	ad := adSignIn
	if consent {
		ad = adConsent
	}
	p, ok := s.openForm(r, ad)
	if !ok {
		s.errorPage(w, http.StatusForbidden, "This sign-in form has expired or did not come from this page. Start again from your app.")
		return
	}
	if consent {
		s.decide(w, r, p)
		return
	}
	s.signIn(w, r, p)
}

// openForm unseals the hidden request and checks its expiry and CSRF token
// against the cookie.
func (s *Server) openForm(r *http.Request, ad string) (*pending, bool) {
	var p pending
	if !s.seal.openText(r.PostForm.Get("request"), ad, &p) || !s.cfg.now().Before(p.Expires) {
		return nil, false
	}
	ck, err := r.Cookie(csrfCookie)
	if err != nil || ck.Value == "" || ck.Value != p.CSRF || r.PostForm.Get("csrf") != p.CSRF {
		return nil, false
	}
	return &p, true
}

// signIn checks the pasted key with Klipy and shows the consent step; a
// key Klipy refuses leaves the person on the form with an error.
func (s *Server) signIn(w http.ResponseWriter, r *http.Request, p *pending) {
	key := strings.TrimSpace(r.PostForm.Get("api_key"))
	if key == "" {
		s.renderSignIn(w, http.StatusBadRequest, p, "Paste your Klipy API key (it starts with klipy_api_).")
		return
	}
	if s.verify != nil && !s.verify() {
		s.observe(EventSignInThrottled)
		w.Header().Set("Retry-After", "60")
		s.renderSignIn(w, http.StatusTooManyRequests, p, "Too many keys are being checked on this server right now. Wait a minute, then paste your key again.")
		return
	}
	acct, err := s.cfg.Verify(r.Context(), key)
	switch {
	case errors.Is(err, ErrKeyRejected):
		s.observe(EventSignInBadKey)
		s.renderSignIn(w, http.StatusBadRequest, p, "Klipy did not accept this API key: it may be mistyped, expired or revoked. Check it in Klipy under Settings → API keys and paste it again.")
		return
	case err != nil:
		s.log.Warn("oauth: cannot check a key with Klipy", "err", err)
		s.renderSignIn(w, http.StatusBadGateway, p, "Klipy could not be reached to check the key. Try again in a moment.")
		return
	}
	p.Key, p.Workspace, p.Scopes, p.Known = key, acct.Workspace, acct.Scopes, acct.ScopesKnown
	p.Expires = s.cfg.now().Add(formTTL)
	s.renderConsent(w, p)
}

// decide finishes the flow: deny sends access_denied, approve stores a
// single-use code bound to the client, redirect URI, PKCE challenge and
// resource, and sends it.
func (s *Server) decide(w http.ResponseWriter, r *http.Request, p *pending) {
	if r.PostForm.Get("decision") != "approve" {
		s.observe(EventSignInDenied)
		s.redirectError(w, r, p, "access_denied", "the person declined to connect their Klipy workspace")
		return
	}
	code := newToken(codePrefix)
	h := hashOf(code)
	rec := codeRecord{ClientID: p.ClientID, RedirectURI: p.RedirectURI, Challenge: p.Challenge, Resource: p.Resource,
		SealedKey: s.seal.seal([]byte(p.Key), kCode+h), Workspace: p.Workspace}
	if err := s.putJSON(r.Context(), kCode+h, rec, CodeTTL); err != nil {
		s.log.Error("oauth: cannot store a code", "err", err)
		s.errorPage(w, http.StatusServiceUnavailable, "The sign-in service is unavailable right now. Try again in a minute.")
		return
	}
	s.observe(EventSignInCompleted)
	s.redirect(w, r, p, url.Values{"code": {code}})
}

func (s *Server) redirectError(w http.ResponseWriter, r *http.Request, p *pending, code, desc string) {
	s.redirect(w, r, p, url.Values{"error": {code}, "error_description": {desc}})
}

// redirect sends the person back to the client with v, the state and the
// issuer (RFC 9207).
func (s *Server) redirect(w http.ResponseWriter, r *http.Request, p *pending, v url.Values) {
	u, _ := url.Parse(p.RedirectURI) // checked at registration
	q := u.Query()
	for k, vs := range v {
		q[k] = vs
	}
	if p.State != "" {
		q.Set("state", p.State)
	}
	q.Set("iss", s.issuer)
	u.RawQuery = q.Encode()
	http.SetCookie(w, &http.Cookie{Name: csrfCookie, Path: PathAuthorize, MaxAge: -1, HttpOnly: true, Secure: s.secure})
	http.Redirect(w, r, u.String(), http.StatusSeeOther)
}

// setPageHeaders forbid framing, third-party content and caching of the
// sign-in pages.
func setPageHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'")
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
}
