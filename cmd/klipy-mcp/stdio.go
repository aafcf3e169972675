package main

import (
	"context"
	"errors"
	"log"
	"log/slog"

	"github.com/klipy-ai/klipy-mcp/tools"
	"github.com/mark3labs/mcp-go/server"
)

// runStdio serves MCP over stdin/stdout until EOF or a signal.
func runStdio(ctx context.Context, e *env) error {
	logger, closeLog, err := e.keyedLogger()
	if err != nil {
		return err
	}
	defer closeLog()
	srv, err := newMCPServer(ctx, e.cfg, logger, true)
	if err != nil {
		return err
	}
	logger.Info("serving MCP over stdio", "version", buildVersion(), "sandbox", e.cfg.Sandbox, "key", keyFingerprint(e.cfg.APIKey))
	s := server.NewStdioServer(srv)
	s.SetErrorLogger(log.New(slogWriter{logger}, "", 0))
	err = s.Listen(ctx, e.stdin, e.stdout)
	if err == nil || errors.Is(err, context.Canceled) || ctx.Err() != nil {
		logger.Info("stdio session ended")
		return nil
	}
	return err
}

// newMCPServer builds the MCP server for stdio and call: the configured
// tools, served with one Klipy client. With discover, it learns the key's
// scopes from the API in the background, and tools are listed once that
// check has ended.
func newMCPServer(ctx context.Context, c *config, logger *slog.Logger, discover bool) (*server.MCPServer, error) {
	client, err := newClient(c, logger)
	if err != nil {
		return nil, err
	}
	tc := c.toolsConfig()
	tc.Client = client
	tc.Logger = logger
	if discover {
		tc.Ready = discoverInBackground(ctx, client, logger)
	}
	srv, err := tools.NewServer(tc)
	if err != nil {
		return nil, usageError("%v", err)
	}
	return srv, nil
}

// slogWriter turns the standard-library log lines of the stdio transport
// into slog warnings, so they follow --log-format and --log-file.
type slogWriter struct{ l *slog.Logger }

func (w slogWriter) Write(p []byte) (int, error) {
	msg := string(p)
	for len(msg) > 0 && msg[len(msg)-1] == '\n' {
		msg = msg[:len(msg)-1]
	}
	w.l.Warn(msg, "component", "stdio")
	return len(p), nil
}
