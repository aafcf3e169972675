package hosting

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/klipy-ai/klipy-mcp/klipy"
	"github.com/klipy-ai/klipy-mcp/tools"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// mcpPath is the route of MCP over streamable HTTP.
const mcpPath = "/mcp"

// Handler serves /mcp, /healthz, /readyz and /metrics. It is an
// http.Handler; Serve runs it on a listener with graceful shutdown.
type Handler struct {
	// Handler is the route table; Handler.ServeHTTP dispatches to it.
	http.Handler

	cfg        Config
	mcp        *server.MCPServer
	streamable *server.StreamableHTTPServer
	sessions   *sessions
	callers    *callers
	metrics    *metrics
	ready      *readiness
	serverKey  *caller // nil without a server key
	gate       *discoveryGate
	oauth      *tokenAuth // nil without OAuth sign-in

	closeOnce sync.Once
	// onShutdown, when set (tests), runs when Serve starts shutting down.
	onShutdown func()
}

// New validates cfg and returns the handler. It builds the one MCP server
// every caller shares; each request's context carries its caller's client.
func New(cfg Config) (*Handler, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	h := &Handler{cfg: cfg, sessions: newSessions(cfg.SessionIdleTTL, cfg.now, cfg.MaxSessionsPerKey, cfg.MaxSessions)}
	reg := cfg.Registry
	if reg == nil {
		reg = NewRegistry()
	}
	h.gate = newDiscoveryGate(cfg)
	h.callers = newCallers(cfg, h.newCallerClient)
	h.metrics = newMetrics(reg, func() float64 { return float64(h.sessions.active()) },
		func() float64 { return float64(h.callers.len()) })
	if err := h.initServerKey(); err != nil {
		return nil, err
	}
	if err := h.initMCP(); err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("GET /healthz", h.guard(http.HandlerFunc(serveHealth)))
	mux.Handle("GET /readyz", h.guard(http.HandlerFunc(h.ready.serve)))
	mux.Handle("GET /metrics", h.guard(h.metricsAuth(reg)))
	if cfg.OAuth != nil {
		h.initOAuth(mux)
	}
	h.Handler = h.dispatch(mux)
	return h, nil
}

// dispatch serves /mcp directly and every other route through mux, with a
// fresh write deadline, so that one left on a keep-alive connection by an
// earlier response never cuts a later one. /mcp sets its own when its
// response writer is made (and pushes it forward as an event stream makes
// progress); setting it here as well would reprogram the connection's timer
// twice per call. A path mux would clean into /mcp (//mcp, /./mcp) it
// redirects there, as it does for every route.
func (h *Handler) dispatch(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == mcpPath {
			h.serveMCP(w, r)
			return
		}
		_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(h.cfg.WriteTimeout))
		mux.ServeHTTP(w, r)
	})
}

// newClient builds the client for one caller's key, with the shared limiter
// and the host's metrics hooks.
func (h *Handler) newClient(key string) (*klipy.Client, error) {
	return klipy.New(h.clientOptions(key, h.cfg.Klipy.Hooks))
}

// clientOptions returns the options of key's client, whose hooks count
// into the host's metrics and then call hooks.
func (h *Handler) clientOptions(key string, hooks klipy.Hooks) klipy.Options {
	opts := h.cfg.Klipy
	opts.APIKey = key
	opts.Hooks = h.metrics.klipyHooks(hooks)
	if opts.Logger == nil {
		opts.Logger = h.cfg.Logger
	}
	return opts
}

// initServerKey builds the server key's client, which serves loopback and
// sandbox requests without a key and backs /readyz.
func (h *Handler) initServerKey() error {
	h.ready = &readiness{ttl: h.cfg.ReadyCacheTTL, now: h.cfg.now}
	if h.cfg.ServerKey == "" {
		return nil
	}
	c, err := h.newClient(h.cfg.ServerKey)
	if err != nil {
		return fmt.Errorf("hosting: server key client: %w", err)
	}
	h.serverKey = &caller{id: idOf(h.cfg.ServerKey), client: c}
	h.ready.client = c
	return nil
}

// initMCP builds the shared MCP server and mounts it on mcp-go's streamable
// HTTP transport.
func (h *Handler) initMCP() error {
	tcfg := h.cfg.Tools
	tcfg.Client = nil // every call uses the caller's client from its context
	if tcfg.Logger == nil {
		tcfg.Logger = h.cfg.Logger
	}
	opts := append([]server.ServerOption{
		installHooks(),
		server.WithToolHandlerMiddleware(routeNotifications()),
	}, h.cfg.ServerOptions...)
	srv, err := h.cfg.newServer(tcfg, opts...)
	if err != nil {
		return err
	}
	h.mcp = srv
	h.streamable = server.NewStreamableHTTPServer(srv,
		server.WithSessionIdManager(h.sessions),
		server.WithSessionIdleTTL(h.cfg.SessionIdleTTL),
		server.WithStreamableHTTPLogger(h.cfg.Logger),
	)
	return nil
}

// Close ends sessions (and their event streams) and background work;
// in-flight calls are left to the http.Server's Shutdown.
func (h *Handler) Close(ctx context.Context) error {
	var err error
	h.closeOnce.Do(func() { err = h.streamable.Shutdown(ctx) })
	return err
}

// request is what the host learned about one /mcp request before mcp-go
// handles it, and what it hands on with it. It is the host's one
// allocation for every request (a token's request and a tool call's
// notifications add one each): it holds the response writer, the request
// mcp-go handles and the call record, and it is the one value the host adds
// to the request's context (see requestFrom).
type request struct {
	w      responseWriter
	mcpReq server.HTTPRequest
	rec    callRecord // of a tools/call (tool is set)

	body   []byte
	method string // JSON-RPC method of a POST; "" for responses and GET/DELETE
	tool   string // tools/call: the tool's name
	modern bool   // 2026-07-28 era: no sessions
	id     keyID
	inCall string // the session this request counts as in flight in, until it ends
	ownKey bool   // the key came with the request (not the server key)
	grant  string // the OAuth grant when the key came from an access token
	caller *caller
}

// serveMCP runs the host's checks and hands the request to mcp-go.
func (h *Handler) serveMCP(w http.ResponseWriter, r *http.Request) {
	req := &request{}
	rw := &req.w
	rw.init(w, h.cfg.WriteTimeout)
	if !h.admit(rw, r) {
		return
	}
	if r.Method == http.MethodOptions {
		preflight(rw)
		return
	}
	ok := h.prepare(rw, r, req)
	if req.inCall != "" {
		defer h.sessions.done(req.inCall)
	}
	if !ok {
		return
	}
	h.forward(rw, r, req)
}

// admit applies the DNS-rebinding and Origin rules and decorates allowed
// cross-origin responses.
func (h *Handler) admit(w http.ResponseWriter, r *http.Request) bool {
	if rebinding(r) {
		h.reject(w, http.StatusForbidden, "host", "Forbidden: the Host header must name this loopback server.")
		return false
	}
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true // not a browser
	}
	if !h.originAllowed(origin, r) {
		h.reject(w, http.StatusForbidden, "origin", "Forbidden: this origin is not allowed to call this server (see --allowed-origins).")
		return false
	}
	allowCORS(w, origin)
	return true
}

// prepare reads the body, resolves the caller's key and client, and checks
// the session, filling in req. It answers the request itself when one of
// them fails.
func (h *Handler) prepare(w http.ResponseWriter, r *http.Request, req *request) bool {
	if r.Method == http.MethodPost {
		body, ok := h.readBody(w, r)
		if !ok {
			return false
		}
		req.body = body
		req.method, req.tool, req.modern = inspect(body, r.Header)
	} else {
		req.modern = mcp.IsModernProtocol(r.Header.Get(mcp.HeaderProtocolVersion))
	}
	return h.authenticate(w, r, req) && h.checkSession(w, r, req) && h.resolveCaller(w, r, req)
}

// readBody reads a POST body, capped at MaxBodyBytes (413 above) and bounded
// in time by ReadTimeout.
func (h *Handler) readBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	if !h.serverBoundsBody(r) {
		// Left in place: net/http clears it once the body has been read to
		// its end, and otherwise it bounds the server's own reading of the
		// rest before it answers (cleared, a stalled body held the
		// connection and its goroutine for as long as the client kept it
		// open).
		_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(h.cfg.ReadTimeout))
	}
	limit := h.cfg.MaxBodyBytes
	if r.ContentLength > limit {
		h.tooLarge(w)
		return nil, false
	}
	body, err := readAll(r.Body, r.ContentLength, limit+1)
	switch {
	case err != nil:
		h.reject(w, http.StatusBadRequest, "body", "Could not read the request body.")
		return nil, false
	case int64(len(body)) > limit:
		h.tooLarge(w)
		return nil, false
	}
	return body, true
}

// serverBoundsBody reports whether the http.Server serving r already bounds
// reading its body within ReadTimeout: its own ReadTimeout, no longer,
// counts from the request's first byte (Serve's server sets it). Setting the
// deadline again would reprogram the connection's timer once more per
// request.
func (h *Handler) serverBoundsBody(r *http.Request) bool {
	srv, _ := r.Context().Value(http.ServerContextKey).(*http.Server)
	return srv != nil && srv.ReadTimeout > 0 && srv.ReadTimeout <= h.cfg.ReadTimeout
}

// readAll reads at most max bytes of r into a buffer sized from the
// declared length when there is one, sparing io.ReadAll's regrowth (and
// io.LimitReader's allocation).
func readAll(r io.Reader, declared, max int64) ([]byte, error) {
	size := int64(512)
	if declared >= 0 {
		size = min(declared, max) + 1 // +1: EOF is seen without growing
	}
	buf := make([]byte, 0, min(size, max))
	for int64(len(buf)) < max {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):min(int64(cap(buf)), max)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
	return buf, nil
}

func (h *Handler) tooLarge(w http.ResponseWriter) {
	h.reject(w, http.StatusRequestEntityTooLarge, "body_too_large",
		fmt.Sprintf("The request body is larger than %d bytes.", h.cfg.MaxBodyBytes))
}

// authenticate picks the request's key: its own, else the server key when
// the server is loopback or sandbox; otherwise 401.
func (h *Handler) authenticate(w http.ResponseWriter, r *http.Request, req *request) bool {
	if key := requestKey(r); key != "" {
		if h.isToken(r, key) {
			return h.authenticateToken(w, r, req, key)
		}
		req.id, req.ownKey = idOf(key), true
		return h.lookupCaller(w, req, key)
	}
	if h.serverKey != nil && (h.cfg.Loopback || h.cfg.Sandbox) {
		req.id, req.caller = h.serverKey.id, h.serverKey
		return true
	}
	h.metrics.rejected("missing_key")
	h.unauthorized(w, "", "")
	return false
}

// checkSession applies the session rules of the session-based era: every
// request but initialize names a live session opened by the same key.
func (h *Handler) checkSession(w http.ResponseWriter, r *http.Request, req *request) bool {
	if req.modern || req.method == string(mcp.MethodInitialize) {
		return true
	}
	sid := r.Header.Get(server.HeaderKeySessionID)
	if sid == "" {
		h.reject(w, http.StatusBadRequest, "missing_session",
			"Bad Request: Mcp-Session-Id header is required; send initialize first to open a session.")
		return false
	}
	call := r.Method == http.MethodPost
	if err := h.sessions.use(sid, req.id, call); err != nil {
		h.reject(w, http.StatusNotFound, "unknown_session",
			"Session not found: it expired, was closed, or belongs to another key. Send initialize to open a new session.")
		return false
	}
	if call {
		req.inCall = sid // not closed to make room while this runs
	}
	return true
}

// reject answers a request the host refuses and counts it.
func (h *Handler) reject(w http.ResponseWriter, status int, reason, message string) {
	h.metrics.rejected(reason)
	writeError(w, status, reason, message)
}

// forward hands a checked request to mcp-go with the caller's client (where
// the tools look for it) and req (the response writer for tools'
// notifications, the call record) in its context.
//
// It uses mcp-go's Handle, which takes the body the host has already read,
// rather than ServeHTTP, which would read it again from a reader over the
// same bytes and copy the http.Request for the new context. What ServeHTTP
// adds before calling Handle is not used here: its DNS-rebinding check (the
// host's own, identical, has run), CORS and protected-resource metadata
// (neither is configured).
func (h *Handler) forward(w *responseWriter, r *http.Request, req *request) {
	ctx := context.WithValue(r.Context(), hostRequestKey{}, req)
	if req.caller != nil {
		ctx = tools.WithClient(ctx, req.caller.client)
	}
	if req.method == string(mcp.MethodInitialize) && !req.modern {
		id := req.id
		w.beforeHeader = func(hd http.Header) {
			if sid := hd.Get(server.HeaderKeySessionID); sid != "" {
				h.sessions.bind(sid, id)
			}
		}
	}
	req.mcpReq = server.HTTPRequest{Method: r.Method, URL: r.URL, Header: r.Header, Body: req.body, Context: ctx}
	if req.grant != "" {
		tw := &tokenWriter{responseWriter: w, h: h, r: r, req: req}
		h.streamable.Handle(tw, &req.mcpReq)
		tw.after()
	} else {
		h.streamable.Handle(w, &req.mcpReq)
	}
	w.end()
	if req.tool != "" {
		h.metrics.observe(h.toolLabel(req.tool, &req.rec), &req.rec)
	}
	h.closeEvicted()
}

// closeEvicted ends, in mcp-go too, the sessions closed to make room for new
// ones, and counts them. mcp-go frees a session's state only on DELETE or
// its idle sweep, so the host sends it the DELETE the client did not.
func (h *Handler) closeEvicted() {
	for _, ev := range h.sessions.takeEvicted() {
		h.metrics.sessionEvicted(ev.reason)
		req, err := http.NewRequestWithContext(context.Background(), http.MethodDelete, "http://localhost/mcp", nil)
		if err != nil {
			continue // cannot happen: the URL is constant
		}
		req.Header.Set(server.HeaderKeySessionID, ev.id)
		h.streamable.ServeHTTP(discardWriter{}, req)
	}
}

// discardWriter is the response writer of the host's own requests to mcp-go.
type discardWriter struct{}

func (discardWriter) Header() http.Header         { return http.Header{} }
func (discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (discardWriter) WriteHeader(int)             {}

// toolLabel bounds the tool label to the catalogue. A call a tool answered
// names a tool that exists; only other calls need the look-up, which copies
// the tool.
func (h *Handler) toolLabel(name string, rec *callRecord) string {
	if rec.answered() || h.mcp.GetTool(name) != nil {
		return name
	}
	return unknownTool
}

type hostRequestKey struct{}

// requestFrom returns the host's record of the /mcp request ctx belongs
// to, or nil.
func requestFrom(ctx context.Context) *request {
	req, _ := ctx.Value(hostRequestKey{}).(*request)
	return req
}
