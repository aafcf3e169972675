package tools

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/klipy-ai/klipy-mcp/klipy"
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
				if len(asked) != 1 || !strings.Contains(asked[0], "Jordan Patel (jordan.patel@acmeanalytics.example)") || !strings.Contains(asked[0], "cannot be undone") {
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

// TestDeleteLabel checks that the confirmation names the person with their
// address, and that markup in the record's text never reaches it.
func TestDeleteLabel(t *testing.T) {
	f := newFake(t)
	c := f.client(t)
	cases := []struct {
		in   klipy.PersonInput
		want string
	}{
		{klipy.PersonInput{Email: "ana@example.org", FirstName: "Ana", LastName: "Silva"}, "\u201cAna Silva (ana@example.org)\u201d"},
		{klipy.PersonInput{Email: "bo@example.org"}, "\u201cbo@example.org\u201d"},
		{klipy.PersonInput{Email: "cy@example.org", FirstName: "<b>Cy</b>", LastName: "&lt;img src=x onerror=alert(1)&gt;<i></i>"}, "\u201cCy img src=x onerror=alert(1) (cy@example.org)\u201d"},
		{klipy.PersonInput{Email: "di@example.org", FirstName: "<script>alert(1)</script>Di", LastName: "<a href='https://evil.example'>Ng</a>"}, "\u201cDi Ng (di@example.org)\u201d"},
	}
	for _, tc := range cases {
		p, _, err := c.People.Create(t.Context(), &tc.in)
		if err != nil {
			t.Fatal(err)
		}
		got, err := personLabel(t.Context(), c, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			t.Errorf("label of %+v = %q, want %q", tc.in, got, tc.want)
		}
		if strings.ContainsAny(got, "<>") {
			t.Errorf("label %q carries markup", got)
		}
	}
}
