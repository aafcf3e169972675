package bench

import (
	"encoding/json"
	"fmt"
)

// ProtocolVersion is the MCP version the benchmark speaks: the newest
// session-based one, which is what today's clients send.
const ProtocolVersion = "2025-11-25"

// request is an outgoing JSON-RPC request or (without ID) notification.
type request struct {
	JSONRPC string `json:"jsonrpc"`
	ID      *int64 `json:"id,omitempty"`
	Method  string `json:"method"`
	Params  any    `json:"params,omitempty"`
}

// response is an incoming JSON-RPC message; only responses are used.
type response struct {
	ID     *int64          `json:"id"`
	Method string          `json:"method"`
	Result json.RawMessage `json:"result"`
	Error  *RPCError       `json:"error"`
}

// RPCError is a JSON-RPC error answer.
type RPCError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

func (e *RPCError) Error() string { return fmt.Sprintf("json-rpc error %d: %s", e.Code, e.Message) }

// InitializeParams returns the params of an initialize request.
func InitializeParams() map[string]any {
	return map[string]any{
		"protocolVersion": ProtocolVersion,
		"capabilities":    map[string]any{},
		"clientInfo":      map[string]any{"name": "klipy-bench", "version": "1.0.0"},
	}
}

// CallParams returns the params of a tools/call request.
func CallParams(tool string, args map[string]any) map[string]any {
	return map[string]any{"name": tool, "arguments": args}
}

// ToolResult is the part of a tools/call result the benchmark checks.
type ToolResult struct {
	IsError bool `json:"isError"`
	Content []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	} `json:"content"`
}

// CheckToolResult returns an error when raw is not a successful tool result.
func CheckToolResult(raw json.RawMessage) error {
	var r ToolResult
	if err := json.Unmarshal(raw, &r); err != nil {
		return fmt.Errorf("decode tool result: %w", err)
	}
	if r.IsError {
		text := ""
		if len(r.Content) > 0 {
			text = r.Content[0].Text
		}
		return fmt.Errorf("tool returned an error: %s", text)
	}
	return nil
}
