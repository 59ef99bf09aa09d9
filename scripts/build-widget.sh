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
# The widget builds in its own target directory because it uses its own
# RUSTFLAGS (below): sharing target/ with the Worker's wasm32 build would make
# each build invalidate the other's dependencies.
target_dir="$root/target/widget-wasm"
wasm="$target_dir/wasm32-unknown-unknown/release/ticket_widget.wasm"

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

# `erase_components` is Leptos's documented switch that type-erases components
# and reactive closures: far fewer monomorphised copies of the view machinery
# (about 11 KB brotli less for this widget), at the cost of one allocation and
# one indirect call per reactive closure.
RUSTFLAGS="${RUSTFLAGS:-} --cfg erase_components" CARGO_TARGET_DIR="$target_dir" \
    cargo build -p ticket-widget --target wasm32-unknown-unknown --release

# The glue and the .wasm are always regenerated together: a stale pair loads
# but its event handlers silently do nothing.
rm -rf "$out"
mkdir -p "$out"

# npm's binaryen only: Debian's /usr/bin/wasm-opt (108) emits wasm Chromium rejects.
# The module is optimised once with its names kept (`-g`), into the target
# directory, where `make bench` sizes it by crate with twiggy; the shipped copy
# is the same module with the "name" section cut out (code byte for byte equal).
named="$target_dir/ticket_widget_bg.named.wasm"
wasm_opt="$root/node_modules/.bin/wasm-opt"
wasm-bindgen --target web --no-typescript --out-dir "$out" --out-name ticket_widget "$wasm"
if [[ -x "$wasm_opt" ]]; then
    # Features rustc enables by default for wasm32-unknown-unknown; wasm-opt
    # must accept what the module already uses. Merging near-identical
    # functions (generic copies that differ in a constant) before -Oz, and
    # iterating to a fixed point, saves a few more kilobytes.
    "$wasm_opt" -g --merge-similar-functions -Oz --converge --strip-producers --strip-target-features \
        --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
        --enable-mutable-globals --enable-reference-types --enable-multivalue \
        "$out/ticket_widget_bg.wasm" -o "$named"
else
    echo "build-widget: note: $wasm_opt not found (npm binaryen); skipping wasm-opt" >&2
    mv "$out/ticket_widget_bg.wasm" "$named"
fi
node="$root/node_modules/.bin/node"
[[ -x "$node" ]] || node=node
"$node" scripts/wasm-strip-names.mjs "$named" "$out/ticket_widget_bg.wasm"

cp widget/static/* "$assets/"

echo "build-widget: wrote $out and the loader files in $assets:"
for file in "$assets/widget.js" "$assets/widget.css" "$out/ticket_widget.js" "$out/ticket_widget_bg.wasm"; do
    if command -v brotli >/dev/null 2>&1; then
        printf '  %-45s %8d bytes  %7d brotli\n' "$file" "$(wc -c <"$file")" "$(brotli -c -q 11 "$file" | wc -c)"
    else
        printf '  %-45s %8d bytes\n' "$file" "$(wc -c <"$file")"
    fi
done
