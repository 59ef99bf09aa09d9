#!/usr/bin/env bash
# Builds every runnable part: the upstream simulator (native), the widget
# (wasm + loader into edge-proxy/assets) and the Worker (edge-proxy/build).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export PATH="$HOME/.cargo/bin:$PATH"
cargo build -q -p upstream-sim
bash scripts/build-widget.sh
bash scripts/build-docs.sh
bash scripts/build-proxy.sh
