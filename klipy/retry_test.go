package klipy_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/klipy-ai/klipy-mcp/klipy"
)

var unavailable = reply(503, `{"error":{"code":"unavailable","message":"try later"}}`)

// TestRetryRules checks which calls are re-sent after a 5xx and which not.
func TestRetryRules(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := []struct {
		name     string
		handler  http.HandlerFunc
		do       func(c *klipy.Client) error
		requests int
		wantErr  error // nil for success
	}{
		{"GET after two 503s succeeds", sequence(unavailable, reply(502, "bad gateway"), reply(200, envelope(personJSON))),
			func(c *klipy.Client) error { _, _, err := c.People.Get(ctx, "p1"); return err }, 3, nil},
		{"GET gives up after three attempts", unavailable,
			func(c *klipy.Client) error { _, _, err := c.People.Get(ctx, "p1"); return err }, 3, klipy.ErrUnavailable},
		{"query is retried", sequence(reply(504, ""), reply(200, listEnvelope(""))),
			func(c *klipy.Client) error { _, _, err := c.People.Query(ctx, nil); return err }, 2, nil},
		{"PATCH is retried", sequence(unavailable, reply(200, envelope(personJSON))),
			func(c *klipy.Client) error {
				_, _, err := c.People.Update(ctx, "p1", &klipy.PersonInput{Title: "CEO"})
				return err
			}, 2, nil},
		{"PUT is retried", sequence(unavailable, reply(200, envelope(personJSON))),
			func(c *klipy.Client) error {
				_, _, err := c.People.Upsert(ctx, &klipy.PersonInput{Email: "a@b.co"})
				return err
			}, 2, nil},
		{"DELETE is retried", sequence(unavailable, reply(200, envelope(`{"id":"c1","deleted":true}`))),
			func(c *klipy.Client) error { _, _, err := c.Companies.Delete(ctx, "c1"); return err }, 2, nil},
		{"person create after a 503 is not re-sent", sequence(unavailable, reply(200, envelope(personJSON))),
			func(c *klipy.Client) error {
				_, _, err := c.People.Create(ctx, &klipy.PersonInput{Email: "a@b.co"})
				return err
			}, 1, klipy.ErrUnavailable},
		{"company create after a 502 is not re-sent", sequence(reply(502, ""), reply(200, envelope(companyJSON))),
			func(c *klipy.Client) error {
				_, _, err := c.Companies.Create(ctx, &klipy.CompanyInput{Name: "Acme"})
				return err
			}, 1, klipy.ErrUnavailable},
		{"interaction create without primaryId is not re-sent", sequence(unavailable, reply(200, envelope(`{"id":"i1","isDuplicate":false}`))),
			func(c *klipy.Client) error {
				_, _, err := c.Interactions.Create(ctx, &klipy.InteractionInput{Type: "MEMO", Direction: "INTERNAL", Title: "t", MainContact: "p1"})
				return err
			}, 1, klipy.ErrUnavailable},
		{"interaction create with primaryId is retried", sequence(unavailable, reply(200, envelope(`{"id":"i1","isDuplicate":true}`))),
			func(c *klipy.Client) error {
				_, _, err := c.Interactions.Create(ctx, &klipy.InteractionInput{Type: "MEMO", Direction: "INTERNAL", Title: "t", MainContact: "p1", PrimaryID: "x1"})
				return err
			}, 2, nil},
		{"400 is not retried", reply(400, `{"error":{"code":"bad","message":"bad"}}`),
			func(c *klipy.Client) error { _, _, err := c.People.Get(ctx, "p1"); return err }, 1, klipy.ErrValidation},
		{"500 is not retried", reply(500, `{"error":{"code":"internal","message":"bug"}}`),
			func(c *klipy.Client) error { _, _, err := c.People.Get(ctx, "p1"); return err }, 1, klipy.ErrUnavailable},
		{"404 is not retried", reply(404, `{"error":{"code":"not_found","message":"gone"}}`),
			func(c *klipy.Client) error { _, _, err := c.People.Get(ctx, "p1"); return err }, 1, klipy.ErrNotFound},
		{"408 is retried", sequence(reply(408, ""), reply(200, envelope(personJSON))),
			func(c *klipy.Client) error { _, _, err := c.People.Get(ctx, "p1"); return err }, 2, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var attempts []int
			c, a := newTestClient(t, tt.handler, func(o *klipy.Options) {
				o.Hooks.Request = func(op string, status int, d time.Duration) { attempts = append(attempts, status) }
			})
			err := tt.do(c)
			if tt.wantErr == nil && err != nil || tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("err = %v, want %v", err, tt.wantErr)
			}
			if n := len(a.requests()); n != tt.requests {
				t.Errorf("%d requests reached the server, want %d", n, tt.requests)
			}
			if len(attempts) != tt.requests {
				t.Errorf("Hooks.Request saw %v, want %d attempts", attempts, tt.requests)
			}
		})
	}
}

// dropper is a server that accepts connections and closes them unanswered:
// a request that reached the server and got no answer.
func dropper(t *testing.T) (addr string, accepted *atomic.Int32) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	accepted = new(atomic.Int32)
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			buf := make([]byte, 4096)
			conn.Read(buf)
			conn.Close()
		}
	}()
	return ln.Addr().String(), accepted
}

func TestCreateNotResentAfterNetworkError(t *testing.T) {
	t.Parallel()
	addr, accepted := dropper(t)
	c, err := klipy.New(klipy.Options{BaseURL: "http://" + addr + prefix, APIKey: testKey(t), Limiter: klipy.NewLocalLimiter(),
		HTTPClient: &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}})
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = c.People.Create(ctxTimeout(t, 10*time.Second), &klipy.PersonInput{Email: "a@b.co"})
	if !errors.Is(err, klipy.ErrUnavailable) {
		t.Errorf("err = %v, want ErrUnavailable", err)
	}
	if n := accepted.Load(); n != 1 {
		t.Errorf("create sent %d times, want 1", n)
	}
	_, _, err = c.People.Get(ctxTimeout(t, 10*time.Second), "p1")
	if n := accepted.Load(); !errors.Is(err, klipy.ErrUnavailable) || n != 4 {
		t.Errorf("get: err = %v after %d connections in all, want ErrUnavailable after 3 more", err, n)
	}
}

// TestCreateRetriedAfterRefusedDial: a dial that was refused sent nothing,
// so even a create may try again (here it reaches a server on the retry).
func TestCreateRetriedAfterRefusedDial(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(reply(200, envelope(personJSON)))
	defer srv.Close()
	var dials atomic.Int32
	tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		if dials.Add(1) == 1 {
			return nil, &net.OpError{Op: "dial", Net: network, Err: errors.New("connection refused")}
		}
		return (&net.Dialer{}).DialContext(ctx, network, srv.Listener.Addr().String())
	}}
	c, err := klipy.New(klipy.Options{BaseURL: srv.URL + prefix, APIKey: testKey(t), Limiter: klipy.NewLocalLimiter(), HTTPClient: &http.Client{Transport: tr}})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.People.Create(context.Background(), &klipy.PersonInput{Email: "a@b.co"}); err != nil {
		t.Errorf("create after a refused dial: %v", err)
	}
	if n := dials.Load(); n != 2 {
		t.Errorf("%d dials, want 2", n)
	}
}

// TestRetryStopsAtDeadline: a backoff that would pass the deadline is not
// taken; the error comes back before the deadline. (Fake time: the first
// backoff is 50–100 ms and fits, the second is 100–200 ms and does not.)
func TestRetryStopsAtDeadline(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv := &counting{h: unavailable}
		c := newMemClient(t, testKey(t), srv)
		ctx := ctxTimeout(t, 120*time.Millisecond)
		_, _, err := c.People.Get(ctx, "p1")
		if !errors.Is(err, klipy.ErrUnavailable) || ctx.Err() != nil || srv.n.Load() != 2 {
			t.Errorf("err = %v, ctx.Err() = %v after %d requests; want ErrUnavailable before the deadline after 2", err, ctx.Err(), srv.n.Load())
		}
	})
}

func TestTimeoutBoundsOneAttempt(t *testing.T) {
	t.Parallel()
	block := make(chan struct{})
	defer close(block)
	c, a := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-block:
		case <-r.Context().Done():
		}
	}, func(o *klipy.Options) { o.Timeout = 50 * time.Millisecond })
	_, _, err := c.People.Get(ctxTimeout(t, 10*time.Second), "p1")
	if !errors.Is(err, klipy.ErrUnavailable) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want ErrUnavailable wrapping a deadline", err)
	}
	if n := len(a.requests()); n != 3 {
		t.Errorf("%d attempts, want 3", n)
	}
}

// TestBudgetBoundsLastAttempt: a call whose context has no deadline ends
// when its budget is spent, in the middle of an attempt if need be. With a
// 20 s timeout the budget is 3 × 20 s + 3 × 10 s = 90 s: three 429s of
// 10 s each, then three attempts that hang, the last of which starts
// after 70 s and is cut at 90 s, not 20 s after its start.
func TestBudgetBoundsLastAttempt(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		busy := withHeader("Retry-After", "10", reply(429, `{}`))
		hang := func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }
		srv := &counting{h: sequence(busy, busy, busy, hang)}
		c := newMemClient(t, testKey(t), srv, func(o *klipy.Options) { o.Timeout = 20 * time.Second })
		start := time.Now()
		_, _, err := c.People.Get(context.Background(), "p1")
		if d := time.Since(start); !errors.Is(err, context.DeadlineExceeded) || d != 90*time.Second || srv.n.Load() != 6 {
			t.Errorf("err = %v after %v and %d requests; want a passed deadline after 90s and 6", err, d, srv.n.Load())
		}
	})
}
