package klipytest_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/klipy-ai/klipy-mcp/klipy/klipytest"
)

// serveBench runs one request against srv in-process per iteration.
func serveBench(b *testing.B, srv *klipytest.Server, method, path, body string) {
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(method, "http://fake"+base+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+klipytest.SandboxKey)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
}

func benchSandbox() *klipytest.Server {
	srv := klipytest.New(klipytest.Options{KeyLimit: 1 << 30, OrgLimit: 1 << 30, LogLimit: -1})
	srv.AddKey(klipytest.Key{Token: klipytest.SandboxKey, Org: klipytest.SandboxOrg, Scopes: []string{"ALL"}})
	if err := srv.SeedDemo(klipytest.SandboxOrg); err != nil {
		panic(err)
	}
	return srv
}

func BenchmarkGetPerson(b *testing.B) {
	srv := benchSandbox()
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("POST", "http://fake"+base+"/people/query", strings.NewReader(`{"limit":1}`))
	req.Header.Set("Authorization", "Bearer "+klipytest.SandboxKey)
	srv.ServeHTTP(rec, req)
	id := rec.Body.String()[strings.Index(rec.Body.String(), `"id":"`)+6:][:14]
	serveBench(b, srv, "GET", "/people/"+id, "")
}

func BenchmarkQueryInteractions(b *testing.B) {
	serveBench(b, benchSandbox(), "POST", "/interactions/query", `{"limit":20}`)
}

func BenchmarkNewSandbox(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		klipytest.NewSandbox()
	}
}
