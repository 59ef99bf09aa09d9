#!/usr/bin/env bash
# The OpenAPI-driven fuzzer against the live stack: schemathesis reads the
# document the proxy serves (`/v1/openapi.json`) and checks that the proxy
# behaves as it says, with every check and every phase, the stateful one
# included (create a hold, then read, change, release, confirm it through the
# document's links). Settings: tests/schemathesis/schemathesis.toml (fixed
# seed, bounded examples). Needs the stack started (scripts/stack.sh) and the
# virtualenv scripts/setup.sh makes. Any failure fails the run.
# Every exchange is also recorded (HAR) with the tests' responses, so the
# secret-canary scan (scripts/canary-scan.sh) reads the fuzzed answers too.
# Extra arguments go to `schemathesis run` (e.g. `--seed 7 --max-examples 300`).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
proxy="${PROXY_URL:-http://127.0.0.1:8787}"
report_dir="$root/test-output/schemathesis"
rm -rf "$report_dir"
mkdir -p "$report_dir" "$root/test-output/responses"
exec "$root/target/venv/bin/schemathesis" --no-color --config-file "$root/tests/schemathesis/schemathesis.toml" \
  run "$proxy/v1/openapi.json" --url "$proxy" \
  --report junit,har --report-dir "$report_dir" \
  --report-har-path "$root/test-output/responses/schemathesis.har" "$@"
