//go:build !linux

package main

import (
	"os"

	"github.com/klipy-ai/klipy-mcp/internal/rawio"
)

// pollable returns f: reopening a pipe as a description of this process's
// own is done on Linux only.
func pollable(f *os.File, write bool) (p *os.File, undo func(), ok bool) {
	return f, func() {}, rawio.Polled(f)
}
