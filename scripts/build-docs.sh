#!/usr/bin/env bash
# Builds the API reference page the proxy serves at /docs into
# edge-proxy/assets/docs/ (git-ignored build output, served as static assets):
#   /docs/index.html, docs.js, docs.css, favicon.svg   ours, from edge-proxy/docs-src/
#   /docs/swagger-ui-bundle.js, /docs/swagger-ui.css  the renderer, from npm's swagger-ui-dist
# plus Swagger UI's licence texts. The page loads /v1/openapi.json (contract/openapi.json,
# served by the Worker). Nothing comes from a CDN. Idempotent; run from anywhere after `npm ci`.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

source_dir="edge-proxy/docs-src"
dist="node_modules/swagger-ui-dist"
out="edge-proxy/assets/docs"

if [[ ! -f "$dist/swagger-ui-bundle.js" || ! -f "$dist/package.json" ]]; then
    echo "build-docs: $dist is missing; run \`npm ci\` (scripts/setup.sh does)" >&2
    exit 1
fi
# The installed renderer must be the one package-lock.json pins: a stale
# node_modules would silently ship another version.
pinned="$(node -p 'require("./package-lock.json").packages["node_modules/swagger-ui-dist"].version')"
installed="$(node -p 'require("./node_modules/swagger-ui-dist/package.json").version')"
if [[ "$pinned" != "$installed" ]]; then
    echo "build-docs: swagger-ui-dist $installed is installed but package-lock.json pins $pinned; run \`npm ci\`" >&2
    exit 1
fi
# The page is useless if the document it renders is not JSON.
node -e 'JSON.parse(require("fs").readFileSync("contract/openapi.json", "utf8"))' \
    || { echo "build-docs: contract/openapi.json is not valid JSON" >&2; exit 1; }
# No inline script: the page must work under `script-src 'self'`.
if grep -Eiq '<script[^>]*>[^<[:space:]]' "$source_dir/index.html" || grep -Eiq ' on[a-z]+=' "$source_dir/index.html"; then
    echo "build-docs: $source_dir/index.html has inline script; keep it in docs.js" >&2
    exit 1
fi

rm -rf "$out"
mkdir -p "$out"
cp "$source_dir/index.html" "$source_dir/docs.js" "$source_dir/docs.css" "$source_dir/favicon.svg" "$out/"
cp "$dist/swagger-ui-bundle.js" "$dist/swagger-ui.css" "$dist/swagger-ui-bundle.js.LICENSE.txt" "$out/"
# Apache-2.0: the licence and NOTICE travel with the redistributed files.
cp "$dist/LICENSE" "$out/swagger-ui-LICENSE.txt"
cp "$dist/NOTICE" "$out/swagger-ui-NOTICE.txt"

echo "build-docs: wrote $out (Swagger UI $installed):"
for file in "$out"/*; do
    printf '  %-50s %8d bytes\n' "$file" "$(wc -c <"$file")"
done
