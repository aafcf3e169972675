package main

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"
	"time"

	"github.com/klipy-ai/klipy-mcp/bench"
)

// Budgets of what the model reads back from lists (SPEC §9), in o200k tokens
// per record, page overhead (cursor, keys) included.
const (
	personRowBudget      = 100
	interactionRowBudget = 110
	// pageSize is the list page measured; getInteractions is how many
	// interactions get_person adds.
	pageSize        = 20
	getInteractions = 10
)

// readBack is the text a model reads back from one measured call.
type readBack struct {
	name    string
	text    string
	records int // records in the list (interactions, for get_person)
	tokens  int
}

// resultsPhase calls the list tools and get_person on the demo workspace
// (klipy-mcp stdio --sandbox) and counts the tokens of each result's text.
func resultsPhase(ctx context.Context, cfg *config, k *target) ([]bench.Row, error) {
	demo := *k
	demo.stdioArgs = []string{"stdio", "--sandbox"}
	srv, err := startInitialized(ctx, &demo)
	if err != nil {
		return nil, err
	}
	defer srv.Close(5 * time.Second)
	call := func(tool string, args map[string]any) (string, error) {
		raw, err := srv.Call(ctx, "tools/call", bench.CallParams(tool, args))
		if err != nil {
			return "", fmt.Errorf("%s: %w", tool, err)
		}
		return resultText(raw)
	}
	people, err := call("search_people", map[string]any{"limit": pageSize})
	if err != nil {
		return nil, err
	}
	interactions, err := call("search_interactions", map[string]any{"limit": pageSize})
	if err != nil {
		return nil, err
	}
	busiest, err := busiestPerson(call)
	if err != nil {
		return nil, err
	}
	args := map[string]any{"person_id": busiest, "include_interactions": true, "interactions_limit": getInteractions}
	full, err := call("get_person", args)
	if err != nil {
		return nil, err
	}
	bare, err := call("get_person", map[string]any{"person_id": busiest})
	if err != nil {
		return nil, err
	}
	got := []*readBack{
		{name: "search_people", text: people, records: countList(people, "people")},
		{name: "search_interactions", text: interactions, records: countList(interactions, "interactions")},
		{name: "get_person", text: full, records: countList(full, "interactions")},
		{name: "get_person without interactions", text: bare},
	}
	tok := bench.Tokenizer{Dir: filepath.Join(cfg.root, "bench", "tokenizer")}
	if err := tok.Install(ctx); err != nil {
		return nil, err
	}
	texts := make([]string, len(got))
	for i, r := range got {
		texts[i] = r.text
	}
	counts, err := tok.Count(ctx, texts)
	if err != nil {
		return nil, err
	}
	for i, n := range counts {
		got[i].tokens = n
	}
	return readBackRows(got[0], got[1], got[2], got[3]), nil
}

// resultText returns the text block of a successful tool result.
func resultText(raw json.RawMessage) (string, error) {
	if err := bench.CheckToolResult(raw); err != nil {
		return "", err
	}
	var r bench.ToolResult
	if err := json.Unmarshal(raw, &r); err != nil || len(r.Content) == 0 {
		return "", fmt.Errorf("tool result has no text block")
	}
	return r.Content[0].Text, nil
}

// countList returns the length of the array under key in a JSON object
// (0 when there is none).
func countList(text, key string) int {
	var v map[string]json.RawMessage
	if json.Unmarshal([]byte(text), &v) != nil {
		return 0
	}
	var list []json.RawMessage
	if json.Unmarshal(v[key], &list) != nil {
		if p, ok := v["person"]; ok { // get_person may nest the record
			return countList(string(p), key)
		}
		return 0
	}
	return len(list)
}

// busiestPerson returns the person named by the most interactions of the
// demo workspace's first pages, so get_person has getInteractions to add.
func busiestPerson(call func(string, map[string]any) (string, error)) (string, error) {
	seen := map[string]int{}
	cursor := ""
	for range 10 {
		args := map[string]any{"limit": 50}
		if cursor != "" {
			args["cursor"] = cursor
		}
		text, err := call("search_interactions", args)
		if err != nil {
			return "", err
		}
		var page struct {
			Interactions []struct {
				Contacts []string `json:"contacts"`
			} `json:"interactions"`
			NextCursor string `json:"next_cursor"`
		}
		if err := json.Unmarshal([]byte(text), &page); err != nil {
			return "", fmt.Errorf("search_interactions page: %w", err)
		}
		for _, in := range page.Interactions {
			for _, c := range in.Contacts {
				seen[c]++
			}
		}
		if cursor = page.NextCursor; cursor == "" {
			break
		}
	}
	if len(seen) == 0 {
		return "", fmt.Errorf("the demo workspace has no interactions with contacts")
	}
	ids := make([]string, 0, len(seen))
	for id := range seen {
		ids = append(ids, id)
	}
	sort.Strings(ids) // ties go to the smallest id, so runs agree
	best := ids[0]
	for _, id := range ids {
		if seen[id] > seen[best] {
			best = id
		}
	}
	return best, nil
}

// readBackRows reports tokens per record of the two list pages and of the
// interactions get_person adds (the whole result less the bare record).
func readBackRows(people, interactions, get, bare *readBack) []bench.Row {
	perRecord := func(r *readBack, budget int, what string) bench.Row {
		row := bench.Row{Measure: fmt.Sprintf("%s page of %d: tokens per %s (o200k)", r.name, pageSize, what), Unit: "tok",
			Budget: fmt.Sprintf("≤ %d per %s", budget, what), Status: bench.Fail,
			Note: fmt.Sprintf("%d records, %d tokens, %d B", r.records, r.tokens, len(r.text))}
		if r.records > 0 {
			per := float64(r.tokens) / float64(r.records)
			row.Klipy, row.Status = bench.Num(per), bench.Verdict(per <= float64(budget))
		}
		return row
	}
	added := bench.Row{Measure: fmt.Sprintf("get_person with %d interactions: tokens per added interaction", getInteractions),
		Unit: "tok", Budget: fmt.Sprintf("≤ %d per interaction", interactionRowBudget), Status: bench.Fail,
		Note: fmt.Sprintf("%d interactions; whole result %d tokens, %d B; the record alone %d tokens",
			get.records, get.tokens, len(get.text), bare.tokens)}
	if get.records > 0 {
		per := float64(get.tokens-bare.tokens) / float64(get.records)
		added.Klipy, added.Status = bench.Num(per), bench.Verdict(per <= interactionRowBudget)
	}
	return []bench.Row{
		perRecord(people, personRowBudget, "person"),
		perRecord(interactions, interactionRowBudget, "interaction"),
		added,
	}
}
