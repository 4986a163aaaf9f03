"""mappings.xlsx, read back with openpyxl: sheets, typed cells, no formula anywhere, deterministic bytes."""

from __future__ import annotations

import io

import pytest

import conformap
from conformap.cli import main
from conformap.outputs import columns, xlsx

openpyxl = pytest.importorskip("openpyxl")


def _book(cat):
    return openpyxl.load_workbook(io.BytesIO(xlsx.workbook_bytes(cat)))


@pytest.fixture(scope="module")
def real_book(real_catalog):
    return _book(real_catalog)


def test_sheets_and_headers(real_book, real_catalog):
    assert real_book.sheetnames == ["Mappings", "Rules", "Questions", "About"]
    ws = real_book["Mappings"]
    assert [c.value for c in ws[1]] == list(columns.CSV_COLUMNS)
    assert ws.max_row == 1 + len(real_catalog.mappings) == 182
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == f"A1:U{ws.max_row}"
    assert [c.value for c in real_book["Rules"][1]] == [c.name for c in columns.RULE_COLUMNS]
    assert real_book["Rules"].max_row == 1 + len(real_catalog.rules)
    assert [c.value for c in real_book["Questions"][1]] == [c.name for c in columns.QUESTION_COLUMNS]


def test_crosswalk_columns_on_both_sheets(real_book):
    """access-keys-rotated: Security Hub IAM.3, whose related NIST controls the user guide lists as AC-2(1), AC-2(3),
    AC-3(15) (catalog/crosswalks/security-hub-guide.yaml); a rule no Security Hub control names has empty cells."""
    for sheet in ("Mappings", "Rules"):
        ws = real_book[sheet]
        head = [c.value for c in ws[1]]
        rows = [dict(zip(head, (c.value for c in r))) for r in ws.iter_rows(min_row=2)]
        row = next(r for r in rows if r["rule"] == "access-keys-rotated")
        assert (row["security_hub_controls"], row["nist_800_53_r5"]) == ("IAM.3", "AC-2(1);AC-2(3);AC-3(15)")
        assert any(not r["security_hub_controls"] for r in rows)


def test_typed_cells_and_links(real_book, real_catalog):
    ws = real_book["Mappings"]
    head = [c.value for c in ws[1]]
    rows = [dict(zip(head, r)) for r in ws.iter_rows(min_row=2)]
    assert {type(r["deprecated"].value) for r in rows} == {bool}
    assert sum(r["deprecated"].value for r in rows) == sum(1 for m in real_catalog.mappings if real_catalog.rule(m.rule_id).deprecated)
    first = rows[0]
    assert first["control_id"].hyperlink.target.replace("\\", "/") == "../controls/sec-1/index.html"
    assert first["rule_documentation_url"].hyperlink.target.startswith("https://docs.aws.amazon.com/")
    q = {r[0].value: r for r in real_book["Questions"].iter_rows(min_row=2)}
    sec8 = [c.value for c in q["SEC-8"]]
    assert sec8[6] == sum(1 for m in real_catalog.mappings if m.control_id == "SEC-8") and isinstance(sec8[6], int)


def test_about_sheet_names_version_source_and_dictionary(real_book, real_catalog):
    cells = [c.value for row in real_book["About"].iter_rows() for c in row if c.value is not None]
    for fact in ("0.1.0", "2026-11-28", real_catalog.framework.source.url, real_catalog.framework.source.license):
        assert fact in cells
    for table, cols in columns.dictionary():
        for c in cols:
            assert columns.meaning(c) in cells and c.name in cells


def test_no_formula_whatever_the_text(fixtures_dir):
    """The golden fixture's guidance is =HYPERLINK(...), the hostile one's starts with =cmd|: both stay text."""
    for name in ("golden", "hostile"):
        cat = conformap.load(fixtures_dir / name)
        book = _book(cat)
        texts = []
        for ws in book:
            for row in ws.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (name, ws.title, cell.coordinate, cell.value)
                    texts.append(cell.value)
        guidance = [r.guidance for r in cat.rules]
        assert all(g in texts for g in guidance)  # verbatim: no apostrophe added, nothing dropped


def test_two_writes_are_byte_identical(real_catalog):
    assert xlsx.workbook_bytes(real_catalog) == xlsx.workbook_bytes(real_catalog)


def test_properties_come_from_the_catalogue(real_book):
    assert real_book.properties.created.date().isoformat() == "2026-12-02"
    assert real_book.properties.creator == "conformap"


def test_cli_writes_the_workbook(fixtures_dir, tmp_path):
    out = tmp_path / "m.xlsx"
    assert main(["export", "--format", "xlsx", "--catalog", str(fixtures_dir / "golden"), "--out", str(out)]) == 0
    assert out.read_bytes() == xlsx.workbook_bytes(conformap.load(fixtures_dir / "golden"))
