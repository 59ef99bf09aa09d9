#!/usr/bin/env bash
# Builds the browser widget into edge-proxy/assets/, which the Worker serves as
# static files at the proxy's root:
#   /widget.js, /widget.css, /embed.html (→ /embed), /embed-host.js
#   /widget/ticket_pick.js + /widget/ticket_pick_bg.wasm (the seat-picking
#   stage, `pick/`: what picking seats on a painted hall needs; see "The
#   seat-picking stage" below), /widget/ticket_widget.js +
#   /widget/ticket_widget_bg.wasm (the Leptos widget),
#   /widget/split_checkout.wasm (the checkout, fetched when a buyer first
#   needs it; see "The checkout's module" below)
# Idempotent; run from anywhere. Needs the wasm32 target and a wasm-bindgen CLI
# of exactly the version in Cargo.lock (scripts/setup.sh installs both).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

assets="edge-proxy/assets"
out="$assets/widget"
# The widget builds in its own target directories because it uses its own
# RUSTFLAGS (below): sharing target/ with the Worker's wasm32 build would make
# each build invalidate the other's dependencies. The name-keeping copy of the
# shipped module (for `make bench`) is always at $named.
named="$root/target/widget-wasm/ticket_widget_bg.named.wasm"
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
rustflags="${RUSTFLAGS:-} --cfg erase_components"

# The checkout's module: `components/checkout_module.rs` marks the checkout
# as a split point (`wasm_split`, what Leptos's `#[lazy]` is made of), and
# `wasm-split-cli` (crate wasm_split_cli_support, pinned; scripts/setup.sh
# installs it) cuts everything only that point reaches into a second module,
# split_checkout.wasm, plus a small link module, __wasm_split.js, that the
# glue imports and that fetches the chunk on the first call (bundled into
# the glue below, when esbuild is there). The cut needs the linker's
# relocations (`--emit-relocs`) and runs before wasm-bindgen, which must
# then keep the linker's exports the chunk uses. Without the tool the
# module is built whole (a warning): same behaviour, the checkout is
# fetched with the rest. WIDGET_SPLIT=no builds it whole on purpose.
split_version=0.2.4
split_ready() {
    command -v wasm-split-cli >/dev/null 2>&1 &&
        cargo install --list 2>/dev/null | grep -q "^wasm_split_cli_support v$split_version:"
}
split=no
if [[ "${WIDGET_SPLIT:-yes}" != no ]]; then
    if split_ready; then
        split=yes
        rustflags="$rustflags -Clink-args=--emit-relocs"
    else
        echo "build-widget: WARNING: wasm-split-cli $split_version is not installed (scripts/setup.sh installs it);" >&2
        echo "build-widget: WARNING: the checkout stays in the main wasm module: same behaviour, more to fetch first" >&2
    fi
fi

# The shipped wasm is built with a pinned nightly (scripts/widget-nightly;
# scripts/setup.sh installs it with rust-src) that rebuilds std for it:
#  - `-Zbuild-std=std,panic_abort`: std compiled with the flags below and
#    optimised for size together with the widget;
#  - `-Cpanic=immediate-abort`: a panic is a bare `unreachable` trap, so no
#    panic messages, formatting or hook code is linked in;
#  - `-Zlocation-detail=none`: no file/line/column strings for panics;
#  - `-Zfmt-debug=none`: `{:?}` prints nothing, so no Debug code is linked in
#    (the widget's console warnings use Display or log the JS value itself).
# Native tests and clippy stay on stable; only this build uses the nightly.
# WIDGET_TOOLCHAIN=stable forces the stable build (for comparing sizes).
nightly="$(tr -d '[:space:]' <scripts/widget-nightly)"
nightly_ready() {
    rustup toolchain list 2>/dev/null | grep -q "^$nightly" &&
        rustup component list --installed --toolchain "$nightly" 2>/dev/null | grep -q '^rust-src'
}
if [[ "${WIDGET_TOOLCHAIN:-nightly}" != stable ]] && nightly_ready; then
    toolchain="$nightly"
    target_dir="$root/target/widget-wasm-nightly"
    RUSTFLAGS="$rustflags -Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none -Zfmt-debug=none" \
        CARGO_TARGET_DIR="$target_dir" \
        cargo "+$nightly" build -p ticket-widget --target wasm32-unknown-unknown --release \
        -Zbuild-std=std,panic_abort
else
    toolchain="stable"
    if [[ "${WIDGET_TOOLCHAIN:-nightly}" != stable ]]; then
        echo "build-widget: WARNING: $nightly with rust-src is not installed (scripts/setup.sh installs it);" >&2
        echo "build-widget: WARNING: building the widget with stable instead: a larger wasm, same behaviour" >&2
    fi
    target_dir="$root/target/widget-wasm"
    RUSTFLAGS="$rustflags" CARGO_TARGET_DIR="$target_dir" \
        cargo build -p ticket-widget --target wasm32-unknown-unknown --release
fi
wasm="$target_dir/wasm32-unknown-unknown/release/ticket_widget.wasm"

# The glue and the .wasm are always regenerated together: a stale pair loads
# but its event handlers silently do nothing.
rm -rf "$out"
mkdir -p "$out"

# npm's binaryen only: Debian's /usr/bin/wasm-opt (108) emits wasm Chromium rejects.
# The module is optimised once with its names kept (`-g`), into the target
# directory, where `make bench` sizes it by crate with twiggy; the shipped copy
# is the same module with the "name" section cut out (code byte for byte equal).
mkdir -p "$(dirname "$named")"
rm -f "$(dirname "$named")"/split_*.named.wasm
wasm_opt="$root/node_modules/.bin/wasm-opt"
node="$root/node_modules/.bin/node"
[[ -x "$node" ]] || node=node
# -O1, iterated to a fixed point, and not -Oz: measured on this widget,
# -Oz/-O2 make the module smaller raw but larger compressed (about 11 KB
# more brotli: 211 vs 200 KB), and what a buyer downloads is the
# compressed size. The --enable flags: features rustc enables by default
# for wasm32-unknown-unknown; wasm-opt must accept what the module uses.
# Optimised with names kept (`-g`) into the target directory, where
# `make bench` sizes it by crate with twiggy; the shipped copy is the same
# module with the "name" section cut out (code byte for byte equal).
optimise() { # IN.wasm SHIPPED.wasm NAMED.wasm
    if [[ -x "$wasm_opt" ]]; then
        "$wasm_opt" -g -O1 --converge --strip-producers --strip-target-features \
            --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
            --enable-mutable-globals --enable-reference-types --enable-multivalue \
            "$1" -o "$3"
    else
        cp "$1" "$3"
    fi
    "$node" scripts/wasm-strip-names.mjs "$3" "$2"
}
[[ -x "$wasm_opt" ]] || echo "build-widget: note: $wasm_opt not found (npm binaryen); skipping wasm-opt" >&2
if [[ $split == yes ]]; then
    # The chunk's functions are reached through the shared function table and
    # the main module's exports, by index and name: the chunks and the main
    # module are cut from one link and optimised separately, and wasm-opt
    # keeps exports, the exported table's slots and the memory layout.
    split_dir="$target_dir/wasm-split"
    rm -rf "$split_dir"
    wasm-split-cli "$wasm" "$split_dir" --out-name ticket_widget
    wasm-bindgen --target web --no-typescript --keep-lld-exports --out-dir "$out" --out-name ticket_widget \
        "$split_dir/ticket_widget.wasm"
    cp "$split_dir/__wasm_split.js" "$out/"
    for chunk in "$split_dir"/split_*.wasm; do
        name="$(basename "$chunk" .wasm)"
        optimise "$chunk" "$out/$name.wasm" "$(dirname "$named")/$name.named.wasm"
    done
else
    wasm-bindgen --target web --no-typescript --out-dir "$out" --out-name ticket_widget "$wasm"
fi
main_bindgen="$target_dir/ticket_widget_bg.bindgen.wasm"
mv "$out/ticket_widget_bg.wasm" "$main_bindgen"
optimise "$main_bindgen" "$out/ticket_widget_bg.wasm" "$named"

# The seat-picking stage (`pick/`, web-sys only, no Leptos): built as the
# widget is built (the same toolchain and flags, minus Leptos's switch and
# the split's relocations, which it has no use for), in target directories
# of its own so the two builds do not invalidate each other's dependencies.
# Its name-keeping copy sits beside the widget's for `make bench`.
pick_named="$(dirname "$named")/ticket_pick_bg.named.wasm"
if [[ $toolchain == stable ]]; then
    pick_target_dir="$root/target/pick-wasm"
    RUSTFLAGS="${RUSTFLAGS:-}" CARGO_TARGET_DIR="$pick_target_dir" \
        cargo build -p ticket-pick --target wasm32-unknown-unknown --release
else
    pick_target_dir="$root/target/pick-wasm-nightly"
    RUSTFLAGS="${RUSTFLAGS:-} -Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none -Zfmt-debug=none" \
        CARGO_TARGET_DIR="$pick_target_dir" \
        cargo "+$nightly" build -p ticket-pick --target wasm32-unknown-unknown --release \
        -Zbuild-std=std,panic_abort
fi
wasm-bindgen --target web --no-typescript --out-dir "$out" --out-name ticket_pick \
    "$pick_target_dir/wasm32-unknown-unknown/release/ticket_pick.wasm"
pick_bindgen="$pick_target_dir/ticket_pick_bg.bindgen.wasm"
mv "$out/ticket_pick_bg.wasm" "$pick_bindgen"
optimise "$pick_bindgen" "$out/ticket_pick_bg.wasm" "$pick_named"

cp widget/static/* "$assets/"

# The served loader, styles, glue and iframe helper are minified (esbuild, an
# npm dependency); the readable sources stay in widget/static/. Syntax is kept
# at the level of browsers that run the wasm (reference types, bulk memory).
esbuild="$root/node_modules/.bin/esbuild"
if [[ -x "$esbuild" ]]; then
    for file in "$assets/widget.js" "$assets/embed-host.js"; do
        "$esbuild" "$file" --minify --target=es2020 --log-level=warning --allow-overwrite --outfile="$file"
    done
    # The glue is bundled: the split's link module (which imports the glue's
    # `initSync` and is imported by it) goes inside it, so the glue stays one
    # file and one round trip; the chunk's URL is still taken relative to it.
    "$esbuild" "$out/ticket_widget.js" --bundle --minify --format=esm --target=es2020 --log-level=warning \
        --allow-overwrite --outfile="$out/ticket_widget.js"
    "$esbuild" "$out/ticket_pick.js" --minify --format=esm --target=es2020 --log-level=warning \
        --allow-overwrite --outfile="$out/ticket_pick.js"
    rm -f "$out/__wasm_split.js"
    "$esbuild" "$assets/widget.css" --minify --target=chrome96,firefox96,safari15 --log-level=warning \
        --allow-overwrite --outfile="$assets/widget.css"
else
    echo "build-widget: note: $esbuild not found (npm ci); serving the loader, glue and CSS unminified" >&2
fi

split_note="checkout split off"
[[ $split == yes ]] || split_note="not split"
echo "build-widget: wrote $out (widget and seat-picking stage, built with $toolchain, $split_note) and the loader files in $assets:"
for file in "$assets/widget.js" "$assets/widget.css" "$out"/*.js "$out"/*.wasm; do
    if command -v brotli >/dev/null 2>&1; then
        printf '  %-45s %8d bytes  %7d brotli\n' "$file" "$(wc -c <"$file")" "$(brotli -c -q 11 "$file" | wc -c)"
    else
        printf '  %-45s %8d bytes\n' "$file" "$(wc -c <"$file")"
    fi
done
