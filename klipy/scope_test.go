package klipy_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/klipy-ai/klipy-mcp/klipy"
)

// everyOperation calls each operation once.
var everyOperation = map[string]func(c *klipy.Client) error{
	"authenticate": func(c *klipy.Client) error { _, _, err := c.Authenticate(context.Background()); return err },
	"getPerson":    func(c *klipy.Client) error { _, _, err := c.People.Get(context.Background(), "p1"); return err },
	"queryPeople":  func(c *klipy.Client) error { _, _, err := c.People.Query(context.Background(), nil); return err },
	"createPerson": func(c *klipy.Client) error {
		_, _, err := c.People.Create(context.Background(), &klipy.PersonInput{Email: "a@b.co"})
		return err
	},
	"upsertPerson": func(c *klipy.Client) error {
		_, _, err := c.People.Upsert(context.Background(), &klipy.PersonInput{Email: "a@b.co"})
		return err
	},
	"updatePerson": func(c *klipy.Client) error {
		_, _, err := c.People.Update(context.Background(), "p1", &klipy.PersonInput{Title: "x"})
		return err
	},
	"deletePerson": func(c *klipy.Client) error { _, _, err := c.People.Delete(context.Background(), "p1"); return err },
	"getCompany":   func(c *klipy.Client) error { _, _, err := c.Companies.Get(context.Background(), "c1"); return err },
	"createCompany": func(c *klipy.Client) error {
		_, _, err := c.Companies.Create(context.Background(), &klipy.CompanyInput{Name: "A"})
		return err
	},
	"updateCompany": func(c *klipy.Client) error {
		_, _, err := c.Companies.Update(context.Background(), "c1", &klipy.CompanyInput{Name: "A"})
		return err
	},
	"deleteCompany":  func(c *klipy.Client) error { _, _, err := c.Companies.Delete(context.Background(), "c1"); return err },
	"getInteraction": func(c *klipy.Client) error { _, _, err := c.Interactions.Get(context.Background(), "i1"); return err },
	"queryInteractions": func(c *klipy.Client) error {
		_, _, err := c.Interactions.Query(context.Background(), nil)
		return err
	},
	"createInteraction": func(c *klipy.Client) error {
		_, _, err := c.Interactions.Create(context.Background(), &klipy.InteractionInput{Type: "MEMO", Direction: "INTERNAL", Title: "t", MainContact: "p1"})
		return err
	},
}

// scopeOf is the scope table of the contract (x-required-scope), with
// authenticate open to every valid key.
var scopeOf = map[string]klipy.Scope{
	"authenticate": "",
	"getPerson":    klipy.ScopePeopleRead, "queryPeople": klipy.ScopePeopleRead,
	"createPerson": klipy.ScopePeopleWrite, "upsertPerson": klipy.ScopePeopleWrite,
	"updatePerson": klipy.ScopePeopleWrite, "deletePerson": klipy.ScopePeopleWrite,
	"getCompany": klipy.ScopeCompaniesRead, "createCompany": klipy.ScopeCompaniesWrite,
	"updateCompany": klipy.ScopeCompaniesWrite, "deleteCompany": klipy.ScopeCompaniesRemove,
	"getInteraction": klipy.ScopeInteractionsRead, "queryInteractions": klipy.ScopeInteractionsRead,
	"createInteraction": klipy.ScopeInteractionsWrite,
}

func TestOperationScope(t *testing.T) {
	t.Parallel()
	for op, want := range scopeOf {
		if got, ok := klipy.OperationScope(op); !ok || got != want {
			t.Errorf("OperationScope(%s) = %q, %v; want %q", op, got, ok, want)
		}
	}
	if _, ok := klipy.OperationScope("nope"); ok {
		t.Error("OperationScope of an unknown operation reports ok")
	}
}

// TestScopeRefusal: with declared scopes, every operation the key lacks is
// refused before any request; the others are sent.
func TestScopeRefusal(t *testing.T) {
	t.Parallel()
	declared := []klipy.Scope{klipy.ScopePeopleRead, klipy.ScopeInteractionsWrite}
	for op, call := range everyOperation {
		t.Run(op, func(t *testing.T) {
			c, a := newTestClient(t, reply(200, `{}`), func(o *klipy.Options) { o.Scopes = declared })
			err := call(c)
			need := scopeOf[op]
			allowed := need == "" || need == klipy.ScopePeopleRead || need == klipy.ScopeInteractionsWrite
			var se *klipy.ScopeError
			if allowed {
				if errors.As(err, &se) || len(a.requests()) != 1 {
					t.Errorf("allowed operation: err = %v after %d requests, want it sent", err, len(a.requests()))
				}
				return
			}
			if !errors.As(err, &se) || se.Scope != need || se.Op != op || !errors.Is(err, klipy.ErrMissingScope) || !errors.Is(err, klipy.ErrForbidden) {
				t.Errorf("err = %v, want a ScopeError for %s", err, need)
			}
			if n := len(a.requests()); n != 0 {
				t.Errorf("%d requests sent, want none", n)
			}
		})
	}
}

// TestScopesFromAuthenticate: scopes listed by /authenticate replace the
// declared ones; ALL grants everything.
func TestScopesFromAuthenticate(t *testing.T) {
	t.Parallel()
	c, a := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == prefix+"/authenticate" {
			reply(200, envelope(`{"team_name":"Acme","scopes":["companies:read"]}`))(w, r)
			return
		}
		reply(200, envelope(personJSON))(w, r)
	}, func(o *klipy.Options) { o.Scopes = []klipy.Scope{klipy.ScopeAll} })
	if !c.Allows(klipy.ScopePeopleRead) {
		t.Error("declared ALL does not allow people:read")
	}
	if _, _, err := c.Authenticate(context.Background()); err != nil {
		t.Fatal(err)
	}
	if c.Allows(klipy.ScopePeopleRead) || !c.Allows(klipy.ScopeCompaniesRead) {
		t.Error("scopes from authenticate not applied")
	}
	if _, _, err := c.People.Get(context.Background(), "p1"); !errors.Is(err, klipy.ErrMissingScope) || len(a.requests()) != 1 {
		t.Errorf("err = %v after %d requests, want ErrMissingScope after only authenticate", err, len(a.requests()))
	}
}

// TestUnknownScopesTryAndMap403: with no scopes known every call is tried,
// and a 403 naming a scope maps to ErrMissingScope.
func TestUnknownScopesTryAndMap403(t *testing.T) {
	t.Parallel()
	c, a := newTestClient(t, reply(403, `{"error":{"code":"insufficient_scope","message":"requires companies:remove"}}`))
	if _, known := c.Scopes(); known || !c.Allows(klipy.ScopeCompaniesRemove) {
		t.Fatal("scopes should be unknown and everything allowed")
	}
	_, _, err := c.Companies.Delete(context.Background(), "c1")
	if !errors.Is(err, klipy.ErrMissingScope) || !errors.Is(err, klipy.ErrForbidden) || len(a.requests()) != 1 {
		t.Errorf("err = %v after %d requests, want ErrMissingScope after 1", err, len(a.requests()))
	}
}

func TestAuthenticateNeverRefused(t *testing.T) {
	t.Parallel()
	c, a := newTestClient(t, reply(200, envelope(`{"team_name":"Acme"}`)), func(o *klipy.Options) { o.Scopes = []klipy.Scope{klipy.ScopePeopleRead} })
	if _, _, err := c.Authenticate(context.Background()); err != nil || len(a.requests()) != 1 {
		t.Errorf("authenticate: %v after %d requests", err, len(a.requests()))
	}
	if scopes, known := c.Scopes(); !known || len(scopes) != 1 {
		t.Errorf("declared scopes lost when authenticate lists none: %v %v", scopes, known)
	}
}
