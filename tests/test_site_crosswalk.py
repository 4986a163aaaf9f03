"""The crosswalks on the site: rule pages, question pages, the Crosswalk page, the Methodology page.

Expected values are read from the committed snapshots with PyYAML, independently of the catalogue
model and of the site code.
"""

from __future__ import annotations

import re
import shutil

import pytest
import yaml

import conformap
from conformap import paths
from conformap.site import render_site

CROSSWALKS = paths.PROJECT_ROOT / "catalog" / "crosswalks"
SECTION = "## Security Hub and other frameworks"


@pytest.fixture(scope="module")
def site():
    return render_site(conformap.load())


@pytest.fixture(scope="module")
def guide():
    return yaml.safe_load((CROSSWALKS / "security-hub-guide.yaml").read_text(encoding="utf-8"))


def _section(page: str, heading: str) -> str:
    start = page.index(heading)
    end = page.find("\n## ", start + len(heading))
    return page[start : end if end != -1 else None]


def _md(text: str) -> str:
    """How the pages write an id or a short text: Markdown punctuation backslash-escaped."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>])", r"\\\1", text)


@pytest.mark.scenario
def test_rule_page_shows_its_security_hub_control_and_nist_ids(site, guide):
    hub = [c for c in guide["controls"] if "access-keys-rotated" in c["config_rules"]]
    assert [c["id"] for c in hub] == ["IAM.3"]
    section = _section(site["rules/access-keys-rotated.md"], SECTION)
    assert "<code>IAM\\.3</code>" in section
    assert hub[0]["title"] in section.replace("\\", "")
    assert hub[0]["severity"] in section
    for nist in hub[0]["nist_800_53_r5"]:
        anchor = "nist-" + nist.lower().replace("(", "-").replace(")", "")
        assert f"[{_md(nist)} (" in section
        assert f"(../crosswalk.md#{anchor})" in section


@pytest.mark.scenario
def test_every_rule_the_guide_names_shows_a_security_hub_control(site, guide):
    rules = {p.removeprefix("rules/").removesuffix(".md") for p in site if p.startswith("rules/") and p != "rules/index.md"}
    named = {r for c in guide["controls"] for r in c.get("config_rules", [])} & rules
    assert len(named) >= 95
    for rid in named:
        section = _section(site[f"rules/{rid}.md"], SECTION)
        ids = [c["id"] for c in guide["controls"] if rid in c.get("config_rules", [])]
        assert all(f"<code>{_md(i)}</code>" in section for i in ids), rid
    shown = {r for r in rules if SECTION in site[f"rules/{r}.md"]}
    assert shown >= named
    assert len(shown) >= 95


@pytest.mark.scenario
def test_rule_without_crosswalk_has_no_section(site):
    oscal = yaml.safe_load((CROSSWALKS / "security-hub-oscal.yaml").read_text(encoding="utf-8"))
    guide_rules = {r for c in yaml.safe_load((CROSSWALKS / "security-hub-guide.yaml").read_text(encoding="utf-8"))["controls"] for r in c.get("config_rules", [])}
    oscal_rules = {r for c in oscal["controls"] for r in c.get("config_rules", [])}
    rules = [p for p in site if p.startswith("rules/") and p != "rules/index.md"]
    without = [p for p in rules if p.removeprefix("rules/").removesuffix(".md") not in guide_rules | oscal_rules]
    assert without
    assert not any(SECTION in site[p] for p in without)


@pytest.mark.scenario
def test_question_page_lists_nist_and_security_hub_controls_with_counts(site):
    section = _section(site["controls/sec-6.md"], "## Other frameworks its rules serve")
    row = next(line for line in section.splitlines() if line.startswith("| [AC\\-3](../crosswalk.md#nist-ac-3)"))
    assert "lambda\\-inside\\-vpc" in row
    count = int(row.split("|")[3])
    assert count == row.count("](../rules/")
    assert "<code>" in section


@pytest.mark.scenario
def test_crosswalk_page_table_cells_and_nist_sections(site):
    page = site["crosswalk.md"]
    cells = set(re.findall(r"\]\(#(q-sec-\d+-[a-z]{2})\)", page))
    assert "q-sec-6-ac" in cells
    for anchor in cells:
        assert f'<div id="{anchor}" class="cm-list"' in page
    section = page[page.index('<div id="q-sec-6-ac"') :].split("</div>")[0]
    assert "lambda\\-inside\\-vpc" in section
    # Every NIST link on the rule pages lands on a section of the crosswalk page.
    targets = {a for p, t in site.items() if p.startswith("rules/") and isinstance(t, str) for a in re.findall(r"\(\.\./crosswalk\.md#(nist-[a-z0-9-]+)\)", t)}
    assert targets
    # each NIST control is a heading with an id: its own entry in the site search
    assert all(f'<h3 id="{a}" class="cm-id-heading">' in page for a in targets)
    assert '<h3 id="nist-sc-8" class="cm-id-heading">SC-8 ' in page
    # a base control's section names the enhancements the rules reach, linked (the search ranks SC-8 first by them);
    # which enhancements AWS relates is read from the Security Hub snapshots
    related = {
        n for path in CROSSWALKS.glob("security-hub*.yaml") for c in yaml.safe_load(path.read_text(encoding="utf-8")).get("controls", []) for n in c.get("nist_800_53_r5", [])
    }
    enhancements = sorted(n for n in related if n.startswith("SC-8("))
    assert enhancements == ["SC-8(1)", "SC-8(2)"]
    sc8 = page[page.index('<h3 id="nist-sc-8" ') :].split("<h3")[1]
    assert "The rules reach 2 enhancements of SC\\-8 too: [SC\\-8\\(1\\)](#nist-sc-8-1), [SC\\-8\\(2\\)](#nist-sc-8-2)." in sc8
    sc7 = page[page.index('<h3 id="nist-sc-7-4" ') :].split("<h3")[1]
    assert "enhancement" not in sc7


@pytest.mark.scenario
def test_crosswalk_page_lists_the_guard_contradiction(site):
    guard = yaml.safe_load((CROSSWALKS / "guard-wa-security-pillar.yaml").read_text(encoding="utf-8"))
    items = next(g["items"] for g in guard["mappings"] if g["rule"] == "lambda-inside-vpc")
    assert not any(i.startswith("SEC-6.") for i in items)
    corroboration = _section(site["crosswalk.md"], "## Corroboration")
    row = next(line for line in corroboration.splitlines() if "lambda\\-inside\\-vpc" in line)
    assert "[SEC\\-6](controls/sec-6.md)" in row
    assert "126" in row
    assert all(_md(i) in row for i in items)


@pytest.mark.scenario
def test_methodology_shows_the_sources_check_summary(site):
    section = _section(site["methodology.md"], "## Other sources")
    assert "<code>mappings\\_contradicted\\_by\\_guard</code> | 1 |" in section
    assert "1 disagreement with <code>guard\\-registry</code>" in section


HOSTILE = "<script>alert(1)</script> *x* [a](javascript:alert(1))"


@pytest.mark.scenario
def test_hostile_crosswalk_text_stays_text(tmp_path):
    root = tmp_path / "catalog"
    shutil.copytree(paths.PROJECT_ROOT / "catalog", root)
    file = root / "crosswalks" / "security-hub-guide.yaml"
    text = file.read_text(encoding="utf-8")
    before = "title: IAM users' access keys should be rotated every 90 days or less\n"
    assert before in text
    file.write_text(text.replace(before, f"title: {yaml.safe_dump(HOSTILE).strip().removesuffix('...').strip()}\n"), encoding="utf-8")
    site = render_site(conformap.load(root))
    for page in ("rules/access-keys-rotated.md", "controls/sec-2.md"):
        text = site[page]
        assert "<script>" not in text
        assert "](javascript:" not in text
    assert "&lt;script&gt;" in site["rules/access-keys-rotated.md"]


@pytest.mark.scenario
def test_crosswalk_heatmap_cells_open_their_rules(site):
    page = site["crosswalk.md"]
    hrefs = re.findall(r'xlink:href="#(q-sec-\d+-[a-z]{2})"', page)
    table = re.findall(r"\]\(#(q-sec-\d+-[a-z]{2})\)", page)
    assert hrefs and sorted(hrefs) == sorted(table)
    assert "<title>SEC-6 and AC: " in page


@pytest.mark.scenario
def test_errata_page_points_to_the_contradiction(site):
    assert "contradicts 1 mapping of the catalogue: see the [corroboration](crosswalk.md#corroboration)" in site["errata.md"]
    assert "## Corroboration\n" in site["crosswalk.md"]
