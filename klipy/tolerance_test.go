package klipy_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/klipy-ai/klipy-mcp/klipy"
)

// The tests in this file cover each variant the tolerant reader accepts
// (SPEC §1), over real HTTP.

func TestRecordVariants(t *testing.T) {
	t.Parallel()
	created := klipy.Time{Time: time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)}
	base := klipy.Person{ID: "p1", Email: "jordan@acme.com", FirstName: "Jordan", CreatedAt: created}
	withExtra := base
	withExtra.Extra = map[string]json.RawMessage{"tags": json.RawMessage(`["vip",{"x":1}]`), "owner": json.RawMessage(`{"id":"u1","name":"Sam"}`)}
	tests := []struct {
		name, body string
		want       klipy.Person
	}{
		{"object/data/meta", `{"object":"success","data":{"id":"p1","email":"jordan@acme.com","firstName":"Jordan","createdAt":"2025-06-01T00:00:00Z"},"meta":{"request_id":"r"}}`, base},
		{"success/data", `{"success":true,"data":{"id":"p1","email":"jordan@acme.com","firstName":"Jordan","createdAt":"2025-06-01T00:00:00Z"}}`, base},
		{"bare", `{"id":"p1","email":"jordan@acme.com","firstName":"Jordan","createdAt":"2025-06-01T00:00:00Z"}`, base},
		{"epoch ms number", `{"data":{"id":"p1","email":"jordan@acme.com","firstName":"Jordan","createdAt":1748736000000}}`, base},
		{"epoch ms string", `{"data":{"id":"p1","email":"jordan@acme.com","firstName":"Jordan","createdAt":"1748736000000"}}`, base},
		{"RFC 3339 with offset", `{"data":{"id":"p1","email":"jordan@acme.com","firstName":"Jordan","createdAt":"2025-06-01T02:00:00+02:00"}}`, base},
		{"snake case", `{"data":{"id":"p1","email":"jordan@acme.com","first_name":"Jordan","created_at":"2025-06-01T00:00:00Z"}}`, base},
		{"nulls", `{"data":{"id":"p1","email":"jordan@acme.com","firstName":"Jordan","lastName":null,"phone":null,"createdAt":"2025-06-01T00:00:00Z","updatedAt":null}}`, base},
		{"unknown fields kept", `{"object":"success","data":{"id":"p1","email":"jordan@acme.com","firstName":"Jordan","createdAt":"2025-06-01T00:00:00Z","tags":["vip",{"x":1}],"owner":{"id":"u1","name":"Sam"}},"meta":{}}`, withExtra},
		{"unexpected type kept in Extra", `{"data":{"id":"p1","email":"jordan@acme.com","firstName":"Jordan","createdAt":"2025-06-01T00:00:00Z","title":{"en":"CTO"}}}`,
			func() klipy.Person {
				p := base
				p.Extra = map[string]json.RawMessage{"title": json.RawMessage(`{"en":"CTO"}`)}
				return p
			}()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := newTestClient(t, reply(200, tt.body))
			got, _, err := c.People.Get(context.Background(), "p1")
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(&tt.want, got, cmpTime); diff != "" {
				t.Errorf("person (-want +got):\n%s", diff)
			}
		})
	}
}

var cmpTime = cmp.Comparer(func(a, b klipy.Time) bool { return a.Equal(b.Time) })

func TestListVariants(t *testing.T) {
	t.Parallel()
	const p = `{"id":"p1"}`
	tests := []struct {
		name, body string
		cursor     string
		more       bool
	}{
		{"bare array", `[` + p + `]`, "", false},
		{"data array, page_info top", `{"object":"list","data":[` + p + `],"page_info":{"has_next_page":true,"end_cursor":"c2"},"meta":{}}`, "c2", true},
		{"people key", `{"people":[` + p + `],"page_info":{"has_next_page":true,"end_cursor":"c2"}}`, "c2", true},
		{"items key", `{"items":[` + p + `],"next_cursor":"c2","has_more":true}`, "c2", true},
		{"data wrapper object", `{"object":"list","data":{"people":[` + p + `],"page_info":{"hasNextPage":true,"endCursor":"c2"}},"meta":{}}`, "c2", true},
		{"data wrapper with items", `{"success":true,"data":{"items":[` + p + `],"pagination":{"has_more":true,"next_cursor":"c2"}}}`, "c2", true},
		{"page_info in meta", `{"object":"list","data":[` + p + `],"meta":{"request_id":"r","page_info":{"has_next_page":true,"end_cursor":"c2"}}}`, "c2", true},
		{"cursor fields in meta", `{"data":[` + p + `],"meta":{"next_cursor":"c2","has_more":true}}`, "c2", true},
		{"pageInfo camel", `{"data":[` + p + `],"pageInfo":{"hasMore":true,"nextCursor":"c2"}}`, "c2", true},
		{"plain cursor name", `{"data":[` + p + `],"page_info":{"cursor":"c2"}}`, "c2", true},
		{"last page keeps no cursor", `{"data":[` + p + `],"page_info":{"has_next_page":false,"end_cursor":"c1"}}`, "", false},
		{"null cursor", `{"data":[` + p + `],"page_info":{"has_next_page":false,"end_cursor":null}}`, "", false},
		{"no page info", `{"data":[` + p + `]}`, "", false},
		{"success envelope", `{"success":true,"data":[` + p + `]}`, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := newTestClient(t, reply(200, tt.body))
			page, _, err := c.People.Query(context.Background(), nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(page.Items) != 1 || page.Items[0].ID != "p1" || page.NextCursor != tt.cursor || page.HasMore != tt.more {
				t.Errorf("page = %d items, cursor %q, more %v; want 1 item p1, %q, %v", len(page.Items), page.NextCursor, page.HasMore, tt.cursor, tt.more)
			}
		})
	}
	t.Run("interactions key", func(t *testing.T) {
		c, _ := newTestClient(t, reply(200, `{"interactions":[{"id":"i1","creationTime":1748736000000,"companies":["c1"]}]}`))
		page, _, err := c.Interactions.Query(context.Background(), nil)
		if err != nil || len(page.Items) != 1 || page.Items[0].ID != "i1" || page.Items[0].CreationTime.UnixMilli() != 1748736000000 {
			t.Errorf("page = %+v, %v", page, err)
		}
	})
}

func TestAuthenticateVariants(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body string
		want       klipy.Workspace
	}{
		{"team_name", `{"object":"success","data":{"team_name":"Acme"},"meta":{}}`, klipy.Workspace{Name: "Acme"}},
		{"old bare", `{"team_name":"Acme"}`, klipy.Workspace{Name: "Acme"}},
		{"organization_name", `{"data":{"organization_name":"Acme","organization_id":"o1"}}`, klipy.Workspace{Name: "Acme", OrganizationID: "o1"}},
		{"name", `{"data":{"name":"Acme","organizationId":"o1"}}`, klipy.Workspace{Name: "Acme", OrganizationID: "o1"}},
		{"team.name", `{"data":{"team":{"name":"Acme"},"org_id":"o1"}}`, klipy.Workspace{Name: "Acme", OrganizationID: "o1"}},
		{"team.name and team.id", `{"data":{"team":{"name":"Acme","id":"o1"}}}`, klipy.Workspace{Name: "Acme", OrganizationID: "o1"}},
		{"scopes", `{"data":{"team_name":"Acme","scopes":["people:read"],"plan":"pro"}}`,
			klipy.Workspace{Name: "Acme", Scopes: []klipy.Scope{"people:read"}, ScopesKnown: true, Extra: map[string]json.RawMessage{"plan": json.RawMessage(`"pro"`)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := newTestClient(t, reply(200, tt.body))
			got, _, err := c.Authenticate(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(&tt.want, got); diff != "" {
				t.Errorf("workspace (-want +got):\n%s", diff)
			}
			scopes, known := c.Scopes()
			if known != tt.want.ScopesKnown || !cmp.Equal(scopes, tt.want.Scopes) || c.OrganizationID() != tt.want.OrganizationID {
				t.Errorf("client learnt scopes %v (known %v), org %q", scopes, known, c.OrganizationID())
			}
		})
	}
}

func TestDeleteVariants(t *testing.T) {
	t.Parallel()
	for name, h := range map[string]http.HandlerFunc{
		"204":            func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) },
		"200 empty":      reply(200, ""),
		"envelope":       reply(200, envelope(`{"id":"p1","deleted":true}`)),
		"success only":   reply(200, `{"success":true}`),
		"empty data":     reply(200, `{"object":"success","data":{},"meta":{}}`),
		"data null":      reply(200, `{"object":"success","data":null}`),
		"bare id string": reply(200, `"p1"`),
	} {
		t.Run(name, func(t *testing.T) {
			c, _ := newTestClient(t, h)
			got, _, err := c.People.Delete(context.Background(), "p1")
			if err != nil || !cmp.Equal(got, &klipy.DeleteResult{ID: "p1", Deleted: true}) {
				t.Errorf("Delete = %+v, %v", got, err)
			}
		})
	}
}

func TestInteractionCreatedVariants(t *testing.T) {
	t.Parallel()
	for body, want := range map[string]klipy.InteractionCreated{
		envelope(`{"id":"i1","isDuplicate":true}`):                {ID: "i1", IsDuplicate: true},
		`{"success":true,"data":{"id":"i1","is_duplicate":true}}`: {ID: "i1", IsDuplicate: true},
		`{"id":"i1"}`:             {ID: "i1"},
		envelope(interactionJSON): {ID: "i1"},
	} {
		c, _ := newTestClient(t, reply(200, body))
		got, _, err := c.Interactions.Create(context.Background(), &klipy.InteractionInput{Type: "MEMO", Direction: "INTERNAL", Title: "t", MainContact: "p1"})
		if err != nil || *got != want {
			t.Errorf("%s: got %+v, %v; want %+v", body, got, err, want)
		}
	}
}

// TestAll follows cursors across pages, stops at the first error and
// respects the consumer's break.
func TestAll(t *testing.T) {
	t.Parallel()
	pages := map[string]string{
		"":   `{"data":[{"id":"a"},{"id":"b"}],"page_info":{"has_next_page":true,"end_cursor":"c2"}}`,
		"c2": `{"data":[{"id":"c"}],"page_info":{"has_next_page":true,"end_cursor":"c3"}}`,
		"c3": `{"data":[{"id":"d"}],"page_info":{"has_next_page":false,"end_cursor":"c3"}}`,
	}
	handler := func(w http.ResponseWriter, r *http.Request) {
		var q struct{ Cursor string }
		json.NewDecoder(r.Body).Decode(&q)
		body, ok := pages[q.Cursor]
		if !ok {
			reply(400, `{"error":{"code":"bad_cursor","message":"unknown cursor"}}`)(w, r)
			return
		}
		reply(200, body)(w, r)
	}
	c, a := newTestClient(t, handler)
	var ids []string
	for p, err := range c.People.All(context.Background(), klipy.PeopleQuery{Limit: 2}) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.ID)
	}
	if diff := cmp.Diff([]string{"a", "b", "c", "d"}, ids); diff != "" || len(a.requests()) != 3 {
		t.Errorf("%d requests; ids (-want +got):\n%s", len(a.requests()), diff)
	}

	c, a = newTestClient(t, handler)
	for p := range c.People.All(context.Background(), klipy.PeopleQuery{}) {
		if p.ID == "a" {
			break
		}
	}
	if n := len(a.requests()); n != 1 {
		t.Errorf("break after the first item: %d requests, want 1", n)
	}

	c, _ = newTestClient(t, handler)
	var errs, items int
	for _, err := range c.Interactions.All(context.Background(), klipy.InteractionsQuery{Cursor: "bad"}) {
		if err != nil {
			errs++
			if !errorsIs(err, klipy.ErrValidation) {
				t.Errorf("err = %v, want ErrValidation", err)
			}
		} else {
			items++
		}
	}
	if errs != 1 || items != 0 {
		t.Errorf("%d errors, %d items; want the one error and nothing else", errs, items)
	}
}

func TestAllStopsOnRepeatedCursor(t *testing.T) {
	t.Parallel()
	c, a := newTestClient(t, reply(200, `{"data":[{"id":"a"}],"page_info":{"has_next_page":true,"end_cursor":"same"}}`))
	var errs int
	for _, err := range c.People.All(context.Background(), klipy.PeopleQuery{}) {
		if err != nil {
			errs++
		}
	}
	if errs != 1 || len(a.requests()) != 2 {
		t.Errorf("%d errors after %d requests, want 1 after 2", errs, len(a.requests()))
	}
}
