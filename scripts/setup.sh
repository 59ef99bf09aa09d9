#!/usr/bin/env bash
# Installs what building, running and testing this workspace needs, idempotently.
# Safe to run on every `make demo` / `make test`: each step checks before it installs.
# See ../shared/TOOLCHAIN.md for why each tool is pinned the way it is.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[setup] %s\n' "$*"; }
export PATH="$HOME/.cargo/bin:$PATH"
# Prints the first x.y.z a tool reports about itself, or nothing if it is absent.
version_of() { "$1" --version 2>/dev/null | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | head -n 1; }

# 1. The wasm target for the widget and the Worker.
if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "adding rustup target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# 1b. rustfmt and clippy (`make test` checks format and lints).
for component in rustfmt clippy; do
  if ! rustup component list --installed 2>/dev/null | grep -q "^$component"; then
    say "adding rustup component $component"
    rustup component add "$component"
  fi
done

# 2. wasm-bindgen-cli must equal the wasm-bindgen in Cargo.lock exactly.
wasm_bindgen_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ -z "$wasm_bindgen_version" ]; then
  say "cannot read the wasm-bindgen version from Cargo.lock"; exit 1
fi
if [ "$(version_of wasm-bindgen)" != "$wasm_bindgen_version" ]; then
  say "installing wasm-bindgen-cli $wasm_bindgen_version (a few minutes, once)"
  # Without --locked: its own lock file wants a crate version this registry lacks.
  cargo install wasm-bindgen-cli --version "$wasm_bindgen_version" --force
fi

# 3. worker-build, pinned (it builds the Worker's wasm + JS shim).
worker_build_version=0.8.7
if [ "$(version_of worker-build)" != "$worker_build_version" ]; then
  say "installing worker-build $worker_build_version (a few minutes, once)"
  cargo install worker-build --version "$worker_build_version" --locked --force
fi

# 4. npm packages from the committed lock file: Node 22, wrangler/workerd,
#    binaryen (wasm-opt), esbuild, playwright-core, swagger-ui-dist (/docs).
if [ ! -x node_modules/.bin/wrangler ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages from package-lock.json"
  npm ci --no-audit --no-fund
fi

# 5. Debian's Chromium for browser tests (browser downloads do not work here).
if [ ! -x /usr/bin/chromium ]; then
  say "installing Debian chromium"
  sudo_cmd=""; [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium chromium-driver >/dev/null
fi

# 6. brotli, for the benchmark's transfer-size figures.
if ! command -v brotli >/dev/null; then
  sudo_cmd=""; [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get install -y -qq brotli >/dev/null 2>&1 || { $sudo_cmd apt-get update -qq && $sudo_cmd apt-get install -y -qq brotli >/dev/null; }
fi
# 7. twiggy, pinned: `make bench` sizes the widget's wasm by crate with it.
twiggy_version=0.8.0
if [ "$(version_of twiggy)" != "$twiggy_version" ]; then
  say "installing twiggy $twiggy_version (a minute or two, once)"
  cargo install twiggy --version "$twiggy_version" --locked --force ||
    cargo install twiggy --version "$twiggy_version" --force
fi
# 8. The pinned nightly (with rust-src) that builds the shipped widget wasm
#    with build-std and immediate-abort panics (scripts/build-widget.sh). Only
#    that build uses it; without it the widget builds with stable, larger.
widget_nightly=$(tr -d '[:space:]' < scripts/widget-nightly)
if ! rustup toolchain list 2>/dev/null | grep -q "^$widget_nightly" ||
   ! rustup component list --installed --toolchain "$widget_nightly" 2>/dev/null | grep -q '^rust-src'; then
  say "installing $widget_nightly with rust-src (the widget's size build; a minute, once)"
  if ! rustup toolchain install "$widget_nightly" --profile minimal --component rust-src; then
    say "WARNING: could not install $widget_nightly; the widget will build with stable (a larger wasm)"
  fi
fi
# 8b. wasm-split-cli, pinned: cuts the checkout out of the widget's wasm into
#     a module of its own (scripts/build-widget.sh; without it the widget is
#     built whole, with a warning).
wasm_split_version=0.2.4
if ! cargo install --list 2>/dev/null | grep -q "^wasm_split_cli_support v$wasm_split_version:"; then
  say "installing wasm-split-cli $wasm_split_version (a minute, once)"
  if ! cargo install wasm_split_cli_support --version "$wasm_split_version" --features build-binary --locked --force; then
    say "WARNING: could not install wasm-split-cli; the widget will be built as one module"
  fi
fi
# 9. schemathesis (the OpenAPI-driven API fuzzer `make test` runs against the
#    served document), pinned with hashes in tests/schemathesis/requirements.txt,
#    in its own virtualenv; reinstalled only when that file changes.
schemathesis_venv=target/venv
schemathesis_requirements=tests/schemathesis/requirements.txt
schemathesis_stamp="$schemathesis_venv/.requirements.sha256"
schemathesis_wanted=$(sha256sum "$schemathesis_requirements" | cut -d' ' -f1)
if [ ! -x "$schemathesis_venv/bin/schemathesis" ] || [ "$(cat "$schemathesis_stamp" 2>/dev/null)" != "$schemathesis_wanted" ]; then
  say "installing schemathesis into $schemathesis_venv (from $schemathesis_requirements)"
  if ! python3 -m venv --help >/dev/null 2>&1 || ! python3 -c 'import ensurepip' 2>/dev/null; then
    sudo_cmd=""; [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq python3-venv >/dev/null
  fi
  rm -rf "$schemathesis_venv"
  python3 -m venv "$schemathesis_venv"
  "$schemathesis_venv/bin/pip" install --quiet --disable-pip-version-check --require-hashes --no-deps \
    -r "$schemathesis_requirements"
  echo "$schemathesis_wanted" >"$schemathesis_stamp"
fi
say "toolchain ready"
