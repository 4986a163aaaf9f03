"""End-to-end tests in a real browser: Playwright for Python driving Debian's headless Chromium.

The built sites are served from 127.0.0.1 by a throw-away HTTP server. Every visited page is watched
for console errors and for requests to any host but 127.0.0.1 (tests/support/browser.py; the fixtures
are in conftest.py). Screenshots of the main pages are saved under test-artifacts/screenshots/
(git-ignored), for a person to look at.

Chromium comes from Debian (``apt-get install chromium``; .ci/run installs it). Without it these tests
are skipped with a reason, unless CONFORMAP_REQUIRE_BROWSER=1 (set by .ci/run), which makes that an error.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
from support.browser import ARTIFACTS, assert_clean, shot

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def test_search_finds_a_rule_and_reaches_its_page(page, real_url):
    page.goto(real_url)
    page.keyboard.press("/")  # Material's search shortcut
    box = page.locator("input.md-search__input")
    box.wait_for(state="visible")
    box.fill("restricted-ssh")
    box.press("End")  # Material reads the query on keyup
    result = page.locator(".md-search-result__item a[href*='rules/restricted-ssh/']").first
    result.wait_for(state="visible", timeout=15_000)
    shot(page, "search-results")
    result.click()
    page.wait_for_url("**/rules/restricted-ssh/**")
    assert "restricted-ssh" in page.locator("h1").first.inner_text()
    assert_clean(page)


@pytest.mark.parametrize("rule", ["s3-bucket-public-read-prohibited", "vpc-network-acl-unused-check", "elasticsearch-in-vpc-only"])
def test_every_question_link_on_a_rule_page_leads_back(page, real_url, rule):
    page.goto(urljoin(real_url, f"rules/{rule}/"))
    hrefs = page.eval_on_selector_all(
        "article a[href*='controls/sec-']", "els => [...new Set(els.map(e => e.href.split('#')[0]))]"
    )
    assert hrefs, f"no question links on the {rule} page"
    for href in hrefs:
        page.goto(href)
        back = page.locator(f"article a[href*='rules/{rule}/']")
        assert back.count() >= 1, f"{href} does not list {rule}"
    assert_clean(page)


def test_downloads_through_their_links(page, real_url):
    page.goto(urljoin(real_url, "downloads/"))
    shot(page, "downloads")
    links = {}
    for name in ("mappings.csv", "mappings.json", "mappings.schema.json"):
        link = page.locator(f"article a[href$='{name}']").first
        assert link.count() == 1, f"no link to {name}"
        links[name] = urljoin(page.url, link.get_attribute("href"))
    csv_resp = page.request.get(links["mappings.csv"])
    json_resp = page.request.get(links["mappings.json"])
    assert csv_resp.ok and json_resp.ok
    rows = list(csv.DictReader(io.StringIO(csv_resp.body().decode("utf-8"), newline="")))
    data = json.loads(json_resp.body())
    assert len(rows) == len(data["mappings"]) == 181
    assert {(r["rule"], r["control_id"]) for r in rows} == {(m["rule"], m["control"]) for m in data["mappings"]}
    schema = json.loads(page.request.get(links["mappings.schema.json"]).body())
    import jsonschema

    jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)
    assert_clean(page)


MAIN_PAGES = [
    "",
    "controls/",
    "controls/sec-3/",
    "controls/sec-7/",
    "rules/",
    "rules/restricted-ssh/",
    "overlap/",
    "errata/",
    "methodology/",
    "downloads/",
    "changes/",
    "contributing/",
    "about/",
]


def test_main_pages_have_no_console_error_or_third_party_request(page, real_url):
    for rel in MAIN_PAGES:
        page.goto(urljoin(real_url, rel))
        page.wait_for_load_state("networkidle")
        shot(page, "page-" + (rel.strip("/").replace("/", "-") or "home"))
    assert_clean(page)


def test_rule_page_suggests_a_change(page, real_url):
    page.goto(urljoin(real_url, "rules/restricted-ssh/"))
    page.locator("article h2#suggest-a-change").scroll_into_view_if_needed()
    edit = page.locator("article a", has_text="Edit catalog/rules/restricted-ssh.yaml on GitHub")
    assert edit.count() == 1 and edit.is_visible()
    assert edit.get_attribute("href") == "https://github.com/conformap/conformap/edit/main/catalog/rules/restricted-ssh.yaml"
    report = page.locator("article a", has_text="Report a problem with restricted-ssh")
    assert report.count() == 1 and report.is_visible()
    query = parse_qs(urlsplit(report.get_attribute("href")).query)
    assert query == {"template": ["mapping-correction.yml"], "title": ["[mapping] restricted-ssh"], "rule": ["restricted-ssh"], "question": ["SEC-5"]}
    shot(page, "rule-suggest-a-change")
    # The site's own link of the section, and the navigation entries of the new pages, lead somewhere.
    nav = page.locator("nav.md-nav--primary")
    for name in ("Changes", "Contributing"):
        assert nav.locator("a.md-nav__link", has_text=name).count() == 1, name
    page.locator("article a", has_text="Contributing").first.click()
    page.wait_for_url("**/contributing/")
    assert "Contributing to conformap" in page.locator("h1").first.inner_text()
    assert_clean(page)


def test_question_page_proposes_a_rule_and_says_where_its_mappings_live(page, real_url):
    page.goto(urljoin(real_url, "controls/sec-8/"))
    propose = page.locator("article a", has_text="Propose a rule for SEC-8")
    assert propose.count() == 1
    propose.scroll_into_view_if_needed()
    assert propose.is_visible()
    href = urlsplit(propose.get_attribute("href"))
    assert f"{href.scheme}://{href.netloc}{href.path}" == "https://github.com/conformap/conformap/issues/new"
    assert parse_qs(href.query) == {"template": ["rule-proposal.yml"], "title": ["[proposal] Rule for SEC-8"], "question": ["SEC-8"]}
    report = page.locator("article a", has_text="Report a problem with SEC-8")
    assert parse_qs(urlsplit(report.get_attribute("href")).query)["question"] == ["SEC-8"]
    folder = page.locator("article a", has_text="browse the rule files on GitHub")
    assert folder.get_attribute("href") == "https://github.com/conformap/conformap/tree/main/catalog/rules"
    # No theme edit button: the question's file holds none of its rules.
    assert page.locator("a.md-content__button[title='Edit this page']").count() == 0
    # The placeholder address: a banner says so, on screen.
    banner = page.locator(".md-banner .cm-placeholder")
    assert banner.count() == 1 and "not published yet" in banner.inner_text()
    shot(page, "question-suggest-a-change")
    assert_clean(page)


@pytest.mark.parametrize("width,height", [(1280, 900), (390, 844)])
def test_contributing_links_the_issue_forms_on_its_first_screen(browser, real_url, width, height):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(urljoin(real_url, "contributing/"))
    for form, name in (("mapping-correction.yml", "Mapping correction"), ("rule-proposal.yml", "Rule proposal")):
        link = page.locator("article a", has_text=name).first
        assert link.get_attribute("href") == f"https://github.com/conformap/conformap/issues/new?template={form}"
        box = link.bounding_box()
        assert box is not None and box["y"] + box["height"] <= height, (form, box)  # on the first screen, unscrolled
    shot(page, f"contributing-first-screen-{width}")
    context.close()


def test_dark_mode_overlap_page(page, real_url):
    page.emulate_media(color_scheme="dark")
    page.goto(urljoin(real_url, "overlap/"))
    # The palette follows the system preference: the dark ("slate") scheme is active without a click.
    assert page.evaluate("() => document.body.getAttribute('data-md-color-scheme')") == "slate"
    # The SVG draws with theme colours, so its text is light on the dark page.
    fill = page.evaluate("() => getComputedStyle(document.querySelector('article svg text')).fill")
    assert fill and fill != "rgb(0, 0, 0)", fill
    svg = page.locator("article svg[role='group']").first  # its cells are links (tests/test_browser_a11y.py)
    assert svg.count() == 1
    assert svg.get_attribute("aria-label")
    assert page.locator("article svg title").count() > 0
    shot(page, "overlap-dark")
    assert_clean(page)


@pytest.mark.parametrize("rel", ["rules/iam-policy-no-statements-with-admin-access/", "controls/sec-3/", "rules/", "overlap/"])
def test_phone_viewport_has_no_horizontal_overflow(browser, real_url, rel):
    context = browser.new_context(viewport={"width": 375, "height": 800}, device_scale_factor=1, is_mobile=True)
    pg = context.new_page()
    pg.goto(urljoin(real_url, rel))
    overflow = pg.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / f"phone-{rel.strip('/').replace('/', '-')}.png"))
    context.close()
    assert overflow <= 1, f"{rel} is {overflow}px wider than a 375px screen"


INJECTION_PROBE = """() => ({
  pwned: window.__pwned === undefined ? null : String(window.__pwned),
  injected: [
    ...document.querySelectorAll(
      'article script, article iframe, article img[src="x"], article marquee, article svg[onload], ' +
      'article [onerror], article [onclick], article [onload], article a[href^="javascript:"], #injected, .evil'
    ),
    ...[...document.querySelectorAll('style')].filter(s => s.textContent.includes('body{display:none}')),
  ].map(e => e.outerHTML.slice(0, 120)),
})"""


def test_hostile_strings_render_as_text(page, hostile_url, hostile_site):
    pages = sorted(p.relative_to(hostile_site).parent.as_posix() for p in hostile_site.rglob("index.html"))
    assert len(pages) >= 8
    for rel in pages:
        page.goto(urljoin(hostile_url, "" if rel == "." else rel + "/"))
        result = page.evaluate(INJECTION_PROBE)
        assert result == {"pwned": None, "injected": []}, rel
    page.goto(urljoin(hostile_url, "rules/evil-rule/"))
    text = page.locator("article").inner_text()
    assert "<script>window.__pwned='guidance'</script>" in text  # shown literally
    assert "[link](javascript:window.__pwned='md')" in text
    shot(page, "hostile-rule")
    assert_clean(page)


def teardown_module(module):
    # Keep the screenshot folder small: only the latest run's files are there.
    if ARTIFACTS.exists() and not any(ARTIFACTS.iterdir()):
        shutil.rmtree(ARTIFACTS)
