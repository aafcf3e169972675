package tools

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/klipy-ai/klipy-mcp/klipy"
)

// TestEchoedKeyNeverReachesResults: an upstream that echoes the caller's key
// in X-Request-Id, in an error's message and details, or in the message of
// a {"success":false} answer never gets it into a tool result.
func TestEchoedKeyNeverReachesResults(t *testing.T) {
	const key = "klipy_api_secret123"
	answers := map[string]http.HandlerFunc{
		"request id of a 404": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Request-Id", "req-"+key)
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, `{"error":{"code":"not_found","message":"no such person"}}`)
		},
		"error body": func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"error":{"code":"bad","message":"key klipy\u005fapi_secret123 may not","details":{"echo":"`+key+`"}},"meta":{"request_id":"`+key+`"}}`)
		},
		"success false": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Request-Id", key)
			io.WriteString(w, `{"success":false,"message":"refused for `+key+`"}`)
		},
	}
	for name, h := range answers {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(h)
			t.Cleanup(srv.Close)
			kc, err := klipy.New(klipy.Options{BaseURL: srv.URL + "/api/v1", APIKey: key, Scopes: []klipy.Scope{klipy.ScopeAll}, Timeout: 5 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			mc := connect(t, newServer(t, Config{Client: kc}))
			res := call(t, mc, "get_person", map[string]any{"person_id": "p1"})
			b, _ := json.Marshal(res)
			if !res.IsError || strings.Contains(string(b), "secret123") {
				t.Errorf("result (isError %v) shows the key: %s", res.IsError, b)
			}
		})
	}
}
