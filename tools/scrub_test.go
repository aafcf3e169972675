package tools

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/klipy-ai/klipy-mcp/klipy"
)

// TestEchoedKeyNeverReachesResults: an upstream that echoes the caller's key
// in X-Request-Id, in an error's message and details, in the message of a
// {"success":false} answer, or JSON-escaped in a record it returns never
// gets it into a tool result or a resource.
func TestEchoedKeyNeverReachesResults(t *testing.T) {
	const key = "klipy_api_secret123"
	answers := map[string]http.HandlerFunc{
		"success record": func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, `{"data":{"id":"p1","email":"a@example.com","remarks":"see klipy\u005fapi_secret123","custom":{"note":"klipy\u005fsk_other456"}}}`)
		},
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
			if res.IsError != (name != "success record") || strings.Contains(string(b), "secret123") || strings.Contains(string(b), "other456") {
				t.Errorf("result (isError %v) shows the key: %s", res.IsError, b)
			}
			req := mcp.ReadResourceRequest{}
			req.Params.URI = "klipy://people/p1"
			rr, err := mc.ReadResource(t.Context(), req)
			b, _ = json.Marshal(rr)
			if err != nil {
				b = []byte(err.Error())
			}
			if strings.Contains(string(b), "secret123") || strings.Contains(string(b), "other456") {
				t.Errorf("resource read shows the key: %s", b)
			}
		})
	}
}
