package tools

import (
	"encoding/json"
	"os"
	"testing"
)

// listReads are the results SPEC §9 budgets, as the model reads them: a
// search_people page of 20, a search_interactions page of 20 and get_person
// with 10 interactions, on the demo workspace.
var listReads = []struct {
	name, tool string
	args       map[string]any
	rows       string // the list in the result
}{
	{"search_people page of 20", "search_people", map[string]any{}, "people"},
	{"search_interactions page of 20", "search_interactions", map[string]any{}, "interactions"},
	{"get_person with 10 interactions", "get_person", map[string]any{"person_id": jordanID, "include_interactions": true}, "interactions"},
}

// TestListRowBudget holds list rows to SPEC §9 with a byte proxy (o200k runs
// at about 2.9 bytes a token on these rows; docs/tools.md has the token
// counts). KLIPY_DUMP_RESULTS=file appends each result's text for counting.
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
		if dump := os.Getenv("KLIPY_DUMP_RESULTS"); dump != "" {
			b, _ := json.Marshal(txt)
			appendLine(t, dump, b)
		}
	}
}
