package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

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
	fake := klipytest.NewSandbox()
	play(fake, e.cfg.Play)
	mux := http.NewServeMux()
	mux.Handle(sandboxBasePath+"/", fake)
	base := "http://" + ln.Addr().String() + sandboxBasePath
	printSandboxKeys(e.stderr, base)
	if len(e.cfg.Play) > 0 {
		fmt.Fprintf(e.stderr, "  playing: %s\n", strings.Join(e.cfg.Play, ", "))
	}
	logger.Info("serving the fake Klipy API", "base_url", base, "playing", e.cfg.Play)
	return serveUntilDone(ctx, ln, mux, logger)
}

// authModes are the /authenticate behaviours --play accepts besides the
// API variants: a key without ALL is refused with 403 or with 401.
var authModes = map[string]klipytest.AuthMode{
	"authenticate-needs-all-403": klipytest.AuthNeedsAll403,
	"authenticate-needs-all-401": klipytest.AuthNeedsAll401,
}

// playNames lists every name --play accepts: the API variants, then the
// /authenticate modes.
func playNames() []string {
	var out []string
	for _, v := range klipytest.Variants() {
		out = append(out, string(v))
	}
	return append(out, "authenticate-needs-all-403", "authenticate-needs-all-401")
}

// play makes the fake answer the way an API with each named difference
// would (names checked by loadConfig), so one can watch how the
// server copes with each guess of the contract proving wrong.
func play(s *klipytest.Server, names []string) {
	for _, n := range names {
		if m, ok := authModes[n]; ok {
			s.SetAuthMode(m)
		} else if v, ok := klipytest.ParseVariant(n); ok {
			s.Play(v, true)
		}
	}
}

// printSandboxKeys tells the integrator where the fake is and which keys it
// accepts: the full key and narrower ones, to see tools filtered by scope.
func printSandboxKeys(w io.Writer, base string) {
	fmt.Fprintf(w, "klipy-mcp sandbox: fake Klipy API at %s\n  keys:\n", base)
	for _, k := range klipytest.SandboxKeys() {
		fmt.Fprintf(w, "    %-32s %s\n", k.Token, strings.Join(k.Scopes, " "))
	}
	fmt.Fprintf(w, "  try: klipy-mcp stdio --base-url %s --api-key %s\n", base, klipytest.SandboxKey)
	fmt.Fprintf(w, "       klipy-mcp call get_workspace --base-url %s --api-key %s   (the tools a narrower key may use)\n", base, klipytest.SandboxPeopleReadKey)
}

// serveUntilDone serves h (the fake REST API) on ln until ctx is done, then stops accepting,
// lets in-flight requests finish (bounded by shutdownGrace) and closes.
func serveUntilDone(ctx context.Context, ln net.Listener, h http.Handler, logger *slog.Logger) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down: finishing in-flight requests", "grace", shutdownGrace)
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	err := srv.Shutdown(sctx)
	if serr := <-errc; !errors.Is(serr, http.ErrServerClosed) {
		return serr
	}
	if err != nil {
		return err
	}
	logger.Info("stopped")
	return nil
}
