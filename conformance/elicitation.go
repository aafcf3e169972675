package conformance

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// elicitationTool asks for a username and an email address and reports the
// user's answer.
func elicitationTool(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	message, err := req.RequireString("message")
	if err != nil {
		return mcp.NewToolResultError(err.Error()), nil
	}
	schema := map[string]any{
		"type": "object",
		"properties": map[string]any{
			"username": map[string]any{"type": "string", "description": "User's response"},
			"email":    map[string]any{"type": "string", "description": "User's email address"},
		},
		"required": []string{"username", "email"},
	}
	return elicit(ctx, message, schema, "User response")
}

// sep1034Tool elicits a form whose every primitive field has a default.
func sep1034Tool(ctx context.Context, _ mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	schema := map[string]any{
		"type": "object",
		"properties": map[string]any{
			"name":  map[string]any{"type": "string", "description": "User name", "default": "John Doe"},
			"age":   map[string]any{"type": "integer", "description": "User age", "default": 30},
			"score": map[string]any{"type": "number", "description": "User score", "default": 95.5},
			"status": map[string]any{
				"type": "string", "description": "User status",
				"enum": []string{"active", "inactive", "pending"}, "default": "active",
			},
			"verified": map[string]any{"type": "boolean", "description": "Verification status", "default": true},
		},
	}
	return elicit(ctx, "Please review and update the form fields with defaults", schema, "Elicitation completed")
}

// sep1330Tool elicits a form with the five enum shapes of SEP-1330.
func sep1330Tool(ctx context.Context, _ mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	titled := func(pairs ...string) []map[string]string {
		var out []map[string]string
		for i := 0; i+1 < len(pairs); i += 2 {
			out = append(out, map[string]string{"const": pairs[i], "title": pairs[i+1]})
		}
		return out
	}
	schema := map[string]any{
		"type": "object",
		"properties": map[string]any{
			"untitledSingle": map[string]any{"type": "string", "enum": []string{"option1", "option2", "option3"}},
			"titledSingle": map[string]any{"type": "string",
				"oneOf": titled("value1", "First Option", "value2", "Second Option", "value3", "Third Option")},
			"legacyEnum": map[string]any{"type": "string", "enum": []string{"opt1", "opt2", "opt3"},
				"enumNames": []string{"Option One", "Option Two", "Option Three"}},
			"untitledMulti": map[string]any{"type": "array",
				"items": map[string]any{"type": "string", "enum": []string{"option1", "option2", "option3"}}},
			"titledMulti": map[string]any{"type": "array",
				"items": map[string]any{"anyOf": titled("value1", "First Choice", "value2", "Second Choice", "value3", "Third Choice")}},
		},
	}
	return elicit(ctx, "Please choose from the enum fields", schema, "Elicitation completed")
}

// elicit sends one form elicitation and reports the outcome as text that
// starts with label.
func elicit(ctx context.Context, message string, schema map[string]any, label string) (*mcp.CallToolResult, error) {
	req := mcp.ElicitationRequest{Params: mcp.ElicitationParams{Message: message, RequestedSchema: schema}}
	res, err := server.ServerFromContext(ctx).RequestElicitation(ctx, req)
	if err != nil {
		return mcp.NewToolResultError("elicitation failed: " + err.Error()), nil
	}
	content, _ := json.Marshal(res.Content)
	return mcp.NewToolResultText(fmt.Sprintf("%s: action=%s, content=%s", label, res.Action, content)), nil
}
