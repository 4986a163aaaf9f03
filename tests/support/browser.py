"""Helpers of the browser tests (Playwright for Python driving Debian's headless Chromium).

The fixtures that use them (``browser``, ``page``, ``real_url``, ``hostile_url``) are in conftest.py.
Built sites are served from 127.0.0.1 by a throw-away HTTP server; every visited page is watched for
console errors and for requests to any host but 127.0.0.1. Screenshots go to test-artifacts/screenshots/
(git-ignored), for a person to look at.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from pathlib import Path
from urllib.parse import urlsplit

from conformap import paths

CHROMIUM = os.environ.get("CONFORMAP_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = paths.PROJECT_ROOT / "test-artifacts" / "screenshots"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest output clean
        pass


def serve(directory: Path):
    """An HTTP server of ``directory`` on 127.0.0.1 (a free port), and its URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


class Watch:
    """Records console errors, page errors, dialogs and off-host requests of one browser page."""

    def __init__(self, page):
        self.problems: list[str] = []
        self.requests: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.problems.append(f"console error: {m.text}"))
        page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        page.on("dialog", lambda d: (self.problems.append(f"dialog opened: {d.message}"), d.dismiss()))
        page.on("request", lambda r: self.requests.append(r.url))

    def off_host(self) -> list[str]:
        return [u for u in self.requests if urlsplit(u).scheme in ("http", "https", "ws", "wss") and urlsplit(u).hostname != "127.0.0.1"]


def watched(context):
    """A new page of ``context`` with a :class:`Watch` as ``page.watch``."""
    pg = context.new_page()
    pg.watch = Watch(pg)
    return pg


def shot(pg, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)


def assert_clean(pg) -> None:
    assert pg.watch.problems == []
    assert pg.watch.off_host() == []
