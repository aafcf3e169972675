# shellcheck shell=bash
# OAuth steps for .ci/run: the hosted sign-in driven by clients nobody here
# wrote. The Go end-to-end tests (go-test-race) drive the page in headless
# Chromium; these steps add the TypeScript SDK and mcp-remote.

# OAUTH_SECRET is the CI server's --oauth-secret (32 bytes, base64; not a
# secret: it protects nothing outside this run).
OAUTH_SECRET=MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=

# setup_chromium installs Debian's chromium when missing, so the Go browser
# tests never skip in CI.
setup_chromium() {
	if ! command -v chromium >/dev/null 2>&1; then
		log "installing chromium from Debian"
		DEBIAN_FRONTEND=noninteractive apt-get update -qq || return 1
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null || return 1
	fi
	chromium --version
}

# start_oauth_server starts the sandbox API and `klipy-mcp http --oauth`
# against it, and sets OAUTH_MCP_URL.
start_oauth_server() {
	local api mcp
	api=$(free_port) && mcp=$(free_port) || return 1
	start_service sandbox-api "$CI_WORK/logs/oauth-sandbox.log" "$BIN/klipy-mcp" sandbox --addr "127.0.0.1:$api"
	wait_for "sandbox API on $api" 20 port_open "$api" || return 1
	start_service oauth-server "$CI_WORK/logs/oauth-server.log" "$BIN/klipy-mcp" http --oauth \
		--addr "127.0.0.1:$mcp" --base-url "http://127.0.0.1:$api/api/v1" --oauth-secret "$OAUTH_SECRET"
	wait_for "klipy-mcp --oauth on $mcp" 20 port_open "$mcp" || return 1
	OAUTH_MCP_URL="http://127.0.0.1:$mcp/mcp"
}

# oauth_clients completes the sign-in with the TypeScript SDK's OAuth client
# provider (with a refresh) and with mcp-remote, each listing the tools and
# calling one, and checks that no key or token reached the server's log.
oauth_clients() {
	# shellcheck disable=SC2034 # used by stop_services; this step runs in a subshell: stop only what it starts
	SERVICE_PIDS=()
	trap stop_services EXIT
	start_oauth_server || return 1
	local browser=$CI_WORK/oauth-browser
	KLIPY_WANT_TOOLS=$("$BIN/klipy-mcp" tools --json --sandbox | grep -c '"inputSchema"') || return 1
	export KLIPY_WANT_TOOLS
	echo "the sandbox key should see $KLIPY_WANT_TOOLS tools"
	printf '#!/bin/sh\nexec "%s" "%s" browser "$1" >>"%s" 2>&1\n' "$NODE" "$CI_DIR/oauth-clients.mjs" "$CI_WORK/logs/oauth-browser.log" >"$browser"
	chmod +x "$browser"
	echo "--- TypeScript SDK ($("$NODE" -p 'require("./.ci/node_modules/@modelcontextprotocol/sdk/package.json").version'))"
	(cd "$CI_DIR" && timeout 120 "$NODE" oauth-clients.mjs sdk "$OAUTH_MCP_URL") || return 1
	echo "--- mcp-remote ($("$NODE" -p 'require("./.ci/node_modules/mcp-remote/package.json").version'))"
	(cd "$CI_DIR" && HOME=$CI_WORK/mcp-remote-home MCP_REMOTE_CONFIG_DIR=$CI_WORK/mcp-remote-home/.mcp-auth \
		BROWSER=$browser DISPLAY= WAYLAND_DISPLAY= timeout 120 "$NODE" oauth-clients.mjs mcp-remote "$OAUTH_MCP_URL" \
		"$CI_DIR/node_modules/mcp-remote/dist/proxy.js") || { cat "$CI_WORK/logs/oauth-browser.log"; return 1; }
	cat "$CI_WORK/logs/oauth-browser.log"
	if grep -E 'klipy_api_sandbox|kmcp_(at|rt|ac)_' "$CI_WORK/logs/oauth-server.log"; then
		echo "the server logged a key or a token"
		return 1
	fi
	echo "oauth clients: TypeScript SDK and mcp-remote signed in, listed the tools and called one"
}
