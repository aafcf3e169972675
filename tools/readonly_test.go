package tools

import (
	"net/http"
	"strings"
	"testing"
)

// readArgs are valid arguments for every read tool.
var readArgs = map[string]map[string]any{
	"get_workspace":       {},
	"search_people":       {"query": "jordan"},
	"get_person":          {"person_id": jordanID, "include_interactions": true},
	"get_company":         {"company_id": acmeID},
	"search_interactions": {"person_id": jordanID, "type": "EMAIL"},
	"get_interaction":     {"interaction_id": "int_unknown"},
}

// TestReadToolsNeverWrite runs every read tool against a fake that refuses
// writes and checks the request log holds only reads.
func TestReadToolsNeverWrite(t *testing.T) {
	e := newEnv(t, Config{})
	e.fake.DenyWrites(true)
	for _, d := range defs() {
		if d.kind != KindRead {
			continue
		}
		args, ok := readArgs[d.name]
		if !ok {
			t.Errorf("read tool %s has no test arguments", d.name)
			continue
		}
		res := call(t, e.mc, d.name, args)
		if res.IsError && d.name != "get_interaction" {
			t.Errorf("%s: %s", d.name, text(t, res))
		}
	}
	for _, r := range e.fake.reqs() {
		if r.Method != http.MethodGet && !(r.Method == http.MethodPost && strings.HasSuffix(r.Path, "/query")) {
			t.Errorf("a read tool sent %s %s", r.Method, r.Path)
		}
	}
	if len(e.fake.reqs()) < len(readArgs) {
		t.Errorf("only %d upstream requests", len(e.fake.reqs()))
	}
}
