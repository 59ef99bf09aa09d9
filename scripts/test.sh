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

# A short upstream timeout so the timeout test waits seconds, not the default 8.
export PROXY_UPSTREAM_TIMEOUT_MS=3000
# Holds last 25 s, so the expiry tests wait for a real alarm in seconds.
export PROXY_HOLD_SECONDS=25
source scripts/stack.sh
start_whole_stack test-stack fresh

echo "== integration tests (proxy under wrangler dev + simulator)"
# faults.rs first: it needs an edge cache that has not seen its documents yet.
cargo test -p integration-tests --test faults 2>&1
cargo test -p integration-tests --test proxy 2>&1
cargo test -p integration-tests --test holds 2>&1
echo "== a proxy restart in the middle of a hold"
cargo test -p integration-tests --test restart before_the_restart 2>&1
restart_proxy
cargo test -p integration-tests --test restart after_the_restart 2>&1

echo "== browser tests (Debian Chromium)"
mkdir -p "$root/test-output"
"$root/node_modules/.bin/node" --test --test-concurrency=1 tests/browser/*.test.mjs 2>&1
