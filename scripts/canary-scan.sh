#!/usr/bin/env bash
# Secret canaries: `make test` runs the stack with upstream keys set to unique
# canary strings; afterwards this proves none of them got out. It searches
# (fixed strings, binary files as text) every response the integration and
# browser tests recorded (test-output/responses/), the stack's logs
# (target/test-stack/*.log; wrangler.log has the Worker's console lines) and
# the built widget (edge-proxy/assets/).
#
# usage: scripts/canary-scan.sh CANARY...
# Exit 0: clean (one summary line). Exit 1: a canary was found (each place is
# printed as FILE:BYTE-OFFSET:CANARY). Exit 2: nothing to scan — no recorded
# responses, no wrangler log or no built widget — because a scan of nothing
# proves nothing.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
responses=test-output/responses
logs="${STACK_LOG_DIR:-target/test-stack}"
assets=edge-proxy/assets

refuse() { echo "canary-scan: $*" >&2; exit 2; }

[ $# -gt 0 ] || refuse "usage: scripts/canary-scan.sh CANARY..."
patterns=()
for canary in "$@"; do
  [ "${#canary}" -ge 8 ] || refuse "a canary must be at least 8 characters long: '$canary'"
  patterns+=(-e "$canary")
done
[ -n "$(find "$responses" -type f -size +0 2>/dev/null | head -n 1)" ] || refuse "no recorded responses in $responses/"
[ -s "$logs/wrangler.log" ] || refuse "no wrangler log at $logs/wrangler.log"
[ -n "$(find "$assets" -type f 2>/dev/null | head -n 1)" ] || refuse "no built widget in $assets/"

places=("$responses" "$logs"/*.log "$assets")
found=0
grep -rboF --binary-files=text "${patterns[@]}" -- "${places[@]}" || found=$?
case "$found" in
  0) echo "canary-scan: FAILED, a canary appears above (file:byte offset:canary)" >&2; exit 1 ;;
  1) ;;
  *) refuse "grep failed (status $found)" ;;
esac

# Buyer data: the Worker's log lines carry no e-mail address and no phone
# number (the tests' buyers give both; the proxy normalises phones to +7…).
pii=0
grep -noE '[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}|\+7[0-9]{10}|9161234567|\(916\)' -- "$logs/wrangler.log" || pii=$?
case "$pii" in
  0) echo "canary-scan: FAILED, buyer data in the Worker's log above (line:match)" >&2; exit 1 ;;
  1) ;;
  *) refuse "grep failed (status $pii)" ;;
esac

files=$(find "${places[@]}" -type f | wc -l)
bytes=$(find "${places[@]}" -type f -printf '%s\n' | awk '{ total += $1 } END { print total + 0 }')
echo "canary-scan: clean — no buyer e-mail or phone in the Worker's log; $# canaries, $files files, $bytes bytes scanned ($responses/, $logs/*.log, $assets/)"
