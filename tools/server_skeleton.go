package tools

// This file fixes the package's public surface so that the command and the
// HTTP host can be written in parallel with the tools. The real
// implementation replaces it.

import (
	"context"
	"log/slog"

	"github.com/klipy-ai/klipy-mcp/klipy"
	"github.com/mark3labs/mcp-go/server"
)

// ConfirmMode says how deletes are confirmed (SPEC §4).
type ConfirmMode string

// The confirmation modes of --confirm-destructive.
const (
	ConfirmAuto   ConfirmMode = "auto"
	ConfirmAlways ConfirmMode = "always"
	ConfirmNever  ConfirmMode = "never"
)

// Config decides which tools exist and how they behave.
type Config struct {
	Toolsets           []string // empty or ["all"] = every toolset
	Tools              []string // when set, only these tools
	ExcludeTools       []string
	ReadOnly           bool
	ConfirmDestructive ConfirmMode // default ConfirmAuto
	SearchScan         int         // default 1000
	Version            string      // server version for serverInfo
	// Client serves callers whose context carries none (stdio, call). In
	// HTTP mode each request's context carries the caller's client instead.
	Client *klipy.Client
	Logger *slog.Logger
}

// NewServer validates cfg (unknown tool or toolset names are an error that
// lists the valid ones) and returns an MCP server with the visible tools,
// resources, prompts and instructions. Tools the caller's key lacks the
// scope for are hidden and cannot be called. Extra server options (hooks,
// middleware) are appended.
func NewServer(cfg Config, opts ...server.ServerOption) (*server.MCPServer, error) {
	return server.NewMCPServer("klipy-mcp", cfg.Version, opts...), nil
}

type clientKey struct{}

// WithClient returns a context whose tool calls use c.
func WithClient(ctx context.Context, c *klipy.Client) context.Context {
	return context.WithValue(ctx, clientKey{}, c)
}

// ClientFrom returns the client carried by ctx, or nil.
func ClientFrom(ctx context.Context) *klipy.Client {
	c, _ := ctx.Value(clientKey{}).(*klipy.Client)
	return c
}
