// Command floor is the reference server of the performance budgets (SPEC §9):
// a minimal mcp-go server with one echo tool, served over stdio or streamable
// HTTP. The benchmark builds it and measures it in the same run as klipy-mcp,
// so every budget is a ratio against what the framework alone costs.
//
// Usage:
//
//	floor stdio [--proxy URL --proxy-key KEY]
//	floor http --addr 127.0.0.1:PORT [--proxy URL --proxy-key KEY]
//
// In HTTP mode /metrics has the process's allocation counters, named as in
// klipy-mcp's /metrics.
//
// With --proxy the server also has a "fetch" tool that GETs URL with
// the key as a bearer token and returns the body: the least any server that
// relays one upstream call can do, which separates the cost of the shape
// (two process hops) from the cost of klipy-mcp's own code.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"

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
		err = serveStdio(os.Args[2:])
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

// serveStdio serves over stdin and stdout.
func serveStdio(args []string) error {
	fs := flag.NewFlagSet("stdio", flag.ContinueOnError)
	build := serverFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	return server.ServeStdio(build())
}

// serverFlags defines --proxy and --proxy-key on fs and returns the
// constructor of the server they describe.
func serverFlags(fs *flag.FlagSet) func() *server.MCPServer {
	proxy := fs.String("proxy", "", "URL the fetch tool GETs (no fetch tool when empty)")
	key := fs.String("proxy-key", "", "bearer token for --proxy")
	return func() *server.MCPServer {
		s := newServer()
		if *proxy != "" {
			addFetch(s, *proxy, *key)
		}
		return s
	}
}

// addFetch adds the relaying tool.
func addFetch(s *server.MCPServer, url, key string) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64 // as many as klipy's client keeps
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	s.AddTool(mcp.NewTool("fetch", mcp.WithDescription("Fetch the configured URL.")),
		func(ctx context.Context, _ mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
			if err != nil {
				return nil, err
			}
			req.Header.Set("Authorization", "Bearer "+key)
			resp, err := client.Do(req)
			if err != nil {
				return mcp.NewToolResultError(err.Error()), nil
			}
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			if err != nil || resp.StatusCode != http.StatusOK {
				return mcp.NewToolResultError(fmt.Sprintf("HTTP %d %v", resp.StatusCode, err)), nil
			}
			return mcp.NewToolResultText(string(body)), nil
		})
}

// serveAllocs writes the two allocation counters klipy-mcp's /metrics has,
// under the same names and from the same source (runtime.MemStats), so the
// benchmark can compare what each server allocates per call.
func serveAllocs(w http.ResponseWriter, _ *http.Request) {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	fmt.Fprintf(w, "go_memstats_alloc_bytes_total %d\ngo_memstats_mallocs_total %d\n", m.TotalAlloc, m.Mallocs)
}

// serveHTTP serves streamable HTTP at /mcp until SIGINT or SIGTERM.
func serveHTTP(args []string) error {
	fs := flag.NewFlagSet("http", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8090", "listen address")
	build := serverFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("/mcp", server.NewStreamableHTTPServer(build()))
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
	mux.HandleFunc("/metrics", serveAllocs)
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
