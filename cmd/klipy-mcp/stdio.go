package main

import (
	"context"
	"errors"
	"io"
	"log"
	"log/slog"
	"os"
	"sync/atomic"

	"github.com/klipy-ai/klipy-mcp/internal/rawio"
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
	in, out := e.stdin, e.stdout
	var inPoller, outPoller bool
	if f, ok := in.(*os.File); ok {
		var undo func()
		in, inPoller, undo = pollableRaw(f, false)
		defer undo()
	}
	if f, ok := out.(*os.File); ok {
		var undo func()
		out, outPoller, undo = pollableRaw(f, true)
		defer undo()
	}
	procs, toCalls := stdioProcs(os.LookupEnv, inPoller)
	var restore atomic.Pointer[func()] // set by the input's reader, at the first call
	defer func() {
		if r := restore.Load(); r != nil {
			(*r)()
		}
	}()
	logger.Info("serving MCP over stdio", "version", buildVersion(), "sandbox", e.cfg.Sandbox, "key", keyFingerprint(e.cfg.APIKey),
		"input", streamKind(inPoller), "output", streamKind(outPoller), "gomaxprocs", procs)
	s := server.NewStdioServer(srv)
	s.SetErrorLogger(log.New(slogWriter{logger}, "", 0))
	l := &ledger{}
	input := &drainingInput{r: in, l: l, ctx: ctx, grace: shutdownGrace, logger: logger,
		firstCall: func() { r := toCalls(); restore.Store(&r) }}
	err = s.Listen(ctx, input, answerCountingOutput{w: out, l: l})
	if err == nil || errors.Is(err, context.Canceled) || ctx.Err() != nil {
		logger.Info("stdio session ended")
		return nil
	}
	return err
}

// pollableRaw returns f, one of the stdio streams, in the runtime's poller
// and read or written with raw system calls (rawio) when pollable can put it
// there; poller says whether it could. undo puts back what was changed.
func pollableRaw(f *os.File, write bool) (rw io.ReadWriter, poller bool, undo func()) {
	p, undo, ok := pollable(f, write)
	if !ok {
		return p, false, undo
	}
	return rawio.File(p), true, undo
}

// streamKind names how a stream is read or written, for the start-up log
// line.
func streamKind(poller bool) string {
	if poller {
		return "poller"
	}
	return "blocking"
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
