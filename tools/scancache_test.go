package tools

import (
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/klipy-ai/klipy-mcp/klipy"
	"github.com/klipy-ai/klipy-mcp/klipy/klipytest"
)

// clock is a settable time source for the records cache.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

// newClockedEnv serves the tools with a server-wide key and the records
// cache on a settable clock; the request log starts empty.
func newClockedEnv(t *testing.T) (*fake, *srv, *clock) {
	t.Helper()
	f := newFake(t)
	clk := &clock{time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)}
	s, err := newSrv(Config{Client: f.client(t)}, clk.now)
	if err != nil {
		t.Fatal(err)
	}
	f.reset()
	return f, s, clk
}

// TestRecordsCacheAnswersEverySearchOfTheKey: after one scan, different
// queries, an email filter and a company filter by the same key within
// 60 s send nothing upstream; after 60 s the next query scans again.
func TestRecordsCacheAnswersEverySearchOfTheKey(t *testing.T) {
	f, s, clk := newClockedEnv(t)
	mc := connect(t, s.mcp)
	if out := okResult(t, call(t, mc, "search_people", map[string]any{"query": "jordan"})); len(out["people"].([]any)) != 2 {
		t.Fatalf("jordan: %v", out)
	}
	scan := len(f.reqs())
	if scan == 0 {
		t.Fatal("the first query sent no request")
	}
	clk.t = clk.t.Add(59 * time.Second)
	for _, args := range []map[string]any{
		{"query": "maya okafor"},
		{"query": "patel", "limit": 1},
		{"email": jordanEmail},
		{"company_id": acmeID},
		{"query": "data", "company_id": acmeID},
	} {
		out := okResult(t, call(t, mc, "search_people", args))
		if len(out["people"].([]any)) == 0 {
			t.Errorf("%v found nobody", args)
		}
		if n := len(f.reqs()) - scan; n != 0 {
			t.Errorf("%v sent %d upstream requests within 60 s of the scan, want 0", args, n)
		}
	}
	out := okResult(t, call(t, mc, "search_people", map[string]any{"company_id": acmeID}))
	if got := ids(out["people"]); !strings.Contains(got, jordanID) || strings.Count(got, ",") != 3 {
		t.Errorf("company filter from the cache: %s, want Acme's 4 people", got)
	}
	clk.t = clk.t.Add(time.Second)
	okResult(t, call(t, mc, "search_people", map[string]any{"query": "maya"}))
	if n := len(f.reqs()) - scan; n != scan {
		t.Errorf("60 s after the scan: %d requests, want a new scan (%d)", n, scan)
	}
}

// TestRecordsCacheIsPerKey: a key of another organization searching after
// the first key scanned gets its own scan and its own (empty) workspace.
func TestRecordsCacheIsPerKey(t *testing.T) {
	f, s, _ := newClockedEnv(t)
	mc := connect(t, s.mcp)
	okResult(t, call(t, mc, "search_people", map[string]any{"query": "jordan"}))
	scan := len(f.reqs())
	other := "klipy_api_test_other_org"
	f.AddKey(klipytest.Key{Token: other, Org: "another-org", Scopes: []string{"ALL"}})
	oc := f.rawClient(t, other)
	res, err := callErr(WithClient(t.Context(), oc), mc, "search_people", map[string]any{"query": "jordan"})
	if err != nil {
		t.Fatal(err)
	}
	if out := okResult(t, res); len(out["people"].([]any)) != 0 {
		t.Errorf("another organization's key found %v: it saw the first key's records", out["people"])
	}
	if n := len(f.reqs()) - scan; n == 0 {
		t.Error("another key's query was answered without its own upstream request")
	}
}

// TestWriteDropsTheKeysRecords: a write by the key makes its next search
// scan again (and see the write); a write by another key does not.
func TestWriteDropsTheKeysRecords(t *testing.T) {
	f, s, _ := newClockedEnv(t)
	mc := connect(t, s.mcp)
	okResult(t, call(t, mc, "search_people", map[string]any{"query": "zephyrine"}))
	other := WithClient(t.Context(), f.client(t))
	if _, err := callErr(other, mc, "upsert_person", map[string]any{"email": "quill@example.com", "first_name": "Quill"}); err != nil {
		t.Fatal(err)
	}
	f.reset()
	if out := okResult(t, call(t, mc, "search_people", map[string]any{"query": "quill"})); len(out["people"].([]any)) != 0 || len(f.reqs()) != 0 {
		t.Errorf("after another key's write: %d requests, %v; want 0 and the cached records", len(f.reqs()), out["people"])
	}
	okResult(t, call(t, mc, "upsert_person", map[string]any{"email": "zephyrine@example.com", "first_name": "Zephyrine"}))
	f.reset()
	out := okResult(t, call(t, mc, "search_people", map[string]any{"query": "zephyrine"}))
	if len(out["people"].([]any)) != 1 || len(f.reqs()) == 0 {
		t.Errorf("after the key's own write: %d requests, %v; want a new scan that finds Zephyrine", len(f.reqs()), out["people"])
	}
}

// TestScanRacingAWriteIsNotKept: a scan that started before a write by the
// same key is not cached when it ends after it.
func TestScanRacingAWriteIsNotKept(t *testing.T) {
	clk := &clock{time.Now()}
	rc := newRecordsCache(clk.now, 10, 1<<20)
	c := dummyClient(t, 0)
	_, gen := rc.scan(c)
	rc.forget(c)
	rc.put(c, gen, &peopleScan{complete: true})
	if sc, _ := rc.scan(c); sc != nil {
		t.Error("a scan that raced a write was cached")
	}
	_, gen = rc.scan(c)
	rc.put(c, gen, &peopleScan{complete: true})
	if sc, _ := rc.scan(c); sc == nil {
		t.Error("a scan after the write was not cached")
	}
}

// TestRecordsCacheStaysWithinItsBounds fills the cache from 10,000 keys
// with distinct records and checks, after every key, the bytes it accounts
// against its cap, that the account matches its entries, the number of
// keys, and finally that the heap it keeps is within twice the cap.
func TestRecordsCacheStaysWithinItsBounds(t *testing.T) {
	const keys, perKey, maxKeys, maxBytes = 10_000, 20, 500, 4 << 20
	clk := &clock{time.Now()}
	rc := newRecordsCache(clk.now, maxKeys, maxBytes)
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	for k := range keys {
		c := dummyClient(t, k)
		sc := &peopleScan{complete: true}
		for i := range perKey {
			x := indexPerson(demoLikePerson(k, i))
			sc.people = append(sc.people, x)
			sc.bytes += x.size()
		}
		_, gen := rc.scan(c)
		rc.put(c, gen, sc)
		rc.remember(c, demoLikePerson(k, perKey))
		bytes, n := rc.usage()
		if bytes > maxBytes || n > maxKeys {
			t.Fatalf("after %d keys: %d bytes in %d keys, caps %d and %d", k+1, bytes, n, maxBytes, maxKeys)
		}
		if k%1000 == 999 {
			if sum := recount(rc); sum != bytes {
				t.Fatalf("after %d keys: %d bytes accounted, entries hold %d", k+1, bytes, sum)
			}
		}
	}
	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	bytes, n := rc.usage()
	kept := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("10,000 keys: %d cached, %d bytes accounted, heap grew %d bytes (cap %d)", n, bytes, kept, maxBytes)
	if kept > 2*maxBytes {
		t.Errorf("heap kept %d bytes for a cache capped at %d", kept, maxBytes)
	}
	runtime.KeepAlive(rc)
}

// recount sums the sizes of the cache's entries.
func recount(rc *recordsCache) int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	sum := 0
	for e := rc.lru.Front(); e != nil; e = e.Next() {
		sum += e.Value.(*keyCache).size()
	}
	return sum
}

// dummyClient is a client that never sends a request: the cache only uses
// it as the key's identity.
func dummyClient(t *testing.T, n int) *klipy.Client {
	t.Helper()
	c, err := klipy.New(klipy.Options{BaseURL: "http://127.0.0.1:1/api/v1", APIKey: fmt.Sprintf("klipy_api_dummy_%d", n)})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// demoLikePerson is a person record about the size of the demo's.
func demoLikePerson(k, i int) *klipy.Person {
	first, last := fmt.Sprintf("First%d", i), fmt.Sprintf("Last%d", k)
	return &klipy.Person{
		ID: fmt.Sprintf("per_%05d_%03d", k, i), FirstName: first, LastName: last,
		Email: strings.ToLower(first+"."+last) + "@company.example", Title: "Head of Customer Success",
		Phone: "+1 555 0100 0000", LinkedIn: "https://linkedin.example/in/" + strings.ToLower(first+"-"+last),
		CompanyID: "cmp_0de099270d", Remarks: "Champion for the pilot. Prefers short emails; mornings CT work best.",
	}
}

// TestConcurrentSearchesShareOneScan: an assistant looking up four people
// at once costs one scan, not four.
func TestConcurrentSearchesShareOneScan(t *testing.T) {
	f, s, _ := newClockedEnv(t)
	mc := connect(t, s.mcp)
	f.SetLatency(50 * time.Millisecond) // the calls overlap the scan
	var wg sync.WaitGroup
	for _, q := range []string{"jordan", "maya", "josé", "lily chen"} {
		wg.Go(func() {
			res, err := callErr(t.Context(), mc, "search_people", map[string]any{"query": q})
			if err != nil || res.IsError {
				t.Errorf("%s: %v %v", q, err, res)
			}
		})
	}
	wg.Wait()
	if n := len(f.reqs()); n != 1 {
		t.Errorf("four concurrent searches sent %d requests, want 1 (one page of one shared scan)", n)
	}
}

// TestSharedScanIsBounded: a scan runs detached from the call that started
// it (others may wait for it), so scanTimeout bounds it.
func TestSharedScanIsBounded(t *testing.T) {
	f, s, _ := newClockedEnv(t)
	s.scanTimeout = 50 * time.Millisecond
	mc := connect(t, s.mcp)
	f.SetLatency(time.Minute)
	start := time.Now()
	msg := errText(t, call(t, mc, "search_people", map[string]any{"query": "jordan"}))
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("the scan took %s, want it stopped after about %s", d, s.scanTimeout)
	}
	if !strings.Contains(strings.ToLower(msg), "time") {
		t.Errorf("message %q does not say the search timed out", msg)
	}
}

// TestNamesAreBounded: a key keeps at most maxNamesPerKey names, and all of
// its entry goes after namesTTL without use.
func TestNamesAreBounded(t *testing.T) {
	clk := &clock{time.Now()}
	rc := newRecordsCache(clk.now, 10, 64<<20)
	c := dummyClient(t, 0)
	var people []*klipy.Person
	for i := range maxNamesPerKey + 10 {
		people = append(people, demoLikePerson(0, i))
	}
	rc.remember(c, people...)
	first, last := people[0].ID, people[len(people)-1].ID
	if got := rc.names(c, []string{first, last}); len(got) != 1 || got[first] == "" {
		t.Errorf("names after %d people: %v, want the first only", len(people), got)
	}
	clk.t = clk.t.Add(namesTTL - time.Second)
	if got := rc.names(c, []string{first}); len(got) != 1 {
		t.Error("a name was forgotten before namesTTL")
	}
	clk.t = clk.t.Add(namesTTL)
	if got := rc.names(c, []string{first}); len(got) != 0 {
		t.Errorf("names %v still known after namesTTL without use", got)
	}
	if bytes, keys := rc.usage(); keys != 0 || bytes != 0 {
		t.Errorf("an expired entry still holds %d bytes in %d keys", bytes, keys)
	}
}
