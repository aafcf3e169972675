package main

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/mark3labs/mcp-go/server"

	"github.com/klipy-ai/klipy-mcp/conformance"
	"github.com/klipy-ai/klipy-mcp/tools"
)

// newHandler builds the MCP server the way the product does (tools.NewServer)
// with the fixtures appended, and serves it over mcp-go's streamable HTTP
// transport at /mcp.
func newHandler(baseURL string, logger *slog.Logger) (http.Handler, func(context.Context) error, error) {
	_ = baseURL
	cfg := tools.Config{Version: "conformance", Logger: logger}
	s, err := tools.NewServer(cfg, conformance.Options()...)
	if err != nil {
		return nil, nil, err
	}
	h := server.NewStreamableHTTPServer(s, server.WithEndpointPath("/mcp"))
	mux := http.NewServeMux()
	mux.Handle("/mcp", h)
	return mux, h.Shutdown, nil
}
