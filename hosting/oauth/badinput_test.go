package oauth

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// Every refused authorization request: the right error, where the spec puts
// it (a page when the redirect URI is not trusted, else a redirect with the
// state), nothing stored, no secret in the logs.
func TestAuthorizeRefusals(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(q url.Values)
		status int    // a page (no redirect)
		code   string // a redirect with this error
	}{
		{name: "unknown client", edit: func(q url.Values) { q.Set("client_id", "kmcp_c_nosuchclient") }, status: 400},
		{name: "missing client", edit: func(q url.Values) { q.Del("client_id") }, status: 400},
		{name: "wrong redirect_uri", edit: func(q url.Values) { q.Set("redirect_uri", "https://evil.example/cb") }, status: 400},
		{name: "non-exact redirect_uri (trailing slash)", edit: func(q url.Values) { q.Set("redirect_uri", redirect+"/") }, status: 400},
		{name: "non-exact redirect_uri (extra query)", edit: func(q url.Values) { q.Set("redirect_uri", redirect+"?x=1") }, status: 400},
		{name: "redirect_uri on another port (not loopback)", edit: func(q url.Values) { q.Set("redirect_uri", "https://claude.ai:8443/api/mcp/auth_callback") }, status: 400},
		{name: "missing PKCE", edit: func(q url.Values) { q.Del("code_challenge"); q.Del("code_challenge_method") }, code: "invalid_request"},
		{name: "plain PKCE", edit: func(q url.Values) { q.Set("code_challenge_method", "plain") }, code: "invalid_request"},
		{name: "PKCE method missing", edit: func(q url.Values) { q.Del("code_challenge_method") }, code: "invalid_request"},
		{name: "missing resource", edit: func(q url.Values) { q.Del("resource") }, code: "invalid_target"},
		{name: "foreign resource", edit: func(q url.Values) { q.Set("resource", "https://other.example/mcp") }, code: "invalid_target"},
		{name: "two resources", edit: func(q url.Values) { q.Add("resource", "https://other.example/mcp") }, code: "invalid_target"},
		{name: "implicit grant", edit: func(q url.Values) { q.Set("response_type", "token") }, code: "unsupported_response_type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			client := e.register(redirect)
			before := e.store.Len()
			q := e.authQuery(client, redirect)
			tt.edit(q)
			p := e.get(e.browser(), q)
			if tt.status != 0 {
				if p.status != tt.status || p.location != "" || !strings.Contains(p.body, "Cannot sign in") {
					t.Errorf("want a %d error page and no redirect, got %d %q", tt.status, p.status, p.location)
				}
			} else {
				got := e.redirected(p, redirect)
				if got.Get("error") != tt.code || got.Get("state") != "st-42" || got.Get("code") != "" {
					t.Errorf("redirect query = %v, want error=%s with the state", got, tt.code)
				}
			}
			if e.store.Len() != before {
				t.Error("a refused request stored something")
			}
			e.noSecrets()
		})
	}
}

// Token-endpoint refusals.
func TestTokenRefusals(t *testing.T) {
	e := newEnv(t)
	client := e.register(redirect)
	tests := []struct {
		name string
		edit func(v url.Values)
		code string
	}{
		{"wrong code_verifier", func(v url.Values) { v.Set("code_verifier", strings.Repeat("x", 50)) }, "invalid_grant"},
		{"missing code_verifier", func(v url.Values) { v.Del("code_verifier") }, "invalid_request"},
		{"other redirect_uri", func(v url.Values) { v.Set("redirect_uri", redirect+"x") }, "invalid_grant"},
		{"foreign resource", func(v url.Values) { v.Set("resource", "https://other.example/mcp") }, "invalid_target"},
		{"unknown code", func(v url.Values) { v.Set("code", "kmcp_ac_made_up") }, "invalid_grant"},
		{"unknown grant type", func(v url.Values) { v.Set("grant_type", "client_credentials") }, "unsupported_grant_type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := e.signIn(client, redirect, goodKey)
			before := e.store.Len()
			v := url.Values{"grant_type": {"authorization_code"}, "code": {q.Get("code")}, "client_id": {client},
				"redirect_uri": {redirect}, "code_verifier": {verifier}}
			tt.edit(v)
			status, r := e.postForm(PathToken, v)
			if status != 400 || r["error"] != tt.code || r["access_token"] != nil {
				t.Errorf("got %d %v, want 400 %s", status, r, tt.code)
			}
			if e.store.Len() > before {
				t.Error("a refused token request stored something")
			}
		})
	}
	e.noSecrets()
}

func TestWrongKeyKeepsThePage(t *testing.T) {
	e := newEnv(t)
	client := e.register(redirect)
	b := e.browser()
	p := e.get(b, e.authQuery(client, redirect))
	before := e.store.Len()
	f := p.hidden()
	f.Set("api_key", badKey)
	p = e.submit(b, f)
	if p.status != http.StatusBadRequest || !strings.Contains(p.body, "Klipy did not accept this API key") ||
		!strings.Contains(p.body, `aria-invalid="true"`) || !strings.Contains(p.body, `name="api_key"`) {
		t.Errorf("wrong key: %d\n%s", p.status, p.body)
	}
	if strings.Contains(p.body, badKey) || e.store.Len() != before || e.events(EventSignInBadKey) != 1 {
		t.Error("a wrong key was echoed, stored or not counted")
	}
	// The page still works: the right key goes through.
	f = p.hidden()
	f.Set("api_key", goodKey)
	if p = e.submit(b, f); p.status != 200 || !strings.Contains(p.body, "Acme Analytics") {
		t.Errorf("the right key after a wrong one: %d", p.status)
	}
	e.noSecrets()
}

func TestCSRF(t *testing.T) {
	e := newEnv(t)
	client := e.register(redirect)
	b := e.browser()
	p := e.get(b, e.authQuery(client, redirect))
	f := p.hidden()
	f.Set("api_key", goodKey)
	cases := map[string]func() (*http.Client, url.Values){
		"missing CSRF field": func() (*http.Client, url.Values) { g := clone(f); g.Del("csrf"); return b, g },
		"wrong CSRF field":   func() (*http.Client, url.Values) { g := clone(f); g.Set("csrf", "forged"); return b, g },
		"no cookie":          func() (*http.Client, url.Values) { return e.browser(), clone(f) },
		"forged request":     func() (*http.Client, url.Values) { g := clone(f); g.Set("request", "AAAA"); return b, g },
	}
	before := e.store.Len()
	for name, mk := range cases {
		c, form := mk()
		if p := e.submit(c, form); p.status != http.StatusForbidden || !strings.Contains(p.body, "expired or did not come from this page") {
			t.Errorf("%s: %d", name, p.status)
		}
	}
	// A consent form cannot be forged from a sign-in form.
	g := clone(f)
	g.Set("decision", "approve")
	if p := e.submit(b, g); p.status != http.StatusForbidden {
		t.Errorf("sign-in form posted as consent: %d", p.status)
	}
	if e.store.Len() != before {
		t.Error("a refused form stored something")
	}
}

func clone(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

func TestRegistrationRefusals(t *testing.T) {
	e := newEnv(t)
	for name, body := range map[string]map[string]any{
		"no redirect_uris":   {"client_name": "x"},
		"http non-loopback":  {"redirect_uris": []string{"http://evil.example/cb"}},
		"fragment":           {"redirect_uris": []string{"https://a.example/cb#x"}},
		"javascript scheme":  {"redirect_uris": []string{"javascript:alert(1)"}},
		"relative":           {"redirect_uris": []string{"/cb"}},
		"client_credentials": {"redirect_uris": []string{redirect}, "grant_types": []string{"client_credentials"}},
		"long name":          {"redirect_uris": []string{redirect}, "client_name": strings.Repeat("n", 81)},
	} {
		before := e.store.Len()
		status, resp := e.postJSON(PathRegister, body)
		if status != 400 || !(strings.Contains(resp, "invalid_client_metadata") || strings.Contains(resp, "invalid_redirect_uri")) {
			t.Errorf("%s: %d %s", name, status, resp)
		}
		if e.store.Len() != before {
			t.Errorf("%s: stored", name)
		}
	}
}

func TestRevocationIsScopedToTheClient(t *testing.T) {
	e := newEnv(t)
	client, other := e.register(redirect), e.register(redirect)
	at, _ := e.tokens(client, redirect)
	if s, _ := e.postForm(PathRevoke, url.Values{"token": {at}, "client_id": {other}}); s != 200 {
		t.Fatalf("revoke: %d", s)
	}
	if _, _, err := e.srv.Resolve(t.Context(), at); err != nil {
		t.Errorf("another client revoked the token: %v", err)
	}
	if s, _ := e.postForm(PathRevoke, url.Values{"token": {"kmcp_at_unknown"}}); s != 200 {
		t.Errorf("revoking an unknown token: %d, want 200 (RFC 7009)", s)
	}
}

func TestParseSecret(t *testing.T) {
	for in, ok := range map[string]bool{
		"":                            false,
		"not base64!!":                false,
		"c2hvcnQ=":                    false,
		strings.Repeat("A", 43):       true, // raw 32 bytes
		strings.Repeat("A", 43) + "=": true,
	} {
		if _, err := ParseSecret(in); (err == nil) != ok {
			t.Errorf("ParseSecret(%q) err = %v", in, err)
		}
	}
}

// TestSignInChecksAreBounded: the page cannot be used to try keys against
// Klipy at speed: beyond the burst it says to wait (429, Retry-After) and
// Klipy is not asked, good keys and bad alike; the budget refills with
// time.
func TestSignInChecksAreBounded(t *testing.T) {
	e := newEnv(t)
	asked := 0
	verify := e.srv.cfg.Verify
	e.srv.cfg.Verify = func(ctx context.Context, key string) (Account, error) {
		asked++
		return verify(ctx, key)
	}
	client := e.register(redirect)
	b := e.browser()
	try := func(key string) page {
		p := e.get(b, e.authQuery(client, redirect))
		f := p.hidden()
		f.Set("api_key", key)
		return e.submit(b, f)
	}
	for i := range VerifyBurst {
		if p := try(goodKey); p.status != http.StatusOK {
			t.Fatalf("good key %d within the burst: %d", i+1, p.status)
		}
	}
	p := try(goodKey)
	if p.status != http.StatusTooManyRequests || p.header.Get("Retry-After") == "" ||
		!strings.Contains(p.body, "Wait a minute") || !strings.Contains(p.body, `name="api_key"`) {
		t.Errorf("past the burst: %d %q, want 429 with Retry-After and the form", p.status, p.header.Get("Retry-After"))
	}
	if asked != VerifyBurst || e.events(EventSignInThrottled) != 1 {
		t.Errorf("Klipy asked %d times (want %d), %d throttled events (want 1)", asked, VerifyBurst, e.events(EventSignInThrottled))
	}

	e.clock.add(time.Second) // one check more
	if p := try(badKey); p.status != http.StatusBadRequest {
		t.Fatalf("bad key a second later: %d, want Klipy's answer", p.status)
	}
	if p := try(badKey); p.status != http.StatusTooManyRequests {
		t.Errorf("another bad key at once: %d, want 429", p.status)
	}
	e.clock.add(time.Minute) // the burst is back
	for i := range VerifyBurst {
		if p := try(goodKey); p.status != http.StatusOK {
			t.Fatalf("good key %d a minute later: %d", i+1, p.status)
		}
	}
}

// TestSignInChecksUnbounded: a nil verify gate lets every key through to
// Klipy.
func TestSignInChecksUnbounded(t *testing.T) {
	e := newEnv(t)
	e.srv.SetVerifyGate(nil)
	client := e.register(redirect)
	for i := range 3 * VerifyBurst {
		b := e.browser()
		p := e.get(b, e.authQuery(client, redirect))
		f := p.hidden()
		f.Set("api_key", badKey)
		if p = e.submit(b, f); p.status != http.StatusBadRequest {
			t.Fatalf("bad key %d: %d, want 400 from Klipy's answer", i+1, p.status)
		}
	}
}
