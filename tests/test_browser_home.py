"""The home page for the tasks people come with (issue 20 item 7), in a real browser on the real catalogue:
every question linked with its number of rules, the "I want to…" shortcuts, every kind of download named.

Expected counts come from the independent oracle (tests/oracle: the page snapshot and the catalogue's YAML read
with PyYAML), never from the page code. Screenshots (desktop and 390 px) go to test-artifacts/screenshots/.
"""

from __future__ import annotations

import json
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

import pytest
from oracle.derive import Oracle
from support.browser import assert_clean, shot, watched

from conformap import paths

pytestmark = [pytest.mark.slow, pytest.mark.browser]


@lru_cache(maxsize=1)
def oracle() -> Oracle:
    return Oracle(paths.DEFAULT_CATALOG)


def rules_phrase(n: int) -> str:
    return "1 rule" if n == 1 else f"{n} rules"


def section_items(page, heading: str):
    """The items of the list that follows the h2 ``heading``."""
    h2 = page.locator("h2", has_text=heading)
    assert h2.count() == 1, heading
    return h2.locator("xpath=following-sibling::ul[1]/li")


def path_of(href: str) -> str:
    return urlsplit(href).path


def test_home_lists_every_question_linked_with_its_number_of_rules(page, real_url):
    o = oracle()
    questions = o.question_ids()
    assert questions == [f"SEC-{n}" for n in range(1, 12)]
    # golden values of the snapshot, as a sanity check of the oracle itself
    assert len(o.rules_of("SEC-8")) == 29 and o.rules_of("SEC-7") == []
    page.goto(real_url)
    items = section_items(page, "The questions")
    assert items.count() == len(questions)
    for i, q in enumerate(questions):
        item = items.nth(i)
        text = item.inner_text()
        assert text.startswith(f"{q} · "), text
        assert text.endswith(f"({rules_phrase(len(o.rules_of(q)))})"), (q, text)
        assert path_of(item.locator("a").first.evaluate("a => a.href")).endswith(f"/controls/{q.lower()}/")
    assert "(0 rules)" in items.nth(6).inner_text()  # SEC-7: no rule, said as a count
    items.nth(7).locator("a").first.click()
    page.wait_for_url(lambda u: urlsplit(u).path.endswith("/controls/sec-8/"))
    assert page.locator("h1").inner_text().startswith("SEC-8 · ")
    assert_clean(page)


def test_home_shortcuts_lead_to_each_task(page, real_url):
    page.goto(real_url)
    items = section_items(page, "I want to")
    shortcuts = {item.locator("strong").first.inner_text().rstrip(":"): item for item in items.all()}
    assert list(shortcuts) == [
        "Deploy a question's checks in my AWS account",
        "Check my account",
        "Get the spreadsheet",
        "Load OSCAL into a GRC tool",
        "Propose a change",
    ]

    def hrefs(name: str) -> list[str]:
        return shortcuts[name].locator("a").evaluate_all("els => els.map(e => e.href)")

    assert [path_of(h) for h in hrefs("Check my account")] == [urlsplit(urljoin(real_url, "posture/")).path]
    assert {path_of(h).rsplit("/", 1)[-1] for h in hrefs("Get the spreadsheet")} == {"mappings.xlsx", "mappings.csv"}
    assert {path_of(h).rsplit("/", 1)[-1] for h in hrefs("Load OSCAL into a GRC tool")} == {
        "catalog.json",
        "component-definition.json",
        "mapping-collection.json",
    }
    assert path_of(hrefs("Propose a change")[0]).endswith("/contributing/")
    deploy = hrefs("Deploy a question's checks in my AWS account")[0]
    assert urlsplit(deploy).fragment == "deploy-in-aws-config"
    # every shortcut's target exists, and the deploy section is on its page
    for item in shortcuts.values():
        for href in item.locator("a").evaluate_all("els => els.map(e => e.href)"):
            assert page.request.get(href).status == 200, href
    page.goto(deploy)
    assert page.locator("#deploy-in-aws-config").is_visible()
    assert_clean(page)


def test_home_names_every_kind_of_download(page, real_url, real_site):
    manifest = json.loads((real_site / "downloads" / "manifest.json").read_text(encoding="utf-8"))
    format_of = {f["path"]: f["format"] for f in manifest["files"]}
    formats = set(format_of.values())
    assert {"json", "csv", "xlsx", "oscal-catalog", "conformance-pack", "license"} <= formats
    page.goto(real_url)
    items = section_items(page, "Downloads")
    linked: dict[str, set[str]] = {}  # format -> the list items naming it
    for item in items.all():
        for href in item.locator("a").evaluate_all("els => els.map(e => e.href)"):
            path = path_of(href).split("/downloads/", 1)[-1]
            fmt = "manifest" if path == "manifest.json" else format_of[path]
            linked.setdefault(fmt, set()).add(item.inner_text())
            assert page.request.get(href).status == 200, href
    assert set(linked) == formats | {"manifest"}
    assert all(len(texts) == 1 for texts in linked.values())  # one line per kind
    packs = next(iter(linked["conformance-pack"]))
    n = sum(1 for fmt in format_of.values() if fmt == "conformance-pack")
    assert packs.startswith("AWS Config conformance packs") and f"and {n - 1} more files" in packs
    assert_clean(page)


@pytest.mark.parametrize("width", [1280, 390])
def test_home_screenshot(browser, real_url, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = watched(context)
    page.goto(real_url)
    page.locator("h2", has_text="The questions").scroll_into_view_if_needed()
    # nothing wider than the screen on a phone
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(page, f"home-{width}")
    page.goto(real_url)
    page.screenshot(path=str(paths.PROJECT_ROOT / "test-artifacts" / "screenshots" / f"home-{width}-full.png"), full_page=True)
    assert_clean(page)
    context.close()
