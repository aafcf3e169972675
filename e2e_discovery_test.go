package klipymcp_test

import (
	"encoding/json"
	"fmt"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/klipy-ai/klipy-mcp/klipy/klipytest"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// useReadTools calls every read tool as a model would (ids taken from the
// answers) and fails on any isError; then it checks that a write the key
// may not do is refused with the scope named.
func useReadTools(t *testing.T, cs *mcp.ClientSession) {
	t.Helper()
	callOK := func(name string, args map[string]any) map[string]any {
		t.Helper()
		res, err := cs.CallTool(t.Context(), &mcp.CallToolParams{Name: name, Arguments: args})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		b, _ := json.Marshal(res.StructuredContent)
		if res.IsError {
			t.Fatalf("%s: isError: %v", name, res.Content)
		}
		var out map[string]any
		_ = json.Unmarshal(b, &out)
		return out
	}
	first := func(out map[string]any, list string) map[string]any {
		t.Helper()
		items, _ := out[list].([]any)
		if len(items) == 0 {
			t.Fatalf("no %s in %v", list, out)
		}
		return items[0].(map[string]any)
	}
	ws := callOK("get_workspace", nil)
	if _, ok := ws["unknown"]; !ok {
		t.Errorf("get_workspace does not say what it could not learn: %v", ws)
	}
	person := first(callOK("search_people", map[string]any{"email": "jordan.patel@acmeanalytics.example"}), "people")
	callOK("get_person", map[string]any{"person_id": person["id"], "include_interactions": true})
	callOK("get_company", map[string]any{"company_id": person["companyId"]})
	interaction := first(callOK("search_interactions", map[string]any{"person_id": person["id"]}), "interactions")
	callOK("get_interaction", map[string]any{"interaction_id": interaction["id"]})

	res, err := cs.CallTool(t.Context(), &mcp.CallToolParams{Name: "create_person", Arguments: map[string]any{"email": "new@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := json.Marshal(res.Content); !res.IsError || !strings.Contains(string(b), "people:write") {
		t.Errorf("create_person with a read-only key: %s", b)
	}
}

// TestNarrowKeyAuthenticateNeedsAll (issue 11): against a Klipy whose
// /authenticate needs ALL (403, and 401 about scope), a read-only key can
// use every tool its scopes allow, over stdio and HTTP, and hosted mode
// asks /authenticate about it once.
func TestNarrowKeyAuthenticateNeedsAll(t *testing.T) {
	t.Parallel()
	for name, mode := range map[string]klipytest.AuthMode{"403": klipytest.AuthNeedsAll403, "401": klipytest.AuthNeedsAll401} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			fake := klipytest.NewSandbox()
			fake.SetAuthMode(mode)
			base := fakeAPI(t, fake)
			key := klipytest.SandboxReadOnlyKey

			t.Run("stdio", func(t *testing.T) {
				useReadTools(t, connectStdio(t, base, key))
			})
			t.Run("stdio with declared scopes", func(t *testing.T) {
				cs := connectStdio(t, base, key, "--scopes", "people:read,companies:read,interactions:read")
				list, err := cs.ListTools(t.Context(), nil)
				if err != nil {
					t.Fatal(err)
				}
				want := "get_company,get_interaction,get_person,get_workspace,search_interactions,search_people"
				if got := strings.Join(toolNames(list.Tools), ","); got != want {
					t.Errorf("tools = %s, want %s", got, want)
				}
			})
			t.Run("http", func(t *testing.T) {
				s := startHosted(t, base)
				before := authenticates(fake, key)
				for range 2 {
					useReadTools(t, connectHTTP(t, s.url, key))
				}
				if n := authenticates(fake, key) - before; n != 1 {
					t.Errorf("hosted mode sent %d /authenticate for the key, want 1", n)
				}
				if code := s.stop(t); code != 0 {
					t.Errorf("exit %d", code)
				}
			})
		})
	}
}

// authenticates counts the /authenticate requests the fake received with key.
func authenticates(fake *klipytest.Server, key string) int {
	n := 0
	for _, r := range fake.Requests() {
		if r.Op == "authenticate" && string(r.Key) == key {
			n++
		}
	}
	return n
}

// TestStdioFirstCallsUpstreamRefusing: over stdio, with Klipy refusing
// connections, concurrent first calls all answer isError within 2 s (one
// shared key check, its failure reused).
func TestStdioFirstCallsUpstreamRefusing(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String() + "/api/v1"
	ln.Close()
	cs := connectStdio(t, base, "klipy_api_refused_upstream")
	start := time.Now()
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			res, err := cs.CallTool(t.Context(), &mcp.CallToolParams{Name: "get_person", Arguments: map[string]any{"person_id": "per_1"}})
			switch {
			case err != nil:
				t.Errorf("get_person: %v", err)
			case !res.IsError:
				t.Error("get_person succeeded against a refusing upstream")
			}
		})
	}
	wg.Wait()
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("8 concurrent first calls took %v, want ≤ 2s", d)
	}
}

// peopleWriterKey may read and write people only; the narrow-key tests add
// it to their fake.
const peopleWriterKey = "klipy_api_people_writer"

// peopleWriteTools are the tools a people:read + people:write key may use
// that change data.
var peopleWriteTools = []string{"create_person", "upsert_person", "update_person"}

// usePeopleWrites runs create_person, upsert_person and update_person as a
// model would and fails on any isError.
func usePeopleWrites(t *testing.T, cs *mcp.ClientSession, email string) {
	t.Helper()
	call := func(name string, args map[string]any) map[string]any {
		t.Helper()
		person, _ := callTool(t, cs, name, args)["person"].(map[string]any)
		return person
	}
	created := call("create_person", map[string]any{"email": email, "first_name": "Nia"})
	id, _ := created["id"].(string)
	if id == "" {
		t.Fatalf("create_person returned no id: %v", created)
	}
	call("upsert_person", map[string]any{"email": email, "title": "Head of Data"})
	updated := call("update_person", map[string]any{"person_id": id, "last_name": "Okafor"})
	if updated["lastName"] != "Okafor" {
		t.Errorf("update_person did not apply: %v", updated)
	}
}

// refused calls a tool outside the key's scopes. Offered (scopes unknown,
// none declared), it must answer isError naming scope; not offered, the
// call must fail as for a tool that does not exist.
func refused(t *testing.T, cs *mcp.ClientSession, name string, args map[string]any, scope string, offered bool) {
	t.Helper()
	res, err := cs.CallTool(t.Context(), &mcp.CallToolParams{Name: name, Arguments: args})
	if !offered {
		if err == nil || !strings.Contains(err.Error(), "not found") {
			t.Errorf("%s, not offered, was callable: %v, %v", name, err, res)
		}
		return
	}
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	b, _ := json.Marshal(res.Content)
	if !res.IsError || !strings.Contains(string(b), "Missing scope") || !strings.Contains(string(b), scope) {
		t.Errorf("%s outside the key's scopes: %s", name, b)
	}
}

// opsSent counts the requests for op the fake received with key, and how
// many of them it answered 2xx.
func opsSent(fake *klipytest.Server, key, op string) (sent, ok int) {
	for _, r := range fake.Requests() {
		if r.Op == op && string(r.Key) == key {
			sent++
			if r.Status >= 200 && r.Status < 300 {
				ok++
			}
		}
	}
	return sent, ok
}

// TestNarrowKeyWritesAuthenticateNeedsAll (issue 11): against a Klipy whose
// /authenticate needs ALL, a people:read + people:write key writes people
// over stdio and HTTP. A tool outside its scopes never writes: with
// --scopes declared it is neither listed nor callable and nothing is sent;
// without, it is listed and tried, and Klipy's 403 becomes the
// missing-scope message naming the scope.
func TestNarrowKeyWritesAuthenticateNeedsAll(t *testing.T) {
	t.Parallel()
	outside := []struct {
		tool, op, scope string
		args            map[string]any
	}{
		{"create_company", "createCompany", "companies:write", map[string]any{"name": "Nimbus Freight"}},
		{"log_interaction", "createInteraction", "interactions:write", map[string]any{
			"type": "MEMO", "direction": "INTERNAL", "title": "Call notes", "person_email": "jordan.patel@acmeanalytics.example"}},
	}
	for name, mode := range map[string]klipytest.AuthMode{"403": klipytest.AuthNeedsAll403, "401": klipytest.AuthNeedsAll401} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			fake := klipytest.NewSandbox()
			fake.AddKey(klipytest.Key{Token: peopleWriterKey, Org: klipytest.SandboxOrg, Scopes: []string{"people:read", "people:write"}})
			fake.SetAuthMode(mode)
			base := fakeAPI(t, fake)
			hosted := startHosted(t, base)
			declared := startHosted(t, base, "--scopes", "people:read,people:write")
			t.Cleanup(func() {
				for _, s := range []*server{hosted, declared} {
					if code := s.stop(t); code != 0 {
						t.Errorf("exit %d", code)
					}
				}
			})
			sessions := []struct {
				name    string
				declare bool
				connect func() *mcp.ClientSession
			}{
				{"stdio", false, func() *mcp.ClientSession { return connectStdio(t, base, peopleWriterKey) }},
				{"stdio with declared scopes", true, func() *mcp.ClientSession {
					return connectStdio(t, base, peopleWriterKey, "--scopes", "people:read,people:write")
				}},
				{"http", false, func() *mcp.ClientSession { return connectHTTP(t, hosted.url, peopleWriterKey) }},
				{"http with declared scopes", true, func() *mcp.ClientSession { return connectHTTP(t, declared.url, peopleWriterKey) }},
			}
			for i, sc := range sessions {
				t.Run(sc.name, func(t *testing.T) {
					cs := sc.connect()
					list, err := cs.ListTools(t.Context(), nil)
					if err != nil {
						t.Fatal(err)
					}
					names := toolNames(list.Tools)
					for _, w := range peopleWriteTools {
						if !slices.Contains(names, w) {
							t.Errorf("tools/list lacks %s: %v", w, names)
						}
					}
					usePeopleWrites(t, cs, fmt.Sprintf("nia.okafor.%d@example.com", i))
					for _, o := range outside {
						if listed := slices.Contains(names, o.tool); listed == sc.declare {
							t.Errorf("%s listed = %v with declared scopes %v", o.tool, listed, sc.declare)
						}
						before, _ := opsSent(fake, peopleWriterKey, o.op)
						refused(t, cs, o.tool, o.args, o.scope, !sc.declare)
						sent, ok := opsSent(fake, peopleWriterKey, o.op)
						if ok != 0 {
							t.Errorf("%s: the fake accepted %d %s", o.tool, ok, o.op)
						}
						switch {
						case sc.declare && sent != before:
							t.Errorf("%s: %d %s sent despite the declared scopes", o.tool, sent-before, o.op)
						case !sc.declare && sent == before:
							t.Errorf("%s: no %s tried with the scopes unknown", o.tool, o.op)
						}
					}
				})
			}
		})
	}
}
