package hosting

import (
	"bytes"
	"net"
	"net/http"
	"strings"
	"testing"
)

func TestOrigin(t *testing.T) {
	up := newUpstream(t)
	_, url := host(t, up, Config{ServerKey: keyAll, Loopback: true, AllowedOrigins: []string{"https://app.example.com"}})
	self := strings.TrimSuffix(url, "/mcp")
	for _, tc := range []struct {
		origin string
		status int
	}{
		{"", http.StatusOK}, // not a browser
		{"https://app.example.com", http.StatusOK},
		{self, http.StatusOK}, // the server's own loopback origin
		{"https://evil.example.com", http.StatusForbidden},
		{"http://app.example.com", http.StatusForbidden}, // scheme matters
		{"null", http.StatusForbidden},
		{"http://localhost:1", http.StatusForbidden}, // another loopback origin
	} {
		h := bearer(keyAll)
		if tc.origin != "" {
			h["Origin"] = tc.origin
		}
		resp, body := post(t, url, initializeBody, h)
		if resp.StatusCode != tc.status {
			t.Errorf("Origin %q: status %d, want %d (%s)", tc.origin, resp.StatusCode, tc.status, body)
		}
		if tc.status == http.StatusOK && tc.origin != "" && resp.Header.Get("Access-Control-Allow-Origin") != tc.origin {
			t.Errorf("Origin %q: Access-Control-Allow-Origin = %q", tc.origin, resp.Header.Get("Access-Control-Allow-Origin"))
		}
	}
	// The key's scopes are discovered once, on the first admitted request.
	if n := len(up.Requests()); n != 1 {
		t.Errorf("upstream saw %d requests, want 1 (one scope discovery)", n)
	}
}

func TestPreflight(t *testing.T) {
	up := newUpstream(t)
	_, url := host(t, up, Config{AllowedOrigins: []string{"https://app.example.com"}})
	req, _ := http.NewRequest(http.MethodOptions, url, nil)
	req.Header.Set("Origin", "https://app.example.com")
	req.Header.Set("Access-Control-Request-Method", "POST")
	resp, _ := do(t, req)
	if resp.StatusCode != http.StatusNoContent || !strings.Contains(resp.Header.Get("Access-Control-Allow-Headers"), "Authorization") {
		t.Errorf("preflight: %d, allow-headers %q", resp.StatusCode, resp.Header.Get("Access-Control-Allow-Headers"))
	}
	req.Header.Set("Origin", "https://evil.example.com")
	if resp, _ := do(t, req); resp.StatusCode != http.StatusForbidden {
		t.Errorf("preflight from a refused origin: %d, want 403", resp.StatusCode)
	}
}

// TestDNSRebinding mirrors the conformance suite's dns-rebinding-protection
// scenario: a loopback server refuses a foreign Host/Origin with a 4xx and
// accepts its own with a 2xx (the suite's client sends no key).
func TestDNSRebinding(t *testing.T) {
	up := newUpstream(t)
	_, url := host(t, up, Config{ServerKey: keyAll, Loopback: true})
	self := strings.TrimPrefix(strings.TrimSuffix(url, "/mcp"), "http://")
	for _, tc := range []struct {
		host   string
		status int
	}{
		{"evil.example.com", http.StatusForbidden},
		{self, http.StatusOK},
		{strings.Replace(self, "127.0.0.1", "localhost", 1), http.StatusOK},
	} {
		req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(initializeBody))
		req.Host = tc.host
		req.Header.Set("Origin", "http://"+tc.host)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		if resp, body := do(t, req); resp.StatusCode != tc.status {
			t.Errorf("Host %q: status %d, want %d (%s)", tc.host, resp.StatusCode, tc.status, body)
		}
	}
}

func TestBodyCap(t *testing.T) {
	up := newUpstream(t)
	_, url := host(t, up, Config{})
	c := connect(t, url, eras[0], bearer(keyAll))

	big := `{"jsonrpc":"2.0","id":2,"method":"ping","params":{"pad":"` + strings.Repeat("x", DefaultMaxBodyBytes) + `"}}`
	resp, _ := post(t, url, big, bearer(keyAll))
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("oversized body: status %d, want 413", resp.StatusCode)
	}
	// Without Content-Length, the cap is enforced while reading.
	req, _ := http.NewRequest(http.MethodPost, url, struct{ *bytes.Reader }{bytes.NewReader([]byte(big))})
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+keyAll)
	if resp, _ := do(t, req); resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("oversized chunked body: status %d, want 413", resp.StatusCode)
	}
	if res := call(t, c, "get_workspace", nil); res.IsError {
		t.Fatalf("a normal call after the oversized ones failed: %s", resultText(res))
	}
}

// getWith GETs url with header set (and Host, when given) and returns the
// status.
func getWith(t *testing.T, url, hostHeader string, header map[string]string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if hostHeader != "" {
		req.Host = hostHeader
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, _ := do(t, req)
	return resp.StatusCode
}

// TestAuxiliaryEndpointsGuarded: /healthz, /readyz and /metrics get the
// rebinding and Origin rules of /mcp on a loopback server.
func TestAuxiliaryEndpointsGuarded(t *testing.T) {
	up := newUpstream(t)
	_, url := host(t, up, Config{ServerKey: keyAll, Loopback: true})
	base := strings.TrimSuffix(url, "/mcp")
	for _, path := range []string{"/healthz", "/readyz", "/metrics"} {
		if got := getWith(t, base+path, "evil.example", nil); got != http.StatusForbidden {
			t.Errorf("%s with Host: evil.example = %d, want 403", path, got)
		}
		if got := getWith(t, base+path, "", map[string]string{"Origin": "https://evil.example"}); got != http.StatusForbidden {
			t.Errorf("%s from Origin https://evil.example = %d, want 403", path, got)
		}
		if got := getWith(t, base+path, "localhost", nil); got != http.StatusOK {
			t.Errorf("%s with Host: localhost = %d, want 200", path, got)
		}
	}
}

// TestMetricsToken: with MetricsToken set, /metrics needs it as a bearer
// token; the health endpoints do not.
func TestMetricsToken(t *testing.T) {
	up := newUpstream(t)
	const token = "metrics-s3cret"
	_, url := host(t, up, Config{MetricsToken: token})
	base := strings.TrimSuffix(url, "/mcp")
	for _, tc := range []struct {
		auth string
		want int
	}{
		{"", http.StatusUnauthorized},
		{"Bearer wrong", http.StatusUnauthorized},
		{"Bearer " + token + "x", http.StatusUnauthorized},
		{"Basic " + token, http.StatusUnauthorized},
		{"Bearer " + token, http.StatusOK},
	} {
		h := map[string]string{}
		if tc.auth != "" {
			h["Authorization"] = tc.auth
		}
		if got := getWith(t, base+"/metrics", "", h); got != tc.want {
			t.Errorf("/metrics with Authorization %q = %d, want %d", tc.auth, got, tc.want)
		}
	}
	if got := getWith(t, base+"/healthz", "", nil); got != http.StatusOK {
		t.Errorf("/healthz without a token = %d, want 200", got)
	}
}

// TestIsLoopbackAddr: reading a TCP address directly agrees with reading
// its text, which is how other addresses are still read.
func TestIsLoopbackAddr(t *testing.T) {
	for _, ip := range []string{"127.0.0.1", "127.255.0.9", "::1", "::ffff:127.0.0.1", "10.0.0.1", "0.0.0.0",
		"::", "fe80::1", "::ffff:10.0.0.1", "192.168.1.1", "2001:db8::1"} {
		for _, zone := range []string{"", "lo"} {
			a := &net.TCPAddr{IP: net.ParseIP(ip), Port: 8080, Zone: zone}
			if got, want := isLoopbackAddr(a), isLoopbackHost(a.String()); got != want {
				t.Errorf("isLoopbackAddr(%v) = %v, want %v (as text)", a, got, want)
			}
		}
	}
	if got := isLoopbackAddr(&net.TCPAddr{Port: 80}); got {
		t.Error("isLoopbackAddr(:80) = true, want false")
	}
	if got := isLoopbackAddr(&net.UnixAddr{Name: "/tmp/x", Net: "unix"}); got {
		t.Error("isLoopbackAddr(unix socket) = true, want false")
	}
}
