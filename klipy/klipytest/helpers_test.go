package klipytest_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/klipy-ai/klipy-mcp/klipy/klipytest"
	"github.com/klipy-ai/klipy-mcp/klipy/klipytest/contracttest"
)

// Keys the tests use. allKey and readKey belong to org "acme"; otherKey to
// org "globex".
const (
	allKey   = "klipy_api_all"
	readKey  = "klipy_api_read"
	otherKey = "klipy_api_other"
	base     = "/api/v1"
)

// clock is a fake clock tests move by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock {
	return &clock{t: time.Date(2026, 3, 10, 12, 0, 30, 0, time.UTC)}
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// api is a fake served over real HTTP under base, behind the contract check.
type api struct {
	t   *testing.T
	srv *klipytest.Server
	url string
}

// newAPI starts a fake with opts and the standard keys. Extra contract
// options (e.g. ResponsesOnly for tests of invalid requests) are passed on.
func newAPI(t *testing.T, opts klipytest.Options, copts ...contracttest.Option) *api {
	t.Helper()
	srv := klipytest.New(opts)
	srv.AddKey(klipytest.Key{Token: allKey, Org: "acme", Scopes: []string{"ALL"}})
	srv.AddKey(klipytest.Key{Token: readKey, Org: "acme", Scopes: []string{"people:read", "companies:read", "interactions:read"}})
	srv.AddKey(klipytest.Key{Token: otherKey, Org: "globex", Scopes: []string{"ALL"}})
	hs := httptest.NewServer(contracttest.Wrap(t, srv, base, copts...))
	t.Cleanup(hs.Close)
	return &api{t: t, srv: srv, url: hs.URL + base}
}

// result is a decoded response.
type result struct {
	status int
	header http.Header
	raw    []byte
	env    map[string]any
}

// data returns the envelope's data as an object.
func (r result) data() map[string]any {
	m, _ := r.env["data"].(map[string]any)
	return m
}

// list returns the envelope's data as a list of objects.
func (r result) list() []map[string]any {
	items, _ := r.env["data"].([]any)
	var out []map[string]any
	for _, it := range items {
		m, _ := it.(map[string]any)
		out = append(out, m)
	}
	return out
}

// errCode returns error.code of an error envelope.
func (r result) errCode() string {
	e, _ := r.env["error"].(map[string]any)
	s, _ := e["code"].(string)
	return s
}

func (r result) errMessage() string {
	e, _ := r.env["error"].(map[string]any)
	s, _ := e["message"].(string)
	return s
}

// do sends a request with key as a Bearer token; body is a string of raw
// JSON or a value to marshal, nil for none.
func (a *api) do(key, method, path string, body any) result {
	a.t.Helper()
	return doRequest(a.t, http.DefaultClient, key, method, a.url+path, body)
}

func doRequest(t testing.TB, hc *http.Client, key, method, url string, body any) result {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	r := result{status: resp.StatusCode, header: resp.Header, raw: raw}
	_ = json.Unmarshal(raw, &r.env)
	return r
}

// must fails the test unless r has the wanted status.
func must(t *testing.T, r result, status int) result {
	t.Helper()
	if r.status != status {
		t.Fatalf("status = %d, want %d; body %s", r.status, status, r.raw)
	}
	return r
}

// mustFail checks an error answer's status and code.
func mustFail(t *testing.T, r result, status int, code string) {
	t.Helper()
	if r.status != status || r.errCode() != code {
		t.Errorf("got %d %q, want %d %q; body %s", r.status, r.errCode(), status, code, r.raw)
	}
	if r.env["object"] != "error" {
		t.Errorf("object = %v, want error", r.env["object"])
	}
}

// createPerson creates a person with allKey and returns its id.
func (a *api) createPerson(fields map[string]any) string {
	a.t.Helper()
	r := a.do(allKey, "POST", "/people", fields)
	if r.status != 200 {
		a.t.Fatalf("create person: %d %s", r.status, r.raw)
	}
	return r.data()["id"].(string)
}

// createCompany creates a company with allKey and returns its id.
func (a *api) createCompany(fields map[string]any) string {
	a.t.Helper()
	r := a.do(allKey, "POST", "/companies", fields)
	if r.status != 200 {
		a.t.Fatalf("create company: %d %s", r.status, r.raw)
	}
	return r.data()["id"].(string)
}

// walk pages through a query with the given page size and returns every
// record in order, failing on a page that breaks the cursor protocol.
func (a *api) walk(key, path string, limit int, filter map[string]any) []map[string]any {
	a.t.Helper()
	var all []map[string]any
	body := map[string]any{"limit": limit}
	if filter != nil {
		body["filter"] = filter
	}
	for range 1000 {
		r := must(a.t, a.do(key, "POST", path, body), 200)
		page := r.list()
		if len(page) > limit {
			a.t.Fatalf("page of %d > limit %d", len(page), limit)
		}
		all = append(all, page...)
		pi := r.env["page_info"].(map[string]any)
		if pi["has_next_page"] != true {
			if pi["end_cursor"] != nil {
				a.t.Errorf("last page end_cursor = %v, want null", pi["end_cursor"])
			}
			return all
		}
		body["cursor"] = pi["end_cursor"]
	}
	a.t.Fatal("pagination did not end after 1000 pages")
	return nil
}
