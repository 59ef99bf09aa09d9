#!/usr/bin/env bash
# `make demo`: builds everything, starts the upstream simulator, the proxy under
# `wrangler dev` and the partner pages on their own origin, prints the URLs and
# stops everything it started on Ctrl-C.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
# DEMO_ALREADY_BUILT=1: the tests start the demo right after their own build.
if [ "${DEMO_ALREADY_BUILT:-}" != 1 ]; then
  bash scripts/setup.sh
  bash scripts/build.sh
fi

source scripts/stack.sh
trap 'trap "" INT TERM; exit 130' INT TERM
start_whole_stack demo
cat <<TEXT

  Partner page (script tag):  http://127.0.0.1:$PAGES_PORT/script-tag.html
  Partner page (iframe):      http://127.0.0.1:$PAGES_PORT/iframe.html
  Proxy API:                  http://127.0.0.1:$PROXY_PORT/v1/events   (header X-Partner-Key: pk_demo_0000000000000000)
  API docs:                   http://127.0.0.1:$PROXY_PORT/docs
  Partners (local KV):        edge-proxy/partners.dev.json   (reload: scripts/partners.sh put FILE --persist-to $STACK_LOG_DIR/wrangler-state)
  Logs:                       $STACK_LOG_DIR/

  Ctrl-C stops everything.
TEXT
wait
