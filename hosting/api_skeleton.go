// Package hosting serves the MCP server over streamable HTTP: per-request
// keys, Origin checks, limits, health, readiness and metrics.
package hosting

// This file fixes the package's public surface so that the command can be
// written in parallel. The real implementation replaces it.

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/klipy-ai/klipy-mcp/klipy"
	"github.com/klipy-ai/klipy-mcp/tools"
)

// Config configures the HTTP host.
type Config struct {
	// Tools is the tool configuration shared by every caller; its Client is ignored.
	Tools tools.Config
	// Klipy holds the options every per-key client is built from (base URL,
	// HTTP client, rate limit, shared Limiter, timeout); APIKey is ignored.
	Klipy klipy.Options
	// ServerKey is the server-wide key, used for requests without one only
	// when Loopback or Sandbox is true.
	ServerKey string
	Loopback  bool
	Sandbox   bool
	// AllowedOrigins are browser origins allowed to call /mcp.
	AllowedOrigins []string
	SessionIdleTTL time.Duration
	Logger         *slog.Logger
}

// Handler serves /mcp, /healthz, /readyz and /metrics.
type Handler struct{ http.Handler }

// New validates cfg and returns the handler.
func New(cfg Config) (*Handler, error) { return &Handler{http.NotFoundHandler()}, nil }

// Close ends sessions and background work; in-flight calls are left to the
// http.Server's Shutdown.
func (h *Handler) Close(ctx context.Context) error { return nil }
