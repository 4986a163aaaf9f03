"""The six bugs that once passed the whole suite (issue 14), each pinned by a test of public behaviour.

Each test below was seen to fail with its bug planted by hand (the bug is named in the test's docstring);
tests/test_mutation_sample.py keeps the escaping and CSV ones planted automatically on every `make test`.
Expected values are written out by hand from the definitions, never computed by the code under test.
"""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import markdown
import pytest
import yaml
from test_site_pages import EXTENSION_CONFIGS as CONFIGS  # the markdown_extensions of mkdocs.yml
from test_site_pages import EXTENSIONS

import conformap
from conformap import escape
from conformap.parse.aws_page import parse_page
from conformap.cli import main
from conformap.site import pages

FIXTURES = Path(__file__).resolve().parent / "fixtures"
MINI = FIXTURES / "mini"


# --------------------------------------------------------------------------- 1. CSV formula triggers


@pytest.mark.parametrize("trigger", ["\uff1d", "\uff0b", "\uff0d", "\uff20"])  # ＝ ＋ － ＠
def test_every_full_width_formula_trigger_is_neutralised(trigger):
    """Bug: the full-width minus (U+FF0D) dropped from the formula triggers."""
    assert escape.spreadsheet_cell(trigger + "1+1") == "'" + trigger + "1+1"
    assert escape.spreadsheet_cell("  " + trigger + "SUM(A1)") == "'  " + trigger + "SUM(A1)"
    assert escape.spreadsheet_cell("a" + trigger + "b") == "a" + trigger + "b"  # only a leading trigger counts


# --------------------------------------------------------------------------- 2. '~' in Markdown


STRIKE = ["~~x~~", "~x~", "a ~~b~~ c", "~~~\nfence\n~~~", "~~*x*~~"]


def test_tilde_becomes_an_entity_in_every_text_helper():
    """Bug: '~' no longer turned into an entity (it has no backslash escape in Python-Markdown)."""
    assert escape.text("~") == "&#126;"
    assert escape.text("~~x~~") == "&#126;&#126;x&#126;&#126;"
    assert escape.code("a~b") == "<code>a&#126;b</code>"
    assert escape.text_with_code("~~`k~`~~") == "&#126;&#126;<code>k&#126;</code>&#126;&#126;"
    assert "~" not in escape.link("~~x~~", "https://example.com/")


def _plain_text(html: str) -> str:
    root = ET.fromstring(f"<root>{html}</root>")
    return "".join(root.itertext())


@pytest.mark.parametrize("extra", [[], ["pymdownx.tilde"]], ids=["mkdocs.yml", "mkdocs.yml+pymdownx.tilde"])
@pytest.mark.parametrize("value", STRIKE)
def test_tildes_render_as_literal_text(extra, value):
    """``~~x~~`` stays text with the site's extensions, and still the day a strikethrough extension is enabled."""
    html = markdown.markdown(escape.text(value), extensions=EXTENSIONS + extra, extension_configs=CONFIGS)
    assert not re.search(r"<(del|s|sub|strike|pre|code|em)\b", html), html
    assert _plain_text(html) == " ".join(value.split())


def test_the_strikethrough_check_can_fail():
    """The extension really reads '~~' (so the test above is not vacuous)."""
    html = markdown.markdown("~~x~~", extensions=EXTENSIONS + ["pymdownx.tilde"], extension_configs=CONFIGS)
    assert "<del>x</del>" in html


# --------------------------------------------------------------------------- 3. printed_statement references
# Bug: the referential check of printed_statement disabled. Its test is test_unknown_printed_statement in
# tests/test_validate_bad_input.py (with the other bad catalogues, fixture tests/fixtures/bad/unknown-printed-statement);
# here: the page build never meets such a catalogue, because loading it fails.


def test_a_catalogue_with_an_unknown_printed_statement_does_not_load(tmp_path):
    root = tmp_path / "catalog"
    shutil.copytree(MINI, root)
    shutil.copytree(FIXTURES / "bad" / "unknown-printed-statement", root, dirs_exist_ok=True)
    with pytest.raises(conformap.CatalogError, match=r"printed_statement: unknown statement 'M-2.BP09'"):
        conformap.load(root)


# --------------------------------------------------------------------------- 4. statement numbering


def test_first_import_numbers_new_statements_from_one(tmp_path, monkeypatch, capsys):
    """Bug: a first import numbering new statements from S0 instead of S1."""
    monkeypatch.chdir(tmp_path)
    main(["import-aws-page", str(MINI / "sources" / "aws-page.txt"), "--catalog", "new"])
    capsys.readouterr()
    controls = {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in Path("new/controls").glob("*.yaml")}
    # The mini page: M-1 has one description (-> desc), M-2 two best practices (-> S1, S2 in page order).
    assert {c: [(s["id"], s["kind"]) for s in d["statements"]] for c, d in controls.items()} == {
        "M-1": [("M-1.desc", "question-description")],
        "M-2": [("M-2.S1", "best-practice"), ("M-2.S2", "best-practice")],
    }
    rules = {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in Path("new/rules").glob("*.yaml")}
    assert {r: [(m["statement"], m["source_rows"]) for m in d["mappings"]] for r, d in rules.items()} == {
        "alpha-rule": [("M-1.desc", [1]), ("M-2.S1", [2])],
        "beta-rule": [("M-2.S2", [3])],
        "gamma-check": [("M-2.S2", [4])],
    }


# --------------------------------------------------------------------------- 5. line numbers of page problems

TEXT_PAGE = (
    "Mini page\n"                                                      # 1
    "\n"                                                               # 2
    "Control ID Control Description AWS Config Rule Guidance\n"        # 3
    "M-1 How do you do the first thing? The first description.\n"      # 4
    "\n"                                                               # 5
    "alpha-rule\n"                                                     # 6
    "\n"                                                               # 7
    "Alpha guidance.\n"                                                # 8
    "M-2 How do you do the second thing? Best practice one.\n"         # 9
    "\n"                                                               # 10
    "Not A Rule\n"                                                     # 11: the bad rule name
    "\n"                                                               # 12
    "Guidance.\n"                                                      # 13
    "\n"                                                               # 14
    "M-2 How do you do the second thing? Best practice two.\n"         # 15
    "\n"                                                               # 16
    "beta_rule\n"                                                      # 17: another one
    "\n"                                                               # 18
    "Beta guidance.\n"                                                 # 19
)
MD_PAGE = (
    "# Mini page\n"                                                                          # 1
    "\n"                                                                                     # 2
    "| Control ID | Control Description | AWS Config Rule | Guidance |\n"                     # 3
    "|---|---|---|---|\n"                                                                    # 4
    "| M-1 | How do you do the first thing? The first description. | alpha-rule | A. |\n"    # 5
    "| M-2 | How do you do the second thing? Best practice one. | Not A Rule | B. |\n"       # 6
    "| M-2 | How do you do the second thing? Best practice two. | [beta-rule](x) | C. |\n"  # 7
    "| M-3 | How do you do the third thing? | beta_rule | D. |\n"                            # 8
)
PAGE_PROBLEMS = {
    "page.txt": (TEXT_PAGE, ["page.txt:11: 'Not A Rule' is not a rule name", "page.txt:17: 'beta_rule' is not a rule name"]),
    "page.md": (MD_PAGE, ["page.md:6: 'Not A Rule' is not a rule name", "page.md:8: 'beta_rule' is not a rule name"]),
}


@pytest.mark.parametrize("name", sorted(PAGE_PROBLEMS))
def test_bad_rule_names_are_reported_on_their_own_line(tmp_path, monkeypatch, capsys, name):
    """Bug: the page parser reporting a bad rule name one line too early."""
    content, expected = PAGE_PROBLEMS[name]
    monkeypatch.chdir(tmp_path)
    Path(name).write_text(content, encoding="utf-8")
    assert main(["import-aws-page", name, "--catalog", "new"]) == 1
    out, err = capsys.readouterr()
    assert (out, err.splitlines()) == ("", expected)
    assert not Path("new").exists()


def test_rows_know_the_line_they_start_on():
    text_rows = parse_page(TEXT_PAGE.replace("Not A Rule", "gamma-rule").replace("beta_rule", "beta-rule"))[1]
    assert [(r.number, r.line, r.rule) for r in text_rows] == [(1, 4, "alpha-rule"), (2, 9, "gamma-rule"), (3, 15, "beta-rule")]
    md_rows = parse_page(MD_PAGE.replace("Not A Rule", "gamma-rule").replace("beta_rule", "beta-rule"))[1]
    assert [(r.number, r.line, r.rule) for r in md_rows] == [(1, 5, "alpha-rule"), (2, 6, "gamma-rule"), (3, 7, "beta-rule"), (4, 8, "beta-rule")]


# --------------------------------------------------------------------------- 6. the heatmap's shades


def heatmap_cells(page: str) -> list[tuple[str, str | None]]:
    """(hover title, fill-opacity or None for an outlined cell) of every heatmap cell, row by row."""
    svg = re.search(r"<svg[^>]*cm-heatmap.*?</svg>", page, re.S)
    assert svg, "no heatmap on the page"
    root = ET.fromstring(svg.group(0))
    ns = "{http://www.w3.org/2000/svg}"
    cells = []
    for g in root.iter(ns + "g"):
        rect = g.find(ns + "rect")
        if rect is not None:
            shaded = rect.get("fill") != "none"
            cells.append((g.find(ns + "title").text, rect.get("fill-opacity") if shaded else None))
    return cells


def test_heatmap_shades_are_scaled_to_the_strongest_off_diagonal_value(fixtures_dir):
    """Bug: the colour scale taking the diagonal into account.

    tests/fixtures/stats (see tests/test_analysis_stats.py): rules per question A-1: r1 r2; A-2: r2 r3 r4; A-3: r3 r4 r5;
    A-4: none. Off the diagonal: A-1/A-2 share 1 rule, A-2/A-3 share 2, every other pair 0. The shade is
    0.12 + 0.78 * value / strongest off-diagonal value (2), rounded to 2 places; an empty cell gets 0.03;
    the diagonal (2, 3, 3, 0: on another scale, larger than 2) is outlined, not shaded.
    """
    rendered = pages.render_site(conformap.load(fixtures_dir / "stats"))
    (page,) = [v for v in rendered.values() if isinstance(v, str) and "cm-heatmap" in v]
    one, two, empty = "0.51", "0.9", "0.03"  # 0.12 + 0.78 * 1/2 = 0.51; 0.12 + 0.78 * 2/2 = 0.9
    expected = [
        [None, one, empty, empty],
        [one, None, two, empty],
        [empty, two, None, empty],
        [empty, empty, empty, None],
    ]
    cells = heatmap_cells(page)
    assert len(cells) == 16
    ids = ["A-1", "A-2", "A-3", "A-4"]
    for n, (title, opacity) in enumerate(cells):
        i, j = divmod(n, 4)
        assert ids[i] in title and ids[j] in title, (i, j, title)
        assert opacity == expected[i][j], (ids[i], ids[j], opacity)
