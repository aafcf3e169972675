package tools

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/klipy-ai/klipy-mcp/klipy"
)

// What a key sees while its scopes are not known (SPEC §10: tools/list and
// tools/call of one key always agree):
//
//   - Not yet checked, or the last check failed (network, 5xx, 429):
//     tools/list offers the tools the declared scopes allow, or every tool
//     when none are declared, so that a client that lists once is not left
//     with a short list after a blip. tools/call of a tool that needs a scope
//     checks the key first (one /authenticate shared by every waiting call,
//     a failure reused for a few seconds) and, when that fails, answers an
//     isError saying nothing was sent. No tool runs for a key whose scopes
//     could have been learnt and were not.
//   - /authenticate closed to the key (it needs ALL): the scopes stay
//     unknown; tools are filtered by the declared scopes, or not at all, in
//     both tools/list and tools/call, and a 403 names the missing scope.
//   - Scopes known: tools/list hides what they do not allow, and tools/call
//     refuses it before any request.

// listWait bounds how long listing tools waits for a check of the key
// still in flight (a slow upstream); after it the list is the one for
// unknown scopes.
const listWait = time.Second

// learnScopes checks the key before tools are listed, so that the list
// follows its scopes whenever they can be learnt. The check is shared with
// every other caller of the key and a failure is reused for a few seconds,
// so listing never queues behind a failing upstream; on failure the list
// is the one for unknown scopes.
func learnScopes(ctx context.Context, c *klipy.Client) {
	// mcp-go filters every tools/call through here: once the key is
	// known, no wait needs a deadline.
	if c.Discovered() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, listWait)
	defer cancel()
	_ = c.Discover(ctx)
}

// permit checks, before a tool runs, that c may use scope now; it returns
// the isError result to answer instead, or nil.
func permit(ctx context.Context, c *klipy.Client, name string, scope klipy.Scope) *mcp.CallToolResult {
	err := c.Permit(ctx, name, scope)
	if err == nil {
		return nil
	}
	return errorResult(permitText(err, scope))
}

// permitText phrases why a tool was not run.
func permitText(err error, scope klipy.Scope) string {
	var de *klipy.DiscoveryError
	switch {
	case errors.Is(err, klipy.ErrUnauthorized), errors.As(err, new(*klipy.ScopeError)):
		return errorText(err, errCtx{scope: scope})
	case errors.As(err, &de):
		return fmt.Sprintf("Could not check what this Klipy API key may do, so nothing was sent: %s. Retry in %s.",
			checkFailure(de.Err), klipy.Seconds(de.RetryAfter))
	case errors.Is(err, klipy.ErrDiscoveryLimited):
		return "Too many new Klipy API keys are being checked right now, so nothing was sent. Retry in a few seconds."
	default:
		return errorText(err, errCtx{scope: scope})
	}
}

// checkFailure says why a key check failed.
func checkFailure(err error) string {
	switch {
	case errors.Is(err, klipy.ErrRateLimited):
		return "Klipy's rate limit is spent"
	case errors.Is(err, context.DeadlineExceeded):
		return "Klipy is unavailable right now (it did not answer in time)"
	default:
		return "Klipy is unavailable right now (" + upstreamMessage(err) + ")"
	}
}
