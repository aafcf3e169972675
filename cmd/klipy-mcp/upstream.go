package main

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/klipy-ai/klipy-mcp/internal/rawio"
	"github.com/klipy-ai/klipy-mcp/klipy"
	"github.com/klipy-ai/klipy-mcp/klipy/klipytest"
)

// sandboxBaseURL is the base URL of the in-process demo workspace. Nothing
// resolves it: the sandbox's transport answers every request in-process.
const sandboxBaseURL = "http://sandbox.klipy.invalid/api/v1"

// klipyOptions returns the options every Klipy client of this run is built
// from. In sandbox mode they point at a fresh in-process demo workspace and
// carry its key.
func klipyOptions(c *config, logger *slog.Logger) klipy.Options {
	opts := klipy.Options{
		BaseURL:   c.BaseURL,
		APIKey:    c.APIKey,
		Version:   buildVersion(),
		Scopes:    c.Scopes,
		RateLimit: c.RateLimit,
		// An organization's budget is never below one of its keys': a key
		// allowed more than Klipy's default must not be capped by the
		// default organization window.
		OrgLimit: max(klipy.DefaultOrgLimit, c.RateLimit),
		Timeout:  c.Timeout,
		Logger:   logger,
		// Every command's own transport, read and written raw (rawTransport).
		HTTPClient: &http.Client{Transport: rawTransport()},
	}
	if c.Sandbox {
		opts.BaseURL = sandboxBaseURL
		opts.APIKey = klipytest.SandboxKey
		opts.HTTPClient = &http.Client{Transport: klipytest.NewTransport(klipytest.NewSandbox())}
	}
	return opts
}

// rawTransport is the upstream transport of every command: as the klipy
// client's default pool, but its connections are read and written with raw
// system calls (rawio), which spares a thread wake-up at each step of a call
// when the process was idle.
func rawTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 64
	t.DialContext = rawio.Dialer(&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second})
	return t
}

// newClient returns the Klipy client for the configured key (or the sandbox).
func newClient(c *config, logger *slog.Logger) (*klipy.Client, error) {
	opts := klipyOptions(c, logger)
	if !c.Sandbox {
		logger.Debug("klipy client", "base_url", opts.BaseURL, "key", keyFingerprint(opts.APIKey))
	}
	return klipy.New(opts)
}

// discoverTimeout bounds the start-up check of the key.
const discoverTimeout = 10 * time.Second

// discoverInBackground starts checking the key at once and returns a
// function that waits (until ctx is done) for that check to end. Start-up
// does not wait for the API: initialize is answered while the check runs,
// and the tools are listed once it has ended, so they follow the key's
// scopes.
func discoverInBackground(ctx context.Context, client *klipy.Client, logger *slog.Logger) func(context.Context) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		discoverScopes(ctx, client, logger)
	}()
	return func(ctx context.Context) {
		select {
		case <-done:
		case <-ctx.Done():
		}
	}
}

// discoverScopes asks the API about the key once, so that the tools a stdio
// or call server lists follow the key's scopes. A failure is logged, not
// fatal: the server still starts, and a tool that needs a scope checks the
// key again (at most once every few seconds) before it runs.
func discoverScopes(ctx context.Context, client *klipy.Client, logger *slog.Logger) {
	ctx, cancel := context.WithTimeout(ctx, discoverTimeout)
	defer cancel()
	err := client.Discover(ctx)
	switch {
	case errors.Is(err, klipy.ErrUnauthorized):
		logger.Error("the Klipy API rejected the key as invalid or expired; tool calls will fail until it is replaced")
	case err != nil:
		logger.Warn("could not check the key; every tool is listed, and a tool checks the key again before it runs", "err", err)
	case client.ScopesUnknownReason() != nil:
		scopes, known := client.Scopes()
		logger.Info("the Klipy API does not let this key call /authenticate (it probably needs the ALL scope); the workspace name and organization are unknown, and tools follow the declared scopes, if any",
			"scopes", scopes, "scopes_declared", known)
	default:
		scopes, known := client.Scopes()
		logger.Debug("connected to Klipy", "scopes", scopes, "scopes_known", known)
	}
}
