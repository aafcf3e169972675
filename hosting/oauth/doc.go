// Package oauth is klipy-mcp's OAuth 2.1 authorization server for hosted
// connectors (Claude.ai, ChatGPT): it turns "paste your Klipy API key once"
// into standard OAuth, per the MCP authorization specification (2025-11-25).
//
// It serves authorization-server metadata (RFC 8414), protected-resource
// metadata (RFC 9728), dynamic client registration (RFC 7591) and Client ID
// Metadata Documents, the authorization code grant with PKCE S256 only,
// resource indicators (RFC 8707), rotating refresh tokens and revocation
// (RFC 7009). The sign-in page asks for a Klipy API key, checks it with
// Klipy and asks the person to approve the client.
//
// Tokens are opaque random strings; the store holds only their SHA-256.
// The Klipy key a grant stands for is stored only sealed with AES-GCM under
// the server secret. Every record has a TTL, so expired grants disappear on
// their own, in memory or in Redis (shared by every replica).
package oauth
