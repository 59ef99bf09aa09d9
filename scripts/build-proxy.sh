#!/usr/bin/env bash
# Builds the Worker (edge-proxy/build/worker) with worker-build, pointing it at
# local tools so nothing is downloaded: wasm-bindgen from cargo install, wasm-opt
# from the npm `binaryen` package (never Debian's, see TOOLCHAIN.md), esbuild from npm.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
export PATH="$HOME/.cargo/bin:$PATH"
export WASM_BINDGEN_BIN="$(command -v wasm-bindgen)"
export WASM_OPT_BIN="$root/node_modules/.bin/wasm-opt"
export ESBUILD_BIN="$root/node_modules/@esbuild/linux-x64/bin/esbuild"
cd "$root/edge-proxy"
mkdir -p assets
# wrangler runs this on every start; scripts that have just built (or restart
# the proxy on purpose) set PROXY_ALREADY_BUILT=1 to skip a second build.
if [ "${PROXY_ALREADY_BUILT:-}" = 1 ] && [ -f build/worker/shim.mjs ]; then
  echo "edge-proxy: already built"; exit 0
fi
exec worker-build --release
