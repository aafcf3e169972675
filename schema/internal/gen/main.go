// Command gen writes the JSON Schemas of every tool in the catalogue
// (tools.SchemaEntries) to schema/json. It is run by `go generate
// ./schema/...` from the schema directory.
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/klipy-ai/klipy-mcp/schema/internal/schemagen"
	"github.com/klipy-ai/klipy-mcp/tools"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run() error {
	files, err := schemagen.Generate(".", tools.SchemaEntries())
	if err != nil {
		return err
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join("json", name), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}
