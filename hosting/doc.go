// Package hosting serves the MCP server over streamable HTTP: per-request
// keys, Origin checks, limits, sessions, health, readiness and metrics. It is
// the only package that knows about HTTP; tools stays about tools.
//
// # Routes
//
//   - /mcp: MCP over streamable HTTP (mcp-go v1.2.1), both protocol eras from
//     one handler: session-based 2025-11-25 and earlier (Mcp-Session-Id) and
//     the stateless 2026-07-28 protocol, chosen per request.
//   - /healthz: 200 while the process serves HTTP.
//   - /readyz: 200 when the Klipy API answers the server key's authenticate
//     (cached for ReadyCacheTTL); always 200 without a server key.
//   - /metrics: Prometheus, from the handler's own registry; behind a bearer
//     token when MetricsToken is set (compared in constant time).
//   - with Config.OAuth (package oauth): the OAuth 2.1 authorization server's
//     metadata, /register, /authorize (the sign-in page), /token and /revoke.
//     A bearer credential that is not a Klipy key (klipy_api_…) is then an
//     access token, mapped to the Klipy key it stands for, and a 401 points
//     to the protected-resource metadata (RFC 9728).
//
// The three auxiliary routes get the DNS-rebinding and Origin checks of /mcp
// (steps 1 and 2 below).
//
// # Callers and keys
//
// One MCP server is built once (tools.NewServer) and shared. Each /mcp
// request brings its caller's key (Authorization: Bearer, else
// X-Klipy-Api-Key); the server key is used for requests without one only on
// a loopback listener or in sandbox mode, otherwise the answer is 401 with a
// Bearer WWW-Authenticate challenge. The caller's *klipy.Client is put into
// the context of the request the host hands to mcp-go's Handle
// (tools.WithClient). Clients are cached per key — keyed by the key's SHA-256, in two
// LRU tiers (keys the API accepted, ClientCacheSize; keys not yet checked,
// UnverifiedCacheSize, which never evict the first) that expire after
// ClientIdleTTL — so a key's rate-limit state and its scopes, discovered
// once (klipy.Client.Discover, one check shared by concurrent requests)
// before its first request is handled, persist across requests; tools/list
// is therefore filtered by the caller's scopes. A key the API rejects gets
// 401 error="invalid_token" and is answered from memory for RejectedKeyTTL;
// checks of unknown keys are budgeted process-wide (DiscoveryRate), beyond
// which the answer is 503 with Retry-After. Every client shares
// Config.Klipy.Limiter (for example the Redis limiter of package
// redislimit; by default one klipy.LocalLimiter for the handler), so the keys of one
// organization share its budget and every client of a key honours the
// pauses the server asked for.
//
// # Checks on /mcp, in order
//
//  1. DNS rebinding: on a loopback listener the Host header must be a
//     loopback name (403). (mcp-go's identical check is in its ServeHTTP,
//     which the host does not use: it hands mcp-go's Handle the body it
//     has already read.)
//  2. Origin: a request with an Origin header is refused (403) unless the
//     origin is in AllowedOrigins or is the server's own loopback origin;
//     allowed origins get CORS headers and preflight answers.
//  3. Body: at most MaxBodyBytes (1 MiB): 413, the server keeps serving.
//  4. Key: see above (401).
//  5. Session (session-based era only): every request but initialize needs
//     Mcp-Session-Id (400 without it, where mcp-go answers 404); the id must
//     be one this process issued, not deleted and not idle past
//     SessionIdleTTL, and opened by the same key — otherwise 404. A session
//     of another key is answered exactly like an unknown one (404, not 403),
//     so a caller learns nothing about other callers' sessions, and a client
//     whose key changed is told to initialize again.
//
// Sessions are capped per key (MaxSessionsPerKey, 100) and in total
// (MaxSessions, 5,000). Past a cap the least recently used idle session (of
// that key, or of all; one with no request in flight, or the least recently
// used one if all are busy) is closed — forgotten here and DELETEd in mcp-go, whose
// per-session state would otherwise live until its idle sweep — and counted
// in klipy_mcp_sessions_evicted_total{reason="per_key"|"total"}.
//
// # mcp-go v1.2.1 gaps closed here
//
//   - No Origin validation: step 2.
//   - Session ids only format-checked and valid after DELETE: the host is
//     mcp-go's SessionIdManager (real sessions, forgotten on DELETE, idle
//     expiry, shutdown) and binds each id to the key that opened it when the
//     initialize response is written.
//   - Missing session id answered 404: the host answers 400.
//   - Sessions never expire: WithSessionIdleTTL plus the host's own expiry.
//   - No 401/WWW-Authenticate: step 4.
//   - Notifications lost or crossed: a progress or log notification sent just
//     before a tool returns was often dropped (a race between mcp-go's
//     notification forwarder and the response path), and concurrent calls
//     of one session shared one queue. A tool-handler middleware gives each
//     call its own notification channel and writes its notifications on that
//     call's own response stream, then waits for them to be written before
//     mcp-go writes the response (see notify.go).
//
// # Serving
//
// Serve runs the handler on a listener with ReadHeaderTimeout, ReadTimeout
// and IdleTimeout, bounds each write (WriteTimeout, pushed forward as a
// response makes progress so event streams live on), and shuts down gracefully:
// stop accepting, end event streams, let in-flight calls finish within
// ShutdownTimeout, return nil.
package hosting
