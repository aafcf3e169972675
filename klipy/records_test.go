package klipy_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/klipy-ai/klipy-mcp/klipy"
)

func TestPersonJSON(t *testing.T) {
	t.Parallel()
	in := `{"id":"p1","email":"a@b.co","first_name":"Ann","lastName":null,"title":"CTO","phone":"+1 555","linkedin":"https://l/in/ann",` +
		`"companyId":"c1","remarks":"r","createdAt":1748736000000,"updatedAt":"2025-06-02T10:00:00.5+02:00","zeta":[1],"alpha":{"b":true}}`
	var p klipy.Person
	if err := json.Unmarshal([]byte(in), &p); err != nil {
		t.Fatal(err)
	}
	want := `{"id":"p1","email":"a@b.co","firstName":"Ann","title":"CTO","phone":"+1 555","linkedin":"https://l/in/ann",` +
		`"companyId":"c1","remarks":"r","createdAt":"2025-06-01T00:00:00Z","updatedAt":"2025-06-02T08:00:00.5Z","alpha":{"b":true},"zeta":[1]}`
	if diff := cmp.Diff(want, marshal(t, p)); diff != "" {
		t.Errorf("marshal (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, marshal(t, &p)); diff != "" {
		t.Errorf("marshal of a pointer (-want +got):\n%s", diff)
	}
	if got := marshal(t, klipy.Person{}); got != `{}` {
		t.Errorf("empty person = %s, want {}", got)
	}
}

func TestCompanyJSON(t *testing.T) {
	t.Parallel()
	in := `{"id":"c1","name":"Acme","domain":"acme.com","industry":"Software","employee_count":"12","estimatedRevenue":1.5e6,` +
		`"city":"Paris","state":"IDF","country":"FR","linkedin":"l","website":"https://acme.com","created_at":"2025-06-01T00:00:00Z","ceo":"x"}`
	var c klipy.Company
	if err := json.Unmarshal([]byte(in), &c); err != nil {
		t.Fatal(err)
	}
	if c.EmployeeCount == nil || *c.EmployeeCount != 12 || c.EstimatedRevenue == nil || *c.EstimatedRevenue != 1.5e6 {
		t.Fatalf("numbers not read: %+v", c)
	}
	want := `{"id":"c1","name":"Acme","domain":"acme.com","industry":"Software","employeeCount":12,"estimatedRevenue":1500000,` +
		`"city":"Paris","state":"IDF","country":"FR","linkedin":"l","website":"https://acme.com","createdAt":"2025-06-01T00:00:00Z","ceo":"x"}`
	if diff := cmp.Diff(want, marshal(t, c)); diff != "" {
		t.Errorf("marshal (-want +got):\n%s", diff)
	}
	zero := 0
	if got := marshal(t, klipy.Company{ID: "c2", EmployeeCount: &zero}); got != `{"id":"c2","employeeCount":0}` {
		t.Errorf("a zero count that was sent stays: got %s", got)
	}
}

func TestInteractionJSON(t *testing.T) {
	t.Parallel()
	in := `{"id":"i1","type":"EMAIL","direction":"INBOUND","title":"Hi","summary":"<p>x</p>","source":"EMAIL","sentiment":"MEETING_REQUESTED",` +
		`"createdBy":"u1","companies":["c1"],"contacts":[{"id":"p1"}],"creationTime":"2025-06-01T00:00:00Z","interactionDate":1748736000000}`
	var it klipy.Interaction
	if err := json.Unmarshal([]byte(in), &it); err != nil {
		t.Fatal(err)
	}
	// contacts in an unexpected shape are kept as sent, not lost.
	want := `{"id":"i1","type":"EMAIL","direction":"INBOUND","title":"Hi","summary":"\u003cp\u003ex\u003c/p\u003e","source":"EMAIL","sentiment":"MEETING_REQUESTED",` +
		`"createdBy":"u1","companies":["c1"],"creationTime":"2025-06-01T00:00:00Z","interactionDate":"2025-06-01T00:00:00Z","contacts":[{"id":"p1"}]}`
	if diff := cmp.Diff(want, marshal(t, it)); diff != "" {
		t.Errorf("marshal (-want +got):\n%s", diff)
	}
}

func TestTime(t *testing.T) {
	t.Parallel()
	want := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	for _, in := range []string{`"2025-06-01T00:00:00Z"`, `"2025-06-01T02:00:00+02:00"`, `1748736000000`, `"1748736000000"`,
		`1748736000`, `"2025-06-01"`, `"2025-06-01T00:00:00"`, `1.748736e12`} {
		var tm klipy.Time
		if err := json.Unmarshal([]byte(in), &tm); err != nil || !tm.Equal(want) {
			t.Errorf("Unmarshal(%s) = %v, %v; want %v", in, tm, err, want)
		}
	}
	for _, in := range []string{`null`, `""`} {
		tm := klipy.Time{Time: want}
		if err := json.Unmarshal([]byte(in), &tm); err != nil || !tm.IsZero() {
			t.Errorf("Unmarshal(%s) = %v, %v; want zero", in, tm, err)
		}
	}
	for _, in := range []string{`true`, `"yesterday"`, `{}`, `1e300`} {
		var tm klipy.Time
		if err := json.Unmarshal([]byte(in), &tm); err == nil {
			t.Errorf("Unmarshal(%s) = %v, want an error", in, tm)
		}
	}
	if got := marshal(t, klipy.Time{Time: want.In(time.FixedZone("x", 3600))}); got != `"2025-06-01T00:00:00Z"` {
		t.Errorf("marshal = %s, want RFC 3339 UTC", got)
	}
	if got := marshal(t, klipy.Time{}); got != `null` {
		t.Errorf("marshal of zero = %s, want null", got)
	}
}

func TestWorkspaceJSON(t *testing.T) {
	t.Parallel()
	ws := klipy.Workspace{Name: "Acme", OrganizationID: "o1", Scopes: []klipy.Scope{klipy.ScopeAll}, ScopesKnown: true,
		Extra: map[string]json.RawMessage{"plan": json.RawMessage(`"pro"`)}}
	if got, want := marshal(t, ws), `{"name":"Acme","organization_id":"o1","scopes":["ALL"],"plan":"pro"}`; got != want {
		t.Errorf("marshal = %s, want %s", got, want)
	}
	var back klipy.Workspace
	if err := json.Unmarshal([]byte(marshal(t, ws)), &back); err != nil || !cmp.Equal(ws, back) {
		t.Errorf("round trip = %+v, %v", back, err)
	}
}

func TestRecordsRejectNonObjects(t *testing.T) {
	t.Parallel()
	for _, in := range []string{`[]`, `"x"`, `null`, `1`} {
		if err := json.Unmarshal([]byte(in), new(klipy.Person)); err == nil {
			t.Errorf("Unmarshal(%s) into a Person succeeded", in)
		}
	}
}

// TestInteractionTypesIsACopy: changing what InteractionTypes returns does
// not change the next answer.
func TestInteractionTypesIsACopy(t *testing.T) {
	types := klipy.InteractionTypes()
	if len(types) != 9 || types[0] != klipy.TypeDirectMessage {
		t.Fatalf("InteractionTypes() = %v", types)
	}
	types[0] = "CHANGED"
	if again := klipy.InteractionTypes(); again[0] != klipy.TypeDirectMessage {
		t.Errorf("InteractionTypes() after a change to its last answer = %v", again)
	}
}

// TestPersonJSONManyExtras writes a record with more extra fields than the
// writer tracks in a slice: each name still appears once, the known field
// winning over an extra of the same name that sorts after 40 others.
func TestPersonJSONManyExtras(t *testing.T) {
	t.Parallel()
	p := klipy.Person{ID: "p1", Email: "a@b.co", Extra: map[string]json.RawMessage{"email": json.RawMessage(`"other"`)}}
	for i := range 40 {
		p.Extra[fmt.Sprintf("a%02d", i)] = json.RawMessage(fmt.Sprint(i))
	}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 42 || got["email"] != "a@b.co" || got["a39"] != 39.0 {
		t.Errorf("%d fields, email %v, a39 %v: %s", len(got), got["email"], got["a39"], b)
	}
	if n := strings.Count(string(b), `"email":`); n != 1 {
		t.Errorf("email written %d times: %s", n, b)
	}
}
