package klipy_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/klipy-ai/klipy-mcp/klipy"
)

// This example runs against a tiny stand-in for the API that knows one
// person.
func Example() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/api/v1/authenticate":
			io.WriteString(w, `{"object":"success","data":{"team_name":"Acme","scopes":["people:read"]},"meta":{}}`)
		case "/api/v1/people/p1":
			io.WriteString(w, `{"object":"success","data":{"id":"p1","firstName":"Jordan","email":"jordan@acme.com","nickname":"JP"},"meta":{}}`)
		default:
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, `{"object":"error","error":{"code":"not_found","message":"No such person"}}`)
		}
	}))
	defer srv.Close()

	c, err := klipy.New(klipy.Options{BaseURL: srv.URL + "/api/v1", APIKey: "klipy_api_example", Version: "1.0.0"})
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	ws, _, err := c.Authenticate(ctx)
	if err != nil {
		panic(err)
	}
	fmt.Println("workspace:", ws.Name)

	p, _, err := c.People.Get(ctx, "p1")
	if err != nil {
		panic(err)
	}
	fmt.Println(p.FirstName, p.Email, string(p.Extra["nickname"]))

	_, _, err = c.People.Get(ctx, "p2")
	fmt.Println("not found:", errors.Is(err, klipy.ErrNotFound))

	_, _, err = c.People.Create(ctx, &klipy.PersonInput{Email: "sam@acme.com"})
	fmt.Println("refused locally:", errors.Is(err, klipy.ErrMissingScope))
	// Output:
	// workspace: Acme
	// Jordan jordan@acme.com "JP"
	// not found: true
	// refused locally: true
}
