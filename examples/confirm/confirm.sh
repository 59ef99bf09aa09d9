#!/usr/bin/env bash
# Confirm a paid hold from your server with curl. Run it only after your
# payment provider told you the buyer paid. Safe to repeat: a second confirm
# returns the same tickets.
#   PROXY_URL=https://your-proxy PARTNER_SECRET_KEY=sk_... ./confirm.sh h_0123...
set -euo pipefail
hold_id="$1"
curl -sS --fail-with-body -X POST "$PROXY_URL/v1/holds/$hold_id/confirm" \
  -H "Authorization: Bearer $PARTNER_SECRET_KEY" \
  -H "Idempotency-Key: $hold_id"
echo
