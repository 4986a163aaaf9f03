"""Ids of other frameworks in the site search (issue 20 item 1), in a real browser on the real catalogue:
a Security Hub control, a NIST SP 800-53 control with and without its enhancement, a PCI DSS requirement,
each written the ways people type them, ranks the section that answers it first, and the result lands on it.
A NIST id without its enhancement (SC-8) ranks the base control above SC-8(1) and SC-8(2), which the search's
prefix matching finds too (mkdocs.yml's separator explains how).
Expected sections are read from the crosswalk snapshots with PyYAML, never from the page code.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import pytest
import yaml
from support.browser import assert_clean, shot

from conformap import paths

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CROSSWALKS = paths.DEFAULT_CATALOG / "crosswalks"


def hub_controls() -> dict[str, dict]:
    out: dict[str, dict] = {}
    for path in sorted(CROSSWALKS.glob("security-hub*.yaml")):
        for c in yaml.safe_load(path.read_text(encoding="utf-8")).get("controls", []):
            out.setdefault(c["id"], c)
    return out


def search(page, query: str) -> list[str]:
    """The result links of Material's search for ``query``, best first (path and fragment)."""
    page.keyboard.press("/")  # Material's search shortcut
    box = page.locator("input.md-search__input")
    box.wait_for(state="visible")
    box.fill(query)
    box.press("End")  # Material reads the query on keyup
    page.locator(".md-search-result__item").first.wait_for(state="visible", timeout=15_000)
    hrefs = page.eval_on_selector_all(".md-search-result__item a.md-search-result__link", "els => els.map(e => e.href)")
    return [urlsplit(h).path.rstrip("/").rsplit("/", 1)[-1] + "#" + urlsplit(h).fragment for h in hrefs]


@pytest.mark.parametrize(
    "query, section",
    [
        ("S3.5", "security-hub#hub-s3-5"),
        ("s3.5", "security-hub#hub-s3-5"),
        ("SC-8", "crosswalk#nist-sc-8"),
        ("sc-8", "crosswalk#nist-sc-8"),
        ("SC-28(1)", "crosswalk#nist-sc-28-1"),
        ("sc 28", "crosswalk#nist-sc-28"),
        ("PCI 4.1", "security-hub#pci-4-1"),
    ],
)
def test_an_id_of_another_framework_ranks_its_section_first(page, real_url, query, section):
    # the sections exist in the sources: S3.5 names a rule, SC-8 and SC-28(1) are NIST ids AWS relates, 4.1 a PCI one
    hub = hub_controls()
    assert "S3.5" in hub and hub["S3.5"]["config_rules"]
    related = {n for c in hub.values() for n in c.get("nist_800_53_r5", [])}
    assert {"SC-8", "SC-28", "SC-28(1)"} <= related and any("4.1" in c.get("pci_dss_v3_2_1", []) for c in hub.values())
    page.goto(real_url)
    results = search(page, query)
    # Material heads each page's group of results with the page itself; the first section is the answer,
    # in the first group (the page that answers ranks first)
    page_of = section.split("#")[0] + "#"
    assert results[0] == page_of and results[1] == section, results[:5]
    page.locator(f".md-search-result__item a.md-search-result__link[href$='#{section.split('#')[1]}']").first.click()
    name, fragment = section.split("#")
    page.wait_for_url(lambda u: urlsplit(u).path.endswith(f"/{name}/") and urlsplit(u).fragment == fragment)
    target = page.locator(f"#{section.split('#')[1]}")
    assert target.is_visible() and target.evaluate("e => e.getBoundingClientRect().top") < 200  # landed on it
    shot(page, f"search-{query.replace(' ', '_').replace('(', '').replace(')', '')}")
    assert_clean(page)


def test_security_hub_page_lists_each_control_with_title_severity_rules_and_questions(page, real_url):
    hub = hub_controls()
    page.goto(urljoin(real_url, "security-hub/"))
    section = page.locator("#hub-s3-5")
    assert section.inner_text().startswith("S3.5 " + hub["S3.5"]["title"].rstrip(".")[:20])
    text = section.evaluate("e => e.nextElementSibling.innerText")
    assert "severity Medium" in text and "s3-bucket-ssl-requests-only" in text and "SEC-9" in text
    assert_clean(page)


def rule_questions(rule: str) -> list[str]:
    """The questions a rule's YAML file maps it to, in question order."""
    doc = yaml.safe_load((paths.DEFAULT_CATALOG / "rules" / f"{rule}.yaml").read_text(encoding="utf-8"))
    return sorted({m["control"] for m in doc["mappings"]}, key=lambda q: int(q.split("-")[1]))


@pytest.mark.parametrize("rule", ["s3-bucket-ssl-requests-only", "s3-bucket-public-read-prohibited"])
def test_a_rule_pages_search_teaser_names_its_questions(page, real_url, rule):
    questions = rule_questions(rule)
    assert questions
    page.goto(real_url)
    assert search(page, rule)[0] == rule + "#"
    # the teaser: the text Material shows under the page's title in its result
    teaser = page.locator(".md-search-result__item").first.locator("article.md-search-result__article > p").first
    assert teaser.inner_text().startswith(f"Serves {', '.join(questions)}: "), teaser.inner_text()
    shot(page, f"search-teaser-{rule}")
    assert_clean(page)
