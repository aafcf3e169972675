package klipy

import (
	"errors"
	"slices"
	"strings"
)

// This file checks the answers to the parts of the contract that are
// guesses (SPEC §1): filter names, cursor names and undocumented scopes.
// A wrong guess costs a clear signal, never wrong data.

// Reasons a listing is incomplete (Page.Incomplete).
const (
	IncompleteNoCursor       = "the API said more pages exist but sent no cursor this client can read"
	IncompleteRepeatedCursor = "the API sent a cursor it had already sent (following it would repeat a page)"
)

// ErrIncomplete is yielded by the All iterators when a listing stops before
// its end because the pages could not be followed; errors.Is matches an
// *IncompleteError.
var ErrIncomplete = errors.New("klipy: listing incomplete")

// IncompleteError says which listing stopped early and why.
type IncompleteError struct {
	Op     string
	Reason string // one of the Incomplete* reasons
}

// Error names the operation and the reason.
func (e *IncompleteError) Error() string {
	return "klipy: " + e.Op + ": listing incomplete: " + e.Reason
}

// Is reports ErrIncomplete.
func (e *IncompleteError) Is(target error) bool { return target == ErrIncomplete }

// keep drops the items that do not match, counting them in FilteredOut.
func (p *Page[T]) keep(match func(T) bool) {
	kept := p.Items[:0]
	for _, it := range p.Items {
		if match(it) {
			kept = append(kept, it)
		} else {
			p.FilteredOut++
		}
	}
	clear(p.Items[len(kept):])
	p.Items = kept
}

// checkCursor marks the page incomplete when the API answered with the very
// cursor it was sent: following it would loop.
func (p *Page[T]) checkCursor(sent string) {
	if sent != "" && p.NextCursor == sent {
		p.NextCursor, p.Incomplete = "", IncompleteRepeatedCursor
	}
}

// matches reports whether p satisfies the filter: the email equal (ignoring
// case and surrounding space), the company id equal. A nil filter matches.
func (f *PeopleFilter) matches(p *Person) bool {
	if f == nil || p == nil {
		return f == nil
	}
	if f.Email != "" && !strings.EqualFold(strings.TrimSpace(p.Email), strings.TrimSpace(f.Email)) {
		return false
	}
	return f.CompanyID == "" || p.CompanyID == f.CompanyID
}

// matches reports whether it is linked to the filter's contact and company.
// A nil filter matches.
func (f *InteractionFilter) matches(it *Interaction) bool {
	if f == nil || it == nil {
		return f == nil
	}
	if f.ContactID != "" && !slices.Contains(it.Contacts, f.ContactID) {
		return false
	}
	return f.CompanyID == "" || slices.Contains(it.Companies, f.CompanyID)
}

// ScopeGuessError is a 403 on an operation whose scope the contract does not
// document (deleting a person). It names the scope the client tried and the
// ones the key probably needs, ALL included. errors.Is(err, ErrForbidden)
// is true; the API's error stays reachable with errors.As.
type ScopeGuessError struct {
	Op     string
	Tried  Scope   // the contract's guess, which the key may well have
	Likely []Scope // what the key probably needs instead
	Err    error   // the API's answer
}

// Error names the operation, the guess and the likely scopes.
func (e *ScopeGuessError) Error() string {
	likely := make([]string, len(e.Likely))
	for i, s := range e.Likely {
		likely[i] = string(s)
	}
	return "klipy: " + e.Op + ": refused (403); the contract does not document this operation's scope: " +
		"it was tried as " + string(e.Tried) + ", and the key probably needs " + strings.Join(likely, " or ")
}

// Unwrap returns the API's answer.
func (e *ScopeGuessError) Unwrap() error { return e.Err }

// Is reports ErrForbidden.
func (e *ScopeGuessError) Is(target error) bool { return target == ErrForbidden }

// guessedScopes lists the operations whose scope is a guess and what a key
// refused with the guessed scope probably needs.
var guessedScopes = map[string][]Scope{
	"deletePerson": {ScopeAll},
}

// guessScope turns a 403 on an operation with a guessed scope into a
// *ScopeGuessError; any other error is returned unchanged.
func guessScope(op string, err error) error {
	likely, guessed := guessedScopes[op]
	var ae *APIError
	if !guessed || !errors.As(err, &ae) || ae.StatusCode != 403 {
		return err
	}
	return &ScopeGuessError{Op: op, Tried: ops[op].scope, Likely: likely, Err: err}
}
