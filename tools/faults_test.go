package tools

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/klipy-ai/klipy-mcp/klipy"
)

// TestFaultsBecomeIsErrorResults injects each fault of SPEC §10 in front of
// a read and checks that the model gets an isError result that says what
// happened, within the deadline. Every case but the timeout gets a generous
// deadline, so that reading an 11 MiB body under -race on a loaded machine
// does not turn into a timeout and hide the fault under test.
func TestFaultsBecomeIsErrorResults(t *testing.T) {
	cases := []struct {
		name   string
		inject func(f *fake)
		want   []string
	}{
		{"5xx burst", func(f *fake) { f.FailNext(10, http.StatusBadGateway) }, []string{"unavailable", "502", "even after retries"}},
		{"dropped connections", func(f *fake) { f.DropNext(10) }, []string{"unavailable", "EOF", "even after retries"}},
		{"429 storm", func(f *fake) { f.ThrottleNext(10, 90*time.Second) }, []string{"Retry in 90 seconds"}},
		{"malformed JSON", func(f *fake) { f.MalformNext(10) }, []string{"unavailable", "JSON"}},
		{"oversized body", func(f *fake) { f.OversizeNext(10, klipy.MaxResponseBytes+1<<20) }, []string{"unavailable", "10 MiB"}},
		{"timeout", func(f *fake) { f.SetLatency(2 * time.Second) }, []string{"unavailable", "deadline exceeded"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFake(t)
			timeout := 3 * time.Second
			if c.name == "timeout" {
				timeout = 150 * time.Millisecond
			}
			kc, err := klipy.New(klipy.Options{BaseURL: f.url, APIKey: f.addKey(), RateLimit: unlimits,
				OrgLimit: unlimits, Timeout: timeout})
			if err != nil {
				t.Fatal(err)
			}
			// A checked key, so that the call itself meets the fault (an
			// unchecked key's call is refused before it is sent).
			if err := kc.Discover(t.Context()); err != nil {
				t.Fatal(err)
			}
			mc := connect(t, newServer(t, Config{Client: kc}))
			c.inject(f)
			start := time.Now()
			msg := errText(t, call(t, mc, "get_person", map[string]any{"person_id": jordanID}))
			if d := time.Since(start); d > 8*time.Second {
				t.Errorf("answered after %v", d)
			}
			for _, w := range c.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message %q lacks %q", msg, w)
				}
			}
		})
	}
}

// TestFaultsNeverDuplicateCreates checks that a create whose request may
// have reached Klipy is not sent again, and that the model is told what to
// check before it retries.
func TestFaultsNeverDuplicateCreates(t *testing.T) {
	for name, inject := range map[string]func(f *fake){
		"503":     func(f *fake) { f.FailNext(1, http.StatusServiceUnavailable) },
		"dropped": func(f *fake) { f.DropNext(1) },
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, Config{})
			inject(e.fake)
			msg := errText(t, call(t, e.mc, "create_person", map[string]any{"email": "new.person@example.com"}))
			if !strings.Contains(msg, "may or may not have been created") || strings.Contains(msg, "even after retries") {
				t.Errorf("message %q does not say the create may have happened and was not retried", msg)
			}
			if n := countRequests(e.fake, "POST", "/people"); n != 1 {
				t.Errorf("create_person sent %d POST /people, want exactly 1", n)
			}
		})
	}
}

// TestFaultsRetryInteractionsWithExternalID checks that a logged interaction
// carrying external_id is retried after a dropped connection (Klipy
// de-duplicates it), so the call succeeds.
func TestFaultsRetryInteractionsWithExternalID(t *testing.T) {
	e := newEnv(t, Config{})
	e.fake.DropNext(1)
	out := okResult(t, call(t, e.mc, "log_interaction", map[string]any{"type": "MEMO", "direction": "INTERNAL",
		"title": "Note", "person_id": jordanID, "external_id": "note-1"}))
	if out["is_duplicate"] != false {
		t.Errorf("result = %v, want a new interaction", out)
	}
	if n := countRequests(e.fake, "POST", "/interactions"); n != 2 {
		t.Errorf("%d POST /interactions, want 2 (the dropped one and its retry)", n)
	}
}

func countRequests(f *fake, method, path string) int {
	n := 0
	for _, r := range f.reqs() {
		if r.Method == method && r.Path == path {
			n++
		}
	}
	return n
}
