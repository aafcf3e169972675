package klipymcp_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/klipy-ai/klipy-mcp/klipy"
	"github.com/klipy-ai/klipy-mcp/klipy/klipytest"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// writerKey is a key with people:read and people:write, not ALL.
const writerKey = "klipy_api_people_writer"

// variantFake is the demo workspace with 60 more people (so a free-text
// scan reads more than one page), no rate limits in the way, and
// writerKey.
func variantFake(t *testing.T) (*klipytest.Server, string, *workspaceFacts) {
	t.Helper()
	fake := klipytest.New(klipytest.Options{KeyLimit: 1 << 20, OrgLimit: 1 << 20, LogLimit: -1})
	fake.AddKey(klipytest.Key{Token: klipytest.SandboxKey, Org: klipytest.SandboxOrg, Scopes: []string{klipytest.ScopeAll}})
	fake.AddKey(klipytest.Key{Token: writerKey, Org: klipytest.SandboxOrg, Scopes: []string{"people:read", "people:write"}})
	if err := fake.SeedDemo(klipytest.SandboxOrg); err != nil {
		t.Fatal(err)
	}
	base := fakeAPI(t, fake)
	kc, err := klipy.New(klipy.Options{BaseURL: base, APIKey: klipytest.SandboxKey, RateLimit: 1 << 20, OrgLimit: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 60 {
		in := &klipy.PersonInput{Email: fmt.Sprintf("extra.%d@example.org", i), FirstName: "Extra"}
		if _, _, err := kc.People.Create(t.Context(), in); err != nil {
			t.Fatal(err)
		}
	}
	return fake, base, learnFacts(t, kc)
}

// workspaceFacts is the truth the tools' answers are checked against.
type workspaceFacts struct {
	person, email, company string
	people, interactions   int
	kc                     *klipy.Client
}

// learnFacts reads the whole healthy workspace through the client.
func learnFacts(t *testing.T, kc *klipy.Client) *workspaceFacts {
	t.Helper()
	f := &workspaceFacts{kc: kc}
	for _, err := range kc.People.All(t.Context(), klipy.PeopleQuery{Limit: 100}) {
		if err != nil {
			t.Fatal(err)
		}
		f.people++
	}
	for it, err := range kc.Interactions.All(t.Context(), klipy.InteractionsQuery{Limit: 100}) {
		if err != nil {
			t.Fatal(err)
		}
		f.interactions++
		if f.person == "" && len(it.Contacts) > 0 && len(it.Companies) > 0 {
			f.person, f.company = it.Contacts[0], it.Companies[0]
		}
	}
	p, _, err := kc.People.Get(t.Context(), f.person)
	if err != nil {
		t.Fatal(err)
	}
	f.email = p.Email
	return f
}

// TestVariantsThroughTheBinary runs the built binary, over stdio and over
// HTTP, against the fake playing each way the real API may differ from the
// contract's guesses. Whatever the variant: no tool returns another
// person's records, and no listing claims to be complete when it is not.
func TestVariantsThroughTheBinary(t *testing.T) {
	t.Parallel()
	variants := append([]klipytest.Variant{""}, klipytest.Variants()...)
	for _, transport := range []string{"stdio", "http"} {
		for _, v := range variants {
			name := string(v)
			if v == "" {
				name = "healthy"
			}
			t.Run(transport+"/"+name, func(t *testing.T) {
				fake, base, facts := variantFake(t)
				fake.Play(v, v != "")
				connect := func(key string) *mcp.ClientSession {
					if transport == "stdio" {
						return connectStdio(t, base, key, "--rate-limit", "60000")
					}
					return connectHTTP(t, startHosted(t, base).url, key)
				}
				cs := connect(klipytest.SandboxKey)
				checkFilters(t, cs, facts)
				checkListings(t, cs, facts)
				if v == klipytest.VariantPersonDeleteNeedsAll {
					checkDeleteNamesALL(t, connect(writerKey), facts)
				}
			})
		}
	}
}

// callTool calls a tool and returns its structured result; an isError
// result fails the test.
func callTool(t *testing.T, cs *mcp.ClientSession, name string, args map[string]any) map[string]any {
	t.Helper()
	res, err := cs.CallTool(t.Context(), &mcp.CallToolParams{Name: name, Arguments: args})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if res.IsError {
		b, _ := json.Marshal(res.Content)
		t.Fatalf("%s %v: isError %s", name, args, b)
	}
	b, _ := json.Marshal(res.StructuredContent)
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func ids(out map[string]any, key string) []string {
	var got []string
	items, _ := out[key].([]any)
	for _, it := range items {
		got = append(got, it.(map[string]any)["id"].(string))
	}
	return got
}

// checkFilters calls every filtered tool and reads each returned record
// back: all must match the filter.
func checkFilters(t *testing.T, cs *mcp.ClientSession, f *workspaceFacts) {
	t.Helper()
	checkPeople := func(args map[string]any, match func(*klipy.Person) bool) {
		for _, id := range ids(callTool(t, cs, "search_people", args), "people") {
			p, _, err := f.kc.People.Get(t.Context(), id)
			if err != nil || !match(p) {
				t.Errorf("search_people %v returned %s (%v)", args, id, err)
			}
		}
	}
	checkPeople(map[string]any{"email": f.email}, func(p *klipy.Person) bool { return strings.EqualFold(p.Email, f.email) })
	checkPeople(map[string]any{"company_id": f.company, "limit": 100}, func(p *klipy.Person) bool { return p.CompanyID == f.company })
	checkInteractions := func(tool string, args map[string]any, match func(*klipy.Interaction) bool) {
		for _, id := range ids(callTool(t, cs, tool, args), "interactions") {
			it, _, err := f.kc.Interactions.Get(t.Context(), id)
			if err != nil || !match(it) {
				t.Errorf("%s %v returned %s (%v)", tool, args, id, err)
			}
		}
	}
	ofPerson := func(it *klipy.Interaction) bool { return slices.Contains(it.Contacts, f.person) }
	checkInteractions("search_interactions", map[string]any{"person_id": f.person, "limit": 50}, ofPerson)
	checkInteractions("search_interactions", map[string]any{"company_id": f.company, "limit": 50},
		func(it *klipy.Interaction) bool { return slices.Contains(it.Companies, f.company) })
	checkInteractions("get_person", map[string]any{"person_id": f.person, "include_interactions": true, "interactions_limit": 50}, ofPerson)
}

// checkListings walks search_interactions page by page and runs a
// free-text scan: each either covers everything or says it did not.
func checkListings(t *testing.T, cs *mcp.ClientSession, f *workspaceFacts) {
	t.Helper()
	seen, incomplete := 0, false
	args := map[string]any{"limit": 50}
	for page := 0; page < 20; page++ {
		out := callTool(t, cs, "search_interactions", args)
		seen += len(ids(out, "interactions"))
		if out["incomplete"] == true {
			incomplete = true
		}
		next, _ := out["next_cursor"].(string)
		if next == "" {
			break
		}
		args = map[string]any{"limit": 50, "cursor": next}
	}
	if !incomplete && seen != f.interactions {
		t.Errorf("search_interactions listed %d of %d interactions and did not say it was incomplete", seen, f.interactions)
	}
	out := callTool(t, cs, "search_people", map[string]any{"query": "e"})
	if out["scan_complete"] == true && out["scanned"] != float64(f.people) {
		t.Errorf("scan_complete with %v of %d people scanned", out["scanned"], f.people)
	}
	if out["scan_complete"] == false && !strings.Contains(fmt.Sprint(out["note"]), "incomplete") && out["scanned"] == float64(f.people) {
		t.Errorf("an incomplete scan of every record: %v", out)
	}
}

// checkDeleteNamesALL checks that a person delete refused for want of ALL
// says so, and deletes nothing.
func checkDeleteNamesALL(t *testing.T, cs *mcp.ClientSession, f *workspaceFacts) {
	t.Helper()
	res, err := cs.CallTool(t.Context(), &mcp.CallToolParams{Name: "delete_person", Arguments: map[string]any{"person_id": f.person}})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(res.Content)
	if !res.IsError || !strings.Contains(string(b), `probably needs \"ALL\"`) {
		t.Errorf("delete_person: isError %v, %s; want the ALL scope named", res.IsError, b)
	}
	if _, _, err := f.kc.People.Get(t.Context(), f.person); err != nil {
		t.Errorf("the person is gone: %v", err)
	}
}
