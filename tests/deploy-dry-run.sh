#!/usr/bin/env bash
# The production configuration bundles: `wrangler deploy --dry-run --env
# production` (offline: nothing is uploaded, no account is needed) on the Worker
# `scripts/build.sh` has just built, then checks what it would deploy: the
# real upstreams over https, every binding, and a bundle with the wasm in it.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$(mktemp -d)"; trap 'rm -rf "$out"' EXIT
fail() { echo "deploy dry run: $*" >&2; exit 1; }
cd "$root/edge-proxy"
PROXY_ALREADY_BUILT=1 WRANGLER_SEND_METRICS=false "$root/node_modules/.bin/wrangler" deploy --dry-run \
  --env production --outdir "$out/bundle" >"$out/log" 2>&1 || { cat "$out/log" >&2; fail "wrangler refused the production configuration"; }
grep -q -- "--dry-run: exiting now" "$out/log" || fail "no dry run happened: $(tail -5 "$out/log")"
grep -q 'env.QTICKETS_BASE_URL ("https://qtickets.ru")' "$out/log" || fail "QTickets is not https://qtickets.ru in production"
grep -q 'env.TICKETSCLOUD_BASE_URL ("https://ticketscloud.com")' "$out/log" || fail "TicketsCloud is not https://ticketscloud.com in production"
grep -q 'http://' <(grep 'Environment Variable' "$out/log") && fail "an http:// setting in production: $(grep 'http://' "$out/log")"
for binding in "env.HOLDS (HoldObject)" "env.RATE_LIMITER (RateLimiter)" "env.SHOWS (ShowObject)" \
  "env.CATALOGUE (CatalogueObject)" "env.PARTNERS" "env.ASSETS"; do
  grep -qF "$binding" "$out/log" || fail "production lacks the binding $binding"
done
ls "$out/bundle" | grep -q '\.wasm$' || fail "the bundle has no wasm: $(ls "$out/bundle")"
echo "deploy dry run: ok (production bundles; https upstreams; HOLDS, RATE_LIMITER, SHOWS, CATALOGUE, PARTNERS, ASSETS bound)"
