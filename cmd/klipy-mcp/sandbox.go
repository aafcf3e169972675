package main

import (
	"context"
	"fmt"
	"net"
	"net/http"

	"github.com/klipy-ai/klipy-mcp/klipy/klipytest"
)

// sandboxBasePath is where the sandbox command mounts the fake API, so its
// base URL looks like the real one.
const sandboxBasePath = "/api/v1"

// runSandbox serves the fake Klipy REST API, seeded with the demo
// workspace, until a signal.
func runSandbox(ctx context.Context, e *env) error {
	if len(e.args) > 0 {
		return usageError("sandbox takes no arguments (got %q)", e.args[0])
	}
	if _, err := e.cfg.listen(); err != nil {
		return err
	}
	logger, closeLog, err := newLogger(e.cfg, e.stderr)
	if err != nil {
		return err
	}
	defer closeLog()
	ln, err := net.Listen("tcp", e.cfg.Addr)
	if err != nil {
		return usageError("cannot listen on --addr %s: %v", e.cfg.Addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle(sandboxBasePath+"/", klipytest.NewSandbox())
	base := "http://" + ln.Addr().String() + sandboxBasePath
	fmt.Fprintf(e.stderr, "klipy-mcp sandbox: fake Klipy API at %s\n  key: %s\n  try: klipy-mcp stdio --base-url %s --api-key %s\n",
		base, klipytest.SandboxKey, base, klipytest.SandboxKey)
	logger.Info("serving the fake Klipy API", "base_url", base)
	return serveUntilDone(ctx, ln, mux, logger, nil)
}
