package oauth

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Client is a registered client, by dynamic registration or by its Client
// ID Metadata Document.
type Client struct {
	ClientID     string   `json:"client_id"`
	ClientName   string   `json:"client_name,omitempty"`
	ClientURI    string   `json:"client_uri,omitempty"`
	RedirectURIs []string `json:"redirect_uris"`
	// Metadata says the client was described by a metadata document at its
	// client_id URL (whose host then names it on the sign-in page).
	Metadata bool `json:"-"`
}

// Limits on client metadata.
const (
	maxRedirectURIs  = 10
	maxNameRunes     = 80
	maxURILength     = 2000
	maxRegisterBytes = 16 << 10
)

// errBadMetadata describes why client metadata was refused.
type errBadMetadata string

func (e errBadMetadata) Error() string { return string(e) }

// check validates metadata as RFC 7591 and the OAuth 2.1 redirect rules
// require, and normalises what it keeps.
func (c *Client) check() error {
	if len(c.RedirectURIs) == 0 || len(c.RedirectURIs) > maxRedirectURIs {
		return errBadMetadata("redirect_uris must list 1 to 10 URIs")
	}
	for _, u := range c.RedirectURIs {
		if err := checkRedirectURI(u); err != nil {
			return err
		}
	}
	c.ClientName = strings.TrimSpace(c.ClientName)
	if !utf8.ValidString(c.ClientName) || utf8.RuneCountInString(c.ClientName) > maxNameRunes {
		return errBadMetadata("client_name must be valid text of at most 80 characters")
	}
	if len(c.ClientURI) > maxURILength {
		return errBadMetadata("client_uri is too long")
	}
	return nil
}

// checkRedirectURI accepts https URIs, http on a loopback address (native
// apps, RFC 8252 §7.3) and private-use schemes (RFC 8252 §7.1); never a
// fragment.
func checkRedirectURI(raw string) error {
	u, err := url.Parse(raw)
	switch {
	case err != nil || len(raw) > maxURILength || !u.IsAbs():
		return errBadMetadata("redirect_uri " + quoteShort(raw) + " is not an absolute URI")
	case u.Fragment != "" || strings.Contains(raw, "#"):
		return errBadMetadata("redirect_uri must not have a fragment")
	case u.Scheme == "http" && !isLoopbackName(u.Hostname()):
		return errBadMetadata("redirect_uri must use https (http only on a loopback address)")
	case (u.Scheme == "https" || u.Scheme == "http") && u.Host == "":
		return errBadMetadata("redirect_uri has no host")
	case strings.EqualFold(u.Scheme, "javascript") || strings.EqualFold(u.Scheme, "data") || strings.EqualFold(u.Scheme, "file"):
		return errBadMetadata("redirect_uri scheme is not allowed")
	}
	return nil
}

// allowsRedirect reports whether uri is one of the client's redirect URIs,
// compared exactly, except that the port of a loopback http URI may vary
// (RFC 8252 §7.3).
func (c *Client) allowsRedirect(uri string) bool {
	if slices.Contains(c.RedirectURIs, uri) {
		return true
	}
	got, err := url.Parse(uri)
	if err != nil || got.Scheme != "http" || !isLoopbackIP(got.Hostname()) {
		return false
	}
	for _, reg := range c.RedirectURIs {
		want, err := url.Parse(reg)
		if err != nil || want.Scheme != "http" || want.Hostname() != got.Hostname() {
			continue
		}
		if want.Path == got.Path && want.RawQuery == got.RawQuery && want.User == nil && got.User == nil {
			return true
		}
	}
	return false
}

// isLoopbackName reports localhost or a loopback IP.
func isLoopbackName(host string) bool {
	return strings.EqualFold(host, "localhost") || isLoopbackIP(host)
}

func isLoopbackIP(host string) bool {
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func quoteShort(s string) string {
	if len(s) > 60 {
		s = s[:60] + "…"
	}
	return `"` + s + `"`
}

// registration is an RFC 7591 request: the fields the server reads.
type registration struct {
	Client
	GrantTypes              []string `json:"grant_types"`
	ResponseTypes           []string `json:"response_types"`
	TokenEndpointAuthMethod string   `json:"token_endpoint_auth_method"`
}

// registered is the RFC 7591 response.
type registered struct {
	Client
	ClientIDIssuedAt        int64    `json:"client_id_issued_at"`
	GrantTypes              []string `json:"grant_types"`
	ResponseTypes           []string `json:"response_types"`
	TokenEndpointAuthMethod string   `json:"token_endpoint_auth_method"`
}

// serveRegister is dynamic client registration (RFC 7591) for public
// clients: every client is registered with token_endpoint_auth_method
// "none" and proves itself with PKCE.
func (s *Server) serveRegister(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		writeOAuthError(w, http.StatusMethodNotAllowed, "invalid_request", "use POST")
		return
	}
	var reg registration
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxRegisterBytes))
	if err := dec.Decode(&reg); err != nil {
		writeOAuthError(w, http.StatusBadRequest, "invalid_client_metadata", "the body must be a JSON object of at most 16 KiB")
		return
	}
	if err := reg.checkGrants(); err != nil {
		writeOAuthError(w, http.StatusBadRequest, "invalid_client_metadata", err.Error())
		return
	}
	if err := reg.check(); err != nil {
		code := "invalid_client_metadata"
		if strings.HasPrefix(err.Error(), "redirect_uri") {
			code = "invalid_redirect_uri"
		}
		writeOAuthError(w, http.StatusBadRequest, code, err.Error())
		return
	}
	c := reg.Client
	issued := s.cfg.now().Unix()
	if c.ClientID = s.sealClient(&c, issued); len(c.ClientID) > maxClientIDLength {
		writeOAuthError(w, http.StatusBadRequest, "invalid_client_metadata",
			"the metadata is too long to register: redirect_uris, client_name and client_uri may take about 700 bytes together")
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusCreated, registered{Client: c, ClientIDIssuedAt: issued,
		GrantTypes: []string{"authorization_code", "refresh_token"}, ResponseTypes: []string{"code"},
		TokenEndpointAuthMethod: "none"})
}

// checkGrants refuses grant and response types the server does not offer.
func (r *registration) checkGrants() error {
	for _, g := range r.GrantTypes {
		if g != "authorization_code" && g != "refresh_token" {
			return errBadMetadata("grant_types may hold only authorization_code and refresh_token")
		}
	}
	for _, t := range r.ResponseTypes {
		if t != "code" {
			return errBadMetadata(`response_types may hold only "code"`)
		}
	}
	return nil
}

// A registered client is stateless: its client_id is its metadata sealed
// with the server's secret. Registration stores nothing, any replica reads
// the client without the store, and registrations (open to anyone, as MCP
// clients expect) cost no memory however many are made. The id expires
// ClientTTL after it was issued.
const (
	sealedClientPrefix = "kmcp_cs_"
	adClient           = "client"
	// maxClientIDLength bounds a client_id, which travels in every
	// authorization URL: a few redirect URIs and a name fit several times.
	maxClientIDLength = 1024
	// storedClientPrefix names clients registered when registrations were
	// stored; they are read from the store until their records expire.
	storedClientPrefix = "kmcp_c_"
)

// sealedClient is what a sealed client_id holds.
type sealedClient struct {
	Name      string   `json:"n,omitempty"`
	URI       string   `json:"u,omitempty"`
	Redirects []string `json:"r"`
	Issued    int64    `json:"t"`
}

// sealClient returns the client_id that carries c, issued at the given
// Unix time.
func (s *Server) sealClient(c *Client, issued int64) string {
	return sealedClientPrefix + s.seal.sealText(sealedClient{Name: c.ClientName, URI: c.ClientURI, Redirects: c.RedirectURIs, Issued: issued}, adClient)
}

// openClient reads the client a sealed client_id carries; anything
// tampered with, sealed with another secret or expired is unknown.
func (s *Server) openClient(id string) (*Client, error) {
	if len(id) > maxClientIDLength {
		return nil, errUnknownClient
	}
	var sc sealedClient
	if !s.seal.openText(id[len(sealedClientPrefix):], adClient, &sc) || !s.cfg.now().Before(time.Unix(sc.Issued, 0).Add(ClientTTL)) {
		return nil, errUnknownClient
	}
	return &Client{ClientID: id, ClientName: sc.Name, ClientURI: sc.URI, RedirectURIs: sc.Redirects}, nil
}

// errUnknownClient says a client_id names no registered client and no
// usable metadata document.
var errUnknownClient = errors.New("unknown client")

// client returns the client named id: a registered one, or one described by
// the metadata document at id when id is an https URL.
func (s *Server) client(ctx context.Context, id string) (*Client, error) {
	if strings.HasPrefix(id, "https://") || (s.clients.opts.AllowHTTP && strings.HasPrefix(id, "http://")) {
		return s.clients.get(ctx, id)
	}
	if strings.HasPrefix(id, sealedClientPrefix) {
		return s.openClient(id)
	}
	if !strings.HasPrefix(id, storedClientPrefix) || len(id) > 200 {
		return nil, errUnknownClient
	}
	var c Client
	if err := s.getJSON(ctx, kClient+id, &c, false); err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil, errUnknownClient
		}
		return nil, err
	}
	return &c, nil
}
