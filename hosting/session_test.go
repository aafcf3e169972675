package hosting

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
)

// TestProtocolEras serves a 2025-11-25 client (with a session) and a
// 2026-07-28 client (stateless) from the same handler.
func TestProtocolEras(t *testing.T) {
	up := newUpstream(t)
	h, url := host(t, up, Config{})
	for _, tc := range []struct {
		era         string
		wantSession bool
	}{
		{mcp.ProtocolVersion20251125, true},
		{mcp.ProtocolVersion20260728, false},
	} {
		c := connect(t, url, tc.era, bearer(keyAll))
		if got := c.ProtocolVersion(); got != tc.era {
			t.Errorf("negotiated %q, want %q", got, tc.era)
		}
		sid := c.GetTransport().(*transport.StreamableHTTP).GetSessionId()
		if (sid != "") != tc.wantSession {
			t.Errorf("%s: session id %q, want a session: %v", tc.era, sid, tc.wantSession)
		}
		if res := call(t, c, "get_workspace", nil); res.IsError {
			t.Errorf("%s: get_workspace failed: %s", tc.era, resultText(res))
		}
	}
	if n := h.sessions.active(); n != 1 {
		t.Errorf("%d sessions open, want 1 (the stateless client opens none)", n)
	}
}

const listBody = `{"jsonrpc":"2.0","id":7,"method":"tools/list"}`

func sessionHeaders(key, sid string) map[string]string {
	h := bearer(key)
	h[mcp.HeaderProtocolVersion] = mcp.ProtocolVersion20251125
	if sid != "" {
		h["Mcp-Session-Id"] = sid
	}
	return h
}

// TestSessionBoundToKey checks that a session answers only the key that
// opened it, that ids must be real, and that DELETE ends a session for good.
func TestSessionBoundToKey(t *testing.T) {
	up := newUpstream(t)
	_, url := host(t, up, Config{})
	c := connect(t, url, mcp.ProtocolVersion20251125, bearer(keyAll))
	sid := c.GetTransport().(*transport.StreamableHTTP).GetSessionId()

	expect := func(what string, resp *http.Response, body string, status int) {
		t.Helper()
		if resp.StatusCode != status {
			t.Errorf("%s: status %d, want %d (%s)", what, resp.StatusCode, status, body)
		}
	}
	resp, body := post(t, url, listBody, sessionHeaders(keyPeople, sid))
	expect("another key with the session id", resp, body, http.StatusNotFound)
	resp, body = post(t, url, listBody, sessionHeaders(keyAll, sid))
	expect("the opening key", resp, body, http.StatusOK)
	resp, body = post(t, url, listBody, sessionHeaders(keyAll, ""))
	expect("no session id", resp, body, http.StatusBadRequest)
	resp, body = post(t, url, listBody, sessionHeaders(keyAll, "mcp-session-3f1c2a6e-0d7b-4b8e-9a51-2b7c1d0e4f65"))
	expect("a well-formed id never issued", resp, body, http.StatusNotFound)

	get, _ := http.NewRequest(http.MethodGet, url, nil)
	get.Header.Set("Authorization", "Bearer "+keyAll)
	get.Header.Set("Accept", "text/event-stream")
	resp, body = do(t, get)
	expect("GET without a session id", resp, body, http.StatusBadRequest)

	del := func(key string) (*http.Response, string) {
		req, _ := http.NewRequest(http.MethodDelete, url, nil)
		for k, v := range sessionHeaders(key, sid) {
			req.Header.Set(k, v)
		}
		return do(t, req)
	}
	resp, body = del(keyPeople)
	expect("DELETE by another key", resp, body, http.StatusNotFound)
	resp, body = del(keyAll)
	expect("DELETE by the opening key", resp, body, http.StatusOK)
	resp, body = post(t, url, listBody, sessionHeaders(keyAll, sid))
	expect("a deleted session", resp, body, http.StatusNotFound)
}

// fakeClock is a settable clock for expiry tests.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func TestSessionIdleTTL(t *testing.T) {
	up := newUpstream(t)
	clock := &fakeClock{now: time.Date(2026, 7, 28, 9, 0, 0, 0, time.UTC)}
	h, url := host(t, up, Config{SessionIdleTTL: 10 * time.Minute, now: clock.Now})
	c := connect(t, url, mcp.ProtocolVersion20251125, bearer(keyAll))
	sid := c.GetTransport().(*transport.StreamableHTTP).GetSessionId()

	clock.Advance(9 * time.Minute)
	if resp, body := post(t, url, listBody, sessionHeaders(keyAll, sid)); resp.StatusCode != http.StatusOK {
		t.Fatalf("session used within its TTL: %d %s", resp.StatusCode, body)
	}
	clock.Advance(9 * time.Minute) // idle for 9 of 10 minutes since last use
	if resp, body := post(t, url, listBody, sessionHeaders(keyAll, sid)); resp.StatusCode != http.StatusOK {
		t.Fatalf("each use restarts the TTL: %d %s", resp.StatusCode, body)
	}
	clock.Advance(10 * time.Minute)
	if resp, _ := post(t, url, listBody, sessionHeaders(keyAll, sid)); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("idle session: status %d, want 404", resp.StatusCode)
	}
	// Opening another session prunes the idle one.
	connect(t, url, mcp.ProtocolVersion20251125, bearer(keyAll))
	if n := h.sessions.active(); n != 1 {
		t.Errorf("%d sessions tracked after the prune, want 1", n)
	}
}
