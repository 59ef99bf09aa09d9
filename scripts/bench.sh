#!/usr/bin/env bash
# `make bench`: prints figures, asserts nothing. The widget's transfer size
# (gzip and brotli, per file and per stage next to issue 9's targets) and its
# wasm by crate (twiggy); on-sale figures next to issue 8's targets (a crowd
# of 1,000 viewers per big hall: upstream hall reads, latency, errors, the proxy's health);
# cold time to first seat render in headless Chromium for the 2,000- and
# 10,000-seat halls, next to a static SVG page of the same seats; the cost of
# the per-request partner check and rate limit; holds against a slow upstream;
# the live-update delay between two viewers.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bash scripts/setup.sh
bash scripts/build.sh

# Widget bytes per file and per stage (gzip and brotli) next to issue 9's
# targets, and the wasm by crate (twiggy).
"$root/node_modules/.bin/node" tests/bench/size.mjs

# The test partners: their demo partner also allows the bench pages' origin
# (127.0.0.1:8089) and has limits a benchmark does not hit.
export PARTNERS_FILE="$root/tests/integration/partners.test.json"
source scripts/stack.sh
start_whole_stack bench-stack fresh
# First, while nothing has read the big halls: the crowds need a cold edge cache.
"$root/node_modules/.bin/node" tests/bench/on-sale.mjs
echo "== time to first seat and first click (cold browser profile each run; median of 5)"
"$root/node_modules/.bin/node" tests/bench/first-render.mjs
echo "== proxy: cost of the partner check (KV) and rate limit (Durable Object) per request"
"$root/node_modules/.bin/node" tests/bench/proxy-overhead.mjs
