package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// Tokenizer counts o200k tokens with the npm package gpt-tokenizer, run by
// node from dir (bench/tokenizer: package.json, its lock and count.mjs).
type Tokenizer struct{ Dir string }

// Install runs "npm ci" in the tokenizer's directory unless the package is
// already installed, so that the counts come from the locked version.
func (t Tokenizer) Install(ctx context.Context) error {
	if _, err := os.Stat(filepath.Join(t.Dir, "node_modules", "gpt-tokenizer", "package.json")); err == nil {
		return nil
	}
	cmd := exec.CommandContext(ctx, "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
	cmd.Dir = t.Dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("npm ci in %s: %w\n%s", t.Dir, err, out)
	}
	return nil
}

// Count returns the number of tokens of each text.
func (t Tokenizer) Count(ctx context.Context, texts []string) ([]int, error) {
	in, err := json.Marshal(texts)
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, "node", "count.mjs")
	cmd.Dir = t.Dir
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("node count.mjs: %w: %s", err, stderr.Bytes())
	}
	var counts []int
	if err := json.Unmarshal(out, &counts); err != nil {
		return nil, fmt.Errorf("decode token counts: %w", err)
	}
	if len(counts) != len(texts) {
		return nil, fmt.Errorf("token counts: got %d for %d texts", len(counts), len(texts))
	}
	return counts, nil
}
