"""The rules index as a shareable tool (issue 20 item 3), in a real browser on the real catalogue: a numeric
"Serves" column that sorts as numbers, several questions filtered at once, "Clear filters", the count on the
Copy button, and the filter and sort state in the query string, restored on reload and on Back and Forward.
Without JavaScript the table is whole. Expected values are read from the rule YAML files with PyYAML.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import yaml
from support.browser import assert_clean, shot

from conformap import paths

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def served() -> dict[str, set[str]]:
    out = {}
    for p in sorted((paths.DEFAULT_CATALOG / "rules").glob("*.yaml")):
        d = yaml.safe_load(p.read_text(encoding="utf-8"))
        out[d["id"]] = {m["control"] for m in d.get("mappings", [])}
    return out


TABLE = "article .cm-table--rules"


def shown(page) -> list[str]:
    return page.eval_on_selector_all(f"{TABLE} tbody tr:not([hidden]) td:first-child a", "els => els.map(e => e.textContent.trim())")


def chip(page, question):
    return page.locator(f"{TABLE} .cm-table__chip[data-value='{question}']")


def query(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def test_serves_column_sorts_as_numbers(page, real_url):
    s = served()
    page.goto(urljoin(real_url, "rules/"))
    header = page.locator(f"{TABLE} th button", has_text="Serves")
    header.click()
    header.click()  # descending
    rows = shown(page)
    counts = [len(s[r]) for r in rows]
    assert counts == sorted(counts, reverse=True) and counts[0] == max(len(v) for v in s.values())
    assert query(page) == {"sort": ["serves"], "order": ["desc"]}
    page.reload()
    assert shown(page) == rows  # the sort survives a reload
    assert page.locator(f"{TABLE} th[aria-sort='descending']").inner_text().startswith("Serves")
    assert_clean(page)


def test_several_questions_clear_filters_url_state_back_and_forward(page, real_url):
    s = served()
    want3 = {r for r, qs in s.items() if "SEC-3" in qs}
    want38 = {r for r, qs in s.items() if qs & {"SEC-3", "SEC-8"}}
    page.goto(urljoin(real_url, "rules/"))
    copy = page.locator(f"{TABLE} button.cm-table__copy")
    assert copy.inner_text() == f"Copy {len(s)} rule names"
    chip(page, "SEC-3").click()
    assert set(shown(page)) == want3 and copy.inner_text() == f"Copy {len(want3)} rule names"
    chip(page, "SEC-8").click()
    assert set(shown(page)) == want38 and query(page) == {"questions": ["SEC-3,SEC-8"]}
    shot(page, "rules-index-two-questions")
    # shared as a link / reloaded: the same rows, the same buttons pressed
    page.reload()
    assert set(shown(page)) == want38
    assert chip(page, "SEC-8").get_attribute("aria-pressed") == "true"
    # Back: SEC-3 alone; Forward: both again
    page.go_back()
    page.wait_for_function("() => location.search === '?questions=SEC-3'")
    assert set(shown(page)) == want3 and chip(page, "SEC-8").get_attribute("aria-pressed") == "false"
    page.go_forward()
    page.wait_for_function("() => location.search.includes('SEC-8')")
    assert set(shown(page)) == want38
    # a service chosen, then Clear filters: every row, an empty query string, the drop-down back to "all"
    page.locator(f"{TABLE} select").first.select_option(index=1)
    page.locator(f"{TABLE} button.cm-table__clear").click()
    assert len(shown(page)) == len(s) and urlsplit(page.url).query == ""
    assert page.locator(f"{TABLE} select").first.input_value() == ""
    # Back after Clear: the filtered state, drop-down included
    page.go_back()
    page.wait_for_function("() => location.search.includes('service')")
    chosen = page.locator(f"{TABLE} select").first.input_value()
    assert chosen and len(shown(page)) < len(want38)
    assert_clean(page)


def test_the_table_is_whole_without_javascript(browser, real_url):
    context = browser.new_context(java_script_enabled=False)
    pg = context.new_page()
    pg.goto(urljoin(real_url, "rules/?questions=SEC-3"))
    rows = pg.eval_on_selector_all(f"{TABLE} tbody tr", "els => els.filter(e => !e.hidden).length")
    context.close()
    assert rows == len(served())
