"""Accessibility in a real browser: axe-core (bundled by the pinned PyPI package axe-playwright-python)
finds no serious or critical violation on each page kind, in the light and the dark scheme; the chart
cells that link to lists of rules are reachable from the keyboard and named for screen readers; touch
targets are at least 24 px (WCAG 2.2, 2.5.8) on a phone.
"""

from __future__ import annotations

from urllib.parse import urljoin

import pytest
from axe_playwright_python.sync_playwright import Axe
from support.browser import assert_clean, watched

pytestmark = [pytest.mark.slow, pytest.mark.browser]

# One page of each kind the issue names: home, a question, a rule, the rules index, Overlap, Crosswalk, Downloads.
PAGES = ["", "controls/sec-8/", "rules/restricted-ssh/", "rules/", "overlap/", "crosswalk/", "security-hub/", "downloads/"]
# WCAG 2.0-2.2 A and AA, and axe's best practices.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


@pytest.fixture(scope="module")
def axe():
    return Axe()


def serious(axe, pg) -> list[str]:
    """The serious and critical violations axe-core finds on ``pg``, one line each with the first node."""
    result = axe.run(pg, options={"resultTypes": ["violations"], "runOnly": {"type": "tag", "values": TAGS}})
    return [
        f"{v['id']} ({v['impact']}, {len(v['nodes'])} nodes): {v['nodes'][0]['target']} {v['nodes'][0]['failureSummary']}"
        for v in result.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_axe_violation(browser, real_url, axe, scheme):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    pg = watched(context)
    found = {}
    for rel in PAGES:
        pg.goto(urljoin(real_url, rel))
        pg.wait_for_load_state("networkidle")
        assert pg.evaluate("() => document.body.getAttribute('data-md-color-scheme')") == ("slate" if scheme == "dark" else "default")
        problems = serious(axe, pg)
        if problems:
            found[rel or "home"] = problems
    problems, off_host = pg.watch.problems, pg.watch.off_host()
    context.close()
    assert found == {}
    assert problems == [] and off_host == []


@pytest.mark.parametrize("rel", ["rules/", "controls/sec-8/", "overlap/"])
def test_no_serious_axe_violation_on_a_phone(browser, real_url, axe, rel):
    """At 390 px, with axe's target-size rule (WCAG 2.2: 24 px) among those run."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    pg = watched(context)
    pg.goto(urljoin(real_url, rel))
    pg.wait_for_load_state("networkidle")
    assert serious(axe, pg) == []
    small = pg.eval_on_selector_all(
        "article button, article select, article input, .cm-table__chip",
        "els => els.filter(e => e.offsetParent).map(e => [e.className || e.tagName, e.getBoundingClientRect().height])"
        ".filter(([, h]) => h < 24)",
    )
    context.close()
    assert small == [], "controls lower than 24 px"


def test_heatmap_cells_are_reachable_and_named(page, real_url):
    page.goto(urljoin(real_url, "overlap/"))
    heatmap = page.locator("article svg.cm-heatmap")
    assert heatmap.get_attribute("role") == "group" and heatmap.get_attribute("aria-label")
    links = heatmap.locator("a")
    assert links.count() > 10
    # Every cell link has a name that says which questions and how many rules, and is in the tab order.
    names = links.evaluate_all("els => els.map(e => e.getAttribute('aria-label'))")
    assert all(n and " and SEC-" in n and "rule" in n for n in names), names[:5]
    first = links.first
    first.focus()
    assert page.evaluate("() => document.activeElement.closest('svg.cm-heatmap') !== null")
    snapshot = page.accessibility.snapshot(root=heatmap.element_handle()) if hasattr(page, "accessibility") else None
    if snapshot is not None:
        link_names = [c.get("name") for c in snapshot.get("children", []) if c.get("role") == "link"]
        assert names[0] in link_names
    page.keyboard.press("Enter")
    page.wait_for_url("**/overlap/#*")
    assert page.evaluate("() => document.querySelector(':target') !== null")
    assert_clean(page)
