// Command fixtureserver serves klipy-mcp's MCP server, built as the product
// builds it, plus the conformance suite's fixtures, over streamable HTTP on
// a loopback address, against the in-memory sandbox workspace. It is a test
// command: .ci/run builds it to run the whole official conformance suite;
// the product binary never contains the fixtures.
//
// Usage:
//
//	fixtureserver -addr 127.0.0.1:0 -url-file /tmp/url
//
// It writes the MCP endpoint's URL to -url-file once it is listening and
// stops on SIGINT or SIGTERM.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "loopback address to listen on")
	urlFile := flag.String("url-file", "", "file to write the MCP endpoint URL to once listening")
	flag.Parse()
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *addr, *urlFile, logger); err != nil {
		fmt.Fprintln(os.Stderr, "fixtureserver:", err)
		os.Exit(1)
	}
}

// run serves until ctx ends, with the product's own Serve (timeouts and
// graceful shutdown included).
func run(ctx context.Context, addr, urlFile string, logger *slog.Logger) error {
	h, err := newHandler(logger)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	url := "http://" + ln.Addr().String() + "/mcp"
	if urlFile != "" {
		if err := os.WriteFile(urlFile, []byte(url+"\n"), 0o644); err != nil {
			ln.Close()
			return err
		}
	}
	fmt.Fprintln(os.Stderr, "fixtureserver: serving", url)
	return h.Serve(ctx, ln)
}
