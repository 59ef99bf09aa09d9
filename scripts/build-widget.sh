#!/usr/bin/env bash
# Builds the browser widget into edge-proxy/assets/, which the Worker serves as
# static files at the proxy's root:
#   /widget.js, /widget.css, /embed.html (→ /embed), /embed-host.js
#   /widget/ticket_widget.js + /widget/ticket_widget_bg.wasm
# Idempotent; run from anywhere. Needs the wasm32 target and a wasm-bindgen CLI
# of exactly the version in Cargo.lock (scripts/setup.sh installs both).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

assets="edge-proxy/assets"
out="$assets/widget"
wasm="target/wasm32-unknown-unknown/release/ticket_widget.wasm"

locked_version="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock 2>/dev/null || true)"
if ! command -v wasm-bindgen >/dev/null 2>&1; then
    echo "build-widget: wasm-bindgen CLI not found; run scripts/setup.sh (cargo install wasm-bindgen-cli --version ${locked_version:-<see Cargo.lock>})" >&2
    exit 1
fi
cli_version="$(wasm-bindgen --version | awk '{ print $2 }')"
if [[ -n "$locked_version" && "$cli_version" != "$locked_version" ]]; then
    echo "build-widget: wasm-bindgen CLI is $cli_version but Cargo.lock has $locked_version; run scripts/setup.sh" >&2
    exit 1
fi

cargo build -p ticket-widget --target wasm32-unknown-unknown --release

# The glue and the .wasm are always regenerated together: a stale pair loads
# but its event handlers silently do nothing.
rm -rf "$out"
mkdir -p "$out"

# npm's binaryen only: Debian's /usr/bin/wasm-opt (108) emits wasm Chromium rejects.
wasm_opt="$root/node_modules/.bin/wasm-opt"
if [[ -x "$wasm_opt" ]]; then
    wasm-bindgen --target web --no-typescript --out-dir "$out" --out-name ticket_widget "$wasm"
    # Features rustc enables by default for wasm32-unknown-unknown; wasm-opt
    # must accept what the module already uses.
    "$wasm_opt" -Oz \
        --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
        --enable-mutable-globals --enable-reference-types --enable-multivalue \
        "$out/ticket_widget_bg.wasm" -o "$out/ticket_widget_bg.wasm"
else
    echo "build-widget: note: $wasm_opt not found (npm binaryen); skipping wasm-opt, stripping names instead" >&2
    wasm-bindgen --target web --no-typescript --remove-name-section --out-dir "$out" --out-name ticket_widget "$wasm"
fi

cp widget/static/* "$assets/"

echo "build-widget: wrote $out and the loader files in $assets:"
for file in "$assets/widget.js" "$assets/widget.css" "$out/ticket_widget.js" "$out/ticket_widget_bg.wasm"; do
    printf '  %-45s %8d bytes\n' "$file" "$(wc -c <"$file")"
done
