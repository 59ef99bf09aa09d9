#!/usr/bin/env python3
"""A tiny demo partner backend: the reseller's own server in the demo.

The partner page's payment step calls POST /pay {"hold_id": "h_..."}. A real
partner would charge the buyer here (with its payment provider); this demo
"takes payment" at once and then confirms the hold at the proxy with the
partner's SECRET key, server to server. The secret key lives only here, never
in the page. Standard library only; it is an example, not part of the product.

It also serves GET /included.html (?loader=blocking|end: the loader's tag in
<head> without async, or after the element): examples/included.html with the hall's
first frame put in server-side (GET …/first-frame at the proxy, with the
page's own public key), so the seat plan is in the page's first response.
If the proxy cannot give it, the page goes out without it and the widget's
loader paints the hall itself: the include only ever makes the page faster.

    PROXY_URL=http://127.0.0.1:8787 PARTNER_SECRET_KEY=sk_... python3 server.py
"""
import json
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PROXY_URL = os.environ.get("PROXY_URL", "http://127.0.0.1:8787").rstrip("/")
SECRET_KEY = os.environ["PARTNER_SECRET_KEY"]
PAGE_ORIGIN = os.environ.get("PARTNER_PAGE_ORIGIN", "http://127.0.0.1:8080")
LISTEN_PORT = int(os.environ.get("PARTNER_BACKEND_PORT", "8081"))
HOLD_ID = re.compile(r"^h_[0-9a-f]{32}$")
EXAMPLES = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIRST_FRAME_MARK = "<!-- first frame -->"
# <ticket-widget partner="…" lang="…" event="…" show="…" …><!-- first frame -->: what to ask the proxy for.
WIDGET_TAG = re.compile(r"<ticket-widget\b([^>]*)>" + re.escape(FIRST_FRAME_MARK))
ATTRIBUTE = re.compile(r'([a-z-]+)="([^"]*)"')


def confirm_hold(hold_id):
    """Marks the hold paid at the proxy; returns (status, body)."""
    request = urllib.request.Request(
        f"{PROXY_URL}/v1/holds/{hold_id}/confirm",
        method="POST",
        headers={"Authorization": f"Bearer {SECRET_KEY}", "Idempotency-Key": hold_id},
        data=b"",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def first_frame(widget_attributes):
    """The hall's first frame for a <ticket-widget> with these attributes, or "" (never an error page)."""
    attributes = dict(ATTRIBUTE.findall(widget_attributes))
    event, show = attributes.get("event"), attributes.get("show")
    if not (event and show and attributes.get("partner")):
        return ""
    query = urllib.parse.urlencode({
        "partner": attributes["partner"],
        "lang": attributes.get("lang", "ru"),
        "theme": attributes.get("theme", "light"),
    })
    url = (f"{PROXY_URL}/v1/events/{urllib.parse.quote(event, safe=':')}"
           f"/shows/{urllib.parse.quote(show, safe='')}/first-frame?{query}")
    try:
        # A short budget: a page is never held up long for its first frame.
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, OSError, UnicodeDecodeError) as error:
        print(f"partner-backend first frame unavailable ({error.__class__.__name__}); the loader paints", flush=True)
        return ""


LOADER_TAG = re.compile(r'<script src="([^"]*/widget\.js)" async></script>\n')
LOADER_PLACES = ("head", "blocking", "end")


def included_page(loader="head"):
    """examples/included.html with its first frame; `loader`: where the page loads
    the widget's loader — "head" (as the file: async in <head>), "blocking" (in
    <head> without async: it runs, and defines the element, before the body is
    parsed) or "end" (async after the element)."""
    with open(os.path.join(EXAMPLES, "included.html"), encoding="utf-8") as file:
        page = file.read()
    if loader != "head":
        tag = list(LOADER_TAG.finditer(page))[-1]  # the page's own (the comment shows one too)
        if loader == "blocking":
            page = page[:tag.start()] + tag.group(0).replace(" async", "") + page[tag.end():]
        else:
            page = page[:tag.start()] + page[tag.end():]
            element_end = FIRST_FRAME_MARK + "</ticket-widget>\n"
            page = page.replace(element_end, element_end + tag.group(0), 1)
    widget = WIDGET_TAG.search(page)
    if not widget:
        return page.encode("utf-8")
    frame = first_frame(widget.group(1))
    return (page[:widget.end() - len(FIRST_FRAME_MARK)] + frame + page[widget.end():]).encode("utf-8")


class Handler(BaseHTTPRequestHandler):
    def _cors(self):
        self.send_header("Access-Control-Allow-Origin", PAGE_ORIGIN)
        self.send_header("Access-Control-Allow-Methods", "POST, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", "Content-Type")

    def _answer(self, status, body):
        self.send_response(status)
        self._cors()
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def do_OPTIONS(self):
        self.send_response(204)
        self._cors()
        self.end_headers()

    def do_GET(self):
        path, _, query = self.path.partition("?")
        loader = urllib.parse.parse_qs(query).get("loader", ["head"])[0]
        if path != "/included.html" or loader not in LOADER_PLACES:
            return self._answer(404, b'{"error":{"code":"not_found","message":"GET /included.html[?loader=head|blocking|end]"}}')
        body = included_page(loader)
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        if self.path != "/pay":
            return self._answer(404, b'{"error":{"code":"not_found","message":"POST /pay"}}')
        try:
            length = min(int(self.headers.get("Content-Length", "0")), 4096)
            hold_id = json.loads(self.rfile.read(length) or b"{}").get("hold_id", "")
        except (ValueError, AttributeError):
            hold_id = ""
        if not isinstance(hold_id, str) or not HOLD_ID.match(hold_id):
            return self._answer(400, b'{"error":{"code":"invalid_body","message":"hold_id"}}')
        # A real backend charges the buyer here, then confirms only on success.
        status, body = confirm_hold(hold_id)
        self._answer(status, body)

    def log_message(self, format, *args):  # one line per request, no secrets
        print(f"partner-backend {self.command} {self.path} -> {args[1] if len(args) > 1 else ''}", flush=True)


if __name__ == "__main__":
    server = ThreadingHTTPServer(("127.0.0.1", LISTEN_PORT), Handler)
    print(f"partner backend listening on http://127.0.0.1:{LISTEN_PORT}", flush=True)
    server.serve_forever()
