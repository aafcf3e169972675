package main

import (
	"log/slog"
	"net/http"

	"github.com/klipy-ai/klipy-mcp/conformance"
	"github.com/klipy-ai/klipy-mcp/hosting"
	"github.com/klipy-ai/klipy-mcp/klipy"
	"github.com/klipy-ai/klipy-mcp/klipy/klipytest"
	"github.com/klipy-ai/klipy-mcp/tools"
)

// sandboxBaseURL is the base URL of the in-process demo workspace; its
// transport answers every request in-process, so nothing resolves it.
const sandboxBaseURL = "http://sandbox.klipy.invalid/api/v1"

// newHandler builds the product's HTTP host exactly as `klipy-mcp http
// --sandbox` on a loopback address does (hosting.New around tools.NewServer,
// the sandbox key serving requests without one), with the conformance
// fixtures appended through hosting.Config.ServerOptions.
func newHandler(logger *slog.Logger) (*hosting.Handler, error) {
	cfg := hosting.Config{
		Tools: tools.Config{Version: "conformance", Logger: logger},
		Klipy: klipy.Options{
			BaseURL:    sandboxBaseURL,
			Version:    "conformance",
			HTTPClient: &http.Client{Transport: klipytest.NewTransport(klipytest.NewSandbox())},
			Logger:     logger,
		},
		ServerKey:     klipytest.SandboxKey,
		Loopback:      true,
		Sandbox:       true,
		Logger:        logger,
		ServerOptions: conformance.Options(),
	}
	return hosting.New(cfg)
}
