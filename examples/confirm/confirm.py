"""Confirm a paid hold from a Python server (standard library only).

Call it after your payment provider confirmed the payment; repeating it is safe.
    PROXY_URL=https://your-proxy PARTNER_SECRET_KEY=sk_... python3 confirm.py h_0123...
"""
import json
import os
import sys
import urllib.error
import urllib.request

hold_id = sys.argv[1]
request = urllib.request.Request(
    f"{os.environ['PROXY_URL']}/v1/holds/{hold_id}/confirm",
    method="POST",
    data=b"",
    headers={"Authorization": f"Bearer {os.environ['PARTNER_SECRET_KEY']}", "Idempotency-Key": hold_id},
)
try:
    with urllib.request.urlopen(request, timeout=30) as response:
        hold = json.load(response)
except urllib.error.HTTPError as error:
    problem = json.load(error)["error"]
    sys.exit(f"confirm failed: {error.code} {problem['code']}: {problem['message']}")
for ticket in hold["tickets"]:
    print(ticket["zone_name"], ticket.get("row", ""), ticket.get("place", ""), ticket["barcode"])
