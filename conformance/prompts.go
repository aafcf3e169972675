package conformance

import (
	"context"
	"fmt"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// Prompts returns the fixture prompts.
func Prompts() []server.ServerPrompt {
	return []server.ServerPrompt{
		{
			Prompt:  mcp.NewPrompt("test_simple_prompt", mcp.WithPromptDescription("A simple prompt without arguments")),
			Handler: simplePrompt,
		},
		{
			Prompt: mcp.NewPrompt("test_prompt_with_arguments",
				mcp.WithPromptDescription("A prompt with two required arguments"),
				mcp.WithArgument("arg1", mcp.ArgumentDescription("First test argument"), mcp.RequiredArgument()),
				mcp.WithArgument("arg2", mcp.ArgumentDescription("Second test argument"), mcp.RequiredArgument())),
			Handler: argumentsPrompt,
		},
		{
			Prompt: mcp.NewPrompt("test_prompt_with_embedded_resource",
				mcp.WithPromptDescription("A prompt that embeds a resource"),
				mcp.WithArgument("resourceUri", mcp.ArgumentDescription("URI of the resource to embed"), mcp.RequiredArgument())),
			Handler: embeddedResourcePrompt,
		},
		{
			Prompt:  mcp.NewPrompt("test_prompt_with_image", mcp.WithPromptDescription("A prompt that contains an image")),
			Handler: imagePrompt,
		},
	}
}

func simplePrompt(context.Context, mcp.GetPromptRequest) (*mcp.GetPromptResult, error) {
	return mcp.NewGetPromptResult("A simple prompt", []mcp.PromptMessage{
		mcp.NewPromptMessage(mcp.RoleUser, mcp.NewTextContent("This is a simple prompt for testing.")),
	}), nil
}

func argumentsPrompt(_ context.Context, req mcp.GetPromptRequest) (*mcp.GetPromptResult, error) {
	a1, a2 := req.Params.Arguments["arg1"], req.Params.Arguments["arg2"]
	if a1 == "" || a2 == "" {
		return nil, fmt.Errorf("arguments arg1 and arg2 are required")
	}
	text := fmt.Sprintf("Prompt with arguments: arg1='%s', arg2='%s'", a1, a2)
	return mcp.NewGetPromptResult("A prompt with arguments", []mcp.PromptMessage{
		mcp.NewPromptMessage(mcp.RoleUser, mcp.NewTextContent(text)),
	}), nil
}

func embeddedResourcePrompt(_ context.Context, req mcp.GetPromptRequest) (*mcp.GetPromptResult, error) {
	uri := req.Params.Arguments["resourceUri"]
	if uri == "" {
		return nil, fmt.Errorf("argument resourceUri is required")
	}
	res := mcp.TextResourceContents{URI: uri, MIMEType: "text/plain", Text: embeddedInPrompt}
	return mcp.NewGetPromptResult("A prompt with an embedded resource", []mcp.PromptMessage{
		mcp.NewPromptMessage(mcp.RoleUser, mcp.NewEmbeddedResource(res)),
		mcp.NewPromptMessage(mcp.RoleUser, mcp.NewTextContent("Please process the embedded resource above.")),
	}), nil
}

func imagePrompt(context.Context, mcp.GetPromptRequest) (*mcp.GetPromptResult, error) {
	return mcp.NewGetPromptResult("A prompt with an image", []mcp.PromptMessage{
		mcp.NewPromptMessage(mcp.RoleUser, mcp.NewImageContent(redPixelPNG(), "image/png")),
		mcp.NewPromptMessage(mcp.RoleUser, mcp.NewTextContent("Please analyze the image above.")),
	}), nil
}

// completions offers values for test_prompt_with_arguments' arguments and
// for the template's id; completion/complete must answer with a values array.
type completions struct{}

// CompletePromptArgument suggests values that start with the typed prefix.
func (completions) CompletePromptArgument(_ context.Context, prompt string, arg mcp.CompleteArgument,
	_ mcp.CompleteContext) (*mcp.Completion, error) {
	if prompt != "test_prompt_with_arguments" {
		return &mcp.Completion{Values: []string{}}, nil
	}
	return complete([]string{"paris", "park", "party", "test", "testValue1"}, arg.Value), nil
}

// CompleteResourceArgument suggests template ids.
func (completions) CompleteResourceArgument(_ context.Context, _ string, arg mcp.CompleteArgument,
	_ mcp.CompleteContext) (*mcp.Completion, error) {
	return complete([]string{"1", "123", "42"}, arg.Value), nil
}

func complete(candidates []string, prefix string) *mcp.Completion {
	values := []string{}
	for _, c := range candidates {
		if strings.HasPrefix(c, prefix) {
			values = append(values, c)
		}
	}
	return &mcp.Completion{Values: values, Total: len(values)}
}
