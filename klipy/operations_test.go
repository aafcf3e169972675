package klipy_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/klipy-ai/klipy-mcp/klipy"
)

const (
	personJSON      = `{"id":"p 1","email":"jordan@acme.com","firstName":"Jordan","lastName":"Patel","createdAt":"2025-06-01T00:00:00Z"}`
	companyJSON     = `{"id":"c1","name":"Acme","domain":"acme.com","employeeCount":12}`
	interactionJSON = `{"id":"i1","type":"EMAIL","direction":"INBOUND","title":"Hi","contacts":["p1"]}`
)

func envelope(data string) string {
	return `{"object":"success","data":` + data + `,"meta":{"request_id":"req_1","api_version":"1","timestamp":"2025-06-01T00:00:00Z"}}`
}

func listEnvelope(items string) string {
	return `{"object":"list","data":[` + items + `],"page_info":{"has_next_page":true,"end_cursor":"cur2"},"meta":{"request_id":"req_1","api_version":"1","timestamp":"2025-06-01T00:00:00Z"}}`
}

// marshal renders a result as the tools layer will show it.
func marshal(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestOperations checks every operation of the contract: method, path,
// headers, body sent, and the decoded answer.
func TestOperations(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	five := 5
	tests := []struct {
		name   string
		answer string
		do     func(c *klipy.Client) (any, *klipy.Response, error)
		method string
		path   string
		body   string // "" for no body
		want   string // JSON of the result
	}{
		{"authenticate", envelope(`{"team_name":"Acme","organization_id":"org1","scopes":["ALL"]}`),
			func(c *klipy.Client) (any, *klipy.Response, error) { return c.Authenticate(ctx) },
			"GET", "/authenticate", "", `{"name":"Acme","organization_id":"org1","scopes":["ALL"]}`},
		{"getPerson", envelope(personJSON),
			func(c *klipy.Client) (any, *klipy.Response, error) { return c.People.Get(ctx, "p 1") },
			"GET", "/people/p%201", "", personJSON},
		{"queryPeople", listEnvelope(personJSON),
			func(c *klipy.Client) (any, *klipy.Response, error) {
				return c.People.Query(ctx, &klipy.PeopleQuery{Limit: 10, Cursor: "cur1", Filter: &klipy.PeopleFilter{Email: "jordan@acme.com"}})
			},
			"POST", "/people/query", `{"cursor":"cur1","limit":10,"filter":{"email":"jordan@acme.com"}}`,
			`{"Items":[` + personJSON + `],"NextCursor":"cur2","HasMore":true,"CursorField":"page_info.end_cursor"}`},
		{"queryPeople nil", listEnvelope(""),
			func(c *klipy.Client) (any, *klipy.Response, error) { return c.People.Query(ctx, nil) },
			"POST", "/people/query", `{}`, `{"Items":[],"NextCursor":"cur2","HasMore":true,"CursorField":"page_info.end_cursor"}`},
		{"createPerson", envelope(personJSON),
			func(c *klipy.Client) (any, *klipy.Response, error) {
				return c.People.Create(ctx, &klipy.PersonInput{Email: "jordan@acme.com", FirstName: "Jordan", LastName: "Patel"})
			},
			"POST", "/people", `{"email":"jordan@acme.com","firstName":"Jordan","lastName":"Patel"}`, personJSON},
		{"upsertPerson", envelope(personJSON),
			func(c *klipy.Client) (any, *klipy.Response, error) {
				return c.People.Upsert(ctx, &klipy.PersonInput{Email: "jordan@acme.com", Title: "CTO"})
			},
			"PUT", "/people", `{"email":"jordan@acme.com","title":"CTO"}`, personJSON},
		{"updatePerson", envelope(personJSON),
			func(c *klipy.Client) (any, *klipy.Response, error) {
				return c.People.Update(ctx, "p1", &klipy.PersonInput{Remarks: "met at SaaStr"})
			},
			"PATCH", "/people/p1", `{"remarks":"met at SaaStr"}`, personJSON},
		{"deletePerson", envelope(`{"id":"p1","deleted":true}`),
			func(c *klipy.Client) (any, *klipy.Response, error) { return c.People.Delete(ctx, "p1") },
			"DELETE", "/people/p1", "", `{"id":"p1","deleted":true}`},
		{"getCompany", envelope(companyJSON),
			func(c *klipy.Client) (any, *klipy.Response, error) { return c.Companies.Get(ctx, "c1") },
			"GET", "/companies/c1", "", companyJSON},
		{"createCompany", envelope(companyJSON),
			func(c *klipy.Client) (any, *klipy.Response, error) {
				return c.Companies.Create(ctx, &klipy.CompanyInput{Name: "Acme", Domain: "acme.com", EmployeeCount: &five})
			},
			"POST", "/companies", `{"name":"Acme","domain":"acme.com","employeeCount":5}`, companyJSON},
		{"updateCompany", envelope(companyJSON),
			func(c *klipy.Client) (any, *klipy.Response, error) {
				return c.Companies.Update(ctx, "c1", &klipy.CompanyInput{Industry: "Software"})
			},
			"PATCH", "/companies/c1", `{"industry":"Software"}`, companyJSON},
		{"deleteCompany", envelope(`{"id":"c1","deleted":true}`),
			func(c *klipy.Client) (any, *klipy.Response, error) { return c.Companies.Delete(ctx, "c1") },
			"DELETE", "/companies/c1", "", `{"id":"c1","deleted":true}`},
		{"getInteraction", envelope(interactionJSON),
			func(c *klipy.Client) (any, *klipy.Response, error) { return c.Interactions.Get(ctx, "i1") },
			"GET", "/interactions/i1", "", interactionJSON},
		{"queryInteractions", listEnvelope(interactionJSON),
			func(c *klipy.Client) (any, *klipy.Response, error) {
				return c.Interactions.Query(ctx, &klipy.InteractionsQuery{Limit: 5, Filter: &klipy.InteractionFilter{ContactID: "p1"}})
			},
			"POST", "/interactions/query", `{"limit":5,"filter":{"contactId":"p1"}}`,
			`{"Items":[` + interactionJSON + `],"NextCursor":"cur2","HasMore":true,"CursorField":"page_info.end_cursor"}`},
		{"createInteraction", envelope(`{"id":"int_1","isDuplicate":false}`),
			func(c *klipy.Client) (any, *klipy.Response, error) {
				return c.Interactions.Create(ctx, &klipy.InteractionInput{Type: klipy.TypeMeeting, Direction: klipy.DirectionOutbound,
					Title: "Intro call", MainContactEmail: "jordan@acme.com", PrimaryID: "crm-1", InteractionDate: 1748736000000})
			},
			"POST", "/interactions",
			`{"type":"MEETING","direction":"OUTBOUND","title":"Intro call","mainContactEmail":"jordan@acme.com","primaryId":"crm-1","interactionDate":1748736000000}`,
			`{"id":"int_1","isDuplicate":false}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, a := newTestClient(t, reply(200, tt.answer))
			got, resp, err := tt.do(c)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != 200 || resp.RequestID != "req_1" {
				t.Errorf("response = %+v, want status 200 and request id req_1", resp)
			}
			if diff := cmp.Diff(tt.want, marshal(t, got)); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
			reqs := a.requests()
			if len(reqs) != 1 {
				t.Fatalf("%d requests, want 1", len(reqs))
			}
			r := reqs[0]
			if r.Method != tt.method || r.Path != tt.path || r.Body != tt.body {
				t.Errorf("sent %s %s %q, want %s %s %q", r.Method, r.Path, r.Body, tt.method, tt.path, tt.body)
			}
			wantHeader := map[string]string{
				"Authorization":   "Bearer " + testKey(t),
				"User-Agent":      "klipy-mcp/1.2.3 (+claude-code/2.0)",
				"Accept":          "application/json",
				"X-Klipy-Api-Key": "",
			}
			if tt.body != "" {
				wantHeader["Content-Type"] = "application/json"
			}
			for k, v := range wantHeader {
				if got := r.Header.Get(k); got != v {
					t.Errorf("header %s = %q, want %q", k, got, v)
				}
			}
		})
	}
}

func TestAPIKeyHeader(t *testing.T) {
	t.Parallel()
	c, a := newTestClient(t, reply(200, envelope(personJSON)), func(o *klipy.Options) {
		o.Auth = klipy.AuthAPIKeyHeader
		o.Version, o.UserAgent = "", ""
	})
	if _, _, err := c.People.Get(context.Background(), "p1"); err != nil {
		t.Fatal(err)
	}
	h := a.requests()[0].Header
	if got := h.Get("X-Klipy-Api-Key"); got != testKey(t) {
		t.Errorf("X-Klipy-Api-Key = %q, want the key", got)
	}
	if got := h.Get("Authorization"); got != "" {
		t.Errorf("Authorization = %q, want none", got)
	}
	if got := h.Get("User-Agent"); got != "klipy-mcp/dev" {
		t.Errorf("User-Agent = %q, want klipy-mcp/dev", got)
	}
}

// TestUserAgentPerRequest checks that WithUserAgent names the calling MCP
// client for one request without changing the client's default.
func TestUserAgentPerRequest(t *testing.T) {
	t.Parallel()
	c, a := newTestClient(t, reply(200, envelope(personJSON)), func(o *klipy.Options) {
		o.Version, o.UserAgent = "1.2.3", "default/1"
	})
	cursor := klipy.WithUserAgent(context.Background(), "Cursor/0.9 (beta)\n")
	other := klipy.WithUserAgent(context.Background(), "Other/2")
	// The client keeps the last caller's header value: switching callers
	// and back must not mix them up.
	for _, ctx := range []context.Context{cursor, context.Background(), cursor, other, cursor} {
		if _, _, err := c.People.Get(ctx, "p1"); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	for _, r := range a.requests() {
		got = append(got, r.Header.Get("User-Agent"))
	}
	want := []string{"klipy-mcp/1.2.3 (+Cursor/0.9 beta)", "klipy-mcp/1.2.3 (+default/1)", "klipy-mcp/1.2.3 (+Cursor/0.9 beta)",
		"klipy-mcp/1.2.3 (+Other/2)", "klipy-mcp/1.2.3 (+Cursor/0.9 beta)"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("User-Agent (-want +got):\n%s", diff)
	}
}

func TestEmptyIDIsRefusedLocally(t *testing.T) {
	t.Parallel()
	c, a := newTestClient(t, reply(200, envelope(personJSON)))
	_, _, err := c.People.Get(context.Background(), " ")
	if !errorsIs(err, klipy.ErrValidation) {
		t.Errorf("err = %v, want ErrValidation", err)
	}
	if n := len(a.requests()); n != 0 {
		t.Errorf("%d requests sent, want 0", n)
	}
}

func TestDeleteEmptyAnswer(t *testing.T) {
	t.Parallel()
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	got, resp, err := c.Companies.Delete(context.Background(), "c9")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&klipy.DeleteResult{ID: "c9", Deleted: true}, got); diff != "" || resp.StatusCode != 204 {
		t.Errorf("status %d, result (-want +got):\n%s", resp.StatusCode, diff)
	}
}

func TestNewRejectsBadOptions(t *testing.T) {
	t.Parallel()
	for _, o := range []klipy.Options{{}, {APIKey: "k", BaseURL: "ftp://x"}, {APIKey: "k", BaseURL: "/relative"}} {
		if _, err := klipy.New(o); err == nil {
			t.Errorf("New(%+v) succeeded, want an error", o)
		}
	}
}
