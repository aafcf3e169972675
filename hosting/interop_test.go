package hosting

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
)

// withKey adds the caller's key to every request.
type withKey struct {
	key  string
	next http.RoundTripper
}

func (k withKey) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+k.key)
	return k.next.RoundTrip(r)
}

// TestGoSDKClient drives the host with an independent client, the official
// Go SDK, in both eras. In the session era it also opens the standalone event
// stream (GET), which must be accepted for the session's own key.
func TestGoSDKClient(t *testing.T) {
	up := newUpstream(t)
	_, url := host(t, up, Config{})
	for _, era := range eras {
		t.Run(era, func(t *testing.T) {
			tr := http.DefaultTransport.(*http.Transport).Clone()
			defer tr.CloseIdleConnections()
			c := sdk.NewClient(&sdk.Implementation{Name: "go-sdk-interop", Version: "1"}, nil)
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			cs, err := c.Connect(ctx, &sdk.StreamableClientTransport{Endpoint: url, MaxRetries: -1,
				HTTPClient: &http.Client{Transport: withKey{keyPeople, tr}}}, &sdk.ClientSessionOptions{ProtocolVersion: era})
			if err != nil {
				t.Fatal(err)
			}
			defer cs.Close()
			if got := cs.InitializeResult().ProtocolVersion; got != era {
				t.Errorf("negotiated %q, want %q", got, era)
			}
			tools, err := cs.ListTools(ctx, nil)
			if err != nil || len(tools.Tools) != 3 {
				t.Fatalf("tools/list: %v, %d tools; want the 3 people:read tools", err, len(tools.Tools))
			}
			res, err := cs.CallTool(ctx, &sdk.CallToolParams{Name: "get_workspace"})
			if err != nil || res.IsError {
				t.Fatalf("get_workspace: %v %+v", err, res)
			}
			if text := res.Content[0].(*sdk.TextContent).Text; !strings.Contains(text, "Beta") {
				t.Errorf("get_workspace = %s, want Beta's workspace", text)
			}
		})
	}
}
