package hosting

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// progressProbe sends one progress notification for the call's token and
// returns at once: the pattern whose notification mcp-go v1.2.1 loses over
// HTTP without the host's drain.
var progressProbe = server.ServerTool{
	Tool: mcp.NewTool("progress_then_return", mcp.WithDescription("Sends progress, then returns.")),
	Handler: func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		if req.Params.Meta != nil && req.Params.Meta.ProgressToken != nil {
			err := server.ServerFromContext(ctx).SendNotificationToClient(ctx, "notifications/progress",
				map[string]any{"progressToken": req.Params.Meta.ProgressToken, "progress": 1, "total": 1})
			if err != nil {
				return nil, err
			}
		}
		return mcp.NewToolResultText("done"), nil
	},
}

// progressLog collects the progress tokens a client received.
type progressLog struct {
	mu   sync.Mutex
	seen map[string]chan struct{}
}

func (p *progressLog) arrived(token string) chan struct{} {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.seen == nil {
		p.seen = map[string]chan struct{}{}
	}
	ch, ok := p.seen[token]
	if !ok {
		ch = make(chan struct{})
		p.seen[token] = ch
	}
	return ch
}

func (p *progressLog) handle(n mcp.JSONRPCNotification) {
	if n.Method != "notifications/progress" {
		return
	}
	if tok, ok := n.Params.AdditionalFields["progressToken"].(string); ok {
		close(p.arrived(tok))
	}
}

// callWithProgress calls the probe with a progress token and reports whether
// the token's notification reached the client. The client may dispatch
// notifications on its own goroutine, so a notification that arrived before
// the response is waited for briefly; a lost one never comes.
func callWithProgress(c *client.Client, log *progressLog, token string) (bool, error) {
	req := mcp.CallToolRequest{}
	req.Params.Name = "progress_then_return"
	req.Params.Meta = &mcp.Meta{ProgressToken: token}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := c.CallTool(ctx, req); err != nil {
		return false, err
	}
	select {
	case <-log.arrived(token):
		return true, nil
	case <-time.After(2 * time.Second):
		return false, nil
	}
}

// deliveryRuns is how many calls each era makes.
const deliveryRuns = 200

// TestNotificationBeforeResponseIsDelivered checks that a notification a
// tool sends just before returning reaches the client, every time, in both
// protocol eras.
func TestNotificationBeforeResponseIsDelivered(t *testing.T) {
	up := newUpstream(t)
	_, url := host(t, up, withProbeServer(Config{}, progressProbe))
	for _, era := range eras {
		t.Run(era, func(t *testing.T) {
			c := connect(t, url, era, bearer(keyAll))
			log := &progressLog{}
			c.OnNotification(log.handle)
			delivered := 0
			for i := range deliveryRuns {
				ok, err := callWithProgress(c, log, fmt.Sprintf("%s-%d", era, i))
				if err != nil {
					t.Fatal(err)
				}
				if ok {
					delivered++
				}
			}
			t.Logf("%s: progress notification delivered in %d/%d calls", era, delivered, deliveryRuns)
			if delivered != deliveryRuns {
				t.Errorf("%s: delivered %d/%d notifications", era, delivered, deliveryRuns)
			}
		})
	}
}

// TestConcurrentCallsKeepTheirNotifications runs calls in parallel on one
// session: in mcp-go v1.2.1 they share one notification queue, and a
// notification could be written to another call's stream or dropped with it.
func TestConcurrentCallsKeepTheirNotifications(t *testing.T) {
	up := newUpstream(t)
	_, url := host(t, up, withProbeServer(Config{}, progressProbe))
	for _, era := range eras {
		t.Run(era, func(t *testing.T) {
			c := connect(t, url, era, bearer(keyAll))
			log := &progressLog{}
			c.OnNotification(log.handle)
			var delivered atomic.Int64
			var wg sync.WaitGroup
			for g := range 4 {
				wg.Go(func() {
					for i := range 25 {
						ok, err := callWithProgress(c, log, fmt.Sprintf("%s-%d-%d", era, g, i))
						if err != nil {
							t.Error(err)
							return
						}
						if ok {
							delivered.Add(1)
						}
					}
				})
			}
			wg.Wait()
			if got := delivered.Load(); got != 100 {
				t.Errorf("%s: %d/100 notifications delivered to concurrent calls", era, got)
			}
		})
	}
}
