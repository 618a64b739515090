#!/usr/bin/env bash
# Usage: scripts/ci/browser.sh
#
# The dashboard's real-browser test: installs Debian's chromium when it is missing (apt-get, as
# root), then watches a live `evo run` through `evo serve` in headless Chromium
# (TestServeInBrowser in cmd/evo). EVO_BROWSER=1 makes a missing browser a failure rather than a
# skip. Screenshots go to $EVO_SCREENSHOT_DIR (default: a new temporary directory). Prints one
# line, PASS or FAIL; the test's output is shown on failure. Run from the repository root.
set -uo pipefail
export PATH=$PATH:/usr/local/go/bin
if ! command -v chromium >/dev/null 2>&1 && [ -z "${EVO_CHROMIUM:-}" ]; then
	if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >/tmp/evo-browser-apt.log 2>&1; then
		echo "browser: FAIL (apt-get install chromium failed; see /tmp/evo-browser-apt.log)"
		exit 1
	fi
fi
shots=${EVO_SCREENSHOT_DIR:-$(mktemp -d)}
log=$(mktemp)
if EVO_BROWSER=1 EVO_SCREENSHOT_DIR="$shots" go test ./cmd/evo -run '^TestServeInBrowser$' -count=1 -v >"$log" 2>&1; then
	echo "browser: PASS ($(grep -o 'trained count on the open page: [0-9]*, then [0-9]*' "$log"); screenshots in $shots)"
	rm -f "$log"
else
	cat "$log"
	echo "browser: FAIL (screenshots, if any, in $shots)"
	rm -f "$log"
	exit 1
fi
