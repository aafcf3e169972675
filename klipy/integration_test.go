package klipy_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/klipy-ai/klipy-mcp/klipy"
	"github.com/klipy-ai/klipy-mcp/klipy/klipytest"
	"github.com/klipy-ai/klipy-mcp/klipy/klipytest/contracttest"
)

// The tests in this file run the client against the working fake of the
// API (klipytest) over real HTTP, behind a wrapper that validates every
// request and response against the contract (klipy/openapi.yaml).

// newFake starts the fake under prefix with one key and returns it with a
// client for that key.
func newFake(t *testing.T, key klipytest.Key, fopts klipytest.Options, mod ...func(*klipy.Options)) (*klipytest.Server, *klipy.Client) {
	t.Helper()
	fopts.BasePath = prefix
	fake := klipytest.New(fopts)
	fake.AddKey(key)
	srv := httptest.NewServer(contracttest.Wrap(t, fake, prefix))
	t.Cleanup(srv.Close)
	opts := klipy.Options{BaseURL: srv.URL + prefix, APIKey: key.Token, Limiter: klipy.NewLocalLimiter(), Version: "1.2.3"}
	for _, m := range mod {
		m(&opts)
	}
	c, err := klipy.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return fake, c
}

func allScopes(t *testing.T) klipytest.Key {
	return klipytest.Key{Token: testKey(t), Org: "acme", Scopes: []string{"ALL"}}
}

func must[T any](t *testing.T) func(v T, _ *klipy.Response, err error) T {
	return func(v T, _ *klipy.Response, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func TestAgainstFakeEveryOperation(t *testing.T) {
	t.Parallel()
	fake, c := newFake(t, allScopes(t), klipytest.Options{})
	fake.SetTeamName("acme", "Acme Inc")
	ctx := context.Background()

	ws := must[*klipy.Workspace](t)(c.Authenticate(ctx))
	if ws.Name != "Acme Inc" || ws.OrganizationID != "acme" || !ws.ScopesKnown || c.OrganizationID() != "acme" {
		t.Errorf("workspace = %+v", ws)
	}

	n := 40
	co := must[*klipy.Company](t)(c.Companies.Create(ctx, &klipy.CompanyInput{Name: "Acme", Domain: "acme.com", EmployeeCount: &n}))
	if co.ID == "" || co.Name != "Acme" || *co.EmployeeCount != 40 || co.CreatedAt.IsZero() {
		t.Errorf("created company = %+v", co)
	}
	co = must[*klipy.Company](t)(c.Companies.Update(ctx, co.ID, &klipy.CompanyInput{Industry: "Software"}))
	if got := must[*klipy.Company](t)(c.Companies.Get(ctx, co.ID)); got.Industry != "Software" || got.Domain != "acme.com" {
		t.Errorf("company after update = %+v", got)
	}

	p := must[*klipy.Person](t)(c.People.Create(ctx, &klipy.PersonInput{Email: "jordan@acme.com", FirstName: "Jordan", CompanyID: co.ID}))
	if p.ID == "" || p.Email != "jordan@acme.com" || p.CompanyID != co.ID {
		t.Errorf("created person = %+v", p)
	}
	p = must[*klipy.Person](t)(c.People.Update(ctx, p.ID, &klipy.PersonInput{Title: "CTO"}))
	up := must[*klipy.Person](t)(c.People.Upsert(ctx, &klipy.PersonInput{Email: "jordan@acme.com", LastName: "Patel"}))
	if up.ID != p.ID || up.Title != "CTO" || up.LastName != "Patel" {
		t.Errorf("upsert of an existing email = %+v, want the same person updated", up)
	}
	other := must[*klipy.Person](t)(c.People.Upsert(ctx, &klipy.PersonInput{Email: "sam@acme.com", FirstName: "Sam"}))
	if other.ID == p.ID {
		t.Error("upsert of a new email did not create a person")
	}
	if got := must[*klipy.Person](t)(c.People.Get(ctx, p.ID)); got.Title != "CTO" {
		t.Errorf("person = %+v", got)
	}
	page := must[*klipy.Page[*klipy.Person]](t)(c.People.Query(ctx, &klipy.PeopleQuery{Filter: &klipy.PeopleFilter{Email: "sam@acme.com"}}))
	if len(page.Items) != 1 || page.Items[0].ID != other.ID || page.HasMore {
		t.Errorf("query by email = %+v", page)
	}

	ic := must[*klipy.InteractionCreated](t)(c.Interactions.Create(ctx, &klipy.InteractionInput{Type: klipy.TypeMeeting,
		Direction: klipy.DirectionOutbound, Title: "Intro", MainContactEmail: "jordan@acme.com", PrimaryID: "sync-1", InteractionDate: 1748736000000}))
	dup := must[*klipy.InteractionCreated](t)(c.Interactions.Create(ctx, &klipy.InteractionInput{Type: klipy.TypeMeeting,
		Direction: klipy.DirectionOutbound, Title: "Intro", MainContactEmail: "jordan@acme.com", PrimaryID: "sync-1"}))
	if ic.IsDuplicate || !dup.IsDuplicate || dup.ID != ic.ID {
		t.Errorf("create = %+v, repeated with the same primaryId = %+v", ic, dup)
	}
	must[*klipy.InteractionCreated](t)(c.Interactions.Create(ctx, &klipy.InteractionInput{Type: klipy.TypeMemo,
		Direction: klipy.DirectionInternal, Title: "Note", MainContact: p.ID}))
	it := must[*klipy.Interaction](t)(c.Interactions.Get(ctx, ic.ID))
	if it.Title != "Intro" || it.InteractionDate.UnixMilli() != 1748736000000 || !cmp.Equal(it.Contacts, []string{p.ID}) || !cmp.Equal(it.Companies, []string{co.ID}) {
		t.Errorf("interaction = %+v", it)
	}
	ip := must[*klipy.Page[*klipy.Interaction]](t)(c.Interactions.Query(ctx, &klipy.InteractionsQuery{Filter: &klipy.InteractionFilter{ContactID: p.ID}}))
	if len(ip.Items) != 2 {
		t.Errorf("interactions of the person: %d, want 2", len(ip.Items))
	}
	var ids []string
	for it, err := range c.Interactions.All(ctx, klipy.InteractionsQuery{Limit: 1}) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, it.ID)
	}
	if len(ids) != 2 {
		t.Errorf("All with pages of 1 gave %v, want 2 interactions", ids)
	}

	if d := must[*klipy.DeleteResult](t)(c.People.Delete(ctx, other.ID)); !d.Deleted || d.ID != other.ID {
		t.Errorf("delete person = %+v", d)
	}
	if _, _, err := c.People.Get(ctx, other.ID); !errors.Is(err, klipy.ErrNotFound) {
		t.Errorf("get after delete: %v, want ErrNotFound", err)
	}
	if d := must[*klipy.DeleteResult](t)(c.Companies.Delete(ctx, co.ID)); !d.Deleted {
		t.Errorf("delete company = %+v", d)
	}

	for _, r := range fake.Requests() {
		if string(r.Key) != testKey(t) || r.Header.Get("User-Agent") != "klipy-mcp/1.2.3" {
			t.Errorf("%s %s: wrong key or User-Agent %q", r.Method, r.Path, r.Header.Get("User-Agent"))
		}
	}
}

func TestAgainstFakePagination(t *testing.T) {
	t.Parallel()
	_, c := newFake(t, allScopes(t), klipytest.Options{})
	ctx := context.Background()
	for i := range 7 {
		must[*klipy.Person](t)(c.People.Create(ctx, &klipy.PersonInput{Email: string(rune('a'+i)) + "@acme.com"}))
	}
	var emails []string
	for p, err := range c.People.All(ctx, klipy.PeopleQuery{Limit: 3}) {
		if err != nil {
			t.Fatal(err)
		}
		emails = append(emails, p.Email)
	}
	if len(emails) != 7 {
		t.Errorf("All gave %v, want 7 people", emails)
	}
}

func TestAgainstFakeScopes(t *testing.T) {
	t.Parallel()
	key := klipytest.Key{Token: testKey(t), Org: "acme", Scopes: []string{"people:read"}}
	t.Run("listed", func(t *testing.T) {
		fake, c := newFake(t, key, klipytest.Options{})
		must[*klipy.Workspace](t)(c.Authenticate(context.Background()))
		_, _, err := c.Companies.Delete(context.Background(), "c1")
		if !errors.Is(err, klipy.ErrMissingScope) || fake.Count() != 1 {
			t.Errorf("err = %v after %d requests, want a local refusal", err, fake.Count())
		}
	})
	t.Run("hidden", func(t *testing.T) {
		fake, c := newFake(t, key, klipytest.Options{HideScopes: true})
		ws := must[*klipy.Workspace](t)(c.Authenticate(context.Background()))
		_, _, err := c.Companies.Delete(context.Background(), "c1")
		if ws.ScopesKnown || !errors.Is(err, klipy.ErrForbidden) || !errors.Is(err, klipy.ErrMissingScope) || fake.Count() != 2 {
			t.Errorf("err = %v after %d requests, want a 403 mapped to ErrMissingScope", err, fake.Count())
		}
	})
	t.Run("declared", func(t *testing.T) {
		fake, c := newFake(t, key, klipytest.Options{HideScopes: true}, func(o *klipy.Options) { o.Scopes = []klipy.Scope{klipy.ScopePeopleRead} })
		_, _, err := c.People.Create(context.Background(), &klipy.PersonInput{Email: "a@b.co"})
		if !errors.Is(err, klipy.ErrMissingScope) || fake.Count() != 0 {
			t.Errorf("err = %v after %d requests, want a local refusal", err, fake.Count())
		}
	})
	t.Run("unknown key", func(t *testing.T) {
		_, c := newFake(t, key, klipytest.Options{}, func(o *klipy.Options) { o.APIKey = "klipy_api_wrong" })
		_, _, err := c.Authenticate(context.Background())
		if !errors.Is(err, klipy.ErrUnauthorized) || strings.Contains(err.Error(), "klipy_api_wrong") {
			t.Errorf("err = %v, want ErrUnauthorized without the key", err)
		}
	})
}

func TestAgainstFakeFaults(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("GET survives two 503s", func(t *testing.T) {
		fake, c := newFake(t, allScopes(t), klipytest.Options{})
		p := must[*klipy.Person](t)(c.People.Create(ctx, &klipy.PersonInput{Email: "a@acme.com"}))
		fake.FailNext(2, 503)
		if _, _, err := c.People.Get(ctx, p.ID); err != nil || fake.Count() != 4 {
			t.Errorf("err = %v after %d requests", err, fake.Count())
		}
	})
	t.Run("create not re-sent after a 503 or a drop", func(t *testing.T) {
		fake, c := newFake(t, allScopes(t), klipytest.Options{})
		fake.FailNext(1, 503)
		if _, _, err := c.People.Create(ctx, &klipy.PersonInput{Email: "a@acme.com"}); !errors.Is(err, klipy.ErrUnavailable) {
			t.Errorf("err = %v, want ErrUnavailable", err)
		}
		fake.DropNext(1)
		if _, _, err := c.Companies.Create(ctx, &klipy.CompanyInput{Name: "Acme"}); !errors.Is(err, klipy.ErrUnavailable) {
			t.Errorf("err = %v, want ErrUnavailable", err)
		}
		if fake.Count() != 2 {
			t.Errorf("%d requests, want 2 (no create re-sent)", fake.Count())
		}
	})
	t.Run("interaction with primaryId re-sent after a drop", func(t *testing.T) {
		fake, c := newFake(t, allScopes(t), klipytest.Options{})
		must[*klipy.Person](t)(c.People.Create(ctx, &klipy.PersonInput{Email: "a@acme.com"}))
		fake.DropNext(1)
		res := must[*klipy.InteractionCreated](t)(c.Interactions.Create(ctx, &klipy.InteractionInput{Type: "EMAIL", Direction: "INBOUND",
			Title: "t", MainContactEmail: "a@acme.com", PrimaryID: "p-1"}))
		if res.ID == "" || fake.Count() != 3 {
			t.Errorf("result %+v after %d requests", res, fake.Count())
		}
	})
	t.Run("short 429 storm is waited out", func(t *testing.T) {
		fake, c := newFake(t, allScopes(t), klipytest.Options{})
		fake.ThrottleNext(1, time.Second)
		if _, _, err := c.Authenticate(ctx); err != nil || fake.Count() != 2 {
			t.Errorf("err = %v after %d requests", err, fake.Count())
		}
	})
	t.Run("long 429 is returned", func(t *testing.T) {
		fake, c := newFake(t, allScopes(t), klipytest.Options{})
		fake.ThrottleNext(1, 45*time.Second)
		_, _, err := c.Authenticate(ctx)
		if d, ok := klipy.RetryAfter(err); !errors.Is(err, klipy.ErrRateLimited) || !ok || d != 45*time.Second {
			t.Errorf("err = %v, RetryAfter %v", err, d)
		}
	})
	t.Run("malformed and oversized answers", func(t *testing.T) {
		fake, c := newFake(t, allScopes(t), klipytest.Options{})
		fake.MalformNext(1)
		if _, _, err := c.Authenticate(ctx); !errors.Is(err, klipy.ErrUnavailable) {
			t.Errorf("malformed: err = %v", err)
		}
		fake.OversizeNext(1, 11<<20)
		if _, _, err := c.Authenticate(ctx); !errors.Is(err, klipy.ErrUnavailable) || !strings.Contains(err.Error(), "MiB") {
			t.Errorf("oversized: err = %v", err)
		}
	})
}

// TestAgainstFakeSustainedDemand measures the upstream budget used under
// sustained demand against the fake's real limits (fixed one-minute
// windows, 200/min per key), in fake time: 16 workers for 10 minutes.
func TestAgainstFakeSustainedDemand(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		fake := klipytest.New(klipytest.Options{LogLimit: -1})
		fake.AddKey(allScopes(t))
		c := newMemClient(t, testKey(t), fake, func(o *klipy.Options) {
			o.HTTPClient = &http.Client{Transport: klipytest.NewTransport(fake)}
		})
		must[*klipy.Workspace](t)(c.Authenticate(context.Background()))
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		var wg sync.WaitGroup
		for range 16 {
			wg.Go(func() {
				for ctx.Err() == nil {
					_, _, err := c.Companies.Get(ctx, "missing")
					if d, ok := klipy.RetryAfter(err); ok {
						time.Sleep(d)
					}
				}
			})
		}
		wg.Wait()
		counts := fake.CountByStatus()
		served := counts[404]
		perMinute := float64(served) / 10
		t.Logf("klipytest, sustained demand: %d requests answered in 10 min = %.1f/min (%.1f%% of 200/min), %d answered 429",
			served, perMinute, perMinute/2, counts[429])
		if perMinute < 190 || counts[429] != 0 {
			t.Errorf("%.1f/min with %d 429s; want ≥ 190/min and no 429", perMinute, counts[429])
		}
	})
}
