# shellcheck shell=bash
# Helpers for .ci/run: timed steps, a summary table, free ports, and
# background services that are stopped on exit.

STEP_NAMES=()
STEP_STATUS=()
STEP_SECS=()
SERVICE_PIDS=()

# log prints a line to stderr, prefixed so that it stands out in CI logs.
log() { printf '==> %s\n' "$*" >&2; }

# step NAME CMD... runs CMD, records PASS or FAIL and the time taken, and
# keeps going: every check runs even when an earlier one failed, and the
# summary lists each. Output goes to the terminal and to $CI_WORK/logs/NAME.log.
step() {
	local name=$1
	shift
	local logf="$CI_WORK/logs/$name.log" start rc
	start=$(date +%s)
	printf '\n======== %s ========\n' "$name"
	set +e
	(set -euo pipefail; "$@") 2>&1 | tee "$logf"
	rc=${PIPESTATUS[0]}
	set -e
	record "$name" "$rc" "$start"
	if [ "$rc" -ne 0 ]; then
		printf '\n!!!!!!!! FAILED: %s (exit %s); log: %s\n' "$name" "$rc" "$logf"
	fi
	return 0
}

# must NAME CMD... is step for set-up that later steps depend on: a failure
# prints the summary and exits at once.
must() {
	local name=$1
	step "$@"
	if [ "${STEP_STATUS[-1]}" != PASS ]; then
		printf '\nset-up step %s failed; stopping.\n' "$name"
		summary || true
		exit 1
	fi
}

# here NAME FUNC runs FUNC in this shell (so that it can start services and
# export variables), timed and recorded like step; a failure stops the run.
here() {
	local name=$1 start rc=0
	shift
	start=$(date +%s)
	printf '\n======== %s ========\n' "$name"
	"$@" || rc=$?
	record "$name" "$rc" "$start"
	if [ "$rc" -ne 0 ]; then
		printf '\nset-up step %s failed (exit %s); stopping.\n' "$name" "$rc"
		summary || true
		exit 1
	fi
}

# record NAME RC START appends one row to the summary.
record() {
	STEP_NAMES+=("$1")
	if [ "$2" -eq 0 ]; then STEP_STATUS+=(PASS); else STEP_STATUS+=(FAIL); fi
	STEP_SECS+=($(($(date +%s) - $3)))
}

# summary prints the table of steps and the closing "N passed, M failed"
# line; it returns non-zero when any step failed.
summary() {
	local i pass=0 fail=0 total=$(($(date +%s) - CI_START))
	printf '\n======== summary ========\n'
	printf '%-28s %-6s %8s\n' step status seconds
	for i in "${!STEP_NAMES[@]}"; do
		printf '%-28s %-6s %8s\n' "${STEP_NAMES[$i]}" "${STEP_STATUS[$i]}" "${STEP_SECS[$i]}"
		if [ "${STEP_STATUS[$i]}" = PASS ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
	done
	printf '%-28s %-6s %8s\n' total "" "$total"
	printf '\n%d passed, %d failed\n' "$pass" "$fail"
	[ "$fail" -eq 0 ]
}

# free_port prints a TCP port on 127.0.0.1 that nothing listens on. It picks
# below the kernel's ephemeral range, so that no outgoing connection (npm,
# apt, the Go proxy) can hold the port by the time a service binds it.
free_port() {
	local p i lo=32768
	if [ -r /proc/sys/net/ipv4/ip_local_port_range ]; then
		read -r lo _ </proc/sys/net/ipv4/ip_local_port_range
	fi
	if [ "$lo" -le 12000 ]; then lo=32768; fi
	for i in $(seq 1 200); do
		p=$((10000 + RANDOM % (lo - 10000)))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return 0
		fi
	done
	echo "no free port found" >&2
	return 1
}

# wait_for DESC SECONDS CMD... retries CMD every 0.2 s until it succeeds or
# SECONDS pass. CMD returning 2 means it never will, and ends the wait.
wait_for() {
	local desc=$1 secs=$2 i rc
	shift 2
	for i in $(seq 1 $((secs * 5))); do
		rc=0
		"$@" >/dev/null 2>&1 || rc=$?
		case $rc in
		0) return 0 ;;
		2)
			echo "gave up waiting for $desc: its process has exited" >&2
			return 1
			;;
		esac
		sleep 0.2
	done
	echo "timed out after ${secs}s waiting for $desc" >&2
	return 1
}

# service_answers PID CMD... runs CMD, and returns 2 when it fails because
# the service PID has exited (for wait_for).
service_answers() {
	local pid=$1
	shift
	"$@" && return 0
	kill -0 "$pid" 2>/dev/null || return 2
	return 1
}

# start_service NAME LOG CMD... starts CMD in the background and remembers
# its pid so that stop_services ends it.
start_service() {
	local name=$1 logf=$2
	shift 2
	"$@" >"$logf" 2>&1 &
	SERVICE_PIDS+=("$!")
	log "started $name (pid $!)"
}

# stop_pid PID ends one service started by start_service and waits for it.
stop_pid() {
	local pid=$1
	if kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
}

# stop_services ends every service still running; installed as the EXIT trap.
stop_services() {
	local pid
	for pid in "${SERVICE_PIDS[@]}"; do stop_pid "$pid"; done
	SERVICE_PIDS=()
}
