package tools

import (
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/klipy-ai/klipy-mcp/schema"
)

// TestEveryKeywordIsEnforced checks that keywords no tool uses yet are
// still enforced, with a message that names the argument: a schema change
// cannot publish a rule the server does not apply.
func TestEveryKeywordIsEnforced(t *testing.T) {
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(`{"type":"object","additionalProperties":false,
		"properties":{"code":{"type":"string","pattern":"^[A-Z]+$","minLength":2},"n":{"type":"integer","multipleOf":2,"maximum":9},
		"tags":{"type":"array","items":{"type":"string"}},"scores":{"type":"array","items":{"type":"integer","minimum":0}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("mem:///test.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("mem:///test.json")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		args map[string]any
		want string
	}{
		{map[string]any{"code": "abc"}, `Invalid argument "code": must match the pattern ^[A-Z]+$ (got "abc").`},
		{map[string]any{"code": "A"}, `Invalid argument "code": must be at least 2 characters (got 1).`},
		{map[string]any{"n": "3"}, `Invalid argument "n": does not satisfy the schema's multipleOf rule.`},
		{map[string]any{"n": 12}, `Invalid argument "n": must be at most 9 (got 12).`},
		{map[string]any{"tags": `["a", 1]`}, `Invalid argument "tags/1": must be a string.`},
		{map[string]any{"tags": `not json`}, `Invalid argument "tags": must be a JSON array.`},
		{map[string]any{"scores": []any{1, -1}}, `Invalid argument "scores/1": must be at least 0 (got -1).`},
	}
	for _, c := range cases {
		var into struct{}
		err := decodeWith(sch, c.args, &into)
		if err == nil || err.Error() != c.want {
			t.Errorf("%v: got %v, want %s", c.args, err, c.want)
		}
	}
	var into struct {
		Tags []string `json:"tags"`
	}
	if err := decodeWith(sch, map[string]any{"tags": `["a","b"]`}, &into); err != nil || len(into.Tags) != 2 {
		t.Errorf("JSON array in a string: %v, %v", into.Tags, err)
	}
}

// TestAssignFlatTakesCoercedIntegers: an integer argument, which lenient
// turns into an int64, is set without the JSON round trip.
func TestAssignFlatTakesCoercedIntegers(t *testing.T) {
	sch, err := inputSchema("search_people")
	if err != nil {
		t.Fatal(err)
	}
	args, err := lenient(sch, map[string]any{"query": "jo", "limit": float64(5)})
	if err != nil {
		t.Fatal(err)
	}
	var a schema.SearchPeopleArgs
	if !assignFlat(args, &a) || a.Query != "jo" || a.Limit != 5 {
		t.Errorf("assignFlat(%v) = %+v; want the fast path to set query and limit", args, a)
	}
}
