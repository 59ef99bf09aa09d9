#!/usr/bin/env bash
# `make partner-key`: mints a partner's key pair. Prints the public key (goes
# into the widget tag and PARTNER_PUBLIC_KEYS), the secret key ONCE (give it to
# the partner; it is not stored anywhere), and the PARTNER_SECRET_KEY_HASHES
# entry (its SHA-256), which is all the proxy keeps.
set -euo pipefail
python3 - <<'PY'
import hashlib, secrets
public_key = "pk_" + secrets.token_hex(12)
secret_key = "sk_" + secrets.token_hex(24)
print(f"public key:  {public_key}")
print(f"secret key:  {secret_key}   (shown once; hand it to the partner's server)")
print(f"add to PARTNER_PUBLIC_KEYS:        {public_key}")
print(f"add to PARTNER_SECRET_KEY_HASHES:  {public_key}={hashlib.sha256(secret_key.encode()).hexdigest()}")
PY
