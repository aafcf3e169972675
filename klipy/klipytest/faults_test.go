package klipytest_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"testing/synctest"
	"time"

	"github.com/klipy-ai/klipy-mcp/klipy/klipytest"
)

func TestLatency(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := klipytest.NewSandbox()
		hc := &http.Client{Transport: klipytest.NewTransport(srv)}
		srv.SetLatency(3 * time.Second)
		start := time.Now()
		must(t, doRequest(t, hc, klipytest.SandboxKey, "GET", sandboxURL+"/authenticate", nil), 200)
		if d := time.Since(start); d != 3*time.Second {
			t.Errorf("request took %v, want the injected 3s", d)
		}

		// A caller that gives up early is not held for the whole delay.
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		req := httptest.NewRequest("GET", sandboxURL+"/authenticate", nil).WithContext(ctx)
		req.Header.Set("Authorization", "Bearer "+klipytest.SandboxKey)
		rec := httptest.NewRecorder()
		start = time.Now()
		srv.ServeHTTP(rec, req)
		if d := time.Since(start); d != time.Second || rec.Code != http.StatusServiceUnavailable {
			t.Errorf("cancelled request: %v, status %d; want 1s, 503", d, rec.Code)
		}

		srv.SetLatency(0)
		start = time.Now()
		must(t, doRequest(t, hc, klipytest.SandboxKey, "GET", sandboxURL+"/authenticate", nil), 200)
		if d := time.Since(start); d != 0 {
			t.Errorf("latency off: request took %v", d)
		}
	})
}

func TestFailNext(t *testing.T) {
	a := newAPI(t, klipytest.Options{})
	a.srv.FailNext(2, http.StatusServiceUnavailable)
	for range 2 {
		r := a.do(allKey, "POST", "/people", `{"email":"never@acme.example"}`)
		mustFail(t, r, 503, "injected_fault")
		if r.header.Get(klipytest.FaultHeader) != "status" {
			t.Errorf("fault header = %q", r.header.Get(klipytest.FaultHeader))
		}
	}
	if got := a.walk(allKey, "/people/query", 10, nil); len(got) != 0 {
		t.Errorf("failed creates stored %d people", len(got))
	}
	a.srv.FailNext(1, http.StatusTooManyRequests)
	r := a.do(allKey, "GET", "/authenticate", nil)
	mustFail(t, r, 429, "injected_fault")
	if r.header.Get("Retry-After") != "1" {
		t.Errorf("Retry-After = %q, want 1", r.header.Get("Retry-After"))
	}
	must(t, a.do(allKey, "GET", "/authenticate", nil), 200)
}

func TestThrottleNext(t *testing.T) {
	a := newAPI(t, klipytest.Options{})
	a.srv.ThrottleNext(2, 2500*time.Millisecond)
	for range 2 {
		r := a.do(allKey, "GET", "/authenticate", nil)
		mustFail(t, r, 429, "rate_limited")
		if r.header.Get("Retry-After") != "3" || r.header.Get("X-RateLimit-Remaining") != "0" {
			t.Errorf("headers = %v", r.header)
		}
	}
	r := must(t, a.do(allKey, "GET", "/authenticate", nil), 200)
	// Injected 429s do not use up the real window.
	if got := r.header.Get("X-RateLimit-Remaining"); got != "199" {
		t.Errorf("remaining after the storm = %s, want 199", got)
	}
}

func TestDropNext(t *testing.T) {
	a := newAPI(t, klipytest.Options{})
	hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	a.srv.DropNext(1)
	req, _ := http.NewRequest("POST", a.url+"/people/query", nil)
	req.Header.Set("Authorization", "Bearer "+allKey)
	if resp, err := hc.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("dropped connection answered %d", resp.StatusCode)
	}
	must(t, doRequest(t, hc, allKey, "POST", a.url+"/people/query", "{}"), 200)
	if got := a.srv.CountByStatus()[klipytest.StatusDropped]; got != 1 {
		t.Errorf("dropped count = %d, want 1", got)
	}
}

func TestMalformedAndOversized(t *testing.T) {
	a := newAPI(t, klipytest.Options{})
	a.srv.MalformNext(1)
	r := must(t, a.do(allKey, "GET", "/authenticate", nil), 200)
	if json.Valid(r.raw) || r.header.Get("Content-Type") != "application/json" {
		t.Errorf("malformed body is valid JSON: %s", r.raw)
	}
	a.srv.OversizeNext(1, 3<<20)
	r = must(t, a.do(allKey, "GET", "/authenticate", nil), 200)
	if len(r.raw) != 3<<20 || !json.Valid(r.raw) {
		t.Errorf("oversized body: %d bytes, valid JSON %v; want exactly 3 MiB of JSON", len(r.raw), json.Valid(r.raw))
	}
	r = must(t, a.do(allKey, "GET", "/authenticate", nil), 200)
	if r.data()["organization_id"] != "acme" {
		t.Errorf("after the faults: %s", r.raw)
	}
}

func TestDenyWrites(t *testing.T) {
	a := newAPI(t, klipytest.Options{})
	pid := a.createPerson(map[string]any{"email": "keep@acme.example"})
	cid := a.createCompany(map[string]any{"name": "Keep"})
	a.srv.DenyWrites(true)
	a.srv.ResetRequests()
	writes := []struct{ method, path, body string }{
		{"POST", "/people", `{"email":"new@acme.example"}`},
		{"PUT", "/people", `{"email":"keep@acme.example","title":"x"}`},
		{"PATCH", "/people/" + pid, `{"title":"x"}`},
		{"DELETE", "/people/" + pid, ""},
		{"POST", "/companies", `{"name":"x"}`},
		{"PATCH", "/companies/" + cid, `{"name":"x"}`},
		{"DELETE", "/companies/" + cid, ""},
		{"POST", "/interactions", `{"type":"MEMO","direction":"INTERNAL","title":"t","mainContact":"` + pid + `"}`},
	}
	for _, w := range writes {
		var body any
		if w.body != "" {
			body = w.body
		}
		mustFail(t, a.do(allKey, w.method, w.path, body), 500, "writes_denied")
	}
	if p := must(t, a.do(allKey, "GET", "/people/"+pid, nil), 200).data(); p["title"] != nil {
		t.Errorf("denied write changed the person: %v", p)
	}
	must(t, a.do(allKey, "POST", "/interactions/query", "{}"), 200)
	if got := a.srv.CountByStatus()[500]; got != len(writes) {
		t.Errorf("logged %d refused writes, want %d", got, len(writes))
	}
	a.srv.DenyWrites(false)
	must(t, a.do(allKey, "PATCH", "/people/"+pid, `{"title":"x"}`), 200)
}

func TestDrift(t *testing.T) {
	a := newAPI(t, klipytest.Options{})
	pid := a.createPerson(map[string]any{"email": "drift@acme.example"})
	a.srv.SetDrift(true)
	r := must(t, a.do(allKey, "GET", "/people/"+pid, nil), 200)
	if _, ok := r.env["meta"]; ok {
		t.Error("drift kept meta")
	}
	if d := r.data(); d["emailAddress"] != "drift@acme.example" || d["email"] != nil {
		t.Errorf("drifted person = %v", d)
	}
	list := must(t, a.do(allKey, "POST", "/people/query", "{}"), 200).list()
	if len(list) != 1 || list[0]["emailAddress"] == nil {
		t.Errorf("drifted list = %v", list)
	}
	a.srv.ClearFaults()
	r = must(t, a.do(allKey, "GET", "/people/"+pid, nil), 200)
	if r.env["meta"] == nil || r.data()["email"] != "drift@acme.example" {
		t.Errorf("after ClearFaults: %s", r.raw)
	}
}

func TestClearFaults(t *testing.T) {
	a := newAPI(t, klipytest.Options{})
	a.srv.FailNext(3, 500)
	a.srv.DenyWrites(true)
	a.srv.SetLatency(time.Hour)
	a.srv.ClearFaults()
	must(t, a.do(allKey, "POST", "/people", `{"email":"ok@acme.example"}`), 200)
}
