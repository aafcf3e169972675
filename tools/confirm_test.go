package tools

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
)

// user answers elicitation requests as a test says and records them.
type user struct {
	mu       sync.Mutex
	action   mcp.ElicitationResponseAction
	confirm  bool
	messages []string
}

func (u *user) Elicit(ctx context.Context, req mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.messages = append(u.messages, req.Params.Message)
	res := &mcp.ElicitationResult{}
	res.Action = u.action
	if u.action == mcp.ElicitationResponseActionAccept {
		res.Content = map[string]any{"confirm": u.confirm}
	}
	return res, nil
}

func (u *user) asked() []string {
	u.mu.Lock()
	defer u.mu.Unlock()
	return append([]string(nil), u.messages...)
}

// eras are the protocol versions a deleting client may speak.
var eras = map[string]string{"2025-11-25": mcp.LATEST_LEGACY_PROTOCOL_VERSION, "2026-07-28": mcp.LATEST_PROTOCOL_VERSION}

func deletes(f *fake) int {
	n := 0
	for _, r := range f.reqs() {
		if r.Method == http.MethodDelete {
			n++
		}
	}
	return n
}

func TestDeleteConfirmation(t *testing.T) {
	cases := []struct {
		name       string
		action     mcp.ElicitationResponseAction
		confirm    bool
		wantDelete bool
	}{
		{"accept", mcp.ElicitationResponseActionAccept, true, true},
		{"accept unticked", mcp.ElicitationResponseActionAccept, false, false},
		{"decline", mcp.ElicitationResponseActionDecline, false, false},
		{"cancel", mcp.ElicitationResponseActionCancel, false, false},
	}
	for era, version := range eras {
		for _, c := range cases {
			t.Run(era+"/"+c.name, func(t *testing.T) {
				u := &user{action: c.action, confirm: c.confirm}
				e := newEnvVersion(t, Config{}, version, client.WithElicitationHandler(u))
				out := okResult(t, call(t, e.mc, "delete_person", map[string]any{"person_id": jordanID}))
				asked := u.asked()
				if len(asked) != 1 || !strings.Contains(asked[0], "Jordan Patel") || !strings.Contains(asked[0], "cannot be undone") {
					t.Errorf("elicitation messages = %q", asked)
				}
				if got := deletes(e.fake) == 1; got != c.wantDelete || out["deleted"] != c.wantDelete {
					t.Errorf("deleted upstream %v, result %v; want %v", got, out, c.wantDelete)
				}
				if !c.wantDelete && out["message"] != "Not deleted: the user declined." {
					t.Errorf("message = %v", out["message"])
				}
			})
		}
	}
}

func TestDeleteWithoutElicitation(t *testing.T) {
	for era, version := range eras {
		t.Run(era+"/auto deletes", func(t *testing.T) {
			e := newEnvVersion(t, Config{}, version)
			out := okResult(t, call(t, e.mc, "delete_company", map[string]any{"company_id": acmeID}))
			if out["deleted"] != true || deletes(e.fake) != 1 {
				t.Errorf("auto without elicitation: %v", out)
			}
		})
		t.Run(era+"/always refuses", func(t *testing.T) {
			e := newEnvVersion(t, Config{ConfirmDestructive: ConfirmAlways}, version)
			msg := errText(t, call(t, e.mc, "delete_company", map[string]any{"company_id": acmeID}))
			if !strings.Contains(msg, "Not deleted") || !strings.Contains(msg, "elicitation") || len(e.fake.reqs()) != 0 {
				t.Errorf("always without elicitation: %s after %v", msg, e.fake.requests())
			}
		})
	}
	t.Run("never skips asking", func(t *testing.T) {
		u := &user{action: mcp.ElicitationResponseActionDecline}
		e := newEnv(t, Config{ConfirmDestructive: ConfirmNever}, client.WithElicitationHandler(u))
		out := okResult(t, call(t, e.mc, "delete_person", map[string]any{"person_id": jordanID}))
		if out["deleted"] != true || len(u.asked()) != 0 {
			t.Errorf("never: %v, asked %q", out, u.asked())
		}
	})
}

func TestDeleteMissingRecordIsNotFound(t *testing.T) {
	u := &user{action: mcp.ElicitationResponseActionAccept, confirm: true}
	e := newEnv(t, Config{}, client.WithElicitationHandler(u))
	msg := errText(t, call(t, e.mc, "delete_person", map[string]any{"person_id": "per_gone"}))
	if !strings.Contains(msg, `"per_gone"`) || len(u.asked()) != 0 || deletes(e.fake) != 0 {
		t.Errorf("missing record: %s, asked %q", msg, u.asked())
	}
}
