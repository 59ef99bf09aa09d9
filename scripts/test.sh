#!/usr/bin/env bash
# `make test`: every test. Native unit tests first (seconds), then the real
# stack (simulator + proxy under wrangler dev + partner pages) for the
# integration tests (Rust, HTTP) and the browser tests (Debian Chromium).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export PATH="$HOME/.cargo/bin:$PATH"
bash scripts/setup.sh

echo "== format and lint (rustfmt.toml; clippy denies warnings, native and wasm32)"
cargo fmt --all --check
cargo clippy --workspace --all-targets -- -D warnings 2>&1
cargo clippy --target wasm32-unknown-unknown -p ticket-contract -p ticket-paint -p ticket-hall -p ticket-core -p edge-proxy -p ticket-widget -p ticket-pick -- -D warnings 2>&1

echo "== native unit tests"
cargo test --workspace --exclude integration-tests 2>&1
# The OpenAPI document's own checks (schemas compile, contract values validate).
cargo test -p integration-tests --lib 2>&1
echo "== partner tooling"
bash tests/scripts/partner-key.test.sh
bash scripts/partners.sh check edge-proxy/partners.dev.json

echo "== build"
bash scripts/build.sh
echo "== the production configuration bundles (wrangler deploy --dry-run --env production)"
bash tests/deploy-dry-run.sh

# A short upstream timeout so the timeout test waits seconds, not the default 8.
export PROXY_UPSTREAM_TIMEOUT_MS=3000
# Holds last 25 s, so the expiry tests wait for a real alarm in seconds.
export PROXY_HOLD_SECONDS=25
# A hold command starts upstream steps for 6 s (then undoes and answers
# upstream_timeout), so the slow-upstream tests wait seconds, not 20.
export PROXY_HOLD_COMMAND_BUDGET_MS=6000
# Requests from this client address find the rate limiter unreachable (its
# calls fail): reads go on, holds and confirms are refused (partners.rs).
export PROXY_LIMITER_FAULT_CLIENT=192.0.2.250
# The test partners (demo, limited, revoked, narrow) in the local PARTNERS KV.
export PARTNERS_FILE="$root/tests/integration/partners.test.json"
# Secret canaries: the upstream keys of this run are unique random strings,
# known to the proxy (as its secrets) and to the simulator (which refuses any
# other key, so every passing test proves the canaries were in use). After the
# run, scripts/canary-scan.sh proves none of them reached a response, a header,
# a log line or a built widget file.
canary() { printf 'canary-%s-%s' "$1" "$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"; }
qtickets_canary="$(canary qt)"; ticketscloud_canary="$(canary tc)"
mkdir -p "$root/target"
export UPSTREAM_ENV_FILE="$root/target/canary-upstreams.env"
printf 'QTICKETS_API_KEY=%s\nTICKETSCLOUD_API_KEY=%s\n' "$qtickets_canary" "$ticketscloud_canary" >"$UPSTREAM_ENV_FILE"
export SIM_QTICKETS_KEY="$qtickets_canary" SIM_TICKETSCLOUD_KEY="$ticketscloud_canary"
# TicketsCloud listing pages of one event, whatever page_size the proxy asks
# for: every catalogue and hall read of the run pages to the listing's end.
export SIM_TICKETSCLOUD_MAX_PAGE_SIZE=1
# Every response the tests receive is recorded here for the scan.
rm -rf "$root/test-output/responses"
echo "== make demo stopped by TERM to its process group (twice): nothing left running"
bash tests/stack-stop.sh
source scripts/stack.sh
start_whole_stack test-stack fresh

echo "== integration tests (proxy under wrangler dev + simulator)"
# faults.rs first: it needs an edge cache that has not seen its documents yet.
cargo test -p integration-tests --test faults 2>&1
cargo test -p integration-tests --test proxy 2>&1
# Before any test that could move the simulated clock: price rules end at
# moments the proxy reads on its own clock.
cargo test -p integration-tests --test ticketscloud_reads -- --nocapture 2>&1
cargo test -p integration-tests --test partners 2>&1
cargo test -p integration-tests --test malformed 2>&1
cargo test -p integration-tests --test openapi 2>&1
cargo test -p integration-tests --test holds 2>&1
cargo test -p integration-tests --test best 2>&1
cargo test -p integration-tests --test after_payment 2>&1
cargo test -p integration-tests --test privacy 2>&1
cargo test -p integration-tests --test promocodes 2>&1
cargo test -p integration-tests --test on_sale 2>&1
cargo test -p integration-tests --test slow_holds 2>&1
echo "== a proxy restart in the middle of a hold"
cargo test -p integration-tests --test restart before_the_restart 2>&1
restart_proxy
cargo test -p integration-tests --test restart after_the_restart 2>&1
cargo test -p integration-tests --test restart the_last_good_copy 2>&1
echo "== kill -9 of the proxy in the middle of a confirm and of a create"
cargo test -p integration-tests --test crash --no-run 2>&1
crash_handover="$STACK_LOG_DIR/crash-handover.json"
rm -f "$crash_handover"
cargo test -p integration-tests --test crash before_the_crash -- --nocapture 2>&1 &
crash_test=$!
waited=0
while [ ! -f "$crash_handover" ] && kill -0 "$crash_test" 2>/dev/null && [ $waited -lt 1200 ]; do
  sleep 0.1; waited=$((waited + 1))
done
crash_proxy
wait "$crash_test"
cargo test -p integration-tests --test crash after_the_crash 2>&1
echo "== a crowd: 100 clients at once, each viewer from its own address; the proxy keeps answering"
cargo test -p integration-tests --test crowd 2>&1

echo "== browser tests (Debian Chromium)"
mkdir -p "$root/test-output"
"$root/node_modules/.bin/node" --test --test-concurrency=1 tests/browser/*.test.mjs 2>&1

echo "== schemathesis: the served OpenAPI document against the proxy (every check, stateful phase included)"
# Last against the stack: its holds (some confirmed) must not take seats the
# other tests count on.
bash tests/schemathesis.sh 2>&1

echo "== secret canaries: no upstream key in any response, log line or widget file"
bash scripts/canary-scan.sh "$qtickets_canary" "$ticketscloud_canary"
