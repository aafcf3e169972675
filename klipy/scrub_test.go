package klipy_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/klipy-ai/klipy-mcp/klipy"
)

// TestUpstreamEchoOfKeyIsScrubbed: an upstream that echoes the caller's key
// (or any key-like token) in X-Request-Id, meta.request_id, an error's
// message, code or details, or the message of a {"success":false} answer
// never gets it into what the client returns. Keys of both shapes are tried:
// one that looks like a Klipy key and one that does not.
func TestUpstreamEchoOfKeyIsScrubbed(t *testing.T) {
	t.Parallel()
	for _, key := range []string{"klipy_api_echoSecret123", "opaque-Secret-987"} {
		// escaped hides the key from a scan of the raw bytes; only the
		// decoded text shows it.
		escaped := strings.Replace(key, "e", `\u0065`, 1)
		answers := map[string]http.HandlerFunc{
			"error body and header": withHeader("X-Request-Id", "req-"+key, reply(404,
				`{"error":{"code":"nf_`+key+`","message":"no person for `+key+`","details":{"key":"`+escaped+`","n":["`+key+`"]}},"meta":{"request_id":"m-`+key+`"}}`)),
			"escaped meta request id": reply(409, `{"error":{"message":"exists `+escaped+`"},"meta":{"request_id":"m-`+escaped+`"}}`),
			"success false":           withHeader("X-Request-Id", "req-"+key, reply(200, `{"success":false,"message":"key `+escaped+` is not allowed here"}`)),
			"success false meta id":   reply(200, `{"success":false,"message":"nope","meta":{"request_id":"`+escaped+`"}}`),
			"success with echoed id":  withHeader("X-Request-Id", "req-"+key, reply(200, envelope(personJSON))),
			"html error page":         reply(502, `<html><body>bad gateway for `+key+`</body></html>`),
			"other key-like token":    withHeader("X-Request-Id", "klipy_sk_someoneElse", reply(400, `{"message":"klipy_pk_another"}`)),
		}
		for name, h := range answers {
			t.Run(fmt.Sprintf("%s/%s", key[:5], name), func(t *testing.T) {
				t.Parallel()
				c, _ := newTestClient(t, h, func(o *klipy.Options) { o.APIKey = key })
				_, resp, err := c.People.Get(ctxTimeout(t, 5e9), "p1")
				seen := []string{}
				if resp != nil {
					seen = append(seen, resp.RequestID)
				}
				if err != nil {
					seen = append(seen, err.Error(), fmt.Sprintf("%+v", err))
					var ae *klipy.APIError
					if errors.As(err, &ae) {
						d, _ := json.Marshal(ae.Details)
						seen = append(seen, ae.Code, ae.Message, ae.RequestID, string(d))
					}
				}
				all := strings.Join(seen, "\n")
				for _, secret := range []string{key, "klipy_sk_someoneElse", "klipy_pk_another"} {
					if strings.Contains(all, secret) {
						t.Errorf("the client returned %q:\n%s", secret, all)
					}
				}
				if name != "success with echoed id" && err == nil {
					t.Errorf("no error for %s", name)
				}
			})
		}
	}
}

// TestSealKeepsErrorClasses: scrubbing never hides what an error is.
func TestSealKeepsErrorClasses(t *testing.T) {
	t.Parallel()
	c, _ := newTestClient(t, withHeader("X-Request-Id", "klipy_api_x", reply(404, `{"message":"gone klipy_api_x"}`)))
	_, _, err := c.People.Get(context.Background(), "p1")
	var ae *klipy.APIError
	if !errors.Is(err, klipy.ErrNotFound) || !errors.As(err, &ae) || ae.RequestID != "[redacted]" {
		t.Errorf("err = %v, want ErrNotFound with a redacted request id", err)
	}
}

// TestRedactJSON: a key that reached a decoded value through JSON escapes is
// literal once re-encoded, and RedactJSON removes it and keeps the JSON valid.
func TestRedactJSON(t *testing.T) {
	var v map[string]any
	if err := json.Unmarshal([]byte(`{"remarks":"see klipy\u005fapi_secret123, \"quoted\"\n","n":[1,"klipy_pk_x-9"]}`), &v); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	got := klipy.RedactJSON(b)
	if bytes.Contains(got, []byte("secret123")) || bytes.Contains(got, []byte("x-9")) || !json.Valid(got) {
		t.Errorf("RedactJSON(%s) = %s", b, got)
	}
	if clean := []byte(`{"a":"b"}`); &klipy.RedactJSON(clean)[0] != &clean[0] {
		t.Error("RedactJSON copied a body with no key in it")
	}
}
