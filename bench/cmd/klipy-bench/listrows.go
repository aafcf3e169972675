package main

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/klipy-ai/klipy-mcp/bench"
)

// Budgets of list rows (SPEC §9), in o200k tokens.
const (
	personRowBudget      = 100
	interactionRowBudget = 110
)

// demoPersonID is Jordan Patel, the busiest contact of the demo workspace.
const demoPersonID = "per_d1d567110f"

// listRead is one result SPEC §9 budgets: the tool, its arguments and the
// list in its result.
type listRead struct {
	measure, tool string
	args          map[string]any
	list          string
	budget        int
}

var listReads = []listRead{
	{"search_people page of 20", "search_people", map[string]any{}, "people", personRowBudget},
	{"search_interactions page of 20", "search_interactions", map[string]any{}, "interactions", interactionRowBudget},
	{"get_person with 10 interactions", "get_person", map[string]any{"person_id": demoPersonID, "include_interactions": true}, "interactions", interactionRowBudget},
}

// listRowsRows runs klipy-mcp over stdio on the sandbox's demo workspace,
// makes the three reads in order on one key (so the interaction lists can
// name the people the search read) and reports the tokens of each result's
// text per row. get_person's own record is counted apart from its rows.
func listRowsRows(ctx context.Context, tok bench.Tokenizer, k *target) ([]bench.Row, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	srv, _, err := bench.StartStdio(command(k.bin, []string{"stdio", "--sandbox"}))
	if err != nil {
		return nil, err
	}
	defer srv.Close(5 * time.Second)
	if err := srv.Initialize(ctx); err != nil {
		return nil, err
	}
	var texts []string
	var counts []int
	for _, r := range listReads {
		text, n, rest, err := callForRows(ctx, srv, r)
		if err != nil {
			return nil, err
		}
		texts = append(texts, text, rest)
		counts = append(counts, n)
	}
	tokens, err := tok.Count(ctx, texts)
	if err != nil {
		return nil, err
	}
	var rows []bench.Row
	for i, r := range listReads {
		whole, rest := tokens[2*i], tokens[2*i+1]
		perRow := float64(whole-rest) / float64(max(counts[i], 1))
		note := fmt.Sprintf("%d rows, %d tok in all", counts[i], whole)
		if rest > 0 {
			note += fmt.Sprintf("; the person record (%d tok) is not a row", rest)
		}
		rows = append(rows, bench.Row{Measure: "tokens per row: " + r.measure, Unit: "tok", Klipy: bench.Num(perRow),
			Budget: fmt.Sprintf("≤ %d", r.budget), Status: bench.Verdict(counts[i] > 0 && perRow <= float64(r.budget)), Note: note})
	}
	return rows, nil
}

// callForRows calls r's tool and returns the result's text, the number of
// rows in its list, and the text of the result without the list and its
// names (the part that is not rows: a record, a cursor).
func callForRows(ctx context.Context, srv *bench.StdioServer, r listRead) (string, int, string, error) {
	raw, err := srv.Call(ctx, "tools/call", map[string]any{"name": r.tool, "arguments": r.args})
	if err != nil {
		return "", 0, "", fmt.Errorf("%s: %w", r.tool, err)
	}
	var res struct {
		IsError bool `json:"isError"`
		Content []struct {
			Text string `json:"text"`
		} `json:"content"`
	}
	if err := json.Unmarshal(raw, &res); err != nil || res.IsError || len(res.Content) == 0 {
		return "", 0, "", fmt.Errorf("%s: not a successful result: %s", r.tool, raw)
	}
	text := res.Content[0].Text
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(text), &m); err != nil {
		return "", 0, "", fmt.Errorf("%s: result text is not JSON: %w", r.tool, err)
	}
	var list []json.RawMessage
	if err := json.Unmarshal(m[r.list], &list); err != nil {
		return "", 0, "", fmt.Errorf("%s: no %s list: %w", r.tool, r.list, err)
	}
	delete(m, r.list)
	delete(m, "contact_names")
	rest := ""
	if _, ok := m["person"]; ok {
		rest = string(m["person"])
	}
	return text, len(list), rest, nil
}
