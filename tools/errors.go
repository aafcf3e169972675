package tools

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/klipy-ai/klipy-mcp/klipy"
)

// errCtx is what a handler knows that makes an error message actionable:
// the scope the tool needs and the record it was working on.
type errCtx struct {
	scope  klipy.Scope
	what   string // "person", "company", "interaction"
	id     string
	create bool // the failed call may have created something
	// now is the time a rate-limit message counts from; zero means now.
	now time.Time
}

// errorResult is an isError result with one text block. Every error result
// is built here, so its text passes the client's key scrubber once more on
// the way out.
func errorResult(msg string) *mcp.CallToolResult { return mcp.NewToolResultError(klipy.Redact(msg)) }

// toolError maps any failure to the isError result that tells the model what
// went wrong and what to do next. It is the one place errors are phrased.
func toolError(err error, ec errCtx) *mcp.CallToolResult {
	return errorResult(errorText(err, ec))
}

func errorText(err error, ec errCtx) string {
	var ae *argError
	var se *klipy.ScopeError
	var ge *klipy.ScopeGuessError
	switch {
	case errors.As(err, &ae):
		return ae.msg
	case errors.As(err, &ge):
		return scopeGuessed(ge, upstreamMessage(err))
	case errors.As(err, &se):
		return missingScope(se.Scope)
	case errors.Is(err, klipy.ErrMissingScope):
		return missingScope(ec.scope)
	case errors.Is(err, klipy.ErrUnauthorized):
		return "The Klipy API key is invalid, expired or revoked. Ask a workspace admin to issue a new key (Klipy → Settings → API) and update the server's configuration; retrying will not help."
	case errors.Is(err, klipy.ErrForbidden):
		return "Klipy refused this operation for this API key (" + upstreamMessage(err) + ")." + scopeHint(ec.scope)
	case errors.Is(err, klipy.ErrNotFound):
		return notFound(ec)
	case errors.Is(err, klipy.ErrRateLimited):
		return rateLimited(err, ec.now)
	case errors.Is(err, klipy.ErrValidation):
		return "Klipy rejected the request as invalid: " + upstreamMessage(err) + ". Fix the arguments and try again."
	case errors.Is(err, klipy.ErrConflict):
		return "Klipy reports a conflict: " + upstreamMessage(err) + ". The record probably exists already; search for it (e.g. search_people with email) or use upsert_person / update_person."
	case errors.Is(err, klipy.ErrUnavailable):
		retried := ", even after retries"
		if ec.create {
			retried = "" // creates are not re-sent, so nothing is duplicated
		}
		return "Klipy is unavailable right now (" + upstreamMessage(err) + ")" + retried + ". Try again in a minute." + createHint(ec)
	case errors.Is(err, context.DeadlineExceeded):
		return "The request to Klipy timed out. Try again; if it keeps happening, Klipy may be slow or unreachable." + createHint(ec)
	case errors.Is(err, context.Canceled):
		return "The request was cancelled before Klipy answered." + createHint(ec)
	default:
		return "The Klipy request failed: " + clip(sanitizeText(err.Error()), 300) + "." + createHint(ec)
	}
}

func missingScope(scope klipy.Scope) string {
	if scope == "" {
		return "This Klipy API key lacks the scope this operation needs. A workspace admin can issue a key with the right scopes (Klipy → Settings → API)."
	}
	return fmt.Sprintf("Missing scope: this Klipy API key does not have the %q scope this tool needs. A workspace admin can issue a key with %q (Klipy → Settings → API); then use that key with klipy-mcp.", scope, scope)
}

func scopeHint(scope klipy.Scope) string {
	if scope == "" {
		return " The key may lack a scope; a workspace admin can issue a key with the right scopes."
	}
	return fmt.Sprintf(" The key probably lacks the %q scope; a workspace admin can issue a key with it.", scope)
}

func notFound(ec errCtx) string {
	what := ec.what
	if what == "" {
		what = "record"
	}
	hint := "search_people"
	if what == "interaction" {
		hint = "search_interactions"
	}
	if ec.id == "" {
		return "Not found: Klipy has no such " + what + " in this workspace."
	}
	return fmt.Sprintf("Not found: no %s with id %q in this workspace. Check the id; %s finds ids.", what, ec.id, hint)
}

func rateLimited(err error, now time.Time) string {
	d, ok := klipy.RetryAfter(err)
	if !ok || d <= 0 {
		return "Klipy's rate limit is spent (200 requests per minute per key). Wait about a minute, then retry."
	}
	if now.IsZero() {
		now = time.Now()
	}
	return fmt.Sprintf("Klipy's rate limit is spent. Retry in %s (after %s).", klipy.Seconds(d), now.Add(d).UTC().Format(time.RFC3339))
}

func createHint(ec errCtx) string {
	if !ec.create {
		return ""
	}
	return " The record may or may not have been created: search for it before retrying to avoid a duplicate."
}

// upstreamMessage is the API's own explanation, cleaned for the model.
func upstreamMessage(err error) string {
	var ae *klipy.APIError
	if !errors.As(err, &ae) {
		return clip(sanitizeText(strings.TrimPrefix(err.Error(), "klipy: ")), 300)
	}
	msg := ae.Message
	if msg == "" {
		msg = fmt.Sprintf("HTTP %d", ae.StatusCode)
	}
	if ae.Details != nil {
		if b, err := json.Marshal(ae.Details); err == nil {
			msg += " (details: " + string(b) + ")"
		}
	}
	if ae.RequestID != "" {
		msg += "; request id " + ae.RequestID
	}
	return clip(sanitizeText(msg), 400)
}
