package hosting

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
)

// Serve serves the handler on ln until ctx is cancelled, then shuts down
// gracefully: it stops accepting connections, ends idle keep-alive
// connections and event streams, lets in-flight requests finish within
// ShutdownTimeout (forcing the rest closed after it), and returns nil. It
// returns an error only when serving fails for another reason.
//
// The http.Server sets ReadHeaderTimeout, ReadTimeout (reading a request;
// it does not end a handler that is still streaming) and IdleTimeout. It sets
// no WriteTimeout, which would cut long-lived event streams: instead the
// handler bounds each response write by WriteTimeout, pushed forward as the
// response makes progress. Its ReadTimeout also bounds reading a body, so the
// handler sets no read deadline of its own under Serve.
func (h *Handler) Serve(ctx context.Context, ln net.Listener) error {
	srv := h.httpServer()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	h.shutdown(srv)
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// httpServer returns the http.Server Serve runs.
func (h *Handler) httpServer() *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: h.cfg.ReadHeaderTimeout,
		ReadTimeout:       h.cfg.ReadTimeout,
		IdleTimeout:       h.cfg.IdleTimeout,
		ErrorLog:          slog.NewLogLogger(h.cfg.Logger.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.Background() },
	}
}

// shutdown stops srv: in-flight requests get ShutdownTimeout to finish;
// standalone event streams (which never finish by themselves) are ended
// right away by closing their sessions.
func (h *Handler) shutdown(srv *http.Server) {
	if h.onShutdown != nil {
		h.onShutdown()
	}
	h.cfg.Logger.Info("shutting down: finishing in-flight requests", "timeout", h.cfg.ShutdownTimeout)
	ctx, cancel := context.WithTimeout(context.Background(), h.cfg.ShutdownTimeout)
	defer cancel()
	srv.RegisterOnShutdown(func() { h.streamable.CloseSessions(ctx) })
	if err := srv.Shutdown(ctx); err != nil {
		h.cfg.Logger.Warn("shutdown timeout: closing the remaining connections", "err", err)
		_ = srv.Close()
	}
}
