package oauth

import "testing"

// BenchmarkResolve measures verifying one access token against the
// in-memory store: hash, two lookups, two JSON decodes, one AES-GCM open.
//
//	go test ./hosting/oauth -run '^$' -bench Resolve
func BenchmarkResolve(b *testing.B) {
	e := newEnv(b)
	at, _ := e.tokens(e.register(redirect), redirect)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := e.srv.Resolve(b.Context(), at); err != nil {
			b.Fatal(err)
		}
	}
}
