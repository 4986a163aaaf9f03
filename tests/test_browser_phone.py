"""Every page kind at 390 px, a phone's width (issue 20): nothing is cut at the screen's edge, and the heatmaps scroll
with their labels in view.

A box may be wider than the screen only where scrolling is the design: a heatmap's ``.cm-scroll``, a matrix table
inside ``.cm-wide`` and a code block. Anything else that overflows its scroll container (a table a few pixels too
wide, its last column cut at the edge) or reaches past the screen fails. Screenshots go to build/screenshots-390/
(git-ignored), for a person to look at.
"""

from __future__ import annotations

from urllib.parse import urljoin

import pytest
from support.browser import assert_clean, watched

from conformap import paths

pytestmark = [pytest.mark.slow, pytest.mark.browser]

WIDTH, HEIGHT = 390, 844
SHOTS = paths.PROJECT_ROOT / "build" / "screenshots-390"
# One page of each kind; the rule page is the one whose Security Hub table was cut at the edge.
PAGES = {
    "home": "",
    "question": "controls/sec-3/",
    "rule": "rules/s3-bucket-public-read-prohibited/",
    "rules-index": "rules/",
    "overlap": "overlap/",
    "crosswalk": "crosswalk/",
    "security-hub": "security-hub/",
    "downloads": "downloads/",
    "posture": "posture/",
}
# The boxes that scroll sideways on purpose.
INTENDED = ".cm-scroll, .cm-wide .md-typeset__scrollwrap, pre > code"

# Every problem of the page's article: boxes that scroll sideways but are not meant to, elements cut by a box that
# hides its overflow, and elements that reach past the screen outside any scrolling box.
_OVERFLOWS = """(intended) => {
  const problems = [];
  const width = document.documentElement.clientWidth;
  const name = (e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (typeof e.className === 'string' && e.className ? '.' + e.className.trim().split(/\\s+/).join('.') : '');
  for (const e of document.querySelectorAll('article *')) {
    const style = getComputedStyle(e);
    if (style.position === 'fixed' || style.visibility === 'hidden' || e.closest('[hidden], details:not([open])')) continue;
    if (['auto', 'scroll'].includes(style.overflowX) && e.scrollWidth > e.clientWidth + 1 && !e.matches(intended)) {
      problems.push(`${name(e)} scrolls sideways (${e.scrollWidth} px in ${e.clientWidth} px): ${e.textContent.trim().slice(0, 60)}`);
    }
    const r = e.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    let box = e.parentElement;
    while (box && box !== document.body && getComputedStyle(box).overflowX === 'visible') box = box.parentElement;
    const boxStyle = box && box !== document.body ? getComputedStyle(box).overflowX : null;
    if (boxStyle === 'auto' || boxStyle === 'scroll') continue;  // inside a scrolling box: checked above
    const right = boxStyle ? box.getBoundingClientRect().right : width;
    if (r.right > right + 1) problems.push(`${name(e)} reaches ${Math.round(r.right)} px, past ${Math.round(right)} px (${boxStyle ? name(box) : 'the screen'}): ${e.textContent.trim().slice(0, 60)}`);
  }
  return problems;
}"""


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}, device_scale_factor=1, is_mobile=True, has_touch=True)
    yield watched(context)
    context.close()


def _shot(pg, name: str) -> None:
    """The screen as shown (a whole page at 390 px is tens of thousands of pixels tall)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SHOTS / f"{name}.png"))


@pytest.mark.parametrize("kind", list(PAGES))
def test_page_fits_a_phone(phone, real_url, kind):
    phone.goto(urljoin(real_url, PAGES[kind]))
    phone.wait_for_load_state("networkidle")
    _shot(phone, kind)
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= WIDTH, kind
    assert phone.evaluate(_OVERFLOWS, INTENDED) == [], kind
    assert_clean(phone)


def test_rule_page_security_hub_table_is_whole(phone, real_url):
    """The table that was cut: its last column ends inside the screen, nothing of it scrolls out of sight."""
    phone.goto(urljoin(real_url, PAGES["rule"]))
    table = phone.locator("article h2#security-hub-and-other-frameworks ~ div table").first
    table.scroll_into_view_if_needed()
    last = table.locator("thead th").last
    assert last.inner_text().strip() == "Stated by"
    box = last.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, box
    wrap = table.locator("xpath=ancestor::div[contains(@class, 'md-typeset__scrollwrap')]")
    assert wrap.evaluate("w => w.scrollWidth <= w.clientWidth + 1")
    _shot(phone, "rule-security-hub-table")


# The heatmap's scrolling box scrolled to its right end: where its row labels, its last column and its caption are.
_HEATMAP = """(figure) => {
  const scroller = figure.querySelector('.cm-scroll');
  const before = [scroller.scrollWidth, scroller.clientWidth];
  scroller.scrollLeft = scroller.scrollWidth;
  const s = scroller.getBoundingClientRect();
  const labels = [...figure.querySelectorAll('svg.cm-heatmap-labels text')].map((t) => {
    const r = t.getBoundingClientRect();
    const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return {text: t.textContent, left: r.left, right: r.right, shown: top !== null && top.closest('svg.cm-heatmap-labels') !== null};
  });
  const rects = [...figure.querySelectorAll('svg.cm-heatmap rect')].map((x) => x.getBoundingClientRect());
  const cap = figure.querySelector('figcaption').getBoundingClientRect();
  return {
    before, scrollLeft: scroller.scrollLeft, box: {left: s.left, right: s.right, top: s.top, bottom: s.bottom},
    vertical: [scroller.scrollHeight, scroller.clientHeight], labels,
    cells: {right: Math.max(...rects.map((r) => r.right)), bottom: Math.max(...rects.map((r) => r.bottom))},
    caption: {left: cap.left, right: cap.right, width: cap.width},
  };
}"""


@pytest.mark.parametrize("kind", ["overlap", "crosswalk"])
def test_heatmap_scrolls_with_its_labels_in_view(phone, real_url, kind):
    phone.goto(urljoin(real_url, PAGES[kind]))
    phone.wait_for_load_state("networkidle")
    figure = phone.locator("article figure.cm-figure--heatmap").first
    figure.scroll_into_view_if_needed()
    got = figure.evaluate(_HEATMAP)
    assert got["before"][0] > got["before"][1], got["before"]  # wider than the phone: the test exercises the scroll
    assert got["scrollLeft"] > 0
    box = got["box"]
    # The whole heatmap is reachable: scrolled to the end, its last column and last row are inside the box.
    assert box["left"] - 1 <= got["cells"]["right"] <= box["right"] + 1, got
    assert got["vertical"][0] <= got["vertical"][1] + 1 and got["cells"]["bottom"] <= box["bottom"] + 1, got
    # The row labels stay in view at the left edge, drawn over the cells that scrolled under them.
    assert got["labels"] and all(box["left"] - 1 <= lab["left"] and lab["right"] <= box["right"] + 1 for lab in got["labels"]), got["labels"]
    assert all(lab["shown"] for lab in got["labels"]), [lab["text"] for lab in got["labels"] if not lab["shown"]]
    # The caption does not scroll with the cells.
    assert 0 <= got["caption"]["left"] and got["caption"]["right"] <= WIDTH and got["caption"]["width"] > 0, got["caption"]
    _shot(phone, f"{kind}-heatmap-scrolled")
    assert_clean(phone)
