package tools

import (
	"fmt"
	"strings"

	"github.com/klipy-ai/klipy-mcp/klipy"
)

// This file phrases what the client found when it checked an answer against
// the guessed parts of the contract (SPEC §1): records a filter should have
// excluded, and listings whose pages cannot be followed. The handlers call
// these small helpers, so the checks stay in one place.

// pageCheck is what the client reported about the pages behind one result.
type pageCheck struct {
	scan        bool   // the pages were read by a free-text scan
	filter      string // the arguments the upstream filter came from, e.g. "email"
	filteredOut int    // records the API returned that did not match the filter
	incomplete  string // why the listing stops early; "" when it does not
}

// checkOf reads the client's findings on one page.
func checkOf[T any](page *klipy.Page[T], filter string) pageCheck {
	return pageCheck{filter: filter, filteredOut: page.FilteredOut, incomplete: page.Incomplete}
}

// add merges the findings of another page of the same listing.
func (pc *pageCheck) add(page pageCheck) {
	pc.filter = page.filter
	pc.filteredOut += page.filteredOut
	if pc.incomplete == "" {
		pc.incomplete = page.incomplete
	}
}

// report says what the findings mean for a list result: filtered_out
// (localOut counts records this server removed on purpose, type/since/until,
// which count there too), whether the listing is incomplete, and a note
// that explains both; existing is any note the result already has. A scan
// is never flagged incomplete: its scan_complete says so.
func (pc pageCheck) report(localOut int, existing string) (filteredOut int, incomplete bool, note string) {
	filteredOut, note = pc.filteredOut+localOut, existing
	if pc.filteredOut > 0 {
		note = joinNotes(note, fmt.Sprintf("Klipy ignored the %s filter: it returned %d record(s) that do not match, which were removed. "+
			"An empty list does not prove there are none: follow next_cursor, or search with query.", pc.filter, pc.filteredOut))
	}
	switch {
	case pc.incomplete != "" && pc.scan:
		note = joinNotes(note, "The scan is incomplete: "+pc.incomplete+". Matches may be missing; these come from the records read so far.")
	case pc.incomplete != "":
		incomplete = true
		note = joinNotes(note, "The listing is incomplete: "+pc.incomplete+". No further page can be fetched; do not treat this as the whole list.")
	}
	return filteredOut, incomplete, note
}

// scanEnd says whether a scan over pages must stop after page, and whether
// what it read so far was everything: a page that claims more without a
// cursor the client could follow, or a cursor already followed, ends the
// scan as incomplete.
func scanEnd[T any](page *klipy.Page[T], seen map[string]bool) (stop, complete bool) {
	switch {
	case page.Incomplete != "":
		return true, false
	case page.NextCursor == "" || len(page.Items) == 0 && page.FilteredOut == 0:
		return true, page.NextCursor == ""
	case seen[page.NextCursor]:
		page.Incomplete = klipy.IncompleteRepeatedCursor
		return true, false
	}
	seen[page.NextCursor] = true
	return false, false
}

func joinNotes(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + " " + b
}

// peopleFilterArgs names the search_people arguments behind a people filter.
func peopleFilterArgs(f *klipy.PeopleFilter) string {
	switch {
	case f == nil:
		return ""
	case f.Email != "" && f.CompanyID != "":
		return "email and company_id"
	case f.Email != "":
		return "email"
	}
	return "company_id"
}

// interactionFilterArgs names the arguments behind an interactions filter.
func interactionFilterArgs(f *klipy.InteractionFilter) string {
	switch {
	case f == nil:
		return ""
	case f.ContactID != "" && f.CompanyID != "":
		return "person_id and company_id"
	case f.ContactID != "":
		return "person_id"
	}
	return "company_id"
}

// scopeGuessed phrases a 403 on an operation whose scope Klipy does not
// document: the key may well have the scope the contract guessed, so the
// message names the one it probably needs instead.
func scopeGuessed(ge *klipy.ScopeGuessError, upstream string) string {
	likely := make([]string, len(ge.Likely))
	for i, s := range ge.Likely {
		likely[i] = fmt.Sprintf("%q", s)
	}
	need := strings.Join(likely, " or ")
	return fmt.Sprintf("Klipy refused this operation for this API key (%s). Klipy does not document the scope it needs: it was tried as %q, "+
		"and the key probably needs %s. A workspace admin can issue a key with %s (Klipy → Settings → API); nothing was changed.",
		upstream, ge.Tried, need, need)
}
