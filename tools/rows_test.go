package tools

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/klipy-ai/klipy-mcp/klipy"
)

// listReads are the results SPEC §9 budgets, as the model reads them: a
// search_people page of 20, a search_interactions page of 20 and get_person
// with 10 interactions, on the demo workspace.
var listReads = []struct {
	name, tool string
	args       map[string]any
	rows       string // the list in the result
	maxRow     int    // bytes of the whole result per row
}{
	{"search_people page of 20", "search_people", map[string]any{}, "people", 250},
	{"search_interactions page of 20", "search_interactions", map[string]any{}, "interactions", 375},
	{"get_person with 10 interactions", "get_person", map[string]any{"person_id": jordanID, "include_interactions": true}, "interactions", 450},
}

// TestListRowBudget holds list rows to SPEC §9 (100 o200k tokens a person,
// 110 an interaction) through a byte proxy: these rows run at 3.1 (people)
// to 3.5 (interactions) bytes a token, so 100 tokens are about 310 bytes and
// 110 about 385; get_person's whole person record is on top of its rows.
// docs/tools.md has the token counts; KLIPY_DUMP_RESULTS=file appends each
// result's text to file for counting them.
func TestListRowBudget(t *testing.T) {
	e := newEnv(t, Config{})
	for _, r := range listReads {
		txt := text(t, call(t, e.mc, r.tool, r.args))
		var m map[string]any
		if err := json.Unmarshal([]byte(txt), &m); err != nil {
			t.Fatal(err)
		}
		n := len(m[r.rows].([]any))
		t.Logf("%s: %d rows, %d bytes, %d bytes a row", r.name, n, len(txt), len(txt)/max(n, 1))
		if n == 0 || len(txt)/n > r.maxRow {
			t.Errorf("%s: %d rows, %d bytes: want rows, at most %d bytes a row", r.name, n, len(txt), r.maxRow)
		}
		if dump := os.Getenv("KLIPY_DUMP_RESULTS"); dump != "" {
			b, _ := json.Marshal(txt)
			appendLine(t, dump, b)
		}
	}
}

// TestInteractionRowsTightenOnAHugePage: a page whose rows would pass
// maxResultBytes (here: interactions linked to many contacts) gets shorter
// titles and summaries.
func TestInteractionRowsTightenOnAHugePage(t *testing.T) {
	s, err := newSrv(Config{Client: dummyClient(t, 0)}, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("lorem ipsum ", 50)
	var contacts []string
	for i := range 20 {
		contacts = append(contacts, fmt.Sprintf("per_%010d", i))
	}
	mk := func(n int) []*klipy.Interaction {
		var its []*klipy.Interaction
		for i := range n {
			its = append(its, &klipy.Interaction{ID: fmt.Sprintf("int_%d", i), Title: long, Summary: long, Contacts: contacts})
		}
		return its
	}
	few, _ := s.interactionRows(s.cfg.Client, mk(5))
	if n := utf8.RuneCountInString(few[0].Summary); n <= 100 {
		t.Errorf("a small page has summaries of %d runes, want the usual %d and a marker", n, rowSummaryLimit)
	}
	many, _ := s.interactionRows(s.cfg.Client, mk(100))
	b, _ := json.Marshal(many)
	if n := utf8.RuneCountInString(many[0].Summary); n > tightRows.summary+40 || len(b) > maxResultBytes {
		t.Errorf("a huge page: summary of %d runes, %d bytes; want tight rows", n, len(b))
	}
}

// TestContactNamesFromWhatTheKeySaw: interaction lists name the contacts the
// key already fetched or scanned, with no request just for names, and
// another key's lists do not.
func TestContactNamesFromWhatTheKeySaw(t *testing.T) {
	f, s, _ := newClockedEnv(t)
	mc := connect(t, s.mcp)
	args := map[string]any{"person_id": jordanID, "limit": 5}
	if out := okResult(t, call(t, mc, "search_interactions", args)); out["contact_names"] != nil {
		t.Errorf("names before Jordan was read: %v", out["contact_names"])
	}
	okResult(t, call(t, mc, "get_person", map[string]any{"person_id": jordanID}))
	f.reset()
	out := okResult(t, call(t, mc, "search_interactions", args))
	if diff := cmp.Diff(map[string]any{jordanID: "Jordan Patel"}, out["contact_names"]); diff != "" {
		t.Errorf("contact_names after get_person (-want +got):\n%s", diff)
	}
	if got := f.requests(); len(got) != 1 {
		t.Errorf("requests %v, want only the interactions query", got)
	}
	res, err := callErr(WithClient(t.Context(), f.client(t)), mc, "search_interactions", args)
	if err != nil {
		t.Fatal(err)
	}
	if out := okResult(t, res); out["contact_names"] != nil {
		t.Errorf("another key saw names this key read: %v", out["contact_names"])
	}
}

// TestIsPersonName checks isPersonName against personName.
func TestIsPersonName(t *testing.T) {
	names := []string{"", "Ada", "Lovelace", "Ada Lovelace", "AdaLovelace", "Ada  Lovelace", "Ada Lovelac", "Ad Lovelace", " Lovelace", "Ada "}
	for _, first := range []string{"", "Ada", "Ad"} {
		for _, last := range []string{"", "Lovelace", "Lovelac"} {
			p := &klipy.Person{FirstName: first, LastName: last}
			for _, n := range names {
				if got, want := isPersonName(p, n), n == personName(p); got != want {
					t.Errorf("isPersonName(%q %q, %q) = %v, want %v", first, last, n, got, want)
				}
			}
		}
	}
}
