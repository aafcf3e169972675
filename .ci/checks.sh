# shellcheck shell=bash
# Set-up and Go checks for .ci/run. Each function is one step; it prints
# what it does and returns non-zero on failure.

# install_npm_tools installs the pinned Node tools (Node 22, the conformance
# suite, the Inspector) from the committed lock file and checks Node's major
# version.
install_npm_tools() {
	(cd "$CI_DIR" && npm ci --no-audit --no-fund --loglevel=error)
	local v
	v=$("$NODE" --version)
	echo "node for the MCP tools: $v"
	case $v in
	v22.*) ;;
	*) echo "expected Node 22 from .ci/package-lock.json, got $v" >&2; return 1 ;;
	esac
}

# setup_redis makes sure redis-server exists (installing it from Debian when
# missing), starts it on a free loopback port without persistence and
# exports KLIPY_TEST_REDIS_URL for the Redis limiter tests.
setup_redis() {
	if ! command -v redis-server >/dev/null 2>&1; then
		log "installing redis-server from Debian"
		DEBIAN_FRONTEND=noninteractive apt-get update -qq || return 1
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null || return 1
	fi
	local port attempt
	for attempt in 1 2 3; do
		port=$(free_port) || return 1
		start_service redis "$CI_WORK/logs/redis-server.log" \
			redis-server --bind 127.0.0.1 --port "$port" --save '' --appendonly no --protected-mode yes
		if wait_for "redis on port $port" 20 service_answers "${SERVICE_PIDS[-1]}" redis_ping "$port"; then break; fi
		echo "redis-server did not answer on port $port (attempt $attempt); its log:" >&2
		tail -n 20 "$CI_WORK/logs/redis-server.log" >&2 || true
		stop_pid "${SERVICE_PIDS[-1]}"
		if [ "$attempt" -eq 3 ]; then return 1; fi
	done
	export KLIPY_TEST_REDIS_URL="redis://127.0.0.1:$port/0"
	echo "redis-server $(redis-server --version | awk '{print $3}') on 127.0.0.1:$port; KLIPY_TEST_REDIS_URL=$KLIPY_TEST_REDIS_URL"
}

# redis_ping succeeds once Redis on 127.0.0.1:$1 answers PING. It speaks the
# protocol through bash's /dev/tcp, so it needs no redis-cli.
redis_ping() (
	exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
	printf 'PING\r\n' >&3
	IFS= read -r -t 2 reply <&3 || true
	[ "${reply%$'\r'}" = +PONG ]
)

# build_binaries builds every package, the product binary and the
# conformance fixture server.
build_binaries() {
	go build ./...
	go build -o "$BIN/klipy-mcp" ./cmd/klipy-mcp
	go build -o "$BIN/fixtureserver" ./conformance/fixtureserver
	ls -l "$BIN"
}

# check_gofmt fails when any tracked Go file is not gofmt-clean.
check_gofmt() {
	local files bad
	files=$(git ls-files --cached --others --exclude-standard '*.go' | while read -r f; do [ -f "$f" ] && echo "$f"; done)
	bad=$(echo "$files" | xargs gofmt -l)
	if [ -n "$bad" ]; then
		echo "gofmt: these files need formatting (run gofmt -w):"
		echo "$bad"
		echo "$bad" | xargs gofmt -d | head -100 || true
		return 1
	fi
	echo "gofmt: $(echo "$files" | wc -l) files clean"
}

# worktree_state prints a fingerprint of the working tree: tracked changes
# and untracked files (ignored files excluded).
worktree_state() {
	git status --porcelain --untracked-files=all
	git diff
}

# check_generate runs go generate and fails when that changes the tree.
check_generate() {
	local before after
	before=$(worktree_state | sha256sum)
	go generate ./...
	after=$(worktree_state | sha256sum)
	if [ "$before" != "$after" ]; then
		echo "go generate changed the tree; commit its output:"
		git status --porcelain --untracked-files=all
		git diff --stat
		git diff | head -200
		return 1
	fi
	echo "go generate: no diff"
}

# check_fixtures_not_shipped fails when the product binary links the
# conformance fixtures.
check_fixtures_not_shipped() {
	local mod
	mod=$(go list -m)
	if go list -deps ./cmd/klipy-mcp | grep -x "$mod/conformance.*"; then
		echo "the klipy-mcp binary must not contain the conformance fixtures"
		return 1
	fi
	echo "cmd/klipy-mcp does not depend on $mod/conformance"
}

# run_go_tests runs the test suite with the race detector and prints a
# per-package summary. The browser tests of the views (^TestViewsOver) are
# left to views_browser, which runs them once with a browser required.
run_go_tests() {
	local out=$CI_WORK/go-test.txt rc=0
	go test -race -count=1 -timeout 20m -skip '^TestViewsOver' ./... 2>&1 | tee "$out" || rc=$?
	echo
	echo "go test summary:"
	grep -E '^(ok|FAIL|---|\?|panic)' "$out" | grep -v -- '--- PASS' || true
	printf 'packages: %s ok, %s failed, %s without tests\n' \
		"$(grep -c '^ok' "$out" || true)" "$(grep -c '^FAIL' "$out" || true)" "$(grep -c '^?' "$out" || true)"
	return "$rc"
}

# run_fuzz_targets runs every fuzz target for $FUZZTIME (a count of inputs). Packages whose
# tests declare a Fuzz function are found with grep (cheap); `go test -list`
# then names their targets authoritatively.
run_fuzz_targets() {
	local dir name n=0 failed=0
	for dir in $(git ls-files --cached --others --exclude-standard '*_test.go' |
		xargs grep -l '^func Fuzz' | xargs -n1 dirname | sort -u); do
		for name in $(go test -list '^Fuzz' "./$dir" | grep '^Fuzz' || true); do
			n=$((n + 1))
			echo "--- fuzz ./$dir $name ($FUZZTIME)"
			if ! go test -run '^$' -fuzz "^$name\$" -fuzztime "$FUZZTIME" "./$dir"; then
				failed=$((failed + 1))
			fi
		done
	done
	echo "fuzz targets: $n run, $failed failed"
	[ "$n" -gt 0 ] || { echo "no fuzz targets found (SPEC §10 asks for them)" >&2; return 1; }
	[ "$failed" -eq 0 ]
}

# bench_quick builds the benchmark program and runs one quick iteration of
# every measure. A measure that fails to run fails the step. A missed budget
# does not: one quick iteration on a shared 2-core machine is not a
# measurement (SPEC §9 judges budgets by the full run in docs/benchmarks.md),
# so the table is printed for the record only. A skipped measure fails the
# step: setup_redis has installed redis-server, which the replicas measure
# starts for itself.
bench_quick() {
	local out=$CI_WORK/bench-quick.txt rc=0
	go run ./bench/cmd/klipy-bench -quick -bin-dir "$CI_WORK/bench-bin" 2>&1 | tee "$out" || rc=$?
	if grep -q '| skip' "$out"; then
		echo "bench-quick: a measure was skipped:"
		grep '| skip' "$out" | cut -d'|' -f2,7 || true
		return 1
	fi
	[ "$rc" -eq 0 ] && return 0
	if grep -Eq 'benchmark failed|phase failed|panic:' "$out"; then
		echo "bench-quick: a measure failed to run (exit $rc)"
		return 1
	fi
	if grep -q '| FAIL' "$out"; then
		echo "bench-quick: every measure ran; budgets missed in this quick iteration (not gated):"
		grep '| FAIL' "$out" | cut -d'|' -f2 || true
		return 0
	fi
	return "$rc"
}
