// Command floor is the reference server of the performance budgets (SPEC §9):
// a minimal mcp-go server with one echo tool, served over stdio or streamable
// HTTP. The benchmark builds it and measures it in the same run as klipy-mcp,
// so every budget is a ratio against what the framework alone costs.
//
// Usage:
//
//	floor stdio
//	floor http --addr 127.0.0.1:PORT
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"syscall"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: floor stdio | floor http --addr HOST:PORT")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "stdio":
		err = server.ServeStdio(newServer())
	case "http":
		err = serveHTTP(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
}

// newServer returns the one-tool server.
func newServer() *server.MCPServer {
	s := server.NewMCPServer("floor", "1.0.0", server.WithToolCapabilities(false))
	tool := mcp.NewTool("echo",
		mcp.WithDescription("Echo the message back."),
		mcp.WithString("message", mcp.Required(), mcp.Description("Text to echo.")),
	)
	s.AddTool(tool, func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		return mcp.NewToolResultText(req.GetString("message", "")), nil
	})
	return s
}

// serveHTTP serves streamable HTTP at /mcp until SIGINT or SIGTERM.
func serveHTTP(args []string) error {
	fs := flag.NewFlagSet("http", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8090", "listen address")
	if err := fs.Parse(args); err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("/mcp", server.NewStreamableHTTPServer(newServer()))
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
	srv := &http.Server{Addr: *addr, Handler: mux}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		srv.Shutdown(context.Background())
	}()
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
