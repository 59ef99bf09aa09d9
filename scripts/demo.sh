#!/usr/bin/env bash
# `make demo`: builds everything, starts the upstream simulator, the proxy under
# `wrangler dev` and the partner pages on their own origin, prints the URLs and
# stops everything it started on Ctrl-C.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bash scripts/setup.sh
bash scripts/build.sh

export SIM_PORT=8790 PROXY_PORT=8787 PAGES_PORT=8080
export STACK_LOG_DIR="$root/target/demo"
mkdir -p "$STACK_LOG_DIR"
source scripts/stack.sh
bash scripts/ports-free.sh "$SIM_PORT" "$PROXY_PORT" "$PAGES_PORT"
trap 'echo; stack_say "stopping"; stop_stack' EXIT
trap 'exit 130' INT TERM

start_simulator
start_proxy
start_pages
cat <<TEXT

  Partner page (script tag):  http://127.0.0.1:$PAGES_PORT/script-tag.html
  Partner page (iframe):      http://127.0.0.1:$PAGES_PORT/iframe.html
  Proxy API:                  http://127.0.0.1:$PROXY_PORT/v1/events   (header X-Partner-Key: pk_demo_0000000000000000)
  Logs:                       $STACK_LOG_DIR/

  Ctrl-C stops everything.
TEXT
wait
