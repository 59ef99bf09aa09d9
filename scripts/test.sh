#!/usr/bin/env bash
# `make test`: every test. Native unit tests first (seconds), then the real
# stack (simulator + proxy under wrangler dev + partner pages) for the
# integration tests (Rust, HTTP) and the browser tests (Debian Chromium).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export PATH="$HOME/.cargo/bin:$PATH"
bash scripts/setup.sh

echo "== native unit tests"
cargo test --workspace --exclude integration-tests 2>&1

echo "== build"
bash scripts/build.sh

export SIM_PORT=8790 PROXY_PORT=8787 PAGES_PORT=8080
# A short upstream timeout so the timeout test waits seconds, not the default 8.
export PROXY_UPSTREAM_TIMEOUT_MS=3000
export STACK_LOG_DIR="$root/target/test-stack"
rm -rf "$STACK_LOG_DIR"; mkdir -p "$STACK_LOG_DIR"
source scripts/stack.sh
bash scripts/ports-free.sh "$SIM_PORT" "$PROXY_PORT" "$PAGES_PORT"
trap stop_stack EXIT
start_simulator
start_proxy
start_pages

export PROXY_URL="http://127.0.0.1:$PROXY_PORT" SIM_URL="http://127.0.0.1:$SIM_PORT" PAGES_URL="http://127.0.0.1:$PAGES_PORT"
echo "== integration tests (proxy under wrangler dev + simulator)"
# faults.rs first: it needs an edge cache that has not seen its documents yet.
cargo test -p integration-tests --test faults 2>&1
cargo test -p integration-tests --test proxy 2>&1

echo "== browser tests (Debian Chromium)"
mkdir -p "$root/test-output"
"$root/node_modules/.bin/node" --test --test-concurrency=1 tests/browser/*.test.mjs 2>&1
