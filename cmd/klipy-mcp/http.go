package main

import (
	"context"
	"log/slog"
	"net"
	"os"
	"strconv"
	"time"

	"github.com/gomodule/redigo/redis"
	"github.com/klipy-ai/klipy-mcp/hosting"
	"github.com/klipy-ai/klipy-mcp/internal/rawio"
	"github.com/klipy-ai/klipy-mcp/klipy/klipytest"
)

// shutdownGrace bounds how long in-flight requests may run after SIGTERM.
const shutdownGrace = 25 * time.Second

// sessionIdleTTL ends legacy-protocol sessions nobody has used for this long.
const sessionIdleTTL = 30 * time.Minute

// runHTTP serves MCP over streamable HTTP until a signal, then shuts down
// gracefully.
func runHTTP(ctx context.Context, e *env) error {
	c := e.cfg
	loopback, err := c.listen()
	if err != nil {
		return err
	}
	logger, closeLog, err := newLogger(c, e.stderr)
	if err != nil {
		return err
	}
	defer closeLog()
	hcfg, err := hostingConfig(c, loopback, logger)
	if err != nil {
		return err
	}
	if c.OAuth {
		if _, err := oauthSecret(c); err != nil {
			return err
		}
	}
	var rdb *redis.Pool
	if c.RedisURL != "" {
		lim, client, closeRedis, err := redisLimiter(ctx, c.RedisURL, logger)
		if err != nil {
			return err
		}
		defer closeRedis()
		hcfg.Klipy.Limiter, rdb = lim, client
	}
	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		return usageError("cannot listen on --addr %s: %v", c.Addr, err)
	}
	defer ln.Close()
	if hcfg.OAuth, err = oauthServer(c, hcfg, rdb, ln.Addr().String()); err != nil {
		return err
	}
	h, err := hosting.New(hcfg)
	if err != nil {
		return usageError("%v", err)
	}
	gcPercent := "GOGC"
	if p, set := tuneGC(os.LookupEnv); set {
		gcPercent = strconv.Itoa(p)
	}
	logger.Info("serving MCP over HTTP", "url", "http://"+ln.Addr().String()+"/mcp",
		"version", buildVersion(), "sandbox", c.Sandbox, "public", c.Public, "server_key", keyFingerprint(hcfg.ServerKey),
		"oauth", hcfg.OAuth != nil, "gc_percent", gcPercent)
	if err := h.Serve(ctx, rawio.Listener(ln)); err != nil {
		return err
	}
	cctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := h.Close(cctx); err != nil {
		return err
	}
	logger.Info("stopped")
	return nil
}

// hostingConfig builds the HTTP host's configuration from c.
func hostingConfig(c *config, loopback bool, logger *slog.Logger) (hosting.Config, error) {
	if c.Sandbox && c.RedisURL != "" {
		return hosting.Config{}, usageError("--redis-url does not apply to --sandbox: the sandbox has no upstream budget to share")
	}
	opts := klipyOptions(c, logger)
	opts.APIKey = ""
	hc := hosting.Config{
		Tools:           c.toolsConfig(),
		Klipy:           opts,
		ServerKey:       c.APIKey,
		Loopback:        loopback && !c.Public,
		Sandbox:         c.Sandbox,
		AllowedOrigins:  c.AllowedOrigins,
		SessionIdleTTL:  sessionIdleTTL,
		ShutdownTimeout: shutdownGrace,
		Logger:          logger,
		DiscoveryRate:   c.DiscoveryRate,

		MaxSessionsPerKey: c.MaxSessionsPerKey,
		MaxSessions:       c.MaxSessions,
		MetricsToken:      c.MetricsToken,
	}
	hc.Tools.Logger = logger
	if c.Sandbox {
		hc.ServerKey = klipytest.SandboxKey
	}
	if c.Public && c.MetricsToken == "" {
		logger.Warn("on a public listener /metrics is open to anyone who can reach it; set --metrics-token to require a token")
	}
	if c.APIKey != "" && !hc.Loopback && !c.Sandbox {
		logger.Warn("on a public listener --api-key serves only /readyz: every caller must send their own key")
	}
	return hc, nil
}
