package oauth

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const redirect = "https://claude.ai/api/mcp/auth_callback"

func TestMetadataDocuments(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{PathResourceMetadata, PathResourceMetadataMCP} {
		var got ResourceMetadata
		getJSON(t, e.ts.URL+path, &got)
		want := ResourceMetadata{Resource: e.ts.URL + "/mcp", AuthorizationServers: []string{e.ts.URL},
			BearerMethodsSupported: []string{"header"}, ResourceName: "Klipy CRM (klipy-mcp)"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", path, diff)
		}
	}
	var as ASMetadata
	getJSON(t, e.ts.URL+PathASMetadata, &as)
	if as.Issuer != e.ts.URL || as.TokenEndpoint != e.ts.URL+"/token" || !cmp.Equal(as.CodeChallengeMethodsSupported, []string{"S256"}) ||
		!as.ClientIDMetadataDocumentSupported || as.RegistrationEndpoint != e.ts.URL+"/register" {
		t.Errorf("authorization-server metadata: %+v", as)
	}
	if got := e.srv.Challenge("invalid_token", ""); got != `Bearer resource_metadata="`+e.ts.URL+`/.well-known/oauth-protected-resource/mcp", error="invalid_token"` {
		t.Errorf("challenge = %s", got)
	}
}

func getJSON(t *testing.T, u string, v any) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("GET %s: %d %s", u, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}

// The whole flow: registration, sign-in, code, token, resolve, refresh
// (rotation), revocation.
func TestFullFlow(t *testing.T) {
	e := newEnv(t)
	client := e.register(redirect)
	q := e.signIn(client, redirect, goodKey)
	if q.Get("state") != "st-42" || q.Get("iss") != e.ts.URL || q.Get("code") == "" {
		t.Fatalf("redirect query: %v", q)
	}
	status, tok := e.exchange(client, redirect, q.Get("code"), verifier)
	if status != 200 || tok["token_type"] != "Bearer" || tok["expires_in"] != float64(3600) {
		t.Fatalf("token: %d %v", status, tok)
	}
	at, rt := tok["access_token"].(string), tok["refresh_token"].(string)
	key, _, err := e.srv.Resolve(t.Context(), at)
	if err != nil || key != goodKey {
		t.Fatalf("Resolve: right key %v, err %v", key == goodKey, err)
	}
	status, tok2 := e.postForm(PathToken, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}, "client_id": {client}})
	if status != 200 || tok2["refresh_token"] == rt || tok2["access_token"] == at {
		t.Fatalf("refresh: %d %v", status, tok2)
	}
	at2 := tok2["access_token"].(string)
	if k, _, err := e.srv.Resolve(t.Context(), at2); err != nil || k != goodKey {
		t.Fatalf("refreshed token does not resolve: %v", err)
	}
	if status, _ := e.postForm(PathRevoke, url.Values{"token": {at2}, "client_id": {client}}); status != 200 {
		t.Fatalf("revoke: %d", status)
	}
	for _, tk := range []string{at, at2} {
		if _, _, err := e.srv.Resolve(t.Context(), tk); !errors.Is(err, ErrInvalidToken) {
			t.Errorf("after revocation Resolve err = %v", err)
		}
	}
	for ev, n := range map[string]int{EventSignInStarted: 1, EventSignInCompleted: 1, EventTokenIssued: 1, EventTokenRefreshed: 1, EventTokenRevoked: 1} {
		if e.events(ev) != n {
			t.Errorf("event %s = %d, want %d", ev, e.events(ev), n)
		}
	}
	e.noSecrets(at, rt, at2)
}

// The stored grant holds the key only sealed: nothing in the store reveals
// the key or a token.
func TestStoreHoldsNoSecretsInClear(t *testing.T) {
	e := newEnv(t)
	client := e.register(redirect)
	at, rt := e.tokens(client, redirect)
	e.store.mu.Lock()
	defer e.store.mu.Unlock()
	for k, it := range e.store.items {
		for _, s := range []string{goodKey, at, rt} {
			if strings.Contains(k, s) || strings.Contains(string(it.val), s) {
				t.Errorf("store record %q holds a secret in clear", k)
			}
		}
	}
}

func TestLoopbackRedirectPortMayVary(t *testing.T) {
	e := newEnv(t)
	client := e.register("http://127.0.0.1/callback")
	q := e.signIn(client, "http://127.0.0.1:53412/callback", goodKey)
	if q.Get("code") == "" {
		t.Fatalf("no code: %v", q)
	}
}

func TestScopesShownOnConsent(t *testing.T) {
	e := newEnv(t)
	client := e.register(redirect)
	b := e.browser()
	p := e.get(b, e.authQuery(client, redirect))
	f := p.hidden()
	f.Set("api_key", readKey)
	p = e.submit(b, f)
	for _, want := range []string{"Claude (claude.ai) wants to read your Klipy CRM", "Acme Analytics", "Read people", "Read companies"} {
		if !strings.Contains(p.body, want) {
			t.Errorf("consent page lacks %q:\n%s", want, p.body)
		}
	}
	if strings.Contains(p.body, readKey) {
		t.Error("the consent page shows the key")
	}
}

// The ALL-scope rule: /authenticate refused with 403 for a key that reads
// fine signs in with its scopes unknown.
func TestSignInWhenAuthenticateNeedsAll(t *testing.T) {
	e := newEnv(t, func(e *env, c *Config) { c.Verify = verifierFor(authNeedsAll{e.fake}) })
	client := e.register(redirect)
	b := e.browser()
	p := e.get(b, e.authQuery(client, redirect))
	f := p.hidden()
	f.Set("api_key", readKey)
	p = e.submit(b, f)
	if p.status != 200 || !strings.Contains(p.body, "scopes unknown") {
		t.Fatalf("want the consent page with scopes unknown, got %d:\n%s", p.status, p.body)
	}
	f = p.hidden()
	f.Set("decision", "approve")
	if q := e.redirected(e.submit(b, f), redirect); q.Get("code") == "" {
		t.Fatalf("no code: %v", q)
	}
	// A wrong key is still refused under that rule.
	p = e.get(b, e.authQuery(client, redirect))
	f = p.hidden()
	f.Set("api_key", badKey)
	if p = e.submit(b, f); p.status != 400 || !strings.Contains(p.body, "did not accept") {
		t.Errorf("wrong key under the ALL rule: %d", p.status)
	}
}

func TestDenyReturnsAccessDenied(t *testing.T) {
	e := newEnv(t)
	client := e.register(redirect)
	b := e.browser()
	p := e.get(b, e.authQuery(client, redirect))
	f := p.hidden()
	f.Set("api_key", goodKey)
	p = e.submit(b, f)
	before := e.store.Len()
	f = p.hidden()
	f.Set("decision", "deny")
	q := e.redirected(e.submit(b, f), redirect)
	if q.Get("error") != "access_denied" || q.Get("state") != "st-42" || q.Get("code") != "" {
		t.Errorf("deny: %v", q)
	}
	if e.store.Len() != before || e.events(EventSignInDenied) != 1 {
		t.Errorf("deny stored something or was not counted")
	}
}

func TestPageIsProtected(t *testing.T) {
	e := newEnv(t)
	client := e.register(redirect)
	p := e.get(e.browser(), e.authQuery(client, redirect))
	if p.header.Get("X-Frame-Options") != "DENY" || !strings.Contains(p.header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
		t.Errorf("framing headers: %v", p.header)
	}
	for _, bad := range []string{"<script", "http://", "https://fonts", "src=\"http"} {
		if strings.Contains(p.body, bad) {
			t.Errorf("page has %q", bad)
		}
	}
	if !strings.Contains(p.body, `<label for="api_key">`) || !strings.Contains(p.body, "prefers-color-scheme: dark") {
		t.Error("page lacks a labelled key field or a dark scheme")
	}
}

func TestCodeSingleUseAndBoundToClient(t *testing.T) {
	e := newEnv(t)
	client, other := e.register(redirect), e.register(redirect)
	q := e.signIn(client, redirect, goodKey)
	if s, r := e.exchange(other, redirect, q.Get("code"), verifier); s != 400 || r["error"] != "invalid_grant" {
		t.Errorf("code from another client: %d %v", s, r)
	}
	// The code was spent by that attempt: OAuth 2.1 lets a code be tried once.
	if s, r := e.exchange(client, redirect, q.Get("code"), verifier); s != 400 || r["error"] != "invalid_grant" {
		t.Errorf("code after a failed attempt: %d %v", s, r)
	}
}

func TestReusedCodeRevokesItsGrant(t *testing.T) {
	e := newEnv(t)
	client := e.register(redirect)
	q := e.signIn(client, redirect, goodKey)
	_, tok := e.exchange(client, redirect, q.Get("code"), verifier)
	s, r := e.exchange(client, redirect, q.Get("code"), verifier)
	if s != 400 || r["error"] != "invalid_grant" {
		t.Fatalf("reused code: %d %v", s, r)
	}
	if _, _, err := e.srv.Resolve(context.Background(), tok["access_token"].(string)); !errors.Is(err, ErrInvalidToken) {
		t.Errorf("the grant of a reused code still works: %v", err)
	}
}

func TestReusedRefreshTokenRevokesFamily(t *testing.T) {
	e := newEnv(t)
	client := e.register(redirect)
	_, rt := e.tokens(client, redirect)
	refresh := func(rt string) (int, map[string]any) {
		return e.postForm(PathToken, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}, "client_id": {client}})
	}
	_, next := refresh(rt)
	s, r := refresh(rt)
	if s != 400 || r["error"] != "invalid_grant" {
		t.Fatalf("reused refresh token: %d %v", s, r)
	}
	if _, _, err := e.srv.Resolve(t.Context(), next["access_token"].(string)); !errors.Is(err, ErrInvalidToken) {
		t.Errorf("the family's newest access token still works: %v", err)
	}
	if s, r := refresh(next["refresh_token"].(string)); s != 400 || r["error"] != "invalid_grant" {
		t.Errorf("the family's newest refresh token still works: %d %v", s, r)
	}
}

func TestExpiry(t *testing.T) {
	e := newEnv(t)
	client := e.register(redirect)
	q := e.signIn(client, redirect, goodKey)
	e.clock.add(CodeTTL + time.Second)
	if s, r := e.exchange(client, redirect, q.Get("code"), verifier); s != 400 || r["error"] != "invalid_grant" {
		t.Errorf("expired code: %d %v", s, r)
	}
	at, _ := e.tokens(client, redirect)
	e.clock.add(AccessTTL)
	if _, _, err := e.srv.Resolve(t.Context(), at); !errors.Is(err, ErrInvalidToken) {
		t.Errorf("expired access token: %v", err)
	}
	if e.store.Len() == 0 {
		t.Fatal("store empty too early")
	}
	e.clock.add(RefreshTTL)
	if n := e.store.Len(); n != 0 { // a registered client is not stored
		t.Errorf("after every TTL the store holds %d records, want 0", n)
	}
}

func TestTamperedToken(t *testing.T) {
	e := newEnv(t)
	at, _ := e.tokens(e.register(redirect), redirect)
	tampered := at[:len(at)-2] + "xx"
	if tampered == at {
		tampered = at[:len(at)-2] + "yy"
	}
	for _, tk := range []string{tampered, "kmcp_at_", "", strings.Repeat("a", 5000)} {
		if _, _, err := e.srv.Resolve(t.Context(), tk); !errors.Is(err, ErrInvalidToken) {
			t.Errorf("Resolve(%.12q) err = %v", tk, err)
		}
	}
}

// Whatever a client calls itself is shown as text, never as markup.
func TestClientNameIsEscaped(t *testing.T) {
	e := newEnv(t)
	status, body := e.postJSON(PathRegister, map[string]any{"client_name": `<img src=x onerror=alert(1)>"Evil"`, "redirect_uris": []string{redirect}})
	if status != http.StatusCreated {
		t.Fatal(status, body)
	}
	var r struct {
		ClientID string `json:"client_id"`
	}
	_ = json.Unmarshal([]byte(body), &r)
	p := e.get(e.browser(), e.authQuery(r.ClientID, redirect))
	if strings.Contains(p.body, "<img") || !strings.Contains(p.body, "&lt;img src=x onerror=alert(1)&gt;&#34;Evil&#34; (claude.ai)") {
		t.Errorf("the client name is not escaped:\n%s", p.body)
	}
}
