package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestWorkspaceUpToDate fails when demo/workspace.json differs from what
// the generator writes (run go generate ./klipy/klipytest after editing).
func TestWorkspaceUpToDate(t *testing.T) {
	out := filepath.Join(t.TempDir(), "workspace.json")
	if err := write(out); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	committed, err := os.ReadFile(filepath.Join("..", "workspace.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, committed) {
		t.Error("demo/workspace.json is stale: run go generate ./klipy/klipytest")
	}
}

func TestIDsUnique(t *testing.T) {
	ws := build()
	seen := map[string]bool{}
	for _, group := range [][]record{ws.Companies, ws.People, ws.Interactions} {
		for _, r := range group {
			id := r["id"].(string)
			if seen[id] {
				t.Errorf("duplicate id %s", id)
			}
			seen[id] = true
		}
	}
}
