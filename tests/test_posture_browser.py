"""The HTML posture report in Chromium: one offline file, no request off the host, no script (none of the
input's) running, the hostile annotations shown as text."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support.browser import assert_clean, serve, shot

EXPECTED = Path(__file__).resolve().parent / "expected" / "posture"
pytestmark = [pytest.mark.browser]


def test_html_report_is_inert_and_offline(page, tmp_path):
    shutil.copy(EXPECTED / "main.html", tmp_path / "posture.html")
    server, url = serve(tmp_path)
    try:
        page.goto(url + "posture.html")
        page.wait_for_load_state("load")
        assert page.evaluate("document.scripts.length") == 0
        assert page.evaluate("document.querySelectorAll('img, iframe, object, embed, link[rel=stylesheet]').length") == 0
        body = page.inner_text("body")
        assert "<script>alert('annotation')</script> **bold**" in body
        assert "<img src=x onerror=alert(1)> denied" in body
        assert "logs\\u202egnp.exe" in body
        assert page.inner_text("#sec-6 strong.PASS") == "PASS on 1 of 19 rules"
        shot(page, "posture-report")
        assert_clean(page)
        assert [u for u in page.watch.requests if not u.endswith("/posture.html")] == []
    finally:
        server.shutdown()
