package conformance

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// acceptAll answers every elicitation with fixed content and records the
// requested schemas.
type acceptAll struct {
	mu      sync.Mutex
	schemas []any
}

func (a *acceptAll) Elicit(_ context.Context, req mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
	a.mu.Lock()
	a.schemas = append(a.schemas, req.Params.RequestedSchema)
	a.mu.Unlock()
	return &mcp.ElicitationResult{ElicitationResponse: mcp.ElicitationResponse{
		Action: mcp.ElicitationResponseActionAccept, Content: map[string]any{"username": "u"}}}, nil
}

// newClient starts an in-process client on a server with every fixture.
func newClient(t *testing.T, opts ...client.ClientOption) *client.Client {
	t.Helper()
	s := server.NewMCPServer("fixtures", "test", Options()...)
	c, err := client.NewInProcessClientWithOptions(s, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	ctx := context.Background()
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.ProtocolVersion20251125
	init.Params.ClientInfo = mcp.Implementation{Name: "fixtures-test", Version: "1"}
	init.Params.Capabilities.Elicitation = &mcp.ElicitationCapability{}
	if _, err := c.Initialize(ctx, init); err != nil {
		t.Fatal(err)
	}
	return c
}

func call(t *testing.T, c *client.Client, name string, args map[string]any) *mcp.CallToolResult {
	t.Helper()
	req := mcp.CallToolRequest{}
	req.Params.Name = name
	req.Params.Arguments = args
	res, err := c.CallTool(context.Background(), req)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return res
}

func TestToolsAreListedWithDescriptions(t *testing.T) {
	c := newClient(t)
	res, err := c.ListTools(context.Background(), mcp.ListToolsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tool := range res.Tools {
		if tool.Description == "" {
			t.Errorf("tool %s has no description", tool.Name)
		}
		got = append(got, tool.Name)
	}
	var want []string
	for _, st := range Tools() {
		want = append(want, st.Tool.Name)
	}
	slices.Sort(got)
	slices.Sort(want)
	if diff := cmp.Diff(want, got); diff != "" || len(got) == 0 {
		t.Errorf("listed tools (-want +got), want every fixture:\n%s", diff)
	}
}

func TestSchema2020KeywordsSurviveListing(t *testing.T) {
	// The raw wire answer, not a client's decoding of it: mcp-go's client
	// types have no $schema field.
	s := server.NewMCPServer("fixtures", "test", Options()...)
	ctx := context.Background()
	s.HandleMessage(ctx, []byte(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}`))
	raw, err := json.Marshal(s.HandleMessage(ctx, []byte(`{"jsonrpc":"2.0","id":2,"method":"tools/list"}`)))
	if err != nil {
		t.Fatal(err)
	}
	var resp struct {
		Result struct {
			Tools []struct {
				Name        string         `json:"name"`
				InputSchema map[string]any `json:"inputSchema"`
			} `json:"tools"`
		} `json:"result"`
	}
	if err := json.Unmarshal(raw, &resp); err != nil {
		t.Fatal(err)
	}
	for _, tool := range resp.Result.Tools {
		if tool.Name != "json_schema_2020_12_tool" {
			continue
		}
		in := tool.InputSchema
		if in["$schema"] != "https://json-schema.org/draft/2020-12/schema" ||
			in["additionalProperties"] != false || in["$defs"] == nil {
			t.Errorf("2020-12 keywords lost: %v", in)
		}
		return
	}
	t.Errorf("json_schema_2020_12_tool not listed: %s", raw)
}

func TestContentTools(t *testing.T) {
	c := newClient(t)
	cases := map[string][]string{
		"test_simple_text":            {"text"},
		"test_image_content":          {"image"},
		"test_audio_content":          {"audio"},
		"test_embedded_resource":      {"resource"},
		"test_multiple_content_types": {"text", "image", "resource"},
	}
	for name, want := range cases {
		res := call(t, c, name, nil)
		raw, _ := json.Marshal(res.Content)
		var blocks []struct {
			Type string `json:"type"`
		}
		if err := json.Unmarshal(raw, &blocks); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, b := range blocks {
			got = append(got, b.Type)
		}
		if diff := cmp.Diff(want, got); diff != "" || res.IsError {
			t.Errorf("%s content types (-want +got):\n%s (isError %v)", name, diff, res.IsError)
		}
	}
	if res := call(t, c, "test_error_handling", nil); !res.IsError {
		t.Error("test_error_handling: want isError")
	}
}

func TestProgressAndLogging(t *testing.T) {
	c := newClient(t)
	notes := make(chan string, 16)
	c.OnNotification(func(n mcp.JSONRPCNotification) { notes <- n.Method })
	//lint:ignore SA1019 the suite's logging scenarios use logging/setLevel (2025-11-25 era).
	if err := c.SetLevel(context.Background(), mcp.SetLevelRequest{Params: mcp.SetLevelParams{Level: mcp.LoggingLevelDebug}}); err != nil {
		t.Fatal(err)
	}
	call(t, c, "test_tool_with_logging", nil)
	req := mcp.CallToolRequest{}
	req.Params.Name = "test_tool_with_progress"
	req.Params.Meta = &mcp.Meta{ProgressToken: "p1"}
	if _, err := c.CallTool(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	want := []string{"notifications/message", "notifications/message", "notifications/message",
		"notifications/progress", "notifications/progress", "notifications/progress"}
	// In-process notifications are delivered on their own goroutine, so the
	// last may trail the call's result: wait for each, bounded.
	var got []string
	timeout := time.After(5 * time.Second)
	for len(got) < len(want) {
		select {
		case m := <-notes:
			got = append(got, m)
		case <-timeout:
			t.Fatalf("after 5s got notifications %v, want %v", got, want)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("notifications (-want +got):\n%s", diff)
	}
}

func TestElicitationSchemas(t *testing.T) {
	h := &acceptAll{}
	c := newClient(t, client.WithElicitationHandler(h))
	res := call(t, c, "test_elicitation", map[string]any{"message": "who?"})
	if text := res.Content[0].(mcp.TextContent).Text; !strings.HasPrefix(text, "User response: action=accept") {
		t.Errorf("test_elicitation answered %q", text)
	}
	call(t, c, "test_elicitation_sep1034_defaults", nil)
	call(t, c, "test_elicitation_sep1330_enums", nil)
	if len(h.schemas) != 3 {
		t.Fatalf("got %d elicitations, want 3", len(h.schemas))
	}
	raw, _ := json.Marshal(h.schemas[1])
	for _, want := range []string{`"default":"John Doe"`, `"default":30`, `"default":95.5`, `"default":"active"`, `"default":true`} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("sep1034 schema lacks %s: %s", want, raw)
		}
	}
	raw, _ = json.Marshal(h.schemas[2])
	for _, want := range []string{`"untitledSingle"`, `"titledSingle"`, `"legacyEnum"`, `"untitledMulti"`, `"titledMulti"`, `"enumNames"`} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("sep1330 schema lacks %s: %s", want, raw)
		}
	}
}

func TestResourcesAndPrompts(t *testing.T) {
	c := newClient(t)
	ctx := context.Background()
	read := func(uri string) mcp.ResourceContents {
		t.Helper()
		req := mcp.ReadResourceRequest{}
		req.Params.URI = uri
		res, err := c.ReadResource(ctx, req)
		if err != nil || len(res.Contents) != 1 {
			t.Fatalf("read %s: %v %v", uri, res, err)
		}
		return res.Contents[0]
	}
	if got := read("test://static-text").(mcp.TextResourceContents); got.Text != staticText {
		t.Errorf("static text: %q", got.Text)
	}
	if got := read("test://static-binary").(mcp.BlobResourceContents); got.MIMEType != "image/png" || got.Blob == "" {
		t.Errorf("static binary: %+v", got)
	}
	if got := read("test://template/123/data").(mcp.TextResourceContents); !strings.Contains(got.Text, `"id":"123"`) {
		t.Errorf("template: %q", got.Text)
	}
	req := mcp.GetPromptRequest{}
	req.Params.Name = "test_prompt_with_arguments"
	req.Params.Arguments = map[string]string{"arg1": "hello", "arg2": "world"}
	p, err := c.GetPrompt(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Messages[0].Content.(mcp.TextContent).Text; got != "Prompt with arguments: arg1='hello', arg2='world'" {
		t.Errorf("prompt text %q", got)
	}
}
