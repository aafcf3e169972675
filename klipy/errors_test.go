package klipy_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/klipy-ai/klipy-mcp/klipy"
)

var sentinels = []error{klipy.ErrNotFound, klipy.ErrUnauthorized, klipy.ErrForbidden, klipy.ErrMissingScope,
	klipy.ErrRateLimited, klipy.ErrValidation, klipy.ErrConflict, klipy.ErrUnavailable}

// TestErrorClasses checks that each status maps to its sentinel and only to it.
func TestErrorClasses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status int
		body   string
		want   []error
	}{
		{404, `{"object":"error","error":{"code":"not_found","message":"Person not found"}}`, []error{klipy.ErrNotFound}},
		{401, `{"error":{"code":"unauthorized","message":"Invalid API key"}}`, []error{klipy.ErrUnauthorized}},
		{403, `{"error":{"code":"forbidden","message":"Not allowed"}}`, []error{klipy.ErrForbidden}},
		{403, `{"error":{"code":"insufficient_scope","message":"Key lacks people:write"}}`, []error{klipy.ErrForbidden, klipy.ErrMissingScope}},
		{403, `{"code":"missing_scope","message":"nope"}`, []error{klipy.ErrForbidden, klipy.ErrMissingScope}},
		{400, `{"error":{"code":"validation_error","message":"email is invalid","details":{"field":"email"}}}`, []error{klipy.ErrValidation}},
		{422, `{"message":"unprocessable"}`, []error{klipy.ErrValidation}},
		{409, `{"error":{"code":"conflict","message":"exists"}}`, []error{klipy.ErrConflict}},
		{500, `{"error":{"code":"internal","message":"boom"}}`, []error{klipy.ErrUnavailable}},
		{429, `{"error":{"code":"rate_limited","message":"slow down"}}`, []error{klipy.ErrRateLimited}},
	}
	for _, tt := range tests {
		t.Run(http.StatusText(tt.status), func(t *testing.T) {
			c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Retry-After", "60")
				w.Header().Set("X-Request-Id", "req_h")
				reply(tt.status, tt.body)(w, r)
			})
			_, _, err := c.People.Get(ctxTimeout(t, 5*time.Second), "p1")
			var ae *klipy.APIError
			if !errors.As(err, &ae) || ae.StatusCode != tt.status || ae.Op != "getPerson" || ae.RequestID != "req_h" {
				t.Fatalf("err = %#v, want *APIError with status %d, op getPerson, request id", err, tt.status)
			}
			for _, s := range sentinels {
				want := false
				for _, w := range tt.want {
					want = want || w == s
				}
				if errors.Is(err, s) != want {
					t.Errorf("errors.Is(%v, %v) = %v, want %v", err, s, !want, want)
				}
			}
		})
	}
}

// TestErrorBodies checks every error body shape the reader tolerates.
func TestErrorBodies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, ctype, body string
		want              klipy.APIError
	}{
		{"nested", "application/json", `{"object":"error","error":{"code":"validation_error","message":"bad email","details":[{"field":"email"}]},"meta":{"request_id":"req_9"}}`,
			klipy.APIError{Code: "validation_error", Message: "bad email", Details: []any{map[string]any{"field": "email"}}, RequestID: "req_9"}},
		{"flat", "application/json", `{"code":"bad_request","message":"limit too big"}`,
			klipy.APIError{Code: "bad_request", Message: "limit too big"}},
		{"numeric code", "application/json", `{"code":400,"message":"no"}`, klipy.APIError{Code: "400", Message: "no"}},
		{"message only", "application/json", `{"message":"something off"}`, klipy.APIError{Message: "something off"}},
		{"old", "application/json", `{"success":false,"error":"Invalid email address"}`, klipy.APIError{Message: "Invalid email address"}},
		{"plain text", "text/plain", "Bad Request: missing title\n", klipy.APIError{Message: "Bad Request: missing title"}},
		{"html", "text/html", "<html><head><style>p{}</style></head><body><h1>400 Bad Request</h1><p>nginx</p></body></html>",
			klipy.APIError{Message: "400 Bad Request nginx"}},
		{"empty", "text/plain", "", klipy.APIError{Message: "bad request"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", tt.ctype)
				w.WriteHeader(400)
				w.Write([]byte(tt.body))
			})
			_, _, err := c.People.Create(context.Background(), &klipy.PersonInput{Email: "x"})
			var ae *klipy.APIError
			if !errors.As(err, &ae) {
				t.Fatalf("err = %v, want *APIError", err)
			}
			tt.want.StatusCode, tt.want.Op = 400, "createPerson"
			if diff := cmp.Diff(&tt.want, ae); diff != "" {
				t.Errorf("APIError (-want +got):\n%s", diff)
			}
			if !strings.Contains(err.Error(), tt.want.Message) || !strings.Contains(err.Error(), "createPerson") {
				t.Errorf("Error() = %q lacks the op or the message", err)
			}
		})
	}
}

// TestKeyNeverInErrors: an upstream echoing the key (or any key-shaped
// token) in an error body does not leak it.
func TestKeyNeverInErrors(t *testing.T) {
	t.Parallel()
	var key string
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		key = strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		reply(401, `{"error":{"code":"unauthorized","message":"key `+key+` is revoked; klipy_api_other123 too","details":{"key":"`+key+`"}}}`)(w, r)
	})
	_, _, err := c.People.Get(context.Background(), "p1")
	var ae *klipy.APIError
	if !errors.As(err, &ae) || key == "" {
		t.Fatalf("err = %v", err)
	}
	all := err.Error() + " " + marshal(t, ae.Details)
	for _, secret := range []string{key, "klipy_api_other123"} {
		if strings.Contains(all, secret) {
			t.Errorf("error %q contains %q", all, secret)
		}
	}
	if !strings.Contains(all, "[redacted]") {
		t.Errorf("error %q does not show the redaction", all)
	}
}

func TestOversizedBody(t *testing.T) {
	t.Parallel()
	c, a := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(200)
		w.Write([]byte(`{"data":{"id":"p1","remarks":"`))
		w.Write([]byte(strings.Repeat("x", klipy.MaxResponseBytes)))
		w.Write([]byte(`"}}`))
	})
	_, _, err := c.People.Get(context.Background(), "p1")
	if !errors.Is(err, klipy.ErrUnavailable) || !strings.Contains(err.Error(), "larger than the 10 MiB limit") {
		t.Errorf("err = %v, want ErrUnavailable saying the answer is too large", err)
	}
	if n := len(a.requests()); n != 1 {
		t.Errorf("%d requests, want 1 (an oversized answer is not retried)", n)
	}
}

func TestMalformedJSON(t *testing.T) {
	t.Parallel()
	for _, body := range []string{`{"data":{"id":`, `<html>oops</html>`, ``, `{"data":null}`, `{"data":[1,2]}`} {
		c, _ := newTestClient(t, reply(200, body))
		_, _, err := c.Companies.Get(context.Background(), "c1")
		if !errors.Is(err, klipy.ErrUnavailable) || !strings.Contains(err.Error(), "getCompany") {
			t.Errorf("body %q: err = %v, want ErrUnavailable naming the operation", body, err)
		}
	}
}

func TestNetworkErrorIsUnavailable(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens: every dial is refused
	c, err := klipy.New(klipy.Options{BaseURL: "http://" + addr + "/api/v1", APIKey: testKey(t), Limiter: klipy.NewLocalLimiter()})
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = c.People.Get(ctxTimeout(t, 10*time.Second), "p1")
	var te *klipy.TransportError
	if !errors.Is(err, klipy.ErrUnavailable) || !errors.As(err, &te) || strings.Contains(err.Error(), testKey(t)) {
		t.Errorf("err = %v, want a *TransportError that is ErrUnavailable and hides the key", err)
	}
}

func TestRetryAfterFunc(t *testing.T) {
	t.Parallel()
	if _, ok := klipy.RetryAfter(errors.New("x")); ok {
		t.Error("RetryAfter of a plain error reports ok")
	}
	d, ok := klipy.RetryAfter(&klipy.RateLimitError{Bucket: "org:x", Wait: 3 * time.Second})
	if !ok || d != 3*time.Second {
		t.Errorf("RetryAfter(RateLimitError) = %v, %v", d, ok)
	}
}
