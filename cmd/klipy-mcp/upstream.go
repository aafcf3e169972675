package main

import (
	"log/slog"
	"net/http"

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
		Timeout:   c.Timeout,
		Logger:    logger,
	}
	if c.Sandbox {
		opts.BaseURL = sandboxBaseURL
		opts.APIKey = klipytest.SandboxKey
		opts.HTTPClient = &http.Client{Transport: klipytest.NewTransport(klipytest.NewSandbox())}
	}
	return opts
}

// newClient returns the Klipy client for the configured key (or the sandbox).
func newClient(c *config, logger *slog.Logger) (*klipy.Client, error) {
	opts := klipyOptions(c, logger)
	if !c.Sandbox {
		logger.Debug("klipy client", "base_url", opts.BaseURL, "key", keyFingerprint(opts.APIKey))
	}
	return klipy.New(opts)
}
