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
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/klipy-ai/klipy-mcp/klipy/klipytest"
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

// run serves until ctx ends.
func run(ctx context.Context, addr, urlFile string, logger *slog.Logger) error {
	fake := httptest.NewServer(klipytest.NewSandbox())
	defer fake.Close()
	h, closeFn, err := newHandler(fake.URL, logger)
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
			return err
		}
	}
	fmt.Fprintln(os.Stderr, "fixtureserver: serving", url)
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err = errors.Join(srv.Shutdown(sctx), closeFn(sctx))
	if serr := <-errc; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	return err
}
