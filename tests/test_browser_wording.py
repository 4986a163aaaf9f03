"""The site's wording (issue 20 item 9) on the real catalogue's built site: counts agree with their number
("1 rule", never "1 rules" or "0 rule"), statements are named as people read them ("Question description", not
SEC-8.desc), and a chart ends with a sentence that says what it shows, computed from the data.

Every built page's text is read with the standard library's HTML parser; the chart sentences are checked in a
real browser, with the expected numbers from the independent oracle (tests/oracle).
"""

from __future__ import annotations

import re
from functools import lru_cache
from html.parser import HTMLParser
from urllib.parse import urljoin

import pytest
from oracle.derive import Oracle
from support.browser import assert_clean, shot

from conformap import paths

pytestmark = [pytest.mark.slow, pytest.mark.browser]

SINGULARS = "rule|question|mapping|statement|service|enhancement|file|row|pair|control|family|part|erratum|resource|requirement"
PLURALS = "rules|questions|mappings|statements|services|enhancements|files|rows|pairs|controls|families|parts|errata|resources|requirements"
ONE_PLURAL = re.compile(rf"(?<![\d.,])\b1 (?:more )?(?:{PLURALS})\b")
ZERO_SINGULAR = re.compile(rf"(?<![\d.,])\b0 (?:{SINGULARS})\b")
DESC = re.compile(r"\bSEC-\d+\.desc\b")
# Pages that show statement ids as data: the downloads' data dictionary ("such as SEC-1.desc"), the errata's
# quotes of the catalogue, the contributing guide (which documents the files) and the sample posture report.
DESC_AS_DATA = {"downloads", "errata", "contributing", "posture-sample", "changes"}


class _Text(HTMLParser):
    """The text a reader sees of a page's article (scripts, styles and the search index left out)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "svg"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style", "svg") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def page_text(path) -> str:
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return re.sub(r"\s+", " ", "".join(parser.parts))


@lru_cache(maxsize=1)
def oracle() -> Oracle:
    return Oracle(paths.DEFAULT_CATALOG)


def test_the_patterns_catch_what_they_must():
    assert ONE_PLURAL.search("through 1 rules (a)") and ONE_PLURAL.search("1 questions") and ONE_PLURAL.search("1 families")
    assert ZERO_SINGULAR.search("(0 rule)") and ZERO_SINGULAR.search("0 question.")
    assert not ONE_PLURAL.search("1 rule (a)") and not ONE_PLURAL.search("11 rules") and not ONE_PLURAL.search("0.1 rules")
    assert not ZERO_SINGULAR.search("0 rules") and not ZERO_SINGULAR.search("10 rule")


def test_no_page_miscounts_or_names_a_statement_by_its_id(real_site):
    pages = sorted(real_site.rglob("*.html"))
    assert len(pages) > 140
    for path in pages:
        name = path.relative_to(real_site).parts[0]
        text = page_text(path)
        assert not ONE_PLURAL.search(text), (path, ONE_PLURAL.search(text).group())
        assert not ZERO_SINGULAR.search(text), (path, ZERO_SINGULAR.search(text).group())
        if name not in DESC_AS_DATA:
            assert not DESC.search(text), (path, DESC.search(text).group())
    # the pages that did name it now say "Question description"
    rule = page_text(real_site / "rules" / "s3-bucket-ssl-requests-only" / "index.html")
    assert "Statement: Question description; source row" in rule


def test_overlap_charts_end_with_a_sentence_from_the_data(page, real_url):
    o = oracle()
    most = max(o.rules_by_question_count())
    assert most == 3  # golden: no rule of the snapshot serves more than 3 questions
    best = max(o.overlapping_pairs(), key=lambda p: p[2])
    page.goto(urljoin(real_url, "overlap/"))
    figures = page.locator("figure.cm-figure")
    after_heatmap = figures.nth(0).evaluate("f => f.nextElementSibling.innerText")
    assert after_heatmap == f"{best[0]} and {best[1]} share the most rules: {best[2]}."
    after_bars = figures.nth(1).evaluate("f => f.nextElementSibling.innerText")
    assert after_bars == f"No rule serves more than {most} questions."
    figures.nth(1).scroll_into_view_if_needed()
    shot(page, "overlap-bars-sentence")
    assert_clean(page)


def test_crosswalk_heatmap_ends_with_its_busiest_cell(page, real_url):
    o = oracle()
    cells = {}  # (question, family) -> rules, from the Security Hub and NIST snapshots
    for q in o.question_ids():
        for rule in o.rules_of(q):
            for nist in o.rule_crosswalk(rule)["nist_800_53_r5"]:
                cells.setdefault((q, nist.split("-")[0]), set()).add(rule)
    n = max(len(r) for r in cells.values())
    page.goto(urljoin(real_url, "crosswalk/"))
    sentence = page.locator("figure.cm-figure").first.evaluate("f => f.nextElementSibling.innerText")
    assert sentence.startswith(f"The most rules of one question reaching one family: {n} rules of SEC-")
    q, family = re.search(r"of (SEC-\d+) reach ([A-Z]{2}) ", sentence).groups()
    assert len(cells[(q, family)]) == n
    assert_clean(page)
