package klipytest_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/klipy-ai/klipy-mcp/klipy/klipytest"
)

// The sandbox serves the demo workspace in-process: no key to obtain, no
// network.
func ExampleNewSandbox() {
	hc := &http.Client{Transport: klipytest.NewTransport(klipytest.NewSandbox())}
	req, _ := http.NewRequest("POST", "http://sandbox.invalid/api/v1/people/query",
		strings.NewReader(`{"filter":{"email":"jordan.patel@acmeanalytics.example"}}`))
	req.Header.Set("Authorization", "Bearer "+klipytest.SandboxKey)
	resp, err := hc.Do(req)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.StatusCode, strings.Contains(string(body), `"firstName":"Jordan"`))
	// Output: 200 true
}

// Fault switches make the next requests fail the way the real API can.
func ExampleServer_FailNext() {
	srv := klipytest.New(klipytest.Options{})
	srv.AddKey(klipytest.Key{Token: "klipy_api_demo", Org: "acme", Scopes: []string{klipytest.ScopeAll}})
	srv.FailNext(1, http.StatusBadGateway)
	hc := &http.Client{Transport: klipytest.NewTransport(srv)}
	for range 2 {
		req, _ := http.NewRequest("GET", "http://fake.invalid/api/v1/authenticate", nil)
		req.Header.Set("X-Klipy-Api-Key", "klipy_api_demo")
		resp, err := hc.Do(req)
		if err != nil {
			panic(err)
		}
		resp.Body.Close()
		fmt.Println(resp.StatusCode)
	}
	// Output:
	// 502
	// 200
}
