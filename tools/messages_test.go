package tools

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/klipy-ai/klipy-mcp/klipy"
)

// messagesGolden holds every sentence a model or user reads, apart from the
// tool definitions (testdata/toolsnaps): error messages, argument messages,
// instructions, prompts, the delete confirmation and truncation markers.
var messagesGolden = filepath.Join("testdata", "messages.golden")

// message is one model-visible text and the name it is filed under.
type message struct{ name, text string }

// TestMessagesGolden fails when any model-visible sentence changes. If the
// change is intended, run go test ./tools -run TestMessagesGolden -update and
// review the diff of testdata/messages.golden.
func TestMessagesGolden(t *testing.T) {
	var all []message
	all = append(all, errorMessages()...)
	all = append(all, argumentMessages(t)...)
	all = append(all, deleteMessages(t)...)
	all = append(all, promptMessages(t)...)
	all = append(all, otherMessages(t)...)
	all = append(all, checkMessages()...)
	var b strings.Builder
	seen := map[string]bool{}
	for _, m := range all {
		if seen[m.name] {
			t.Fatalf("two messages named %q", m.name)
		}
		seen[m.name] = true
		fmt.Fprintf(&b, "### %s\n%s\n\n", m.name, m.text)
	}
	got := b.String()
	if *update {
		if err := os.WriteFile(messagesGolden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(messagesGolden)
	if err != nil {
		t.Fatalf("%v; run go test ./tools -run TestMessagesGolden -update and review the file", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("model-visible text changed (-golden +now); if intended, run go test ./tools -run TestMessagesGolden -update:\n%s", diff)
	}
}

// errorMessages phrases every error class the client can return, without
// context and with each kind of record context a handler adds.
func errorMessages() []message {
	at := time.Date(2026, 5, 1, 14, 30, 0, 0, time.UTC)
	errs := []struct {
		name string
		err  error
	}{
		{"validation", &klipy.APIError{StatusCode: http.StatusUnprocessableEntity, Message: "email is not valid",
			Details: map[string]any{"field": "email"}, RequestID: "req_1"}},
		{"not found", &klipy.APIError{StatusCode: http.StatusNotFound, Message: "no such record"}},
		{"missing scope (known before sending)", &klipy.ScopeError{Op: "createPerson", Scope: klipy.ScopePeopleWrite}},
		{"missing scope (403 naming a scope)", &klipy.APIError{StatusCode: http.StatusForbidden, Code: "missing_scope", Message: "key lacks a scope"}},
		{"invalid key", &klipy.APIError{StatusCode: http.StatusUnauthorized, Message: "bad key"}},
		{"rate limited (Retry-After)", &klipy.APIError{StatusCode: http.StatusTooManyRequests, RetryAfter: 40 * time.Second}},
		{"rate limited (no Retry-After)", &klipy.APIError{StatusCode: http.StatusTooManyRequests}},
		{"rate limited (own budget)", &klipy.RateLimitError{Bucket: "org:acme", Wait: 90 * time.Second}},
		{"unavailable (5xx)", &klipy.APIError{StatusCode: http.StatusServiceUnavailable}},
		{"unavailable (connection)", &klipy.TransportError{Op: "getPerson", Err: errors.New("connection reset by peer")}},
		{"conflict", &klipy.APIError{StatusCode: http.StatusConflict, Message: "email already exists"}},
		{"forbidden", &klipy.APIError{StatusCode: http.StatusForbidden, Message: "not allowed"}},
		{"timeout", fmt.Errorf("klipy: getPerson: %w", context.DeadlineExceeded)},
		{"cancelled", fmt.Errorf("klipy: getPerson: %w", context.Canceled)},
		{"default", errors.New("klipy: getPerson: decoding the answer: unexpected end of JSON input")},
		{"invalid argument", invalidArg("limit", "must be a whole number")},
	}
	ctxs := []struct {
		name string
		ec   errCtx
	}{
		{"bare", errCtx{now: at}},
		{"person", errCtx{scope: klipy.ScopePeopleRead, what: "person", id: "per_1", now: at}},
		{"interaction", errCtx{scope: klipy.ScopeInteractionsRead, what: "interaction", id: "int_1", now: at}},
		{"create", errCtx{scope: klipy.ScopePeopleWrite, what: "company", id: "com_1", create: true, now: at}},
		{"create without record", errCtx{scope: klipy.ScopeCompaniesWrite, create: true, now: at}},
	}
	var out []message
	for _, e := range errs {
		for _, c := range ctxs {
			out = append(out, message{"error/" + e.name + "/" + c.name, errorText(e.err, c.ec)})
		}
	}
	return out
}

// argumentMessages calls tools with arguments they refuse, through the MCP
// client, and records what the model is told.
func argumentMessages(t *testing.T) []message {
	e := newEnv(t, Config{})
	cases := []struct {
		name, tool string
		args       any
	}{
		{"not an object", "search_people", `[1,2]`},
		{"not JSON", "search_people", `{"query":`},
		{"unknown argument", "search_people", map[string]any{"emial": "x@y.z"}},
		{"unknown argument (no arguments)", "get_workspace", map[string]any{"verbose": true}},
		{"required", "get_person", map[string]any{}},
		{"required (empty)", "get_person", map[string]any{"person_id": ""}},
		{"string", "search_people", map[string]any{"query": 7}},
		{"whole number", "search_people", map[string]any{"limit": 2.5}},
		{"whole number (string)", "search_people", map[string]any{"limit": "lots"}},
		{"boolean", "get_person", map[string]any{"person_id": jordanID, "include_interactions": "maybe"}},
		{"between", "search_people", map[string]any{"limit": 500}},
		{"at least", "create_company", map[string]any{"name": "Acme", "employee_count": -1}},
		{"max length", "create_person", map[string]any{"email": "a@b.example", "notes": strings.Repeat("n", 10001)}},
		{"max length (title)", "log_interaction", map[string]any{"type": "MEMO", "direction": "INTERNAL", "title": strings.Repeat("t", 1001), "person_id": "p"}},
		{"enum", "log_interaction", map[string]any{"type": "CALL", "direction": "OUTBOUND", "title": "x", "person_id": "p"}},
		{"email", "search_people", map[string]any{"email": "not-an-email"}},
		{"date-time", "search_interactions", map[string]any{"since": "yesterday"}},
		{"type filter", "search_interactions", map[string]any{"type": "CALL"}},
		{"cursor not issued", "search_people", map[string]any{"cursor": "!!!"}},
		{"cursor of another search", "search_people", map[string]any{"cursor": *cursor{Search: "other"}.encode()}},
		{"update without fields (person)", "update_person", map[string]any{"person_id": jordanID}},
		{"update without fields (company)", "update_company", map[string]any{"company_id": "com_1"}},
		{"person twice", "log_interaction", map[string]any{"type": "MEMO", "direction": "INTERNAL", "title": "x", "person_id": "p", "person_email": "a@b.example"}},
		{"person missing", "log_interaction", map[string]any{"type": "MEMO", "direction": "INTERNAL", "title": "x"}},
	}
	var out []message
	for _, c := range cases {
		out = append(out, message{"argument/" + c.name, errText(t, call(t, e.mc, c.tool, c.args))})
	}
	if n := len(e.fake.reqs()); n != 0 {
		t.Errorf("%d upstream requests; refused arguments must not reach Klipy", n)
	}
	return out
}

// deleteMessages records the confirmation question and the answers of the
// delete flow.
func deleteMessages(t *testing.T) []message {
	f := newFake(t)
	label, err := personLabel(t.Context(), f.client(t), jordanID)
	if err != nil {
		t.Fatal(err)
	}
	q := confirmQuestion("person", label, jordanID)
	title := q.RequestedSchema.(map[string]any)["properties"].(map[string]any)["confirm"].(map[string]any)["title"]
	out := []message{{"delete/question", q.Message}, {"delete/question checkbox", fmt.Sprint(title)}}

	always := connect(t, newServer(t, Config{Client: f.client(t), ConfirmDestructive: ConfirmAlways}))
	out = append(out, message{"delete/refused without elicitation",
		errText(t, call(t, always, "delete_person", map[string]any{"person_id": jordanID}))})
	never := connect(t, newServer(t, Config{Client: f.client(t), ConfirmDestructive: ConfirmNever}))
	res := okResult(t, call(t, never, "delete_person", map[string]any{"person_id": jordanID}))
	out = append(out, message{"delete/done", fmt.Sprint(res["message"])})

	// The client's answers to a confirmation, handed straight to the handler
	// as a retried call would carry them.
	s, err := newSrv(Config{Client: f.client(t)}, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	answer := func(state string, action mcp.ElicitationResponseAction) *mcp.CallToolResult {
		req := mcp.CallToolRequest{}
		req.Params.Name = "delete_person"
		req.Params.Arguments = map[string]any{"person_id": "per_1"}
		req.Params.RequestState = state
		req.Params.InputResponses = elicited(action, true)
		return s.byName["delete_person"].call(t.Context(), deps{s: s, c: s.cfg.Client, req: req})
	}
	out = append(out, message{"delete/answer to another request", errText(t, answer("delete_person:per_2", mcp.ElicitationResponseActionAccept))})
	out = append(out, message{"delete/declined", fmt.Sprint(okResult(t, answer("delete_person:per_1", mcp.ElicitationResponseActionDecline))["message"])})
	return out
}

// elicited is the client's answer to the delete confirmation.
func elicited(action mcp.ElicitationResponseAction, confirm bool) mcp.InputResponses {
	var res mcp.ElicitationResult
	res.Action, res.Content = action, map[string]any{"confirm": confirm}
	return mcp.InputResponses{confirmID: mcp.NewElicitationInputResponse(res)}
}

// promptMessages records the instructions and both prompts.
func promptMessages(t *testing.T) []message {
	e := newEnv(t, Config{})
	list, err := e.mc.ListPrompts(t.Context(), mcp.ListPromptsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	out := []message{{"instructions", instructions}}
	for _, p := range list.Prompts {
		out = append(out, message{"prompt/" + p.Name + "/description", p.Description})
		for _, a := range p.Arguments {
			out = append(out, message{"prompt/" + p.Name + "/argument " + a.Name, a.Description})
		}
	}
	gets := []struct {
		name, prompt string
		args         map[string]string
	}{
		{"meeting_brief by email", "meeting_brief", map[string]string{"person": "jordan@example.com"}},
		{"meeting_brief by id", "meeting_brief", map[string]string{"person": "per_1"}},
		{"log_notes by email", "log_notes", map[string]string{"person": "jordan@example.com", "notes": "Call went well; send pricing."}},
		{"log_notes by id", "log_notes", map[string]string{"person": "per_1", "notes": "Call went well."}},
		{"meeting_brief without person", "meeting_brief", nil},
		{"log_notes without notes", "log_notes", map[string]string{"person": "per_1"}},
	}
	for _, g := range gets {
		req := mcp.GetPromptRequest{}
		req.Params.Name, req.Params.Arguments = g.prompt, g.args
		res, err := e.mc.GetPrompt(t.Context(), req)
		if err != nil {
			out = append(out, message{"prompt/" + g.name, "error: " + err.Error()})
			continue
		}
		out = append(out, message{"prompt/" + g.name, res.Description + "\n" + res.Messages[0].Content.(mcp.TextContent).Text})
	}
	return out
}

// otherMessages records truncation markers, notes and the answers given
// when the server has no key or a resource URI is wrong.
func otherMessages(t *testing.T) []message {
	long := strings.Repeat("x", recordTextLimit+1)
	rec, err := recordShaper().shape(map[string]any{"notes": long})
	if err != nil {
		t.Fatal(err)
	}
	list := rowText(long, 10, "get_person")
	marker := func(v any) string {
		s := v.(map[string]any)["notes"].(string)
		return s[strings.Index(s, "…"):]
	}
	out := []message{{"truncated/record", marker(rec)}, {"truncated/list", list[strings.Index(list, "…"):]}}
	out = append(out, keyCheckMessages(t)...)

	f := newFake(t)
	noKey := connect(t, newServer(t, Config{}))
	out = append(out, message{"no key", errText(t, call(t, noKey, "get_workspace", nil))})
	noKeyRead := mcp.ReadResourceRequest{}
	noKeyRead.Params.URI = "klipy://people/per_1"
	_, err = noKey.ReadResource(t.Context(), noKeyRead)
	out = append(out, message{"resource/no key", fmt.Sprint(err)})
	out = append(out, message{"encoding bug", text(t, success(func() {}))})

	narrow := connect(t, newServer(t, Config{Client: f.client(t, "people:read")}))
	res := okResult(t, call(t, narrow, "get_person", map[string]any{"person_id": jordanID, "include_interactions": true}))
	out = append(out, message{"note/interactions unreadable", fmt.Sprint(res["note"])})

	templates, err := narrow.ListResourceTemplates(t.Context(), mcp.ListResourceTemplatesRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tp := range templates.ResourceTemplates {
		out = append(out, message{"resource/" + tp.Name + "/description", tp.Description})
	}
	for _, r := range []struct{ name, uri string }{{"resource/missing scope", "klipy://companies/com_1"},
		{"resource/not found", "klipy://people/per_nope"}} {
		req := mcp.ReadResourceRequest{}
		req.Params.URI = r.uri
		_, err := narrow.ReadResource(t.Context(), req)
		out = append(out, message{r.name, fmt.Sprint(err)})
	}
	return out
}
