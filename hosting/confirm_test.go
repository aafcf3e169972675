package hosting

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
)

// user answers the server's delete confirmations and counts them.
type user struct {
	mu      sync.Mutex
	confirm bool
	asked   int
}

func (u *user) Elicit(ctx context.Context, req mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.asked++
	res := &mcp.ElicitationResult{}
	res.Action = mcp.ElicitationResponseActionAccept
	res.Content = map[string]any{"confirm": u.confirm}
	return res, nil
}

// TestDeleteConfirmationThroughHost checks that the session wrapper the host
// puts around tool calls keeps elicitation working in both eras: the user is
// asked, and only a confirmed delete reaches the upstream.
func TestDeleteConfirmationThroughHost(t *testing.T) {
	up := newUpstream(t)
	_, url := host(t, up, Config{})
	for _, era := range eras {
		for _, confirm := range []bool{false, true} {
			u := &user{confirm: confirm}
			c, err := dialWith(url, era, bearer(keyAll), client.WithElicitationHandler(u))
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			id := createPerson(t, c, fmt.Sprintf("dana.%s.%v@example.com", era, confirm))
			up.ResetRequests()
			if res := call(t, c, "delete_person", map[string]any{"person_id": id}); res.IsError {
				t.Fatalf("%s: delete_person: %s", era, resultText(res))
			}
			deleted := 0
			for _, r := range up.Requests() {
				if r.Method == http.MethodDelete {
					deleted++
				}
			}
			if u.asked != 1 || (deleted == 1) != confirm {
				t.Errorf("%s confirm=%v: asked %d times, %d deletes upstream", era, confirm, u.asked, deleted)
			}
		}
	}
}

func createPerson(t *testing.T, c *client.Client, email string) string {
	t.Helper()
	res := call(t, c, "create_person", map[string]any{"email": email, "first_name": "Dana"})
	var out map[string]any
	if err := json.Unmarshal([]byte(resultText(res)), &out); err != nil || res.IsError {
		t.Fatalf("create_person: %s", resultText(res))
	}
	if p, ok := out["person"].(map[string]any); ok {
		out = p
	}
	id, _ := out["id"].(string)
	if id == "" {
		t.Fatalf("create_person returned no id: %s", resultText(res))
	}
	return id
}
