"""The site for the tasks people come with (issue 12), in a real browser on the real catalogue.

Each test is one task: the rules of a question for a ticket, a rule found by filtering or by the site
search, the rules behind an overlap number, a deep link that survives a change, the site on a phone.
Expected values are read from the catalogue's YAML files here, with PyYAML, never from the page code.
Screenshots (desktop and 375 px, light and dark) go to test-artifacts/screenshots/ (tests/support/browser.py).
"""

from __future__ import annotations

import csv
import io
import json
import re
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

import pytest
import yaml
from support.browser import ARTIFACTS, assert_clean, shot, watched

from conformap import paths

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CATALOG = paths.DEFAULT_CATALOG

# Rule names whose words overlap other rules' names (root-account-mfa-enabled's words are all in
# root-account-hardware-mfa-enabled's), and pairs that differ by one word.
TEN_RULES = [
    "root-account-mfa-enabled",
    "root-account-hardware-mfa-enabled",
    "s3-bucket-public-read-prohibited",
    "s3-bucket-public-write-prohibited",
    "restricted-ssh",
    "restricted-common-ports",
    "elasticsearch-in-vpc-only",
    "opensearch-in-vpc-only",
    "iam-user-mfa-enabled",
    "mfa-enabled-for-iam-console-access",
]


# --------------------------------------------------------------------------- the catalogue, read independently


@lru_cache(maxsize=1)
def rules() -> dict[str, dict]:
    out = {}
    for path in sorted((CATALOG / "rules").glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        out[doc["id"]] = doc
    return out


@lru_cache(maxsize=1)
def controls() -> list[dict]:
    docs = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in (CATALOG / "controls").glob("*.yaml")]
    return sorted(docs, key=lambda d: d["number"])


def questions_of(rule_id: str) -> set[str]:
    return {m["control"] for m in rules()[rule_id].get("mappings", [])}


def rules_of(control_id: str) -> set[str]:
    return {r for r in rules() if control_id in questions_of(r)}


def framework() -> dict:
    return yaml.safe_load((CATALOG / "framework.yaml").read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- browser helpers


@pytest.fixture
def clip_page(browser):
    """A desktop page allowed to read and write the clipboard."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, permissions=["clipboard-read", "clipboard-write"])
    yield watched(context)
    context.close()


def shown_rules(pg, table: str) -> list[str]:
    """The rule names of the rows of ``table`` (a CSS selector of a .cm-table) that are shown, in order."""
    return pg.eval_on_selector_all(
        f"{table} tbody tr:not([hidden]) td:first-child",
        "cells => cells.map(c => (c.querySelector('a') || c).textContent.trim())",
    )


def search(pg, query: str) -> list[str]:
    """The result links of Material's search for ``query``, best first (absolute URLs)."""
    box = pg.locator("input.md-search__input")
    if not box.is_visible():
        pg.keyboard.press("/")
        box.wait_for(state="visible")
    box.fill("")
    box.press("End")  # Material reads the query on keyup
    pg.wait_for_function("document.querySelectorAll('.md-search-result__item').length === 0")
    box.fill(query)
    box.press("End")
    pg.locator(".md-search-result__item").first.wait_for(timeout=15_000)
    return pg.eval_on_selector_all(".md-search-result__item > a", "els => els.map(e => e.href)")


def path_of(url: str) -> str:
    return urlsplit(url).path


# --------------------------------------------------------------------------- 1. the rules of a question, for a ticket


def test_every_question_page_opens_with_a_table_of_all_its_rules(page, real_url):
    services = {r: d.get("service") or "" for r, d in rules().items()}
    mapped = [c for c in controls() if rules_of(c["id"])]
    assert len(rules_of("SEC-8")) == 29  # the number the source maps, counted from the YAML files
    for c in mapped:
        cid = c["id"]
        page.goto(urljoin(real_url, f"controls/{cid.lower()}/"))
        table = "article .cm-table--question-rules"
        assert page.locator(table).count() == 1, cid
        names = shown_rules(page, table)
        assert sorted(names) == sorted(rules_of(cid)) and len(names) == len(set(names)), cid
        # It comes before the long guidance (the statements and their rules).
        first_table = page.evaluate(
            "() => { const t = document.querySelector('article .cm-table--question-rules');"
            " const h = [...document.querySelectorAll('article h2')].find(e => e.textContent.startsWith('Statements'));"
            " return !h || !!(t.compareDocumentPosition(h) & Node.DOCUMENT_POSITION_FOLLOWING); }"
        )
        assert first_table, f"{cid}: the table of rules is not above the statements"
        rows = page.eval_on_selector_all(
            f"{table} tbody tr",
            "trs => trs.map(tr => [...tr.cells].map(c => c.textContent.trim()))",
        )
        header = page.eval_on_selector_all(f"{table} thead th", "ths => ths.map(t => t.textContent.replace(/[↕↑↓]/g, '').trim())")
        col = {h: i for i, h in enumerate(header)}
        for row in rows:
            rid = row[0]
            assert row[col["Service"]] in (services[rid], "—"), (cid, rid)
            assert row[col["Deprecated"]] == ("yes" if rules()[rid].get("deprecated") else "no"), (cid, rid)
            others = sorted(questions_of(rid) - {cid}, key=lambda q: int(q.split("-")[1]))
            assert row[col["Also supports"]] == (", ".join(others) or "—"), (cid, rid)
    assert_clean(page)


def test_copy_rule_names_with_the_keyboard(clip_page, real_url):
    pg = clip_page
    pg.goto(urljoin(real_url, "controls/sec-8/"))
    button = pg.locator("article .cm-table--question-rules button.cm-table__copy")
    assert button.inner_text() == f"Copy {len(rules_of('SEC-8'))} rule names"
    button.focus()
    pg.keyboard.press("Enter")
    pg.wait_for_function("document.querySelector('article .cm-table--question-rules .cm-table__status').textContent.startsWith('Copied')")
    copied = pg.evaluate("navigator.clipboard.readText()")
    assert copied.endswith("\n") and sorted(copied.splitlines()) == sorted(rules_of("SEC-8"))
    shot(pg, "question-sec-8-table-desktop-light")
    assert_clean(pg)


def test_question_csv_and_conformance_pack_beside_the_table(page, real_url):
    page.goto(urljoin(real_url, "controls/sec-8/"))
    csv_link = page.locator("article a[href$='downloads/questions/sec-8.csv']")
    pack_link = page.locator("article a[href$='downloads/conformance-packs/sec-8.yaml']")
    assert csv_link.count() == 1 and pack_link.count() == 1
    body = page.request.get(urljoin(page.url, csv_link.get_attribute("href")))
    assert body.ok
    rows = list(csv.DictReader(io.StringIO(body.body().decode("utf-8"), newline="")))
    assert {r["rule"] for r in rows} == rules_of("SEC-8") and {r["control_id"] for r in rows} == {"SEC-8"}
    pack = page.request.get(urljoin(page.url, pack_link.get_attribute("href")))
    assert pack.ok and b"AWS::Config::ConfigRule" in pack.body()
    assert_clean(page)


# --------------------------------------------------------------------------- 2. where is rule X: filter and sort


def _exact_services() -> dict[str, set[str]]:
    """Services whose name appears in no other row's cells (rule name, other service, trigger, questions)."""
    by_service: dict[str, set[str]] = {}
    for rid, d in rules().items():
        if d.get("service"):
            by_service.setdefault(d["service"], set()).add(rid)
    out = {}
    for sv, members in by_service.items():
        needle = sv.lower()
        clash = [
            rid
            for rid, d in rules().items()
            if rid not in members
            and any(needle in (v or "").lower() for v in (rid, d.get("service"), d.get("trigger"), *questions_of(rid)))
        ]
        if not clash:
            out[sv] = members
    return out


def test_typing_a_service_name_leaves_exactly_its_rules(page, real_url):
    services = _exact_services()
    assert len(services) >= 20
    page.goto(urljoin(real_url, "rules/"))
    box = page.locator("article .cm-table--rules input[type='search']")
    assert shown_rules(page, "article .cm-table--rules") == sorted(rules())
    for sv, members in services.items():
        box.fill(sv)
        assert sorted(shown_rules(page, "article .cm-table--rules")) == sorted(members), sv
    box.fill("Amazon S3")
    shot(page, "rules-filtered-desktop-light")
    box.fill("")
    assert len(shown_rules(page, "article .cm-table--rules")) == len(rules())
    assert_clean(page)


def test_sort_by_a_column_with_the_keyboard(page, real_url):
    page.goto(urljoin(real_url, "rules/"))
    table = "article .cm-table--rules"
    header = page.locator(f"{table} thead th").first
    assert header.get_attribute("aria-sort") == "none"
    header.locator("button").focus()
    page.keyboard.press("Enter")
    assert header.get_attribute("aria-sort") == "ascending"
    assert shown_rules(page, table) == sorted(rules())
    page.keyboard.press("Space")
    assert header.get_attribute("aria-sort") == "descending"
    assert shown_rules(page, table) == sorted(rules(), reverse=True)
    service = page.locator(f"{table} thead th", has_text="Service")
    service.locator("button").click()
    assert header.get_attribute("aria-sort") == "none" and service.get_attribute("aria-sort") == "ascending"
    shown_services = page.eval_on_selector_all(f"{table} tbody td:nth-child(2)", "cs => cs.map(c => c.textContent.trim())")
    assert shown_services == sorted(shown_services, key=str.lower)
    assert_clean(page)


def test_facets_question_trigger_and_deprecated(page, real_url):
    page.goto(urljoin(real_url, "rules/"))
    table = "article .cm-table--rules"
    page.locator(f"{table} .cm-table__chip[data-value='SEC-8']").click()
    assert sorted(shown_rules(page, table)) == sorted(rules_of("SEC-8"))
    page.locator(f"{table} .cm-table__chip[data-value='Periodic']").click()
    want = {r for r in rules_of("SEC-8") if rules()[r].get("trigger") == "Periodic"}
    assert want and sorted(shown_rules(page, table)) == sorted(want)
    page.locator(f"{table} .cm-table__chip[data-value='SEC-8']").click()  # a second click clears the facet
    page.locator(f"{table} .cm-table__chip[data-value='Periodic']").click()
    deprecated = sorted(r for r, d in rules().items() if d.get("deprecated"))
    if deprecated:
        page.locator(f"{table} .cm-table__chip[data-value='yes']").click()
        assert sorted(shown_rules(page, table)) == deprecated
    else:  # no rule is deprecated (issue 19): nothing offers to filter on "yes"
        assert page.locator(f"{table} .cm-table__chip[data-value='yes']").count() == 0
    assert_clean(page)


def test_without_javascript_the_whole_table_shows(browser, real_url):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.goto(urljoin(real_url, "rules/"))
    assert pg.locator("article .cm-table--rules tbody tr").count() == len(rules())
    assert pg.locator("article .cm-table--rules input").count() == 0
    pg.goto(urljoin(real_url, "controls/sec-8/"))
    assert pg.locator("article .cm-table--question-rules tbody tr").count() == 29
    context.close()


def test_instant_navigation_enhances_the_next_page(page, real_url):
    """Material swaps pages without a load event; the tables of the page reached by a click get their tools."""
    page.goto(real_url)
    page.locator("nav.md-nav--primary a.md-nav__link", has_text="Rules").first.click()
    page.wait_for_url("**/rules/")
    page.locator("article .cm-table--rules input[type='search']").wait_for()
    assert page.evaluate("() => document.querySelectorAll('article .cm-table__tools').length") == 1
    assert_clean(page)


# --------------------------------------------------------------------------- 3. search that finds the thing


def test_ten_exact_rule_names_rank_their_own_page_first(page, real_url):
    assert set(TEN_RULES) <= set(rules())
    page.goto(real_url)
    for name in TEN_RULES:
        results = search(page, name)
        assert path_of(results[0]).endswith(f"/rules/{name}/"), (name, results[:3])
    for name in ("s3-bucket-public-read-prohibited", "restricted-ssh", "root-account-mfa-enabled"):
        ident = rules()[name]["identifier"]
        results = search(page, ident)
        assert path_of(results[0]).endswith(f"/rules/{name}/"), (ident, results[:3])
    shot(page, "search-rule-name")
    assert_clean(page)


@pytest.mark.parametrize("number", [8, 10, 1])
def test_question_ids_in_every_written_form_reach_the_question(page, real_url, number):
    """The question's page ranks first; SEC-1's is among the first three (the word being typed is also a
    prefix: "SEC-1" finds SEC-10 and SEC-11, conformap.site.search)."""
    page.goto(real_url)
    for query in (f"SEC-{number}", f"SEC {number}", f"SEC{number:02d}", f"sec{number}", f"sec-{number}", f"Sec{number:02d}"):
        results = [path_of(u) for u in search(page, query)]
        longer = [c["id"] for c in controls() if c["id"] != f"SEC-{number}" and c["id"].startswith(f"SEC-{number}")]
        top = results[: 1 + len(longer)]
        assert any(p.endswith(f"/controls/sec-{number}/") for p in top), (query, results[:3])


def test_best_practice_id_reaches_the_statement(page, real_url):
    page.goto(real_url)
    results = search(page, "SEC03-BP07")
    anchored = [u for u in results[:3] if urlsplit(u).fragment]
    assert anchored and path_of(anchored[0]).endswith("/controls/sec-3/"), results[:3]
    page.goto(anchored[0])
    heading = page.evaluate(f"() => document.getElementById({json.dumps(urlsplit(anchored[0]).fragment)}).textContent")
    assert "SEC03-BP07" in heading
    assert_clean(page)


def test_search_index_leaves_out_examples_overlap_lists_and_suggestions(real_site):
    docs = json.loads((real_site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    assert docs
    for d in docs:
        where = d["location"]
        assert "+++ b/catalog/" not in d["text"], where  # CONTRIBUTING's example diffs
        assert "Report a problem with" not in d["text"] and "Propose a rule for" not in d["text"], where  # the "Suggest a change" blocks
        if where.startswith("rules/") and where.endswith("#overlap"):  # names no other rule
            own = where.split("/")[1]
            assert not [r for r in rules() if r != own and r in d["text"]], where


# --------------------------------------------------------------------------- 4. overlap you can open


def _section_rules(pg, anchor: str) -> list[str]:
    return pg.eval_on_selector_all(f"[id='{anchor}'] a[href*='rules/']", "as => as.map(a => a.textContent.trim())")


def test_a_heatmap_cell_opens_the_list_of_shared_rules(page, real_url):
    page.goto(urljoin(real_url, "overlap/"))
    cell = page.locator("article svg.cm-heatmap a[*|href='#pair-sec-3-sec-5']").first
    assert cell.count() == 1
    cell.click()
    page.wait_for_url("**#pair-sec-3-sec-5")
    shared = rules_of("SEC-3") & rules_of("SEC-5")
    assert sorted(_section_rules(page, "pair-sec-3-sec-5")) == sorted(shared)
    assert page.evaluate("() => { const r = document.getElementById('pair-sec-3-sec-5').getBoundingClientRect(); return r.top < innerHeight && r.bottom > 0; }")
    shot(page, "overlap-pair-desktop-light")
    # Every cell off the diagonal with a shared rule opens its pair; every pair lists exactly its shared rules.
    ids = [c["id"] for c in controls()]
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            both = rules_of(a) & rules_of(b)
            anchor = f"pair-{a.lower()}-{b.lower()}"
            if not both:
                assert page.locator(f"[id='{anchor}']").count() == 0
                continue
            assert sorted(_section_rules(page, anchor)) == sorted(both), anchor
            assert page.locator(f"article svg.cm-heatmap a[*|href='#{anchor}']").count() == 2, anchor  # both halves
            assert page.locator(f"article table a[href$='#{anchor}']").count() >= 1, anchor  # the pairs table
    assert_clean(page)


def test_question_overlap_table_links_to_the_pair(page, real_url):
    page.goto(urljoin(real_url, "controls/sec-5/"))
    link = page.locator("article a[href$='overlap/#pair-sec-3-sec-5']").first
    link.click()
    page.wait_for_url("**/overlap/#pair-sec-3-sec-5")
    assert sorted(_section_rules(page, "pair-sec-3-sec-5")) == sorted(rules_of("SEC-3") & rules_of("SEC-5"))
    assert_clean(page)


def test_rules_by_number_of_questions_lists_the_rules_behind_each_bar(page, real_url):
    page.goto(urljoin(real_url, "overlap/"))
    by_count: dict[int, set[str]] = {}
    for rid in rules():
        n = len(questions_of(rid))
        if n:
            by_count.setdefault(n, set()).add(rid)
    for n, members in by_count.items():
        anchor = f"supporting-{n}-questions"
        assert page.locator(f"article svg.cm-bars a[*|href='#{anchor}']").count() == 1, anchor
        assert sorted(_section_rules(page, anchor)) == sorted(members), anchor
    assert_clean(page)


# --------------------------------------------------------------------------- 5. stable anchors and dates


def test_question_page_anchors_carry_no_count(page, real_url):
    for c in controls():
        page.goto(urljoin(real_url, f"controls/{c['id'].lower()}/"))
        ids = page.eval_on_selector_all("article h2[id]", "hs => hs.map(h => h.id)")
        for anchor in ids:
            assert not re.search(r"-\d+$", anchor), (c["id"], anchor)
        if rules_of(c["id"]):
            assert "exclusive-rules" in ids, c["id"]
    assert_clean(page)


@pytest.mark.parametrize("rel", ["", "downloads/"])
def test_home_and_downloads_state_the_snapshot_date_and_version(page, real_url, rel):
    fw = framework()
    page.goto(urljoin(real_url, rel))
    text = page.locator("article").inner_text()
    assert fw["source"]["captured"] in text and fw["version"] in text
    assert re.search(rf"captured on {re.escape(fw['source']['captured'])}", text), text[:500]
    assert re.search(rf"version {re.escape(fw['version'])}", text), text[:500]
    assert_clean(page)


# --------------------------------------------------------------------------- 6. the phone, light and dark

PHONE_PAGES = {
    "rules/": ("article .cm-table--rules", ["Rule", "Service", "Questions"]),
    "controls/": ("article .cm-table--questions", ["Question", "Text", "Rules"]),
    "downloads/": ("article .cm-table--downloads", ["File", "Contents"]),
    "controls/sec-8/": ("article .cm-table--question-rules", ["Rule", "Statement", "Also supports"]),
    "overlap/": (None, []),
}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("rel", list(PHONE_PAGES))
def test_phone_keeps_key_columns_and_never_overflows(browser, real_url, rel, scheme):
    context = browser.new_context(viewport={"width": 375, "height": 800}, device_scale_factor=1, is_mobile=True, color_scheme=scheme)
    pg = watched(context)
    pg.goto(urljoin(real_url, rel))
    pg.wait_for_load_state("networkidle")
    name = "phone-" + (rel.strip("/").replace("/", "-") or "home") + f"-{scheme}"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / f"{name}.png"))
    overflow = pg.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    table, key_columns = PHONE_PAGES[rel]
    if table:
        boxes = pg.eval_on_selector_all(
            f"{table} thead th",
            "ths => ths.map(t => { const r = t.getBoundingClientRect(); return [t.textContent.replace(/[↕↑↓]/g, '').trim(), r.left, r.right, r.width]; })",
        )
        seen = {label: (left, right, width) for label, left, right, width in boxes}
        for column in key_columns:
            left, right, width = seen[column]
            assert width > 0 and left >= 0 and right <= 375 + 1, (rel, column, seen[column])
    else:
        # The heatmap keeps labels of at least 11 px and scrolls inside its figure.
        size = pg.evaluate(
            "() => { const svg = document.querySelector('article svg.cm-heatmap'); const t = svg.querySelector('text');"
            " return parseFloat(t.getAttribute('font-size')) * svg.getBoundingClientRect().width / svg.viewBox.baseVal.width; }"
        )
        assert size >= 11, size
    context.close()
    assert overflow <= 1, f"{rel} is {overflow}px wider than a 375px screen"
    assert pg.watch.problems == [] and pg.watch.off_host() == []


@pytest.mark.parametrize("rel", ["rules/", "controls/sec-8/", "overlap/", "downloads/"])
def test_desktop_dark_screenshots(browser, real_url, rel):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="dark")
    pg = watched(context)
    pg.goto(urljoin(real_url, rel))
    pg.wait_for_load_state("networkidle")
    assert pg.evaluate("() => document.body.getAttribute('data-md-color-scheme')") == "slate"
    shot(pg, "desktop-dark-" + rel.strip("/").replace("/", "-"))
    assert pg.watch.problems == [] and pg.watch.off_host() == []
    context.close()
