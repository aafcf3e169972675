package oauth

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/klipy-ai/klipy-mcp/klipy"
	"github.com/klipy-ai/klipy-mcp/klipy/klipytest"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// Keys of the fake Klipy API.
const (
	goodKey = "klipy_api_good_0123456789"
	readKey = "klipy_api_read_0123456789"
	badKey  = "klipy_api_wrong_0123456789"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// env is an authorization server on a real HTTP listener, checking keys
// against the fake Klipy API, with its logs captured.
type env struct {
	t     testing.TB
	srv   *Server
	ts    *httptest.Server
	fake  *klipytest.Server
	store *MemoryStore
	clock *clock
	logs  *syncBuf
	mu    sync.Mutex
	evts  map[string]int
}

type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) { s.mu.Lock(); defer s.mu.Unlock(); return s.b.Write(p) }
func (s *syncBuf) String() string              { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func newEnv(t testing.TB, mod ...func(*env, *Config)) *env {
	t.Helper()
	e := &env{t: t, fake: klipytest.New(klipytest.Options{}), clock: &clock{t: time.Unix(1_800_000_000, 0)},
		logs: &syncBuf{}, evts: map[string]int{}}
	e.fake.AddKey(klipytest.Key{Token: goodKey, Org: "acme", Scopes: []string{klipytest.ScopeAll}})
	e.fake.AddKey(klipytest.Key{Token: readKey, Org: "acme", Scopes: []string{"people:read", "companies:read"}})
	e.fake.SetTeamName("acme", "Acme Analytics")
	e.store = NewMemoryStore()
	e.store.now = e.clock.now
	mux := http.NewServeMux()
	e.ts = httptest.NewServer(mux)
	t.Cleanup(e.ts.Close)
	cfg := Config{PublicURL: e.ts.URL, Secret: bytes.Repeat([]byte{7}, SecretSize), Store: e.store,
		Verify:  verifierFor(e.fake),
		Logger:  slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Observe: func(ev string) { e.mu.Lock(); e.evts[ev]++; e.mu.Unlock() },
		now:     e.clock.now}
	for _, m := range mod {
		m(e, &cfg)
	}
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e.srv = srv
	srv.Routes(mux)
	return e
}

func (e *env) events(ev string) int { e.mu.Lock(); defer e.mu.Unlock(); return e.evts[ev] }

// browser is a cookie-keeping client that does not follow redirects.
func (e *env) browser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// register registers a client by RFC 7591 and returns its id.
func (e *env) register(redirects ...string) string {
	e.t.Helper()
	status, body := e.postJSON(PathRegister, map[string]any{"client_name": "Claude", "redirect_uris": redirects,
		"token_endpoint_auth_method": "none", "grant_types": []string{"authorization_code", "refresh_token"}})
	if status != http.StatusCreated {
		e.t.Fatalf("register: %d %s", status, body)
	}
	var r struct {
		ClientID string `json:"client_id"`
	}
	_ = json.Unmarshal([]byte(body), &r)
	return r.ClientID
}

func (e *env) postJSON(path string, v any) (int, string) {
	e.t.Helper()
	b, _ := json.Marshal(v)
	resp, err := http.Post(e.ts.URL+path, "application/json", bytes.NewReader(b))
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func (e *env) postForm(path string, v url.Values) (int, map[string]any) {
	e.t.Helper()
	resp, err := http.PostForm(e.ts.URL+path, v)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	out := map[string]any{}
	body, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(body, &out)
	return resp.StatusCode, out
}

const verifier = "dBjftJeZ4CVP-mJ0_the_verifier_of_the_tests_0123456789"

// authQuery is a valid authorization request for client to redirect.
func (e *env) authQuery(client, redirect string) url.Values {
	return url.Values{"response_type": {"code"}, "client_id": {client}, "redirect_uri": {redirect},
		"code_challenge": {pkceS256(verifier)}, "code_challenge_method": {"S256"}, "state": {"st-42"},
		"resource": {e.srv.Resource()}}
}

// page is an HTML response of the authorization endpoint.
type page struct {
	status   int
	body     string
	location string
	header   http.Header
}

func (e *env) get(b *http.Client, q url.Values) page {
	e.t.Helper()
	resp, err := b.Get(e.ts.URL + PathAuthorize + "?" + q.Encode())
	if err != nil {
		e.t.Fatal(err)
	}
	return readPage(resp)
}

func (e *env) submit(b *http.Client, form url.Values) page {
	e.t.Helper()
	resp, err := b.PostForm(e.ts.URL+PathAuthorize, form)
	if err != nil {
		e.t.Fatal(err)
	}
	return readPage(resp)
}

func readPage(resp *http.Response) page {
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return page{status: resp.StatusCode, body: string(body), location: resp.Header.Get("Location"), header: resp.Header}
}

var hiddenRE = regexp.MustCompile(`name="(request|csrf)" value="([^"]*)"`)

// hidden returns the page's hidden form fields.
func (p page) hidden() url.Values {
	v := url.Values{}
	for _, m := range hiddenRE.FindAllStringSubmatch(p.body, -1) {
		v.Set(m[1], m[2])
	}
	return v
}

// signIn walks the page from the authorization request to the redirect
// back to the client, approving with key, and returns the redirect's query.
func (e *env) signIn(client, redirect, key string) url.Values {
	e.t.Helper()
	b := e.browser()
	p := e.get(b, e.authQuery(client, redirect))
	if p.status != http.StatusOK {
		e.t.Fatalf("authorize: %d %s", p.status, p.body)
	}
	f := p.hidden()
	f.Set("api_key", key)
	p = e.submit(b, f)
	if p.status != http.StatusOK || !strings.Contains(p.body, "Allow") {
		e.t.Fatalf("sign in: %d %s", p.status, p.body)
	}
	f = p.hidden()
	f.Set("decision", "approve")
	p = e.submit(b, f)
	return e.redirected(p, redirect)
}

// redirected checks a 303 back to redirect and returns its query.
func (e *env) redirected(p page, redirect string) url.Values {
	e.t.Helper()
	if p.status != http.StatusSeeOther || !strings.HasPrefix(p.location, redirect) {
		e.t.Fatalf("want a 303 to %s, got %d %q\n%s", redirect, p.status, p.location, p.body)
	}
	u, _ := url.Parse(p.location)
	return u.Query()
}

// exchange redeems code.
func (e *env) exchange(client, redirect, code, ver string) (int, map[string]any) {
	return e.postForm(PathToken, url.Values{"grant_type": {"authorization_code"}, "code": {code}, "client_id": {client},
		"redirect_uri": {redirect}, "code_verifier": {ver}, "resource": {e.srv.Resource()}})
}

// tokens runs the whole flow and returns the access and refresh tokens.
func (e *env) tokens(client, redirect string) (at, rt string) {
	e.t.Helper()
	q := e.signIn(client, redirect, goodKey)
	status, tok := e.exchange(client, redirect, q.Get("code"), verifier)
	if status != http.StatusOK {
		e.t.Fatalf("token: %d %v", status, tok)
	}
	return tok["access_token"].(string), tok["refresh_token"].(string)
}

// noSecrets fails if any secret appears in the captured logs.
func (e *env) noSecrets(secrets ...string) {
	e.t.Helper()
	logs := e.logs.String()
	for _, s := range append(secrets, goodKey, readKey, badKey, "kmcp_at_", "kmcp_rt_", "kmcp_ac_") {
		if s != "" && strings.Contains(logs, s) {
			e.t.Errorf("the logs contain a secret (%.12s…):\n%s", s, logs)
		}
	}
}

// verifierFor checks keys against the fake h (the fake or a wrapper).
func verifierFor(h http.Handler) func(context.Context, string) (Account, error) {
	return KlipyVerifier(klipy.Options{BaseURL: "http://fake.invalid/api/v1",
		HTTPClient: &http.Client{Transport: klipytest.NewTransport(h)}})
}

// authNeedsAll plays a Klipy whose /authenticate needs the ALL scope: 403
// there for every key, the rest served by the fake.
type authNeedsAll struct{ next http.Handler }

func (a authNeedsAll) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasSuffix(r.URL.Path, "/authenticate") {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusForbidden)
		_, _ = io.WriteString(w, `{"error":{"code":"forbidden","message":"this endpoint needs the ALL scope"}}`)
		return
	}
	a.next.ServeHTTP(w, r)
}
