package bench

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// buildFloor compiles the floor server for the test.
func buildFloor(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "floor")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/klipy-ai/klipy-mcp/bench/floor").CombinedOutput()
	if err != nil {
		t.Fatalf("build floor: %v\n%s", err, out)
	}
	return bin
}

func TestStdioAgainstFloor(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	srv, start, err := StartStdio(exec.Command(buildFloor(t), "stdio"))
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Initialize(ctx); err != nil {
		t.Fatal(err)
	}
	if time.Since(start) <= 0 {
		t.Error("start time is not in the past")
	}
	list, err := srv.Call(ctx, "tools/list", map[string]any{})
	if err != nil {
		t.Fatal(err)
	}
	tools, err := ModelView(list)
	if err != nil || len(tools) != 1 || tools[0].Name != "echo" {
		t.Fatalf("tools = %+v, %v; want the one echo tool", tools, err)
	}
	// Concurrent calls must each get their own answer.
	errs := make(chan error, 8)
	for i := range 8 {
		go func() {
			msg := string(rune('a' + i))
			res, err := srv.Call(ctx, "tools/call", CallParams("echo", map[string]any{"message": msg}))
			if err == nil {
				err = expectText(res, msg)
			}
			errs <- err
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	if _, err := srv.Call(ctx, "no/such/method", nil); err == nil {
		t.Error("an unknown method succeeded")
	}
	if m, err := ReadMemory(srv.PID()); err != nil || m.Peak == 0 {
		t.Errorf("memory of the floor = %+v, %v", m, err)
	}
	if err := srv.Close(5 * time.Second); err != nil {
		t.Errorf("floor did not exit cleanly on EOF: %v", err)
	}
}

func expectText(res json.RawMessage, want string) error {
	if err := CheckToolResult(res); err != nil {
		return err
	}
	var r ToolResult
	json.Unmarshal(res, &r)
	if len(r.Content) != 1 || r.Content[0].Text != want {
		return &RPCError{Message: "echo answered " + string(res) + ", want " + want}
	}
	return nil
}

func TestHTTPSession(t *testing.T) {
	s := server.NewMCPServer("t", "1")
	s.AddTool(mcp.NewTool("fail", mcp.WithDescription("Always fails.")),
		func(context.Context, mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			return mcp.NewToolResultError("no luck"), nil
		})
	s.AddTool(mcp.NewTool("hi", mcp.WithDescription("Greets.")),
		func(context.Context, mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			return mcp.NewToolResultText("hello"), nil
		})
	ts := httptest.NewServer(server.NewStreamableHTTPServer(s))
	defer ts.Close()
	ctx := context.Background()

	sess := NewHTTPSession(http.DefaultClient, ts.URL+"/mcp", nil)
	if err := sess.Initialize(ctx); err != nil {
		t.Fatal(err)
	}
	if sess.ID() == "" {
		t.Error("no session id after initialize")
	}
	res, err := sess.Call(ctx, "tools/call", CallParams("hi", nil))
	if err != nil {
		t.Fatal(err)
	}
	if err := expectText(res, "hello"); err != nil {
		t.Error(err)
	}
	res, err = sess.Call(ctx, "tools/call", CallParams("fail", nil))
	if err != nil {
		t.Fatal(err)
	}
	if CheckToolResult(res) == nil {
		t.Error("CheckToolResult accepted an isError result")
	}
	if _, err := sess.Call(ctx, "tools/call", CallParams("missing", nil)); err == nil {
		t.Error("calling an unknown tool succeeded")
	}
}
