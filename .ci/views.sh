# shellcheck shell=bash
# MCP Apps view checks for .ci/run: the committed view bundles equal a fresh
# build, and both views render from the real binary in headless Chromium.

# views_bundle rebuilds the views (and the test host) with the pinned npm
# packages under Node 22 and fails when the result differs from what is
# committed; it prints each view's size against the 750 KB budget.
views_bundle() {
	(cd views && npm ci --no-audit --no-fund --loglevel=error && "$NODE" build.mjs) || return 1
	local f size
	for f in views/dist/*.html; do
		size=$(wc -c <"$f")
		printf '%s: %d bytes (budget 768000)\n' "$f" "$size"
		[ "$size" -le 768000 ] || return 1
	done
	if ! git diff --exit-code --stat -- views/dist views/render/host.js; then
		echo "the committed view bundles are stale: run go generate ./views and commit views/dist and views/render/host.js"
		return 1
	fi
	echo "views: committed bundles equal a fresh build"
}

# views_browser runs the view tests against the binary (stdio and stateless
# HTTP) in headless Chromium (installed by setup_chromium); a missing browser
# fails the step instead of skipping. run_go_tests skips these tests, so they
# run once. Screenshots land in $CI_WORK/view-shots.
views_browser() {
	mkdir -p "$CI_WORK/view-shots"
	local out=$CI_WORK/views-test.txt rc=0
	KLIPY_TEST_VIEWS=required KLIPY_VIEW_SHOTS="$CI_WORK/view-shots" \
		go test -count=1 -run '^TestViewsOver' -v . >"$out" 2>&1 || rc=$?
	grep -E '^\s*(--- |ok|FAIL|e2e_views_test)' "$out" || true
	if [ "$rc" -ne 0 ]; then
		tail -60 "$out"
		return "$rc"
	fi
	ls -l "$CI_WORK/view-shots"
}
