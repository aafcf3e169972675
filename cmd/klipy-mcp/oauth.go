package main

import (
	"net"
	"strings"

	"github.com/gomodule/redigo/redis"
	"github.com/klipy-ai/klipy-mcp/hosting"
	"github.com/klipy-ai/klipy-mcp/hosting/oauth"
)

// redisOAuthPrefix starts every OAuth record's key in Redis.
const redisOAuthPrefix = "klipy-mcp:oauth:"

// oauthServer builds the authorization server for --oauth (nil without
// it): grants in Redis when rdb is set, else in memory. Every mistake is a
// one-line usage error that never repeats the secret.
func oauthServer(c *config, hc hosting.Config, rdb *redis.Pool, listening string) (*oauth.Server, error) {
	if !c.OAuth {
		if c.OAuthSecret != "" || c.PublicURL != "" {
			hc.Logger.Warn("--oauth-secret and --public-url apply only with --oauth")
		}
		return nil, nil
	}
	secret, err := oauthSecret(c)
	if err != nil {
		return nil, err
	}
	public, err := publicURL(c, listening)
	if err != nil {
		return nil, err
	}
	cfg := oauth.Config{PublicURL: public, Secret: secret, Verify: oauth.KlipyVerifier(hc.Klipy), Logger: hc.Logger}
	if rdb != nil {
		cfg.Store = oauth.NewRedisStore(rdb, redisOAuthPrefix)
	}
	srv, err := oauth.New(cfg)
	if err != nil {
		return nil, usageError("--oauth: %v", err)
	}
	return srv, nil
}

// publicURL is --public-url, or http://<listening address> on loopback.
func publicURL(c *config, listening string) (string, error) {
	raw := c.PublicURL
	if raw == "" {
		host, _, err := net.SplitHostPort(listening)
		if err != nil || !isLoopbackHost(host) {
			return "", usageError("--oauth on a non-loopback --addr needs --public-url (KLIPY_PUBLIC_URL), the https origin clients reach, e.g. https://mcp.example.com")
		}
		raw = "http://" + listening
	}
	u, err := oauth.CheckPublicURL(raw)
	if err != nil {
		return "", usageError("invalid --public-url: %v", strings.TrimPrefix(err.Error(), "oauth: "))
	}
	return u, nil
}

// oauthSecret checks the --oauth settings that need no listener, so that a
// mistake stops the command before it binds its port, and returns the
// decoded secret. The message never repeats the secret.
func oauthSecret(c *config) ([]byte, error) {
	if c.Sandbox {
		return nil, usageError("--oauth does not apply to --sandbox: the sandbox needs no sign-in")
	}
	secret, err := oauth.ParseSecret(c.OAuthSecret)
	if err != nil {
		return nil, usageError("--oauth needs --oauth-secret (KLIPY_OAUTH_SECRET), 32 bytes in base64: %v", err)
	}
	return secret, nil
}
