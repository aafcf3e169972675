// Command klipy-view renders one of klipy-mcp's MCP Apps views in headless
// Chromium, the way a host does, and writes a PNG: for the screenshots in
// docs/ and for people developing the views.
//
//	go run ./views/cmd/klipy-view -out person.png person per_d1d567110f --sandbox
//	go run ./views/cmd/klipy-view -theme dark -width 320 -out c.png company cmp_0de099270d --sandbox
//
// It runs `klipy-mcp stdio` with the arguments after the record id (built
// from ./cmd/klipy-mcp unless -bin names a binary), connects as a client
// that declares the MCP Apps extension, calls get_person (with
// interactions) or get_company, reads the ui:// resource the tool links to,
// and shows both through a host built on the extension's AppBridge. It is a
// separate command so that the klipy-mcp binary does not carry a browser
// driver.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/klipy-ai/klipy-mcp/views/render"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "klipy-view:", err)
		os.Exit(1)
	}
}

func run() error {
	bin := flag.String("bin", "", "klipy-mcp binary (default: go build ./cmd/klipy-mcp)")
	out := flag.String("out", "", "PNG file to write (required)")
	theme := flag.String("theme", "light", "host theme: light or dark")
	width := flag.Int("width", 480, "view width in CSS pixels")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: klipy-view -out FILE.png [-theme light|dark] [-width PX] [-bin klipy-mcp] person|company ID [klipy-mcp stdio flags, e.g. --sandbox]")
		flag.PrintDefaults()
	}
	flag.Parse()
	args := flag.Args()
	if len(args) < 2 || *out == "" || (*theme != "light" && *theme != "dark") || *width < 200 {
		flag.Usage()
		os.Exit(2)
	}
	tool, toolArgs := "get_person", map[string]any{"person_id": args[1], "include_interactions": true}
	switch args[0] {
	case "person":
	case "company":
		tool, toolArgs = "get_company", map[string]any{"company_id": args[1]}
	default:
		return fmt.Errorf("unknown view %q: person or company", args[0])
	}
	browser, err := render.Browser()
	if err != nil {
		return err
	}
	if *bin == "" {
		if *bin, err = build(); err != nil {
			return err
		}
		defer os.RemoveAll(filepath.Dir(*bin))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	src, err := render.DialStdio(ctx, *bin, os.Environ(), args[2:]...)
	if err != nil {
		return err
	}
	defer src.Close()
	uri, err := src.ViewFor(ctx, tool)
	if err != nil {
		return err
	}
	if uri == "" {
		return errors.New(tool + " declares no view for this configuration")
	}
	view, err := src.View(ctx, uri)
	if err != nil {
		return err
	}
	result, err := src.Call(ctx, tool, toolArgs)
	if err != nil {
		return err
	}
	png, err := render.Shoot(ctx, browser, view.Text, result, src.Call, *theme, *width)
	if err != nil {
		return err
	}
	if err := os.WriteFile(*out, png, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "wrote %s (%s, %s theme, %d px)\n", *out, uri, *theme, *width)
	return nil
}

// build compiles klipy-mcp from the module in the working directory.
func build() (string, error) {
	dir, err := os.MkdirTemp("", "klipy-view")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "klipy-mcp")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/klipy-mcp")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		os.RemoveAll(dir)
		return "", fmt.Errorf("building klipy-mcp (run from the repository root, or pass -bin): %w", err)
	}
	return bin, nil
}
