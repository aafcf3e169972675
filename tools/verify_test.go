package tools

import (
	"net/http"

	"github.com/klipy-ai/klipy-mcp/klipy"
)

// checkMessages are the sentences that report what the client found when it
// checked an answer against the contract's guesses (for messages.golden).
func checkMessages() []message {
	note := func(pc pageCheck) string {
		_, _, n := pc.report(2, "")
		return n
	}
	refused := &klipy.ScopeGuessError{Op: "deletePerson", Tried: klipy.ScopePeopleWrite, Likely: []klipy.Scope{klipy.ScopeAll},
		Err: &klipy.APIError{StatusCode: http.StatusForbidden, Code: "insufficient_scope", Message: "this API key lacks the ALL scope"}}
	return []message{
		{"note/filter ignored", note(pageCheck{filter: "email", filteredOut: 3})},
		{"note/listing incomplete", note(pageCheck{incomplete: klipy.IncompleteNoCursor})},
		{"note/listing incomplete (repeated cursor)", note(pageCheck{incomplete: klipy.IncompleteRepeatedCursor})},
		{"note/scan incomplete", note(pageCheck{scan: true, incomplete: klipy.IncompleteNoCursor})},
		{"note/filter ignored and listing incomplete", note(pageCheck{filter: "person_id", filteredOut: 5, incomplete: klipy.IncompleteNoCursor})},
		{"error/scope guessed (403 on a person delete)", errorText(refused, errCtx{scope: klipy.ScopePeopleWrite, what: "person", id: "per_1"})},
	}
}
