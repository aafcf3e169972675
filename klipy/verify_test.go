package klipy_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/klipy-ai/klipy-mcp/klipy"
)

// The tests in this file cover the checks on the guessed parts of the
// contract (SPEC §1): filters and pagination are verified, an undocumented
// scope is named, and the decoding gaps are closed.

func TestPeopleFilterVerified(t *testing.T) {
	t.Parallel()
	const page = `{"data":[
		{"id":"p1","email":"Jordan@Acme.com","companyId":"c1"},
		{"id":"p2","email":"sam@other.com","companyId":"c2"},
		{"id":"p3","email":"jordan@acme.com","companyId":"c2"},
		{"id":"p4"}]}`
	tests := []struct {
		name    string
		filter  *klipy.PeopleFilter
		want    []string
		dropped int
	}{
		{"no filter keeps all", nil, []string{"p1", "p2", "p3", "p4"}, 0},
		{"email equals, ignoring case", &klipy.PeopleFilter{Email: " jordan@acme.com"}, []string{"p1", "p3"}, 2},
		{"companyId equals", &klipy.PeopleFilter{CompanyID: "c2"}, []string{"p2", "p3"}, 2},
		{"both", &klipy.PeopleFilter{Email: "jordan@acme.com", CompanyID: "c2"}, []string{"p3"}, 3},
		{"nothing matches", &klipy.PeopleFilter{Email: "nobody@nowhere.example"}, nil, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := newTestClient(t, reply(200, page))
			got, _, err := c.People.Query(context.Background(), &klipy.PeopleQuery{Filter: tt.filter})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, personIDs(got.Items)); diff != "" || got.FilteredOut != tt.dropped {
				t.Errorf("FilteredOut %d, want %d; ids (-want +got):\n%s", got.FilteredOut, tt.dropped, diff)
			}
		})
	}
}

func TestInteractionFilterVerified(t *testing.T) {
	t.Parallel()
	const page = `{"data":[
		{"id":"i1","contacts":["p1","p2"],"companies":["c1"]},
		{"id":"i2","contacts":["p2"],"companies":["c2"]},
		{"id":"i3","contacts":[],"companies":[]},
		{"id":"i4"}]}`
	tests := []struct {
		name    string
		filter  *klipy.InteractionFilter
		want    []string
		dropped int
	}{
		{"no filter keeps all", nil, []string{"i1", "i2", "i3", "i4"}, 0},
		{"contacts contain the id", &klipy.InteractionFilter{ContactID: "p1"}, []string{"i1"}, 3},
		{"companies contain the id", &klipy.InteractionFilter{CompanyID: "c2"}, []string{"i2"}, 3},
		{"both", &klipy.InteractionFilter{ContactID: "p2", CompanyID: "c1"}, []string{"i1"}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := newTestClient(t, reply(200, page))
			got, _, err := c.Interactions.Query(context.Background(), &klipy.InteractionsQuery{Filter: tt.filter})
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, it := range got.Items {
				ids = append(ids, it.ID)
			}
			if diff := cmp.Diff(tt.want, ids); diff != "" || got.FilteredOut != tt.dropped {
				t.Errorf("FilteredOut %d, want %d; ids (-want +got):\n%s", got.FilteredOut, tt.dropped, diff)
			}
		})
	}
}

func TestPageIncomplete(t *testing.T) {
	t.Parallel()
	const p = `{"id":"p1"}`
	tests := []struct {
		name, body, sent string
		cursor, field    string
		incomplete       string
	}{
		{"unknown cursor name", `{"data":[` + p + `],"page_info":{"has_next_page":true,"next_page_token":"c2"}}`, "", "", "", klipy.IncompleteNoCursor},
		{"more without cursor", `{"data":[` + p + `],"page_info":{"has_next_page":true,"end_cursor":null}}`, "", "", "", klipy.IncompleteNoCursor},
		{"has_more without cursor", `{"data":[` + p + `],"has_more":true}`, "", "", "", klipy.IncompleteNoCursor},
		{"the cursor it was sent", `{"data":[` + p + `],"page_info":{"has_next_page":true,"end_cursor":"c1"}}`, "c1", "", "page_info.end_cursor", klipy.IncompleteRepeatedCursor},
		{"known alternative name", `{"data":[` + p + `],"pagination":{"hasMore":true,"nextCursor":"c2"}}`, "c1", "c2", "pagination.nextCursor", ""},
		{"cursor in meta", `{"data":[` + p + `],"meta":{"next_cursor":"c2"}}`, "", "c2", "meta.next_cursor", ""},
		{"last page", `{"data":[` + p + `],"page_info":{"has_next_page":false,"end_cursor":"c1"}}`, "", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := newTestClient(t, reply(200, tt.body))
			got, _, err := c.People.Query(context.Background(), &klipy.PeopleQuery{Cursor: tt.sent})
			if err != nil {
				t.Fatal(err)
			}
			if got.NextCursor != tt.cursor || got.Incomplete != tt.incomplete {
				t.Errorf("NextCursor %q, Incomplete %q; want %q, %q", got.NextCursor, got.Incomplete, tt.cursor, tt.incomplete)
			}
			if tt.field != "" && got.CursorField != tt.field {
				t.Errorf("CursorField %q, want %q", got.CursorField, tt.field)
			}
		})
	}
}

// TestAllIncomplete checks that the iterators end an unfollowable listing
// with an *IncompleteError after the items they could read.
func TestAllIncomplete(t *testing.T) {
	t.Parallel()
	cycle := map[string]string{
		"":   `{"data":[{"id":"a"}],"page_info":{"has_next_page":true,"end_cursor":"c2"}}`,
		"c2": `{"data":[{"id":"b"}],"page_info":{"has_next_page":true,"end_cursor":"c3"}}`,
		"c3": `{"data":[{"id":"c"}],"page_info":{"has_next_page":true,"end_cursor":"c2"}}`,
	}
	tests := []struct {
		name   string
		pages  map[string]string
		want   []string
		reason string
	}{
		{"cursor cycle", cycle, []string{"a", "b", "c"}, klipy.IncompleteRepeatedCursor},
		{"no readable cursor", map[string]string{"": `{"data":[{"id":"a"}],"page_info":{"has_next_page":true,"next_page_token":"x"}}`},
			[]string{"a"}, klipy.IncompleteNoCursor},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, a := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
				var q struct{ Cursor string }
				json.NewDecoder(r.Body).Decode(&q)
				reply(200, tt.pages[q.Cursor])(w, r)
			})
			var ids []string
			var last error
			for p, err := range c.People.All(context.Background(), klipy.PeopleQuery{}) {
				if err != nil {
					last = err
					continue
				}
				ids = append(ids, p.ID)
			}
			var ie *klipy.IncompleteError
			if !errors.As(last, &ie) || !errors.Is(last, klipy.ErrIncomplete) || ie.Reason != tt.reason || ie.Op != "queryPeople" {
				t.Errorf("last error %v, want an IncompleteError (%s)", last, tt.reason)
			}
			if diff := cmp.Diff(tt.want, ids); diff != "" {
				t.Errorf("ids (-want +got):\n%s", diff)
			}
			if n := len(a.requests()); n != len(tt.want) {
				t.Errorf("%d requests, want %d", n, len(tt.want))
			}
		})
	}
}

func TestRelayLists(t *testing.T) {
	t.Parallel()
	for name, body := range map[string]string{
		"edges":        `{"data":{"edges":[{"node":{"id":"p1"},"cursor":"x"},{"node":{"id":"p2"},"cursor":"c2"}],"pageInfo":{"hasNextPage":true,"endCursor":"c2"}}}`,
		"nodes":        `{"data":{"nodes":[{"id":"p1"},{"id":"p2"}],"pageInfo":{"hasNextPage":true,"endCursor":"c2"}}}`,
		"people.edges": `{"people":{"edges":[{"node":{"id":"p1"}},{"node":{"id":"p2"}}]},"page_info":{"has_next_page":true,"end_cursor":"c2"}}`,
	} {
		t.Run(name, func(t *testing.T) {
			c, _ := newTestClient(t, reply(200, body))
			got, _, err := c.People.Query(context.Background(), nil)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]string{"p1", "p2"}, personIDs(got.Items)); diff != "" || got.NextCursor != "c2" {
				t.Errorf("NextCursor %q; ids (-want +got):\n%s", got.NextCursor, diff)
			}
		})
	}
}

func TestAuthenticateOrganizationObject(t *testing.T) {
	t.Parallel()
	c, _ := newTestClient(t, reply(200, `{"object":"success","data":{"organization":{"id":"o1","name":"Acme"},"scopes":["ALL"]},"meta":{}}`))
	got, _, err := c.Authenticate(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := &klipy.Workspace{Name: "Acme", OrganizationID: "o1", Scopes: []klipy.Scope{"ALL"}, ScopesKnown: true}
	if diff := cmp.Diff(want, got); diff != "" || c.OrganizationID() != "o1" {
		t.Errorf("org %q; workspace (-want +got):\n%s", c.OrganizationID(), diff)
	}
}

func TestErrorsArrayBody(t *testing.T) {
	t.Parallel()
	c, _ := newTestClient(t, reply(422, `{"errors":[{"code":"invalid_email","message":"email is invalid"},{"code":"too_long","message":"title is too long"}]}`))
	_, _, err := c.People.Get(context.Background(), "p1")
	var ae *klipy.APIError
	if !errors.As(err, &ae) || ae.Code != "invalid_email" || ae.Message != "email is invalid" || ae.Details == nil {
		t.Fatalf("err = %#v, want code and message of the first entry and the list as details", err)
	}
	if !errors.Is(err, klipy.ErrValidation) {
		t.Error("a 422 is not ErrValidation")
	}
}

// TestDeletePersonScopeGuess checks that a 403 on the one operation whose
// scope the contract guesses names the scope the key probably needs, and
// that a documented operation's 403 stays a plain API error.
func TestDeletePersonScopeGuess(t *testing.T) {
	t.Parallel()
	const body = `{"object":"error","error":{"code":"insufficient_scope","message":"this API key lacks the ALL scope"}}`
	c, _ := newTestClient(t, reply(403, body))
	_, _, err := c.People.Delete(context.Background(), "p1")
	var ge *klipy.ScopeGuessError
	if !errors.As(err, &ge) || ge.Tried != klipy.ScopePeopleWrite || !cmp.Equal(ge.Likely, []klipy.Scope{klipy.ScopeAll}) {
		t.Fatalf("err = %v, want a ScopeGuessError naming ALL", err)
	}
	var ae *klipy.APIError
	if !errors.Is(err, klipy.ErrForbidden) || !errors.As(err, &ae) || ae.StatusCode != 403 {
		t.Errorf("err = %v: not ErrForbidden, or the API error is lost", err)
	}

	c, _ = newTestClient(t, reply(403, body))
	_, _, err = c.Companies.Delete(context.Background(), "c1")
	if errors.As(err, &ge) || !errors.Is(err, klipy.ErrForbidden) {
		t.Errorf("deleteCompany err = %v, want a plain 403", err)
	}

	c, _ = newTestClient(t, reply(404, `{"error":{"code":"not_found","message":"no person"}}`))
	if _, _, err = c.People.Delete(context.Background(), "p1"); errors.As(err, &ge) || !errors.Is(err, klipy.ErrNotFound) {
		t.Errorf("404 err = %v, want a plain not found", err)
	}
}

func personIDs(ps []*klipy.Person) []string {
	var ids []string
	for _, p := range ps {
		ids = append(ids, p.ID)
	}
	return ids
}

func TestDescribeAnswer(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body string
		list       bool
		want       klipy.Layout
	}{
		{"contract list", `{"object":"success","data":[{"id":"p1","email":"a"},{"id":"p2","tags":[]}],"page_info":{"has_next_page":true,"end_cursor":"c2"},"meta":{}}`, true,
			klipy.Layout{Envelope: []string{"data", "meta", "object", "page_info"}, List: "data", Cursor: "page_info.end_cursor", More: true, Fields: []string{"email", "id", "tags"}, Records: 2}},
		{"relay list", `{"data":{"edges":[{"node":{"id":"p1"}}],"pageInfo":{"hasNextPage":false,"endCursor":"c1"}}}`, true,
			klipy.Layout{Envelope: []string{"data"}, List: "data.edges", Fields: []string{"id"}, Records: 1}},
		{"bare array", `[{"id":"p1"}]`, true, klipy.Layout{Fields: []string{"id"}, Records: 1}},
		{"people key, unknown cursor", `{"people":[{"id":"p1"}],"page_info":{"has_next_page":true,"next_page_token":"x"}}`, true,
			klipy.Layout{Envelope: []string{"page_info", "people"}, List: "people", More: true, Fields: []string{"id"}, Records: 1}},
		{"record", `{"success":true,"data":{"id":"p1","email":"a"}}`, false,
			klipy.Layout{Envelope: []string{"data", "success"}, Fields: []string{"email", "id"}, Records: 1}},
		{"bare record", `{"id":"p1"}`, false, klipy.Layout{Fields: []string{"id"}, Records: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := klipy.DescribeAnswer([]byte(tt.body), tt.list)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("layout (-want +got):\n%s", diff)
			}
		})
	}
	if _, err := klipy.DescribeAnswer([]byte(`{"object":"success","data":{"nothing":1}}`), true); err == nil {
		t.Error("an answer with no list described without error")
	}
}
