#!/usr/bin/env bash
# `make demo` stopped the way a service manager or `docker stop` stops
# `make demo`: TERM to its process group, and again a moment later (make
# forwards the one it got). Nothing may stay behind: no port still taken, no
# wrangler/workerd, simulator or partner page left running.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
log="$root/target/stack-stop.log"
mkdir -p "$root/target"
# `make demo` itself (already built by make test), in a process group of its own.
DEMO_ALREADY_BUILT=1 setsid make --no-print-directory demo >"$log" 2>&1 &
group=$!
for _ in $(seq 1 240); do
  grep -q "Ctrl-C stops everything" "$log" && break
  sleep 0.5
done
grep -q "Ctrl-C stops everything" "$log" || { echo "stack-stop: the demo did not start"; tail -20 "$log"; exit 1; }
kill -TERM -- "-$group"
sleep 0.2
kill -TERM -- "-$group" 2>/dev/null || true
# The stack gets 10 s to go.
taken=""
for _ in $(seq 1 100); do
  taken=""
  for port in 8790 8787 8080 8081; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then taken="$taken $port"; fi
  done
  [ -z "$taken" ] && break
  sleep 0.1
done
left=$(pgrep -f "target/demo/" || true)
if [ -n "$taken" ] || [ -n "$left" ]; then
  echo "stack-stop: after TERM (twice) still listening on:${taken:- none}; processes left: ${left:-none}"
  pkill -KILL -f "target/demo/" 2>/dev/null || true
  exit 1
fi
echo "stack-stop: TERM twice to the group stops every part of the stack (ports 8790 8787 8080 8081 free, no process left)"
