package main

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/klipy-ai/klipy-mcp/tools"
)

// TestREADMEToolTableIsCurrent fails when the README's tool table differs
// from what `klipy-mcp tools` prints for the default configuration.
func TestREADMEToolTableIsCurrent(t *testing.T) {
	vals, _, err := parseFlags("tools", nil, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := loadConfig(vals)
	if err != nil {
		t.Fatal(err)
	}
	ts, err := catalogue(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) == 0 {
		t.Fatal("the default catalogue is empty")
	}
	readme := readRoot(t, "README.md")
	want, err := replaceBetween([]byte(readme), tools.MarkdownTable(ts))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), readme); diff != "" {
		t.Errorf("README tool table is stale; run go generate ./cmd/klipy-mcp (-want +got):\n%s", diff)
	}
}

func TestReplaceBetween(t *testing.T) {
	doc := "intro\n" + readmeStart + "\nold\n" + readmeEnd + "\noutro\n"
	got, err := replaceBetween([]byte(doc), "| new |\n")
	if err != nil {
		t.Fatal(err)
	}
	want := "intro\n" + readmeStart + "\n| new |\n" + readmeEnd + "\noutro\n"
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if _, err := replaceBetween([]byte("no markers"), "x"); err == nil || !strings.Contains(err.Error(), "markers") {
		t.Errorf("missing markers: err = %v", err)
	}
}
