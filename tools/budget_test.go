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

// TestToolsListBudget holds the model-visible catalogue to SPEC §9: at most
// 10,000 bytes (≈2,500 o200k tokens) in all. Per tool it allows 1,000 bytes:
// measured with o200k these catalogue entries run at about 4.4 bytes a
// token, and log_interaction (two enums the contract fixes) is the largest;
// docs/tools.md has the token counts.
func TestToolsListBudget(t *testing.T) {
	per, total := toolsListBytes(t)
	for name, n := range per {
		t.Logf("%-20s %4d bytes", name, n)
		if n > 1000 {
			t.Errorf("%s: %d bytes of model-visible text, budget 1000", name, n)
		}
	}
	t.Logf("total %d bytes for %d tools", total, len(per))
	if total > 10000 {
		t.Errorf("tools/list model-visible total %d bytes, budget 10000", total)
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
