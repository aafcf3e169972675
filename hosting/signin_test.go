package hosting

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/klipy-ai/klipy-mcp/hosting/oauth"
	"github.com/klipy-ai/klipy-mcp/klipy"
	"github.com/klipy-ai/klipy-mcp/klipy/klipytest"
)

const testPublicURL = "https://mcp.example.test"

// oauthServer returns an authorization server whose keys are checked
// against up.
func oauthServer(t testing.TB, up *upstream) *oauth.Server {
	t.Helper()
	srv, err := oauth.New(oauth.Config{PublicURL: testPublicURL, Secret: bytes.Repeat([]byte{1}, oauth.SecretSize),
		Verify: oauth.KlipyVerifier(klipy.Options{BaseURL: up.url}), Logger: testLogger()})
	if err != nil {
		t.Fatal(err)
	}
	return srv
}

// oauthHost runs a host with OAuth sign-in whose keys are checked against up.
func oauthHost(t testing.TB, up *upstream, rateLimit ...int) (h *Handler, mcpURL, base string) {
	t.Helper()
	cfg := Config{OAuth: oauthServer(t, up)}
	if len(rateLimit) > 0 {
		cfg.Klipy.RateLimit, cfg.Klipy.OrgLimit = rateLimit[0], rateLimit[0]
	}
	h, mcpURL = host(t, up, cfg)
	return h, mcpURL, strings.TrimSuffix(mcpURL, "/mcp")
}

var hiddenRE = regexp.MustCompile(`name="(request|csrf)" value="([^"]*)"`)

// signInToken runs registration, the sign-in page and the token request
// over HTTP and returns the access and refresh tokens for key.
func signInToken(t testing.TB, base, key string) (at, rt string) {
	t.Helper()
	const cb = "http://127.0.0.1:9/cb"
	resp, err := http.Post(base+"/register", "application/json", strings.NewReader(`{"client_name":"Test","redirect_uris":["`+cb+`"]}`))
	if err != nil {
		t.Fatal(err)
	}
	var reg struct {
		ClientID string `json:"client_id"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&reg)
	resp.Body.Close()
	verifier := strings.Repeat("v", 50)
	sum := sha256.Sum256([]byte(verifier))
	jar, _ := cookiejar.New(nil)
	b := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	q := url.Values{"response_type": {"code"}, "client_id": {reg.ClientID}, "redirect_uri": {cb}, "state": {"s"},
		"code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"},
		"resource": {testPublicURL + "/mcp"}}
	form := func(resp *http.Response, err error) (url.Values, *http.Response) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		v := url.Values{}
		for _, m := range hiddenRE.FindAllStringSubmatch(string(body), -1) {
			v.Set(m[1], m[2])
		}
		return v, resp
	}
	f, _ := form(b.Get(base + "/authorize?" + q.Encode()))
	f.Set("api_key", key)
	f, _ = form(b.PostForm(base+"/authorize", f))
	f.Set("decision", "approve")
	_, resp = form(b.PostForm(base+"/authorize", f))
	loc, _ := url.Parse(resp.Header.Get("Location"))
	resp, err = http.PostForm(base+"/token", url.Values{"grant_type": {"authorization_code"}, "code": {loc.Query().Get("code")},
		"client_id": {reg.ClientID}, "redirect_uri": {cb}, "code_verifier": {verifier}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tok struct{ AccessToken, RefreshToken string }
	var raw map[string]any
	body, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(body, &raw)
	tok.AccessToken, _ = raw["access_token"].(string)
	tok.RefreshToken, _ = raw["refresh_token"].(string)
	if tok.AccessToken == "" {
		t.Fatalf("no token: %d %s", resp.StatusCode, body)
	}
	return tok.AccessToken, tok.RefreshToken
}

// TestSignInSharesTheDiscoveryBudget: keys checked at sign-in and keys
// checked at their first call draw from one budget (--discovery-rate), so
// that together they ask Klipy no faster than it allows.
func TestSignInSharesTheDiscoveryBudget(t *testing.T) {
	up := newUpstream(t)
	_, mcpURL := host(t, up, Config{OAuth: oauthServer(t, up), DiscoveryRate: 1, DiscoveryBurst: 1})
	signInToken(t, strings.TrimSuffix(mcpURL, "/mcp"), keyAll) // the one check of the burst
	resp, _ := post(t, mcpURL, initializeBody, bearer(keyPeople))
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("a new key's first call after a sign-in took the budget: %d, want 503", resp.StatusCode)
	}
	if up.Count() != 1 {
		t.Errorf("Klipy checked %d keys, want 1", up.Count())
	}
}

func TestOAuthChallengeOn401(t *testing.T) {
	up := newUpstream(t)
	_, url, _ := oauthHost(t, up)
	want := `Bearer resource_metadata="` + testPublicURL + `/.well-known/oauth-protected-resource/mcp"`
	resp, _ := post(t, url, initializeBody, nil)
	if resp.StatusCode != 401 || resp.Header.Get("WWW-Authenticate") != want {
		t.Errorf("no credentials: %d %q", resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
	}
	for _, cred := range []string{"kmcp_at_made_up", "something-else"} {
		resp, body := post(t, url, initializeBody, bearer(cred))
		got := resp.Header.Get("WWW-Authenticate")
		if resp.StatusCode != 401 || !strings.HasPrefix(got, want+`, error="invalid_token"`) || strings.Contains(body, cred) {
			t.Errorf("%s: %d %q %s", cred, resp.StatusCode, got, body)
		}
	}
	if n := len(up.Requests()); n != 0 {
		t.Errorf("unknown tokens reached Klipy %d times", n)
	}
	resp, body := post(t, url, initializeBody, bearer(keyBogus))
	if resp.StatusCode != 401 || !strings.Contains(resp.Header.Get("WWW-Authenticate"), `resource_metadata=`) ||
		!strings.Contains(resp.Header.Get("WWW-Authenticate"), `error="invalid_token"`) || strings.Contains(body, keyBogus) {
		t.Errorf("rejected key: %d %q", resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
	}
}

// A token acts exactly as its key: the same workspace, the same scope
// filtering; a raw key keeps working beside it.
func TestOAuthTokenActsAsItsKey(t *testing.T) {
	up := newUpstream(t)
	_, url, base := oauthHost(t, up)
	at, _ := signInToken(t, base, keyPeople)
	for _, era := range eras {
		c := connect(t, url, era, bearer(at))
		if res := call(t, c, "get_workspace", nil); res.IsError || !strings.Contains(resultText(res), "Beta") {
			t.Errorf("%s: get_workspace = %s", era, resultText(res))
		}
		if names := toolNames(t, c); len(names) == 0 || contains(names, "create_person") {
			t.Errorf("%s: a people:read token lists %v", era, names)
		}
		raw := connect(t, url, era, bearer(keyAll))
		if res := call(t, raw, "get_workspace", nil); !strings.Contains(resultText(res), "Acme") {
			t.Errorf("%s: raw key: %s", era, resultText(res))
		}
	}
	for _, k := range up.keysSeen() {
		if strings.HasPrefix(k, "kmcp_") {
			t.Fatal("a token was sent to Klipy")
		}
	}
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// When Klipy stops accepting the key behind a token, the next tool call
// gets 401 invalid_token and the grant ends: the client must sign in again.
func TestOAuthKeyRevokedUpstream(t *testing.T) {
	up := newUpstream(t)
	_, url, base := oauthHost(t, up)
	at, rt := signInToken(t, base, keyAll)
	body := `{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"get_workspace","arguments":{},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientInfo":{"name":"raw","version":"1"},"io.modelcontextprotocol/clientCapabilities":{}}}}`
	hdr := map[string]string{"Authorization": "Bearer " + at, "MCP-Protocol-Version": "2026-07-28", "Mcp-Method": "tools/call", "Mcp-Name": "get_workspace"}
	if resp, b := post(t, url, body, hdr); resp.StatusCode != 200 {
		t.Fatalf("before revocation: %d %s", resp.StatusCode, b)
	}
	up.RemoveKey(keyAll)
	resp, b := post(t, url, body, hdr)
	if resp.StatusCode != 401 || !strings.Contains(resp.Header.Get("WWW-Authenticate"), `error="invalid_token"`) || strings.Contains(b, keyAll) {
		t.Fatalf("first call after revocation: %d %q %s", resp.StatusCode, resp.Header.Get("WWW-Authenticate"), b)
	}
	if resp, _ := post(t, url, body, hdr); resp.StatusCode != 401 {
		t.Errorf("second call: %d, want 401", resp.StatusCode)
	}
	r, err := http.PostForm(base+"/token", map[string][]string{"grant_type": {"refresh_token"}, "refresh_token": {rt}})
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != 400 {
		t.Errorf("refresh after the grant was dropped: %d, want 400 invalid_grant", r.StatusCode)
	}
	metrics := scrape(t, base+"/metrics")
	for _, want := range []string{`klipy_mcp_oauth_events_total{event="grant_dropped"} 1`, `klipy_mcp_oauth_events_total{event="token_issued"} 1`,
		`klipy_mcp_oauth_events_total{event="signin_completed"} 1`, `klipy_mcp_http_rejected_total{reason="invalid_token"} 1`} {
		if !strings.Contains(metrics, "\n"+want+"\n") {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if strings.Contains(metrics, at) || strings.Contains(metrics, keyAll) {
		t.Error("/metrics contains a token or a key")
	}
	// Once the key works again, the person signs in again and carries on.
	up.AddKey(klipytest.Key{Token: keyAll, Org: "org_acme", Scopes: []string{klipytest.ScopeAll}})
	at2, _ := signInToken(t, base, keyAll)
	hdr["Authorization"] = "Bearer " + at2
	if resp, b := post(t, url, body, hdr); resp.StatusCode != 200 || !strings.Contains(b, "Acme") {
		t.Errorf("after signing in again: %d %s", resp.StatusCode, b)
	}
}
