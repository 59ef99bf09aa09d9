#!/usr/bin/env bash
# `make partner-key` end to end: the printed record passes the proxy's own
# directory check, holds the SHA-256 of the printed secret key (and not the key
# itself), and two runs never print the same keys.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
fail() { echo "partner-key test: $*" >&2; exit 1; }

for run in 1 2; do
  bash "$root/scripts/new-partner-key.sh" "shop-$run" "https://shop$run.example" >"$work/out$run"
done
secret="$(awk '/^secret key:/ { print $3 }' "$work/out1")"
public="$(awk '/^public key:/ { print $3 }' "$work/out1")"
[[ "$secret" == sk_* && "$public" == pk_* ]] || fail "no key pair printed"
[ "$secret" != "$(awk '/^secret key:/ { print $3 }' "$work/out2")" ] || fail "two runs printed the same secret key"
sed -n '/^{/,/^}/p' "$work/out1" >"$work/record.json"
grep -qF "$secret" "$work/record.json" && fail "the record contains the secret key itself"
python3 - "$work/record.json" "$secret" "$public" "$work/partners.json" <<'PY'
import hashlib, json, sys
record = json.load(open(sys.argv[1]))
assert record["public_key"] == sys.argv[3], "record has another public key"
assert record["secret_key_hashes"] == [hashlib.sha256(sys.argv[2].encode()).hexdigest()], "hash is not the secret's SHA-256"
json.dump({"partners": [record]}, open(sys.argv[4], "w"))
PY
bash "$root/scripts/partners.sh" check "$work/partners.json" >/dev/null || fail "the record does not pass scripts/partners.sh check"
# An upload to the deployed Worker refuses the demo's directory (published
# keys, loopback origins) before wrangler is called; a fresh record passes.
if bash "$root/scripts/partners.sh" put "$root/edge-proxy/partners.dev.json" --remote >"$work/remote.out" 2>&1; then
  fail "put --remote accepted the demo directory"
fi
grep -q "published demo/test key" "$work/remote.out" || fail "put --remote did not say why: $(cat "$work/remote.out")"
grep -q "loopback" "$work/remote.out" || fail "put --remote did not name the loopback origin: $(cat "$work/remote.out")"
grep -q "uploaded" "$work/remote.out" && fail "put --remote uploaded the demo directory"
cargo run -q --manifest-path "$root/Cargo.toml" -p ticket-core --bin partners -- check "$work/partners.json" \
  --production "$root/edge-proxy/partners.dev.json" "$root/tests/integration/partners.test.json" >/dev/null \
  || fail "a fresh record is refused for production"
echo "partner-key test: ok (record valid, hash matches, secret not stored, demo keys never uploaded to a deployed Worker)"
