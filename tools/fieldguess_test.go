package tools

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/klipy-ai/klipy-mcp/klipy"
)

// TestFieldGuessRefusalsNameTheField: two writable fields are guesses
// (company creation may need domain; a person's LinkedIn URL is sent as
// linkedin). When Klipy answers 400 or 422 naming the field, the model
// reads a validation message that names it and says to fix the arguments.
// The upstream is a bare HTTP server, not the fake, so the answer's shape
// is exactly the one written here.
func TestFieldGuessRefusalsNameTheField(t *testing.T) {
	cases := []struct {
		name   string
		status int
		body   string
		send   func(c *klipy.Client) error
		field  string
	}{
		{"company needs domain", http.StatusUnprocessableEntity,
			`{"error":{"code":"validation_error","message":"domain is required","details":{"field":"domain"}}}`,
			func(c *klipy.Client) error {
				_, _, err := c.Companies.Create(t.Context(), &klipy.CompanyInput{Name: "Nimbus Freight"})
				return creating(err)
			}, "domain"},
		{"person linkedin unknown", http.StatusBadRequest,
			`{"message":"unknown field linkedin","details":{"field":"linkedin"}}`,
			func(c *klipy.Client) error {
				_, _, err := c.People.Create(t.Context(), &klipy.PersonInput{Email: "nia@example.com", LinkedIn: "https://linkedin.com/in/nia"})
				return creating(err)
			}, "linkedin"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(tc.body))
			}))
			t.Cleanup(upstream.Close)
			hc := upstream.Client()
			t.Cleanup(hc.CloseIdleConnections)
			c, err := klipy.New(klipy.Options{BaseURL: upstream.URL, APIKey: "klipy_api_field_guess", HTTPClient: hc, Scopes: []klipy.Scope{klipy.ScopeAll}})
			if err != nil {
				t.Fatal(err)
			}
			err = tc.send(c)
			if !errors.Is(err, klipy.ErrValidation) {
				t.Fatalf("a %d is not a validation error: %v", tc.status, err)
			}
			msg := errorText(err, errCtx{create: true})
			for _, want := range []string{"rejected the request as invalid", tc.field, "Fix the arguments"} {
				if !strings.Contains(msg, want) {
					t.Errorf("message %q lacks %q", msg, want)
				}
			}
		})
	}
}
