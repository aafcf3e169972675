package klipytest_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/klipy-ai/klipy-mcp/klipy/klipytest"
)

func TestRequestLog(t *testing.T) {
	a := newAPI(t, klipytest.Options{})
	must(t, a.do(readKey, "POST", "/people/query", `{"limit":5}`), 200)
	req, _ := http.NewRequest("GET", a.url+"/authenticate", nil)
	req.Header.Set("X-Klipy-Api-Key", allKey)
	req.Header.Set("User-Agent", "klipy-mcp-test")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	a.do("klipy_api_bogus", "GET", "/authenticate", nil)

	log := a.srv.Requests()
	if len(log) != 3 {
		t.Fatalf("log has %d entries, want 3", len(log))
	}
	q := log[0]
	got := []any{q.Method, q.Path, q.Op, string(q.Body), q.Status, string(q.Key), q.Org, q.Header.Get("Authorization")}
	want := []any{"POST", "/people/query", "queryPeople", `{"limit":5}`, 200, readKey, "acme", "[REDACTED]"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("query entry (-want +got):\n%s", diff)
	}
	if log[1].Header.Get("X-Klipy-Api-Key") != "[REDACTED]" || string(log[1].Key) != allKey || log[1].Header.Get("User-Agent") != "klipy-mcp-test" {
		t.Errorf("authenticate entry = %+v", log[1])
	}
	if log[2].Status != 401 || log[2].Org != "" || log[2].Op != "" {
		t.Errorf("401 entry = %+v", log[2])
	}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		if s := fmt.Sprintf(verb, log); strings.Contains(s, allKey) || strings.Contains(s, readKey) {
			t.Errorf("fmt %s of the log shows a key: %s", verb, s)
		}
	}
	if diff := cmp.Diff(map[int]int{200: 2, 401: 1}, a.srv.CountByStatus()); diff != "" {
		t.Errorf("CountByStatus (-want +got):\n%s", diff)
	}
	a.srv.ResetRequests()
	if len(a.srv.Requests()) != 0 || a.srv.Count() != 0 {
		t.Errorf("after reset: %d entries, count %d", len(a.srv.Requests()), a.srv.Count())
	}
}

func TestLogLimit(t *testing.T) {
	for _, tt := range []struct{ limit, kept int }{{2, 2}, {-1, 0}, {0, 5}} {
		a := newAPI(t, klipytest.Options{LogLimit: tt.limit})
		for i := range 5 {
			a.do(allKey, "POST", "/people/query", fmt.Sprintf(`{"limit":%d}`, i+1))
		}
		log := a.srv.Requests()
		if len(log) != tt.kept || a.srv.Count() != 5 {
			t.Errorf("limit %d: kept %d, count %d; want %d, 5", tt.limit, len(log), a.srv.Count(), tt.kept)
		}
		if tt.kept > 0 && string(log[len(log)-1].Body) != `{"limit":5}` {
			t.Errorf("limit %d: newest entry is %s", tt.limit, log[len(log)-1].Body)
		}
	}
}

func TestConcurrentUse(t *testing.T) {
	a := newAPI(t, klipytest.Options{KeyLimit: 10000, OrgLimit: 10000})
	cid := a.createCompany(map[string]any{"name": "Busy"})
	const n = 24
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Go(func() { // flip harmless switches while requests fly
		for {
			select {
			case <-stop:
				return
			default:
			}
			a.srv.SetLatency(0)
			a.srv.DenyWrites(false)
			a.srv.SetDrift(false)
			a.srv.AddKey(klipytest.Key{Token: "klipy_api_churn", Org: "acme"})
			_ = a.srv.CountByStatus()
		}
	})
	var workers sync.WaitGroup
	for i := range n {
		workers.Go(func() {
			r := a.do(allKey, "POST", "/people", map[string]any{"email": fmt.Sprintf("p%d@busy.example", i), "companyId": cid})
			if r.status != 200 {
				t.Errorf("create: %d %s", r.status, r.raw)
				return
			}
			pid := r.data()["id"].(string)
			a.do(allKey, "POST", "/interactions", map[string]any{
				"type": "EMAIL", "direction": "OUTBOUND", "title": "hello", "mainContact": pid, "primaryId": "same-for-all",
			})
			a.do(allKey, "PATCH", "/people/"+pid, `{"title":"Busy"}`)
			a.do(readKey, "POST", "/people/query", `{"filter":{"companyId":"`+cid+`"}}`)
			a.do(allKey, "GET", "/authenticate", nil)
			_ = a.srv.Requests()
		})
	}
	workers.Wait()
	close(stop)
	wg.Wait()
	if got := len(a.walk(readKey, "/people/query", 100, map[string]any{"companyId": cid})); got != n {
		t.Errorf("people = %d, want %d", got, n)
	}
	// One primaryId, many racing creates: exactly one interaction.
	if got := len(a.walk(readKey, "/interactions/query", 100, nil)); got != 1 {
		t.Errorf("interactions with one primaryId = %d, want 1", got)
	}
	if got := a.srv.Count(); got != 1+5*n+2 {
		t.Errorf("Count = %d, want %d", got, 1+5*n+2)
	}
}

// TestLogCompleteOnAnswer checks that a request is in the log by the time
// its client has the response, even for large answers.
func TestLogCompleteOnAnswer(t *testing.T) {
	a := newDemoAPI(t)
	for i := range 20 {
		must(t, a.do(readKey, "POST", "/interactions/query", `{"limit":100}`), 200)
		if got := a.srv.Count(); got != i+1 {
			t.Fatalf("after answer %d the log counts %d requests", i+1, got)
		}
	}
}
