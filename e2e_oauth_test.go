package klipymcp_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/klipy-ai/klipy-mcp/hosting/redisconn/redistest"
	"github.com/klipy-ai/klipy-mcp/klipy/klipytest"
	"github.com/klipy-ai/klipy-mcp/tools"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"golang.org/x/oauth2"
)

// oauthSecret is the --oauth-secret of the end-to-end servers (32 bytes).
const oauthSecret = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="

// startOAuth starts `klipy-mcp http --oauth` against the fake at base.
func startOAuth(t *testing.T, base string, extra ...string) *server {
	t.Helper()
	return startHosted(t, base, append([]string{"--oauth", "--oauth-secret", oauthSecret}, extra...)...)
}

// discovered is what a client learns from the 401 and the metadata.
type discovered struct {
	resource string
	as       struct {
		Issuer                string `json:"issuer"`
		AuthorizationEndpoint string `json:"authorization_endpoint"`
		TokenEndpoint         string `json:"token_endpoint"`
		RegistrationEndpoint  string `json:"registration_endpoint"`
		RevocationEndpoint    string `json:"revocation_endpoint"`
	}
}

var resourceMetadataRE = regexp.MustCompile(`resource_metadata="([^"]+)"`)

// discover follows the MCP authorization spec from an unauthenticated
// request: 401 → protected-resource metadata → authorization-server
// metadata.
func discover(t *testing.T, mcpURL string) discovered {
	t.Helper()
	resp, _ := post(t, mcpURL, nil, []byte(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"e2e","version":"1"}}}`))
	m := resourceMetadataRE.FindStringSubmatch(resp.Header.Get("WWW-Authenticate"))
	if resp.StatusCode != 401 || m == nil {
		t.Fatalf("unauthenticated initialize: %d %q", resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
	}
	var prm struct {
		Resource             string   `json:"resource"`
		AuthorizationServers []string `json:"authorization_servers"`
	}
	getDoc(t, m[1], &prm)
	if prm.Resource != mcpURL || len(prm.AuthorizationServers) != 1 {
		t.Fatalf("protected-resource metadata: %+v", prm)
	}
	var d discovered
	d.resource = prm.Resource
	getDoc(t, prm.AuthorizationServers[0]+"/.well-known/oauth-authorization-server", &d.as)
	return d
}

func getDoc(t *testing.T, u string, v any) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %v", u, resp.StatusCode, err)
	}
}

// oauthClient is a registered client with a loopback redirect that
// captures the authorization response.
type oauthClient struct {
	cfg      *oauth2.Config
	d        discovered
	verifier string
	got      chan url.Values
}

func newOAuthClient(t *testing.T, d discovered) *oauthClient {
	t.Helper()
	c := &oauthClient{d: d, verifier: oauth2.GenerateVerifier(), got: make(chan url.Values, 1)}
	cb := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case c.got <- r.URL.Query():
		default:
		}
		_, _ = w.Write([]byte("<!doctype html><title>Done</title><p>Signed in. You can close this window.</p>"))
	}))
	t.Cleanup(cb.Close)
	redirect := cb.URL + "/callback"
	body, _ := json.Marshal(map[string]any{"client_name": "E2E Assistant", "redirect_uris": []string{redirect},
		"token_endpoint_auth_method": "none", "grant_types": []string{"authorization_code", "refresh_token"}})
	resp, err := http.Post(d.as.RegistrationEndpoint, "application/json", strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var reg struct {
		ClientID string `json:"client_id"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&reg); err != nil || resp.StatusCode != 201 {
		t.Fatalf("register: %d %v", resp.StatusCode, err)
	}
	c.cfg = &oauth2.Config{ClientID: reg.ClientID, RedirectURL: redirect,
		Endpoint: oauth2.Endpoint{AuthURL: d.as.AuthorizationEndpoint, TokenURL: d.as.TokenEndpoint, AuthStyle: oauth2.AuthStyleInParams}}
	return c
}

func (c *oauthClient) authURL() string {
	return c.cfg.AuthCodeURL("e2e-state", oauth2.S256ChallengeOption(c.verifier), oauth2.SetAuthURLParam("resource", c.d.resource))
}

// exchange waits for the redirect and redeems its code.
func (c *oauthClient) exchange(t *testing.T) *oauth2.Token {
	t.Helper()
	var q url.Values
	select {
	case q = <-c.got:
	case <-time.After(30 * time.Second):
		t.Fatal("the sign-in never returned to the client")
	}
	if q.Get("state") != "e2e-state" || q.Get("code") == "" {
		t.Fatalf("authorization response: error=%q state=%q", q.Get("error"), q.Get("state"))
	}
	tok, err := c.cfg.Exchange(t.Context(), q.Get("code"), oauth2.VerifierOption(c.verifier), oauth2.SetAuthURLParam("resource", c.d.resource))
	if err != nil {
		t.Fatalf("token exchange: %v", err)
	}
	return tok
}

// browser starts headless Chromium, skipping when it is not installed.
func browser(t *testing.T) context.Context {
	t.Helper()
	path := "/usr/bin/chromium"
	if _, err := os.Stat(path); err != nil {
		p, err := exec.LookPath("chromium")
		if err != nil && os.Getenv("CI") != "" {
			t.Fatal("chromium is not installed; .ci/run installs Debian's chromium so the sign-in page is always tested in a real browser")
		}
		if err != nil {
			t.Skip("chromium is not installed (Debian: apt-get install chromium); the sign-in page needs a real browser")
		}
		path = p
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox,
		chromedp.Flag("headless", true), chromedp.DisableGPU, chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.WindowSize(900, 760))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	ctx, cancel3 := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(cancel3)
	return ctx
}

// TestOAuthSignInEndToEnd runs the whole hosted sign-in against the
// binary: discovery, registration, the sign-in page in headless Chromium
// (a wrong key first, then the right one, then Allow), the token, tool
// calls through the go-sdk client, refresh and revocation.
func TestOAuthSignInEndToEnd(t *testing.T) {
	ctx := browser(t)
	fake := hostedFake()
	s := startOAuth(t, fakeAPI(t, fake))
	d := discover(t, s.url)
	c := newOAuthClient(t, d)

	step := func(steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("driving the sign-in page: %v", err)
		}
	}
	text := func(sel chromedp.CSS) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Text(sel))
		if err != nil {
			t.Fatalf("reading %s: %v", sel, err)
		}
		return v
	}
	step(chromedp.Navigate(c.authURL()), chromedp.WaitVisible(chromedp.ID("api_key")), screenshot("key"))
	if title, err := chromedp.Run(ctx, chromedp.Title()); err != nil || title != "Sign in with your Klipy API key" {
		t.Errorf("title %q, %v", title, err)
	}
	step(chromedp.SendKeys(chromedp.ID("api_key"), "klipy_api_not_a_real_key"), chromedp.Submit(chromedp.ID("api_key")),
		chromedp.WaitVisible(chromedp.CSS("[role=alert]")), screenshot("wrong-key"))
	if got := text("[role=alert]"); !strings.Contains(got, "Klipy did not accept this API key") {
		t.Errorf("wrong key: %q", got)
	}
	step(chromedp.SendKeys(chromedp.ID("api_key"), klipytest.SandboxKey), chromedp.Submit(chromedp.ID("api_key")),
		chromedp.WaitVisible(chromedp.CSS("button[value=approve]")), screenshot("consent"))
	if got := text("main"); !strings.Contains(got, "E2E Assistant (127.0.0.1) wants to read and write your Klipy CRM") {
		t.Errorf("consent page:\n%s", got)
	}
	step(chromedp.Click(chromedp.CSS("button[value=approve]")))
	tok := c.exchange(t)

	hc := c.cfg.Client(t.Context(), tok)
	cs := connectWith(t, s.url, hc)
	list, err := cs.ListTools(t.Context(), nil)
	if err != nil || len(list.Tools) != len(tools.ToolNames()) {
		t.Fatalf("tools/list with the token: %v, %d tools", err, len(list.Tools))
	}
	res, err := cs.CallTool(t.Context(), &mcp.CallToolParams{Name: "search_people", Arguments: map[string]any{"query": "jordan"}})
	if err != nil || res.IsError {
		t.Fatalf("search_people with the token: %v %+v", err, res)
	}

	// Refresh: a new pair; the new access token works.
	expired := *tok
	expired.Expiry = time.Now().Add(-time.Minute)
	fresh, err := c.cfg.TokenSource(t.Context(), &expired).Token()
	if err != nil || fresh.AccessToken == tok.AccessToken || fresh.RefreshToken == tok.RefreshToken {
		t.Fatalf("refresh: %v", err)
	}
	if code := statusWith(t, s.url, fresh.AccessToken); code != 200 {
		t.Errorf("refreshed token: %d", code)
	}
	// Revocation ends both tokens.
	resp, err := http.PostForm(d.as.RevocationEndpoint, url.Values{"token": {fresh.RefreshToken}, "client_id": {c.cfg.ClientID}})
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("revoke: %v", err)
	}
	resp.Body.Close()
	if code := statusWith(t, s.url, fresh.AccessToken); code != 401 {
		t.Errorf("revoked token: %d, want 401", code)
	}
	assertNoKey(t, "server logs", s.stderr.String(), klipytest.SandboxKey)
	for _, secret := range []string{tok.AccessToken, tok.RefreshToken, fresh.AccessToken, fresh.RefreshToken} {
		if strings.Contains(s.stderr.String(), secret) {
			t.Error("a token appears in the server's logs")
		}
	}
}

// TestOAuthDenied: Deny on the page sends access_denied to the client; the
// page is driven with the keyboard alone.
func TestOAuthDenied(t *testing.T) {
	ctx := browser(t)
	s := startOAuth(t, fakeAPI(t, hostedFake()))
	c := newOAuthClient(t, discover(t, s.url))
	// Keyboard only: the key field has the focus, Enter submits, Tab moves
	// from Allow (focused) to Deny, Enter presses it.
	err := chromedp.Do(ctx,
		chromedp.Navigate(c.authURL()),
		chromedp.WaitVisible(chromedp.ID("api_key")),
		chromedp.KeyEvent(klipytest.SandboxKey+kb.Enter),
		chromedp.WaitVisible(chromedp.CSS("button[value=deny]")),
		chromedp.KeyEvent(kb.Tab),
		chromedp.KeyEvent(kb.Enter),
	)
	if err != nil {
		t.Fatal(err)
	}
	select {
	case q := <-c.got:
		if q.Get("error") != "access_denied" || q.Get("state") != "e2e-state" || q.Get("code") != "" {
			t.Errorf("deny: %v", q)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no redirect after Deny")
	}
}

// screenshot saves the page, light and dark, into $KLIPY_SCREENSHOTS when
// set (docs/ keeps them: KLIPY_SCREENSHOTS=$PWD/docs/img go test -run
// TestOAuthSignInEndToEnd .).
func screenshot(name string) chromedp.Action[chromedp.Void] {
	dir := os.Getenv("KLIPY_SCREENSHOTS")
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		if dir == "" {
			return chromedp.Void{}, nil
		}
		for _, scheme := range []string{"light", "dark"} {
			if _, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
				Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}}); err != nil {
				return chromedp.Void{}, err
			}
			png, err := chromedp.FullScreenshot(100)(ctx, t)
			if err != nil {
				return chromedp.Void{}, err
			}
			if err := os.WriteFile(filepath.Join(dir, "signin-"+name+"-"+scheme+".png"), png, 0o644); err != nil {
				return chromedp.Void{}, err
			}
		}
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{})
		return chromedp.Void{}, err
	}
}

// connectWith connects the go-sdk client through hc (which adds the token).
func connectWith(t *testing.T, url string, hc *http.Client) *mcp.ClientSession {
	t.Helper()
	client := mcp.NewClient(&mcp.Implementation{Name: "e2e-go-sdk", Version: "1.0"}, nil)
	cs, err := client.Connect(t.Context(), &mcp.StreamableClientTransport{Endpoint: url, HTTPClient: hc, DisableStandaloneSSE: true}, nil)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { cs.Close() })
	return cs
}

// statusWith returns the HTTP status of an initialize sent with token.
func statusWith(t *testing.T, url, token string) int {
	t.Helper()
	resp, _ := post(t, url, map[string]string{"Authorization": "Bearer " + token},
		[]byte(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"e2e","version":"1"}}}`))
	return resp.StatusCode
}

// redisServer returns the Redis the replicas share (see redistest.URL).
func redisServer(t *testing.T) string { return redistest.URL(t) }

// Two replicas sharing Redis: a token issued by one works on the other,
// and a revocation on one is seen by the other.
func TestOAuthReplicasShareRedis(t *testing.T) {
	t.Parallel()
	rurl := redisServer(t)
	base := fakeAPI(t, hostedFake())
	a := startOAuth(t, base, "--redis-url", rurl, "--public-url", "https://mcp.example.test")
	b := startOAuth(t, base, "--redis-url", rurl, "--public-url", "https://mcp.example.test")
	baseA := strings.TrimSuffix(a.url, "/mcp")
	tok := formSignIn(t, baseA, klipytest.SandboxKey)
	if code := statusWith(t, b.url, tok["access_token"]); code != 200 {
		t.Fatalf("replica B with A's token: %d", code)
	}
	// Refresh on B, use on A.
	resp, err := http.PostForm(strings.TrimSuffix(b.url, "/mcp")+"/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok["refresh_token"]}})
	if err != nil {
		t.Fatal(err)
	}
	var fresh map[string]string
	_ = json.NewDecoder(resp.Body).Decode(&fresh)
	resp.Body.Close()
	if code := statusWith(t, a.url, fresh["access_token"]); code != 200 {
		t.Fatalf("replica A with B's refreshed token: %d", code)
	}
	resp, err = http.PostForm(baseA+"/revoke", url.Values{"token": {fresh["access_token"]}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if code := statusWith(t, b.url, fresh["access_token"]); code != 401 {
		t.Errorf("replica B after revocation on A: %d, want 401", code)
	}
}

var hiddenFieldRE = regexp.MustCompile(`name="(request|csrf)" value="([^"]*)"`)

// formSignIn runs the flow with plain HTTP form posts (the page is the
// browser tests' business) and returns the token response.
func formSignIn(t *testing.T, base, key string) map[string]string {
	t.Helper()
	const cb = "http://127.0.0.1:9/callback"
	resp, err := http.Post(base+"/register", "application/json", strings.NewReader(`{"client_name":"Replica test","redirect_uris":["`+cb+`"]}`))
	if err != nil {
		t.Fatal(err)
	}
	var reg map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&reg)
	resp.Body.Close()
	client, _ := reg["client_id"].(string)
	verifier := oauth2.GenerateVerifier()
	q := url.Values{"response_type": {"code"}, "client_id": {client}, "redirect_uri": {cb}, "state": {"x"},
		"code_challenge": {oauth2.S256ChallengeFromVerifier(verifier)}, "code_challenge_method": {"S256"},
		"resource": {"https://mcp.example.test/mcp"}}
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	fields := func(resp *http.Response, err error) (url.Values, string) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		v := url.Values{}
		for _, m := range hiddenFieldRE.FindAllStringSubmatch(string(body), -1) {
			v.Set(m[1], m[2])
		}
		return v, resp.Header.Get("Location")
	}
	f, _ := fields(hc.Get(base + "/authorize?" + q.Encode()))
	f.Set("api_key", key)
	f, _ = fields(hc.PostForm(base+"/authorize", f))
	f.Set("decision", "approve")
	_, loc := fields(hc.PostForm(base+"/authorize", f))
	u, _ := url.Parse(loc)
	resp, err = http.PostForm(base+"/token", url.Values{"grant_type": {"authorization_code"}, "code": {u.Query().Get("code")},
		"client_id": {client}, "redirect_uri": {cb}, "code_verifier": {verifier}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out := map[string]string{}
	var raw map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&raw)
	for k, v := range raw {
		if s, ok := v.(string); ok {
			out[k] = s
		}
	}
	if out["access_token"] == "" {
		t.Fatalf("no token: %d %v", resp.StatusCode, raw["error"])
	}
	return out
}

// --oauth without a usable secret fails at start-up with one line that
// never repeats the value.
func TestOAuthNeedsASecret(t *testing.T) {
	t.Parallel()
	for name, env := range map[string][]string{
		"missing":   nil,
		"malformed": {"KLIPY_OAUTH_SECRET=not-base64-secret-value!!"},
		"short":     {"KLIPY_OAUTH_SECRET=c2hvcnQtc2VjcmV0LXZhbHVl"},
	} {
		r := runBinary(t, env, "http", "--oauth", "--addr", "127.0.0.1:0")
		lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
		if r.code != 2 || len(lines) != 1 || !strings.Contains(r.stderr, "--oauth-secret") ||
			strings.Contains(r.stderr, "not-base64-secret-value") || strings.Contains(r.stderr, "c2hvcnQtc2VjcmV0LXZhbHVl") {
			t.Errorf("%s: exit %d, stderr:\n%s", name, r.code, r.stderr)
		}
	}
	r := runBinary(t, []string{"KLIPY_OAUTH_SECRET=" + oauthSecret}, "http", "--oauth", "--public", "--addr", "0.0.0.0:0")
	if r.code != 2 || !strings.Contains(r.stderr, "--public-url") {
		t.Errorf("public listener without --public-url: exit %d, %s", r.code, r.stderr)
	}
}
