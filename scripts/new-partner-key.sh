#!/usr/bin/env bash
# `make partner-key [ID=shop-name] [ORIGIN=https://shop.example]`: mints a
# partner's key pair. Prints the public key (goes into the widget tag), the
# secret key ONCE (hand it to the partner's server; it is stored nowhere), and a
# partner record for the directory with only the secret's SHA-256 in it. Add the
# record to your partners.json and upload it with `scripts/partners.sh put`.
set -euo pipefail
PARTNER_ID="${1:-${ID:-new-partner}}" PARTNER_ORIGIN="${2:-${ORIGIN:-https://shop.example}}" python3 - <<'PY'
import hashlib, json, os, secrets
public_key = "pk_" + secrets.token_hex(12)
secret_key = "sk_" + secrets.token_hex(24)
record = {
    "id": os.environ["PARTNER_ID"],
    "name": os.environ["PARTNER_ID"],
    "public_key": public_key,
    "secret_key_hashes": [hashlib.sha256(secret_key.encode()).hexdigest()],
    "allowed_origins": [os.environ["PARTNER_ORIGIN"]],
    "max_seats_per_hold": 10,
    "limits": {"window_seconds": 60, "reads": 600, "holds": 30, "server": 120},
}
print(f"public key:  {public_key}   (goes into <ticket-widget partner=\"...\">)")
print(f"secret key:  {secret_key}   (shown once; hand it to the partner's server)")
print("partner record (add to the \"partners\" array of your partners.json, then scripts/partners.sh put):")
print(json.dumps(record, indent=2))
PY
