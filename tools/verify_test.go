package tools

import (
	"net/http"
	"testing"

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

// TestScanEnd covers the ways a free-text scan may stop: the last page
// (complete), a page that cannot be followed, a cursor already followed
// (a cycle the client cannot see within one page), and an empty page that
// claims more.
func TestScanEnd(t *testing.T) {
	items := []int{1}
	tests := []struct {
		name               string
		page               klipy.Page[int]
		seen               map[string]bool
		wantStop, wantDone bool
		wantIncomplete     string
	}{
		{"last page", klipy.Page[int]{Items: items}, nil, true, true, ""},
		{"more to read", klipy.Page[int]{Items: items, NextCursor: "c2", HasMore: true}, nil, false, false, ""},
		{"no readable cursor", klipy.Page[int]{Items: items, HasMore: true, Incomplete: klipy.IncompleteNoCursor}, nil, true, false, klipy.IncompleteNoCursor},
		{"cursor followed before", klipy.Page[int]{Items: items, NextCursor: "c2", HasMore: true}, map[string]bool{"c2": true}, true, false, klipy.IncompleteRepeatedCursor},
		{"empty page claiming more", klipy.Page[int]{Items: []int{}, NextCursor: "c2", HasMore: true}, nil, true, false, ""},
		{"all filtered out, more to read", klipy.Page[int]{Items: []int{}, NextCursor: "c2", HasMore: true, FilteredOut: 3}, nil, false, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			seen := tt.seen
			if seen == nil {
				seen = map[string]bool{}
			}
			stop, done := scanEnd(&tt.page, seen)
			if stop != tt.wantStop || done != tt.wantDone || tt.page.Incomplete != tt.wantIncomplete {
				t.Errorf("scanEnd = stop %v, complete %v, Incomplete %q; want %v, %v, %q", stop, done, tt.page.Incomplete, tt.wantStop, tt.wantDone, tt.wantIncomplete)
			}
		})
	}
}
