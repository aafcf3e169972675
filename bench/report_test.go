package bench

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestMarkdownAndJSONLines(t *testing.T) {
	rows := []Row{
		Row{Measure: "cold start", Unit: "ms", Klipy: Num(13), Floor: Num(10), Budget: "≤ 1.3× floor", Status: Pass}.WithRatio(),
		{Measure: "tokens", Unit: "tok", Klipy: Num(2600), Budget: "≤ 2500", Status: Fail, Note: "search_people"},
	}
	want := "| measure | klipy-mcp | floor | ratio | budget | status |\n" +
		"|---|---:|---:|---:|---|---|\n" +
		"| cold start | 13 ms | 10 ms | 1.30× | ≤ 1.3× floor | pass |\n" +
		"| tokens | 2600 tok | — | — | ≤ 2500 | FAIL — search_people |\n"
	if diff := cmp.Diff(want, Markdown(rows)); diff != "" {
		t.Errorf("Markdown (-want +got):\n%s", diff)
	}
	var b bytes.Buffer
	if err := WriteJSONLines(&b, rows); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	var first map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil || len(lines) != 2 {
		t.Fatalf("JSON lines %q: %v", b.String(), err)
	}
	if first["ratio"] != 1.3 || first["status"] != "pass" {
		t.Errorf("first line = %v, want ratio 1.3 and status pass", first)
	}
}

func TestUpdateDocKeepsHandWrittenText(t *testing.T) {
	path := filepath.Join(t.TempDir(), "benchmarks.md")
	if err := UpdateDoc(path, "first\n"); err != nil {
		t.Fatal(err)
	}
	old, _ := os.ReadFile(path)
	edited := "intro\n\n" + string(old) + "\n## Analysis\nkept\n"
	os.WriteFile(path, []byte(edited), 0o644)
	if err := UpdateDoc(path, "second\n"); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	want := "intro\n\n# Benchmarks\n\n" + DocBegin + "\nsecond\n" + DocEnd + "\n\n## Analysis\nkept\n"
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Errorf("doc (-want +got):\n%s", diff)
	}
}

func TestModelView(t *testing.T) {
	list := `{"tools":[
	  {"name":"a","title":"A","description":"d","inputSchema":{"type":"object"},"annotations":{"title":"ignored"},"outputSchema":{"type":"object"}},
	  {"name":"b","description":"e","inputSchema":{ "type" : "object" },"annotations":{"title":"B"}}]}`
	tools, err := ModelView(json.RawMessage(list))
	if err != nil {
		t.Fatal(err)
	}
	got, err := CompactJSON(tools)
	if err != nil {
		t.Fatal(err)
	}
	want := `[{"name":"a","title":"A","description":"d","inputSchema":{"type":"object"}},` +
		`{"name":"b","title":"B","description":"e","inputSchema":{"type":"object"}}]`
	if got != want {
		t.Errorf("model view\n got %s\nwant %s", got, want)
	}
}
