package klipymcp_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/klipy-ai/klipy-mcp/klipy/klipytest"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// requestCounter counts the requests of each key as they arrive, before the
// fake answers, so a count read after a tool call is complete.
type requestCounter struct {
	next http.Handler
	mu   sync.Mutex
	n    map[string]int
}

func (rc *requestCounter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	key := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	if k := r.Header.Get("X-Klipy-Api-Key"); k != "" {
		key = k
	}
	rc.mu.Lock()
	rc.n[key]++
	rc.mu.Unlock()
	rc.next.ServeHTTP(w, r)
}

func (rc *requestCounter) of(key string) int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return rc.n[key]
}

// searchPeople calls search_people and returns the people's emails.
func searchPeople(t *testing.T, cs *mcp.ClientSession, args map[string]any) []string {
	t.Helper()
	res, err := cs.CallTool(t.Context(), &mcp.CallToolParams{Name: "search_people", Arguments: args})
	if err != nil {
		t.Fatal(err)
	}
	var out struct {
		People []struct{ Email string } `json:"people"`
	}
	b, _ := json.Marshal(res.StructuredContent)
	if err := json.Unmarshal(b, &out); err != nil || res.IsError {
		t.Fatalf("search_people %v: isError=%v %s", args, res.IsError, b)
	}
	var emails []string
	for _, p := range out.People {
		emails = append(emails, p.Email)
	}
	return emails
}

// TestHTTPSearchRecordsCachePerKey: over the binary in hosted mode, a key's
// second, different search within 60 s sends nothing upstream; another
// key's search scans its own workspace and never sees the first key's
// records; a write by the first key drops its records.
func TestHTTPSearchRecordsCachePerKey(t *testing.T) {
	t.Parallel()
	fake := klipytest.NewSandbox()
	const otherKey = "klipy_api_other_org"
	fake.AddKey(klipytest.Key{Token: otherKey, Org: "another-org", Scopes: []string{klipytest.ScopeAll}})
	counter := &requestCounter{next: fake, n: map[string]int{}}
	s := startHosted(t, fakeAPI(t, counter))
	first := connectHTTP(t, s.url, klipytest.SandboxKey)

	if got := searchPeople(t, first, map[string]any{"query": "jordan"}); len(got) != 2 {
		t.Fatalf("jordan: %v", got)
	}
	scanned := counter.of(klipytest.SandboxKey)
	for _, args := range []map[string]any{{"query": "josé"}, {"query": "okafor maya"}, {"email": "jordan.patel@acmeanalytics.example"}} {
		if got := searchPeople(t, first, args); len(got) != 1 {
			t.Errorf("%v: %v", args, got)
		}
	}
	if n := counter.of(klipytest.SandboxKey) - scanned; n != 0 {
		t.Errorf("three more searches by the same key sent %d upstream requests, want 0", n)
	}

	other := connectHTTP(t, s.url, otherKey)
	if got := searchPeople(t, other, map[string]any{"query": "jordan"}); len(got) != 0 {
		t.Errorf("a key of another organization found %v", got)
	}
	if counter.of(otherKey) == 0 {
		t.Error("another key's search was answered without a request of its own")
	}

	res, err := first.CallTool(t.Context(), &mcp.CallToolParams{Name: "upsert_person",
		Arguments: map[string]any{"email": "zephyrine@example.com", "first_name": "Zephyrine"}})
	if err != nil || res.IsError {
		t.Fatalf("upsert_person: %v %+v", err, res)
	}
	before := counter.of(klipytest.SandboxKey)
	if got := searchPeople(t, first, map[string]any{"query": "zephyrine"}); len(got) != 1 {
		t.Errorf("search after the key's write found %v, want the new person", got)
	}
	if counter.of(klipytest.SandboxKey) == before {
		t.Error("a write did not drop the key's cached records")
	}
}
