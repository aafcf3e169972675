package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/klipy-ai/klipy-mcp/bench"
)

// Budgets of the model-visible catalogue (SPEC §9), in o200k tokens.
const (
	catalogueTokenBudget = 1900
	toolTokenBudget      = 240
)

// catalogue is the measured size of one server's tools/list.
type catalogue struct {
	tools       []bench.ModelTool
	totalBytes  int
	totalTokens int
	toolBytes   []int
	toolTokens  []int
}

// measureCatalogue reduces a tools/list result to what the model sees and
// counts its bytes and tokens, whole and per tool.
func measureCatalogue(ctx context.Context, tok bench.Tokenizer, result json.RawMessage) (*catalogue, error) {
	tools, err := bench.ModelView(result)
	if err != nil {
		return nil, err
	}
	if len(tools) == 0 {
		return nil, fmt.Errorf("tools/list is empty")
	}
	whole, err := bench.CompactJSON(tools)
	if err != nil {
		return nil, err
	}
	texts := []string{whole}
	for _, t := range tools {
		one, err := bench.CompactJSON(t)
		if err != nil {
			return nil, err
		}
		texts = append(texts, one)
	}
	counts, err := tok.Count(ctx, texts)
	if err != nil {
		return nil, err
	}
	c := &catalogue{tools: tools, totalBytes: len(whole), totalTokens: counts[0], toolTokens: counts[1:]}
	for _, t := range texts[1:] {
		c.toolBytes = append(c.toolBytes, len(t))
	}
	return c, nil
}

// largest returns the index of the tool with the most tokens.
func (c *catalogue) largest() int {
	i := 0
	for j, n := range c.toolTokens {
		if n > c.toolTokens[i] {
			i = j
		}
	}
	return i
}

// catalogueRows reports klipy-mcp's catalogue against the budgets, with the
// floor's one-tool catalogue for scale.
func catalogueRows(k, f *catalogue) []bench.Row {
	big := k.largest()
	total := bench.Row{Measure: fmt.Sprintf("tools/list tokens, all %d tools (o200k)", len(k.tools)), Unit: "tok",
		Klipy: bench.Num(float64(k.totalTokens)), Floor: bench.Num(float64(f.totalTokens)),
		Budget: fmt.Sprintf("≤ %d", catalogueTokenBudget), Status: bench.Verdict(k.totalTokens <= catalogueTokenBudget)}
	perTool := bench.Row{Measure: "tools/list tokens, largest tool", Unit: "tok",
		Klipy: bench.Num(float64(k.toolTokens[big])), Floor: bench.Num(float64(f.toolTokens[f.largest()])),
		Budget: fmt.Sprintf("≤ %d per tool", toolTokenBudget), Status: bench.Verdict(k.toolTokens[big] <= toolTokenBudget),
		Note: k.tools[big].Name}
	bytes := bench.Row{Measure: "tools/list bytes (compact JSON)", Unit: "B",
		Klipy: bench.Num(float64(k.totalBytes)), Floor: bench.Num(float64(f.totalBytes)), Budget: "—", Status: bench.Info}
	rows := []bench.Row{total, perTool, bytes}
	for i, t := range k.tools {
		rows = append(rows, bench.Row{Measure: "tools/list tokens: " + t.Name, Unit: "tok",
			Klipy: bench.Num(float64(k.toolTokens[i])), Budget: fmt.Sprintf("≤ %d", toolTokenBudget),
			Status: bench.Verdict(k.toolTokens[i] <= toolTokenBudget), Note: fmt.Sprintf("%d B", k.toolBytes[i])})
	}
	return rows
}
