package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// runCall runs one tool through the MCP server, exactly as a client would,
// and prints its result: the text blocks, or the whole result with --json.
func runCall(ctx context.Context, e *env) error {
	name, args, err := callArgs(e.args)
	if err != nil {
		return err
	}
	logger, closeLog, err := e.keyedLogger()
	if err != nil {
		return err
	}
	defer closeLog()
	srv, err := newMCPServer(ctx, e.cfg, logger, true)
	if err != nil {
		return err
	}
	c, err := connect(ctx, srv)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := checkToolName(ctx, c, name); err != nil {
		return err
	}
	req := mcp.CallToolRequest{}
	req.Params.Name = name
	req.Params.Arguments = args
	res, err := c.CallTool(ctx, req)
	if err != nil {
		return fmt.Errorf("calling %s: %w", name, err)
	}
	return printResult(e, res)
}

// callArgs validates the positional arguments of call: a tool name and an
// optional JSON object.
func callArgs(pos []string) (string, map[string]any, error) {
	if len(pos) == 0 || len(pos) > 2 {
		return "", nil, usageError(`call needs a tool name and optional JSON arguments, e.g. klipy-mcp call search_people '{"query":"jordan"}'`)
	}
	args := map[string]any{}
	if len(pos) == 2 && strings.TrimSpace(pos[1]) != "" {
		if err := json.Unmarshal([]byte(pos[1]), &args); err != nil || args == nil {
			return "", nil, usageError(`JSON-ARGS must be a JSON object such as '{"query":"jordan"}'`)
		}
	}
	return pos[0], args, nil
}

// connect starts an in-process MCP client on srv and initializes it.
func connect(ctx context.Context, srv *server.MCPServer) (*client.Client, error) {
	c, err := client.NewInProcessClient(srv)
	if err != nil {
		return nil, err
	}
	if err := c.Start(ctx); err != nil {
		return nil, err
	}
	initReq := mcp.InitializeRequest{}
	initReq.Params.ClientInfo = mcp.Implementation{Name: "klipy-mcp-cli", Version: buildVersion()}
	if _, err := c.Initialize(ctx, initReq); err != nil {
		c.Close()
		return nil, fmt.Errorf("initialize: %w", err)
	}
	return c, nil
}

// listTools returns every tool the server lists.
func listTools(ctx context.Context, c *client.Client) ([]mcp.Tool, error) {
	res, err := c.ListTools(ctx, mcp.ListToolsRequest{})
	if err != nil {
		return nil, fmt.Errorf("tools/list: %w", err)
	}
	return res.Tools, nil
}

// checkToolName fails with the list of valid tools when name is not one.
func checkToolName(ctx context.Context, c *client.Client, name string) error {
	ts, err := listTools(ctx, c)
	if err != nil {
		return err
	}
	names := make([]string, len(ts))
	for i, t := range ts {
		names[i] = t.Name
	}
	if !slices.Contains(names, name) {
		return usageError("unknown tool %q for this configuration; valid tools: %s", name, strings.Join(names, ", "))
	}
	return nil
}

// printResult prints res and returns errSilent when it is an error result.
func printResult(e *env, res *mcp.CallToolResult) error {
	out := e.stdout
	if res.IsError && !e.cfg.JSON {
		out = e.stderr
	}
	if e.cfg.JSON {
		if err := writeJSON(out, res); err != nil {
			return err
		}
	} else {
		for _, block := range res.Content {
			if t, ok := mcp.AsTextContent(block); ok {
				fmt.Fprintln(out, t.Text)
			}
		}
	}
	if res.IsError {
		return errSilent
	}
	return nil
}

// writeJSON writes v as indented JSON.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
