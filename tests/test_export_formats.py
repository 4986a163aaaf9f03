"""Exports, byte for byte where the format is fixed by someone else (AWS's page layout, RFC 4180 CSV).

Expected values come from the fixture page (tests/fixtures/mini/sources/aws-page.txt) and are written by
hand; they are also the fast tests `make mutate` runs against the exporters (mutation.toml).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

import conformap
from conformap.analysis.sources import CrosswalkAnalysis
from conformap import escape, outputs
from conformap.outputs import mappings_csv, mappings_json
from conformap.outputs.columns import CSV_COLUMNS

MINI = Path(__file__).resolve().parent / "fixtures" / "mini"


@pytest.fixture(scope="module")
def mini():
    return conformap.load(MINI)


def test_aws_text_is_the_page_table_it_was_imported_from(mini):
    page = (MINI / "sources" / "aws-page.txt").read_text(encoding="utf-8")
    table = page[page.index("Control ID Control Description") : page.index("\n\nTemplate")] + "\n"
    assert outputs.render(mini, "aws-text") == table.encode("utf-8")


@pytest.mark.parametrize("value", ["X=1", "xx+1", "a -1", "1@b", "\u00a0=1", "'=1"])
def test_csv_safe_only_skips_leading_spaces(value):
    assert escape.spreadsheet_cell(value) == value


def test_csv_has_crlf_rows_and_quotes_only_where_needed(mini):
    raw = outputs.render(mini, "csv").decode("utf-8")
    lines = raw.split("\r\n")
    assert lines[0] == ",".join(CSV_COLUMNS)
    assert lines[-1] == "" and len(lines) == 1 + 4 + 1  # header, four mappings, the final CRLF
    assert '"Alpha guidance, with the rule’s apostrophe."' in lines[1]  # a comma: quoted
    assert ",Beta guidance.," in lines[3]  # no comma, no quote: not quoted
    rows = list(csv.DictReader(io.StringIO(raw, newline="")))
    assert [(r["rule"], r["statement_id"], r["source_rows"]) for r in rows] == [
        ("alpha-rule", "M-1.desc", "1"), ("alpha-rule", "M-2.BP01", "2"), ("beta-rule", "M-2.BP02", "3"), ("gamma-check", "M-2.BP02", "4"),
    ]


def test_json_is_utf8_indented_and_ends_with_a_newline(mini):
    raw = outputs.render(mini, "json")
    assert raw.endswith(b"}\n") and raw.startswith(b'{\n  "schema_version": "')
    assert "’".encode("utf-8") in raw and b"\\u2019" not in raw  # text as text, not \u escapes
    data = json.loads(raw)
    counts = {k: data["counts"][k] for k in ("controls", "rules", "mappings", "errata")}
    assert counts == {"controls": 3, "rules": 3, "mappings": 4, "errata": 1}  # tests/fixtures/mini/errata.yaml: E1


def test_csv_of_one_question_keeps_its_mappings_in_source_order(fixtures_dir):
    """Golden mappings in source order: G-1 alpha, G-2 alpha, G-2 beta, G-1 gamma."""
    golden = conformap.load(fixtures_dir / "golden")
    one = list(csv.DictReader(io.StringIO(mappings_csv.render(golden, "G-1"), newline="")))
    assert [(r["control_id"], r["rule"]) for r in one] == [("G-1", "alpha-check"), ("G-1", "gamma-check")]
    assert [(r["control_id"], r["rule"]) for r in mappings_csv.csv_rows(golden, "G-2")] == [("G-2", "alpha-check"), ("G-2", "beta-check")]
    assert mappings_csv.csv_rows(golden, "G-3") == []
    assert len(mappings_csv.csv_rows(golden)) == 4


def test_csv_crosswalk_cells_are_the_rules_own(real_catalog):
    """access-keys-rotated: Security Hub IAM.3, related NIST controls AC-2(1), AC-2(3), AC-3(15)
    (catalog/crosswalks/security-hub-guide.yaml); every row of that rule carries them, in the CSV too."""
    rows = [r for r in mappings_csv.csv_rows(real_catalog) if r["rule"] == "access-keys-rotated"]
    assert rows and all((r["security_hub_controls"], r["nist_800_53_r5"]) == ("IAM.3", "AC-2(1);AC-2(3);AC-3(15)") for r in rows)
    cells = mappings_csv.rule_cells(real_catalog.rule("access-keys-rotated"), CrosswalkAnalysis(real_catalog))
    assert (cells["security_hub_controls"], cells["nist_800_53_r5"]) == ("IAM.3", "AC-2(1);AC-2(3);AC-3(15)")


def test_published_schema_keeps_only_its_own_ids_and_stays_utf8(monkeypatch):
    """The inlined schema's parts lose the $schema/$id of their files, at any depth (in lists too); the top
    keeps its own; text is written as UTF-8 text, indented by two."""
    inlined = {
        "$schema": "S",
        "$id": "I",
        "description": "The rule’s text",
        "allOf": [{"$schema": "S2", "$id": "I2", "type": "object", "properties": {"x": {"$id": "I3", "type": "string"}}}],
    }
    monkeypatch.setattr(mappings_json.schema, "inlined", lambda name: inlined if name == "export.schema.json" else None)
    assert mappings_json.json_schema() == (
        '{\n  "$schema": "S",\n  "$id": "I",\n  "description": "The rule’s text",\n  "allOf": [\n    {\n'
        '      "type": "object",\n      "properties": {\n        "x": {\n          "type": "string"\n        }\n'
        "      }\n    }\n  ]\n}\n"
    )


# issue 19: one rule for question titles, in every output: the page's wording is the title, AWS's current
# wording beside it. Both written by hand: the page (catalog/sources/aws-page.txt) and the framework today.
SEC2_PAGE = "How do you manage identities for people and machines?"
SEC2_NOW = "How do you manage authentication for people and machines?"


@pytest.mark.scenario
def test_question_titles_follow_one_rule_in_every_output(real_catalog):
    import openpyxl

    from conformap.outputs import xlsx
    from conformap.site import pages

    assert SEC2_PAGE in (Path(conformap.paths.DEFAULT_CATALOG) / "sources" / "aws-page.txt").read_text(encoding="utf-8")
    data = json.loads(outputs.render(real_catalog, "json"))
    sec2 = next(c for c in data["controls"] if c["id"] == "SEC-2")
    assert (sec2["question"], sec2["current_question"]) == (SEC2_PAGE, SEC2_NOW)
    rows = [r for r in csv.DictReader(io.StringIO(outputs.render(real_catalog, "csv").decode("utf-8"), newline="")) if r["control_id"] == "SEC-2"]
    assert rows and {(r["control_question"], r["control_current_question"]) for r in rows} == {(SEC2_PAGE, SEC2_NOW)}
    book = openpyxl.load_workbook(io.BytesIO(xlsx.workbook_bytes(real_catalog)))
    head = [c.value for c in book["Questions"][1]]
    row = next(dict(zip(head, (c.value for c in r))) for r in book["Questions"].iter_rows(min_row=2) if r[0].value == "SEC-2")
    assert (row["question"], row["current_question"]) == (SEC2_PAGE, SEC2_NOW)
    mrow = next(dict(zip([c.value for c in book["Mappings"][1]], (c.value for c in r))) for r in book["Mappings"].iter_rows(min_row=2) if r[0].value == "SEC-2")
    assert (mrow["control_question"], mrow["control_current_question"]) == (SEC2_PAGE, SEC2_NOW)
    from conformap.outputs import oscal as oscal_out

    oscal = oscal_out.catalog_data(real_catalog)
    ctl = next(c for c in oscal["catalog"]["controls"] if c["id"] == "sec-2")
    assert ctl["title"] == SEC2_PAGE
    assert [p["value"] for p in ctl["props"] if p["name"] == "current-question"] == [SEC2_NOW]
    site = pages.render_site(real_catalog)
    assert escape.text(SEC2_PAGE) in site["controls/index.md"] and escape.text(SEC2_NOW) in site["controls/index.md"]
    page = site[conformap.routes.control_page("SEC-2")]
    assert escape.text(SEC2_PAGE) in page and escape.text(SEC2_NOW) in page
    sec1 = next(c for c in oscal["catalog"]["controls"] if c["id"] == "sec-1")
    assert not [p for p in sec1["props"] if p["name"] == "current-question"]  # worded as the page words it
