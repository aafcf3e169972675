// Package klipy is a typed client for the Klipy CRM REST API (v1): people,
// companies, interactions and key validation. It knows nothing of MCP.
//
// Every method has the same shape: it builds the request, hands it to one
// internal do function, and returns (value, *Response, error). Scope checks,
// pacing, retries, error classification and decoding live in do alone.
//
// # Authentication
//
// The key travels as "Authorization: Bearer <key>" by default, or as
// "X-Klipy-Api-Key: <key>" with Options.Auth = AuthAPIKeyHeader. The
// User-Agent names klipy-mcp, Options.Version and, in parentheses, the
// Options.UserAgent suffix (the calling MCP client), which WithUserAgent
// replaces for the requests of one context. The key never appears
// in an error or a log line: error bodies are scrubbed of it and of anything
// shaped like a Klipy key, and rate-limit buckets are named by a hash of it.
// Client.Authenticate validates the key and caches the organization and the
// scopes the API reports.
//
// # Scopes
//
// Each operation needs the scope the contract names: reads
// need people:read, companies:read or interactions:read; writes, including
// person deletes, need people:write, companies:write or interactions:write;
// company deletes need companies:remove; ALL grants everything;
// Authenticate needs none. The key's scopes are known from Authenticate when
// it lists them, else from Options.Scopes, else unknown. A call whose scope
// is known to be missing fails with a *ScopeError (errors.Is ErrMissingScope)
// before anything is sent; with unknown scopes the call is tried and a 403
// maps to ErrForbidden, and to ErrMissingScope when the answer names a scope.
//
// Client.Discover learns the scopes once for all concurrent callers (one
// /authenticate in flight, each caller waiting under its own context, a
// failed check reused for a few seconds), and Client.Permit is what a caller
// asks before an operation: it refuses one whose scopes could have been
// learnt and were not. Klipy's documentation lists /authenticate under ALL:
// when it refuses a key that works elsewhere (403, or 401 about scope,
// checked with one cheap read), Authenticate returns an
// *AuthenticateClosedError (errors.Is ErrScopesUnknown), remembered by the
// client, and the scopes stay declared or unknown.
//
// # Rate limits and retries
//
// Requests are paced with token buckets (golang.org/x/time/rate): one per
// key (Options.RateLimit, default 200/min) and, once Authenticate has named
// the organization, one per organization (Options.OrgLimit, default
// 1,000/min) shared by every key of it. Bursts are small (Burst: at most 10),
// so a flood of parallel calls is spread over the window. The package holds
// no state of its own: a client that sets no Options.Limiter has a
// LocalLimiter of its own, and clients that share a budget share one
// Limiter (a LocalLimiter in one process, a Redis-backed one across
// replicas). Waits happen under the caller's context; a call whose context
// has no deadline is bounded as a whole all the same. A wait that cannot end
// before the deadline fails at once with a *RateLimitError, and RetryAfter
// tells how long it would have been.
//
// When an answer says X-RateLimit-Remaining: 0, later calls of the key pause
// until X-RateLimit-Reset (epoch seconds, epoch milliseconds or seconds left,
// told apart by magnitude); the pause is kept by the Limiter when it is a
// Pauser, so every client sharing it honours it. A 429 is waited out and
// retried when its Retry-After (seconds or an HTTP date) is at most 10 s and
// fits the deadline; otherwise the *APIError carries RetryAfter. A pause
// longer than 10 s is never waited out: calls inside it fail at once with a
// *RateLimitError saying how long is left.
//
// Everything the client returns that came from upstream (request ids,
// error messages, codes and details, {"success":false} messages) is scrubbed
// of the key and of every key-like token, once on the raw answer and once
// more after decoding, at the single exit of every call.
//
// GET, PUT, PATCH, DELETE and the read-only POST …/query calls are retried on
// network errors, 408, 502, 503 and 504 with jittered exponential backoff, 3
// attempts in all. Creates (POST /people, /companies, and /interactions
// without a primaryId) are never re-sent once they may have reached the
// server, so nothing is created twice; only a refused connection, which sent
// nothing, is retried. Other 4xx are never retried. Options.Timeout (default
// 30 s) bounds each attempt.
//
// # Pagination
//
// Query methods return one Page per call; pass Page.NextCursor as the next
// query's Cursor. NextCursor is empty on the last page. All returns an
// iter.Seq2 that follows the cursors, stops at the first error (which it
// yields) and honours break.
//
// # Errors
//
// Failures are typed: *APIError for an answer (status, code, message,
// details, request id, retry time, operation), *ScopeError for a local scope
// refusal, *RateLimitError for a budget that cannot be had in time, and
// *TransportError for no usable answer (network errors after retries,
// bodies over MaxResponseBytes, malformed JSON). Callers branch with
// errors.Is on ErrNotFound, ErrUnauthorized, ErrForbidden, ErrMissingScope,
// ErrRateLimited, ErrValidation, ErrConflict and ErrUnavailable, never on
// messages.
//
// # Tolerant reading
//
// The API is in beta and partly inferred, so the reader accepts the
// {object, data, meta} and {success, data} envelopes or none; lists bare or
// wrapped in people, interactions, items or data; page_info at the top, in
// data or in meta, spelled page_info, pageInfo or pagination, with
// end_cursor, next_cursor or cursor and has_next_page or has_more (snake or
// camel case); timestamps as RFC 3339 or epoch milliseconds. Fields the
// client does not model are kept in each record's Extra and written back by
// its MarshalJSON, which uses the API's own field names. The writer is
// strict: requests carry exactly the contract's field names.
package klipy
