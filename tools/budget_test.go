package tools

import (
	"encoding/json"
	"os"
	"testing"
)

// modelVisible is the part of a tools/list entry a model reads.
type modelVisible struct {
	Name        string          `json:"name"`
	Title       string          `json:"title,omitempty"`
	Description string          `json:"description"`
	InputSchema json.RawMessage `json:"inputSchema"`
}

// toolsListBytes returns the compact JSON size of each tool's model-visible
// part, and their total.
func toolsListBytes(t *testing.T) (map[string]int, int) {
	t.Helper()
	list, err := Catalogue(Config{})
	if err != nil {
		t.Fatal(err)
	}
	per := map[string]int{}
	total := 0
	for _, tool := range list {
		b, err := json.Marshal(modelVisible{tool.Name, tool.Title, tool.Description, tool.RawInputSchema})
		if err != nil {
			t.Fatal(err)
		}
		per[tool.Name] = len(b)
		if dump := os.Getenv("KLIPY_DUMP_TOOLS_LIST"); dump != "" {
			appendLine(t, dump, b)
		}
		total += len(b)
	}
	return per, total
}

// TestToolsListBudget holds the model-visible catalogue to SPEC §9 (at most
// 1,900 o200k tokens in all, 240 for any tool) by its size, which needs no
// tokenizer: these entries run at 4.3 (log_interaction, the densest) to 4.6
// bytes a token, so 1,035 bytes a tool and 8,700 in all. klipy-bench -only
// startup counts the tokens themselves.
func TestToolsListBudget(t *testing.T) {
	per, total := toolsListBytes(t)
	for name, n := range per {
		t.Logf("%-20s %4d bytes", name, n)
		if n > 1035 {
			t.Errorf("%s: %d bytes of model-visible text, budget 1035 (≈240 tokens)", name, n)
		}
	}
	t.Logf("total %d bytes for %d tools", total, len(per))
	if total > 8700 {
		t.Errorf("tools/list model-visible total %d bytes, budget 8700 (≈1,900 tokens)", total)
	}
}

// appendLine appends b and a newline to the file at path (a measurement aid:
// the o200k token counts in docs/tools.md come from these lines).
func appendLine(t *testing.T, path string, b []byte) {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write(append(b, '\n')); err != nil {
		t.Fatal(err)
	}
}
