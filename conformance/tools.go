package conformance

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// The suite's expected texts.
const (
	simpleText       = "This is a simple text response for testing."
	embeddedText     = "This is an embedded resource content."
	errorText        = "This tool intentionally returns an error for testing"
	notificationStep = 50 * time.Millisecond // the suite asks for ~50 ms between notifications
)

// Tools returns every fixture tool the suite calls.
func Tools() []server.ServerTool {
	return []server.ServerTool{
		noArgs("test_simple_text", "Returns one text block.", simpleTextTool),
		noArgs("test_image_content", "Returns a 1x1 red PNG image.", imageTool),
		noArgs("test_audio_content", "Returns a short silent WAV clip.", audioTool),
		noArgs("test_embedded_resource", "Returns an embedded text resource.", embeddedResourceTool),
		noArgs("test_multiple_content_types", "Returns text, an image and an embedded resource.", mixedContentTool),
		noArgs("test_tool_with_logging", "Sends three info log notifications while it runs.", loggingTool),
		noArgs("test_error_handling", "Always fails with an isError result.", errorTool),
		noArgs("test_tool_with_progress", "Reports progress 0, 50 and 100 of 100 when given a progress token.", progressTool),
		withString("test_sampling", "Asks the client's model to answer a prompt (sampling).", "prompt",
			"The prompt to send to the model", samplingTool),
		withString("test_elicitation", "Asks the user for a username and an email address (elicitation).", "message",
			"The message to show the user", elicitationTool),
		noArgs("test_elicitation_sep1034_defaults", "Elicits a form whose fields all carry default values (SEP-1034).", sep1034Tool),
		noArgs("test_elicitation_sep1330_enums", "Elicits a form with the five enum variants of SEP-1330.", sep1330Tool),
		schema2020Tool(),
		noArgs("test_reconnection", "Returns after a short pause; used by the SSE polling scenario (SEP-1699).", reconnectionTool),
	}
}

// noArgs builds a fixture tool without arguments.
func noArgs(name, description string, h server.ToolHandlerFunc) server.ServerTool {
	return server.ServerTool{Tool: mcp.NewTool(name, mcp.WithDescription(description)), Handler: h}
}

// withString builds a fixture tool with one required string argument.
func withString(name, description, arg, argDescription string, h server.ToolHandlerFunc) server.ServerTool {
	tool := mcp.NewTool(name, mcp.WithDescription(description),
		mcp.WithString(arg, mcp.Required(), mcp.Description(argDescription)))
	return server.ServerTool{Tool: tool, Handler: h}
}

func simpleTextTool(context.Context, mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	return mcp.NewToolResultText(simpleText), nil
}

func imageTool(context.Context, mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	return &mcp.CallToolResult{Content: []mcp.Content{mcp.NewImageContent(redPixelPNG(), "image/png")}}, nil
}

func audioTool(context.Context, mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	return &mcp.CallToolResult{Content: []mcp.Content{mcp.NewAudioContent(silentWAV(800), "audio/wav")}}, nil
}

func embeddedResourceTool(context.Context, mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	res := mcp.TextResourceContents{URI: "test://embedded-resource", MIMEType: "text/plain", Text: embeddedText}
	return &mcp.CallToolResult{Content: []mcp.Content{mcp.NewEmbeddedResource(res)}}, nil
}

func mixedContentTool(context.Context, mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	res := mcp.TextResourceContents{
		URI: "test://mixed-content-resource", MIMEType: "application/json", Text: `{"test":"data","value":123}`,
	}
	return &mcp.CallToolResult{Content: []mcp.Content{
		mcp.NewTextContent("Multiple content types test:"),
		mcp.NewImageContent(redPixelPNG(), "image/png"),
		mcp.NewEmbeddedResource(res),
	}}, nil
}

func errorTool(context.Context, mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	return mcp.NewToolResultError(errorText), nil
}

// loggingTool sends the three log messages the suite counts, ~50 ms apart.
func loggingTool(ctx context.Context, _ mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	srv := server.ServerFromContext(ctx)
	messages := []string{"Tool execution started", "Tool processing data", "Tool execution completed"}
	for i, msg := range messages {
		if i > 0 {
			if err := pause(ctx, notificationStep); err != nil {
				return nil, err
			}
		}
		note := mcp.NewLoggingMessageNotification(mcp.LoggingLevelInfo, "conformance", msg)
		if err := srv.SendLogMessageToClient(ctx, note); err != nil {
			return mcp.NewToolResultError("sending a log notification failed: " + err.Error()), nil
		}
	}
	return mcp.NewToolResultText("Logging test completed: sent 3 log notifications"), nil
}

// progressTool reports 0, 50 and 100 of 100, ~50 ms apart, when the request
// carries a progress token.
func progressTool(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	var token mcp.ProgressToken
	if req.Params.Meta != nil {
		token = req.Params.Meta.ProgressToken
	}
	srv := server.ServerFromContext(ctx)
	for i, p := range []int{0, 50, 100} {
		if i > 0 {
			if err := pause(ctx, notificationStep); err != nil {
				return nil, err
			}
		}
		if token == nil {
			continue
		}
		params := map[string]any{"progressToken": token, "progress": p, "total": 100}
		if err := srv.SendNotificationToClient(ctx, string(mcp.MethodNotificationProgress), params); err != nil {
			return mcp.NewToolResultError("sending a progress notification failed: " + err.Error()), nil
		}
	}
	return mcp.NewToolResultText("Progress test completed"), nil
}

// samplingTool asks the client's model to answer the prompt argument.
func samplingTool(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	prompt, err := req.RequireString("prompt")
	if err != nil {
		return mcp.NewToolResultError(err.Error()), nil
	}
	msg := mcp.CreateMessageRequest{CreateMessageParams: mcp.CreateMessageParams{
		Messages:  []mcp.SamplingMessage{{Role: mcp.RoleUser, Content: mcp.NewTextContent(prompt)}},
		MaxTokens: 100,
	}}
	//lint:ignore SA1019 the suite's tools-call-sampling scenario tests exactly this (2025-11-25 era) feature.
	res, err := server.ServerFromContext(ctx).RequestSampling(ctx, msg)
	if err != nil {
		return mcp.NewToolResultError("sampling failed: " + err.Error()), nil
	}
	text := fmt.Sprint(res.Content)
	if tc, ok := res.Content.(mcp.TextContent); ok {
		text = tc.Text
	}
	return mcp.NewToolResultText("LLM response: " + text), nil
}

// reconnectionTool pauses briefly and answers. mcp-go cannot close a POST's
// SSE stream mid-call, so the answer arrives on the original stream (see
// docs/conformance.md).
func reconnectionTool(ctx context.Context, _ mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	if err := pause(ctx, notificationStep); err != nil {
		return nil, err
	}
	return mcp.NewToolResultText("Reconnection test completed"), nil
}

// schema2020Tool advertises an input schema that uses JSON Schema 2020-12
// keywords, which must survive tools/list unchanged.
func schema2020Tool() server.ServerTool {
	const schema = `{
		"$schema": "https://json-schema.org/draft/2020-12/schema",
		"type": "object",
		"$defs": {
			"address": {
				"type": "object",
				"properties": {"street": {"type": "string"}, "city": {"type": "string"}}
			}
		},
		"properties": {"name": {"type": "string"}, "address": {"$ref": "#/$defs/address"}},
		"additionalProperties": false
	}`
	tool := mcp.NewTool("json_schema_2020_12_tool",
		mcp.WithDescription("Tool with JSON Schema 2020-12 features"),
		mcp.WithRawInputSchema(json.RawMessage(schema)))
	tool.InputSchema = mcp.ToolInputSchema{} // the raw schema replaces the default one
	handler := func(_ context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		args, _ := json.Marshal(req.GetArguments())
		return mcp.NewToolResultText("Received: " + string(args)), nil
	}
	return server.ServerTool{Tool: tool, Handler: handler}
}

// pause waits d or until ctx ends. The suite asks for these delays between
// notifications; they are the fixture's behaviour, not synchronisation.
func pause(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
