#!/usr/bin/env bash
# The partner directory: one JSON document in the PARTNERS KV namespace (key
# `partners`). Keys are added and revoked by uploading a new document; no deploy.
#
#   scripts/partners.sh check FILE                 validate (same rules as the proxy)
#   scripts/partners.sh put FILE [WRANGLER_ARGS]   validate, then upload; local by
#       default (for `wrangler dev`; pass --persist-to DIR to match its state
#       folder), `--remote` for the deployed Worker (seen everywhere within 60 s;
#       refused with the demo's or the tests' keys, or origins on this machine)
#
# A secret key is revoked by deleting its hash from `secret_key_hashes`; a
# partner by setting `"revoked": true` (its keys then get 401 partner_key_revoked).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
export PATH="$HOME/.cargo/bin:$PATH"
command="${1:-}"; file="${2:-}"
if [ -z "$command" ] || [ -z "$file" ] || [ ! -f "$file" ]; then
  sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2
fi
file="$(cd "$(dirname "$file")" && pwd)/$(basename "$file")"
shift 2
remote=false
for arg in "$@"; do [ "$arg" = --remote ] && remote=true; done
if [ "$command" = put ] && [ "$remote" = true ]; then
  # For the deployed Worker: also no published demo/test key and no loopback origin.
  cargo run -q --manifest-path "$root/Cargo.toml" -p ticket-core --bin partners -- check "$file" \
    --production "$root/edge-proxy/partners.dev.json" "$root/tests/integration/partners.test.json"
else
  cargo run -q --manifest-path "$root/Cargo.toml" -p ticket-core --bin partners -- check "$file"
fi
case "$command" in
  check) ;;
  put)
    location=(--local)
    [ "$remote" = true ] && location=()
    # Run from the caller's folder, so a relative --persist-to means what it says.
    WRANGLER_SEND_METRICS=false "$root/node_modules/.bin/wrangler" --config "$root/edge-proxy/wrangler.toml" \
      kv key put --binding PARTNERS partners --path "$file" "${location[@]}" "$@" >/dev/null
    echo "partners: uploaded $(basename "$file") to the PARTNERS namespace (${location[*]:---remote} $*)" ;;
  *) echo "partners: unknown command $command (check, put)" >&2; exit 2 ;;
esac
