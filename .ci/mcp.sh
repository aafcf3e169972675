# shellcheck shell=bash
# MCP protocol checks for .ci/run: the official conformance suite against the
# real binary and against the fixture server, and an MCP Inspector smoke test.

CONFORMANCE_JS=$CI_DIR/node_modules/@modelcontextprotocol/conformance/dist/index.js
INSPECTOR_JS=$CI_DIR/node_modules/@modelcontextprotocol/inspector/clients/launcher/build/index.js

# Scenarios that need no fixture tools, resources or prompts: they run
# against the product binary as shipped (klipy-mcp http --sandbox).
BINARY_SCENARIOS=(
	server-initialize
	ping
	tools-list
	resources-list
	prompts-list
	server-sse-multiple-streams
	dns-rebinding-protection
)

# conformance_binary runs the fixture-free scenarios against the built
# klipy-mcp binary serving the sandbox over HTTP on a loopback port.
conformance_binary() {
	# shellcheck disable=SC2034 # used by stop_services; this step runs in a subshell: stop only what it starts
	SERVICE_PIDS=()
	trap stop_services EXIT
	local port url out=$CI_WORK/conformance/binary scenario rc=0
	port=$(free_port)
	url="http://127.0.0.1:$port/mcp"
	start_service klipy-mcp-http "$CI_WORK/logs/klipy-mcp-http.server.log" \
		"$BIN/klipy-mcp" http --sandbox --addr "127.0.0.1:$port"
	wait_for "klipy-mcp on port $port" 30 port_open "$port"
	mkdir -p "$out"
	for scenario in "${BINARY_SCENARIOS[@]}"; do
		run_conformance "$url" "$out" --scenario "$scenario" || rc=1
	done
	report_conformance binary "$out" "${BINARY_SCENARIOS[@]}" || rc=1
	return "$rc"
}

# conformance_fixtures runs the whole suite, pending scenarios included,
# against the fixture server: the product's server construction plus the
# suite's fixtures.
conformance_fixtures() {
	# shellcheck disable=SC2034 # used by stop_services; this step runs in a subshell: stop only what it starts
	SERVICE_PIDS=()
	trap stop_services EXIT
	local urlfile=$CI_WORK/fixtureserver.url out=$CI_WORK/conformance/fixtures rc=0
	local -a all
	rm -f "$urlfile"
	start_service fixtureserver "$CI_WORK/logs/fixtureserver.server.log" \
		"$BIN/fixtureserver" -addr 127.0.0.1:0 -url-file "$urlfile"
	wait_for "fixtureserver" 30 test -s "$urlfile"
	mapfile -t all < <("$NODE" "$CONFORMANCE_JS" list --server | sed -n 's/^  - \([^ ]*\).*/\1/p')
	echo "suite scenarios (${#all[@]}): ${all[*]}"
	mkdir -p "$out"
	run_conformance "$(cat "$urlfile")" "$out" --suite all || rc=1
	report_conformance fixtures "$out" "${all[@]}" || rc=1
	return "$rc"
}

# run_conformance URL OUTDIR ARGS... runs the suite's server mode, bounded.
run_conformance() {
	local url=$1 out=$2
	shift 2
	echo "--- conformance server --url $url $*"
	timeout 900 "$NODE" "$CONFORMANCE_JS" server --url "$url" -o "$out" "$@" 2>&1 |
		grep -Ev '^\s*$' | tail -n 60
	return "${PIPESTATUS[0]}"
}

# report_conformance NAME OUTDIR SCENARIO... prints the results table and
# saves it as $CI_WORK/conformance-NAME.md; fails on any failed or missing
# scenario.
report_conformance() {
	local name=$1 out=$2
	shift 2
	"$NODE" "$CI_DIR/conformance-report.mjs" "$out" "$@" | tee "$CI_WORK/conformance-$name.md"
	return "${PIPESTATUS[0]}"
}

# port_open succeeds once something listens on 127.0.0.1:$1.
port_open() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# inspector runs the MCP Inspector CLI against the binary over stdio in
# sandbox mode, with HOME in a scratch directory.
inspector() {
	HOME=$CI_WORK/inspector-home timeout 120 "$NODE" "$INSPECTOR_JS" --cli \
		"$BIN/klipy-mcp" stdio --sandbox --format json "$@" </dev/null
}

# inspector_smoke drives the binary with the MCP Inspector CLI: the tool
# list, a successful call and a call that must come back as isError (the
# Inspector's exit code 5).
inspector_smoke() {
	local out=$CI_WORK/inspector rc
	mkdir -p "$out" "$CI_WORK/inspector-home"
	echo "--- inspector tools/list"
	inspector --method tools/list >"$out/tools-list.json"
	grep -q '"get_workspace"' "$out/tools-list.json" || { echo "tools/list lacks get_workspace"; return 1; }
	grep -o '"name": *"[a-z_]*"' "$out/tools-list.json" | sed 's/.*: *//' | tr '\n' ' '
	echo
	echo "--- inspector tools/call get_workspace"
	inspector --method tools/call --tool-name get_workspace | tee "$out/get-workspace.json"
	echo
	echo "--- inspector tools/call search_people query=jordan"
	inspector --method tools/call --tool-name search_people --tool-arg query=jordan >"$out/search-people.json"
	head -c 600 "$out/search-people.json"
	echo
	echo "--- inspector tools/call get_person person_id=does-not-exist (must be isError: exit 5)"
	rc=0
	inspector --method tools/call --tool-name get_person --tool-arg person_id=does-not-exist || rc=$?
	echo
	[ "$rc" -eq 5 ] || { echo "expected exit 5 (isError), got $rc"; return 1; }
	echo "inspector smoke: tools/list, two successful calls and one isError call as expected"
}
