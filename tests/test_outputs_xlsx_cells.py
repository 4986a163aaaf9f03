"""mappings.xlsx cell by cell, on tests/fixtures/golden (small enough to write every expected value by hand).

Each test builds its own workbook (no shared fixture), so that a bug anywhere in the writer fails the tests
that read what it wrote. The golden catalogue: framework version 1.2.3, released 2026-01-31, snapshot
captured 2026-01-15, a notice and no licence; alpha-check (S3, maps G-1 and G-2 twice), beta-check
(deprecated, successor gamma-check, maps G-2), gamma-check (a process check with no identifier, service,
trigger, description or documentation URL, maps G-1); G-3 has a note and no statements.
"""

from __future__ import annotations

import dataclasses
import io
import tempfile
from types import SimpleNamespace

import pytest
import xlsxwriter

import conformap
from conformap.outputs import xlsx
from conformap.outputs.columns import Column

openpyxl = pytest.importorskip("openpyxl")

PAD = 0.7109375  # XlsxWriter stores a column width w as w + 0.7109375 (the default font's padding)
DOC = "https://docs.aws.amazon.com/config/latest/developerguide/alpha-check.html"
PAGE = "https://example.com/page"


@pytest.fixture(scope="module")
def golden(fixtures_dir):  # the catalogue only: each test writes its own workbook
    return conformap.load(fixtures_dir / "golden")


def _book(cat):
    return openpyxl.load_workbook(io.BytesIO(xlsx.workbook_bytes(cat)))


def _table(ws, *names):
    """The data rows of a table sheet: the named columns' values, and {column: link target} per row."""
    head = [c.value for c in ws[1]]
    out = []
    for row in ws.iter_rows(min_row=2):
        cells = dict(zip(head, row))
        if cells[head[0]].value is None:
            break
        links = {n: c.hyperlink.target.replace("\\", "/") for n, c in cells.items() if c.hyperlink}
        out.append(([cells[n].value for n in names], links))
    return out


def _columns(ws):
    """Column letter -> (width, wraps text), for every column the sheet sets."""
    out = {}
    for dim in ws.column_dimensions.values():
        for i in range(dim.min, dim.max + 1):
            out[openpyxl.utils.get_column_letter(i)] = (dim.width, bool(dim.alignment.wrap_text))
    return out


def test_mappings_sheet_values_types_and_links(golden):
    rows = _table(
        _book(golden)["Mappings"], "control_id", "rule", "rule_identifier", "service", "trigger", "deprecated", "deprecated_successor"
    )
    assert [values for values, _ in rows] == [
        ["G-1", "alpha-check", "ALPHA_CHECK", "Amazon S3", "Periodic", False, ""],
        ["G-2", "alpha-check", "ALPHA_CHECK", "Amazon S3", "Periodic", False, ""],
        ["G-2", "beta-check", "BETA_CHECK", "Amazon EC2", "Configuration changes", True, "gamma-check"],
        ["G-1", "gamma-check", "", "", "", False, ""],  # no identifier, service or trigger
    ]
    assert all(type(values[5]) is bool for values, _ in rows)
    g1, alpha, beta, gamma = "../controls/g-1/index.html", "../rules/alpha-check/index.html", "../rules/beta-check/index.html", "../rules/gamma-check/index.html"
    g2 = "../controls/g-2/index.html"
    assert [links for _, links in rows] == [
        {"control_id": g1, "rule": alpha, "rule_documentation_url": DOC, "source_url": PAGE},
        {"control_id": g2, "rule": alpha, "rule_documentation_url": DOC, "source_url": PAGE},
        {"control_id": g2, "rule": beta, "source_url": PAGE},
        {"control_id": g1, "rule": gamma, "source_url": PAGE},
    ]


def test_rules_sheet_every_cell_and_links(golden):
    ws = _book(golden)["Rules"]
    rows = _table(ws, *[c.value for c in ws[1]])
    assert [values for values, _ in rows] == [
        ["alpha-check", "ALPHA_CHECK", "managed", "Amazon S3", "Periodic", False, "", "G-1;G-2", 2, "AWS::S3::Bucket", "",
         'Checks "alpha", with a comma.', DOC, "", ""],
        ["beta-check", "BETA_CHECK", "managed", "Amazon EC2", "Configuration changes", True, "gamma-check", "G-2", 1, "", "",
         "", "", "", ""],
        ["gamma-check", "", "process-check", "", "", False, "", "G-1", 1, "", "", "", "", "", ""],
    ]  # fmt: skip
    assert [links for _, links in rows] == [
        {"rule": "../rules/alpha-check/index.html", "rule_documentation_url": DOC},
        {"rule": "../rules/beta-check/index.html"},
        {"rule": "../rules/gamma-check/index.html"},
    ]


def test_questions_sheet_every_cell_and_links(golden):
    ws = _book(golden)["Questions"]
    rows = _table(ws, *[c.value for c in ws[1]])
    assert [values for values, _ in rows] == [
        ["G-1", "G01", "How do you do the first thing?", True, 1, 2, 2, ""],  # alpha and gamma, one mapping each
        ["G-2", "", "How do you do the second thing?", True, 2, 2, 2, ""],  # alpha and beta
        ["G-3", "", "How do you do the third thing?", False, 0, 0, 0, "The source maps nothing here."],
    ]
    assert [links for _, links in rows] == [{"control_id": f"../controls/g-{n}/index.html"} for n in (1, 2, 3)]


def test_table_sheets_have_a_bold_frozen_filtered_header_and_widths_by_type(golden):
    book = _book(golden)
    for name, last in (("Mappings", "U5"), ("Rules", "O4"), ("Questions", "H4")):
        ws = book[name]
        assert ws.freeze_panes == "A2" and ws.auto_filter.ref == f"A1:{last}"
        assert all(c.font.b for c in ws[1]) and not any(c.font.b for c in ws[2])
    # rule, rule_identifier: id 18; rule_kind, service, trigger: text 50, wrapped; deprecated: boolean 11;
    # deprecated_successor: id 18; controls: id list 24; mappings: integer 10; resource_types: text list 50,
    # not wrapped; regions_note, description: text 50, wrapped; rule_documentation_url: url 40; the crosswalk
    # columns: id list 24.
    widths = [18, 18, 50, 50, 50, 11, 18, 24, 10, 50, 50, 50, 40, 24, 24]
    wraps = [False, False, True, True, True, False, False, False, False, False, True, True, False, False, False]
    assert _columns(book["Rules"]) == {chr(ord("A") + i): (w + PAD, wrap) for i, (w, wrap) in enumerate(zip(widths, wraps))}
    wrapped = book["Rules"].column_dimensions["C"].alignment
    assert (wrapped.wrap_text, wrapped.vertical) == (True, "top")


def test_links_are_blue_and_underlined(golden):
    ws = _book(golden)["Rules"]
    link, plain = ws["A2"], ws["B2"]
    assert (link.font.color.rgb, link.font.u) == ("FF0000FF", "single")
    assert plain.font.u is None and plain.hyperlink is None


def test_about_sheet_layout(golden):
    ws = _book(golden)["About"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[:13] == [
        ("Catalogue", "Golden Framework", None, None),
        ("Catalogue version", "1.2.3", None, None),
        ("Released", "2026-01-31", None, None),
        ("Source", "Golden page", None, None),
        ("Source URL", "https://example.com/page", None, None),
        ("Source snapshot captured", "2026-01-15", None, None),
        ("Source snapshot SHA-256", "37e6a99a038e4634e5321cf8a4bd9a70863490d8fbecc8a66d372218f5f7ee1c", None, None),
        ("Source licence", "", None, None),
        ("Notice", "Sample mapping, not a guarantee.", None, None),
        ("Lists in one cell", "separated by ';'", None, None),
        (None, None, None, None),
        ("Column dictionary", None, None, None),
        ("table", "column", "type", "meaning"),
    ]
    assert rows[13][:3] == ("CSV and the Mappings sheet", "control_id", "id")
    assert rows[14][:3] == ("CSV and the Mappings sheet", "framework_question_id", "id")
    # 21 Mappings columns, 15 Rules columns, 8 Questions columns, 2 mappings.json fields: rows 14 to 59.
    assert rows[58][:3] == ("mappings.json (top level)", "source.captured", "text")
    assert rows[58][3].startswith("Date (YYYY-MM-DD)")
    assert len(rows) == 59 and len([r for r in rows if any(v is not None for v in r)]) == 10 + 2 + 46
    bold = {c.coordinate for row in ws.iter_rows(max_row=60) for c in row if c.font.b}
    assert bold == {f"A{n}" for n in range(1, 11)} | {"A12", "A13", "B13", "C13", "D13"}
    assert _columns(ws) == {"A": (28 + PAD, False), "B": (24 + PAD, False), "C": (14 + PAD, False), "D": (90 + PAD, True)}
    assert ws.column_dimensions["D"].alignment.vertical == "top"


def test_properties_come_from_the_catalogue(golden):
    p = _book(golden).properties
    assert p.title == "Golden Framework: AWS Config rule mappings"
    assert p.creator == "conformap"
    assert p.description == "catalogue version 1.2.3; source snapshot captured 2026-01-15"
    assert p.created.isoformat() == "2026-01-31T00:00:00"  # the release date, not the capture date


def test_a_catalogue_without_version_dates_notice(golden):
    fw = golden.framework
    bare = dataclasses.replace(fw, version=None, released=None, source=dataclasses.replace(fw.source, captured=None, notice=None))
    book = _book(dataclasses.replace(golden, framework=bare))
    facts = {r[0]: r[1] for r in book["About"].iter_rows(max_row=10, values_only=True)}
    assert [facts[k] for k in ("Catalogue version", "Released", "Source snapshot captured", "Notice")] == ["", "", "", ""]
    assert book.properties.description == "catalogue version unversioned; source snapshot captured unknown"
    assert book.properties.created.isoformat() == "1980-01-01T00:00:00"
    captured_only = dataclasses.replace(fw, released=None)
    assert _book(dataclasses.replace(golden, framework=captured_only)).properties.created.isoformat() == "2026-01-15T00:00:00"


def test_the_workbook_is_assembled_in_memory(golden, monkeypatch):
    """No temporary file: the site build and the CLI may run where the temporary folder is not writable."""

    def refuse(*args, **kwargs):
        raise AssertionError("a temporary file was created")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    assert xlsx.workbook_bytes(golden)[:2] == b"PK"


def _sheet_book(fill):
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    formats = {"header": wb.add_format({"bold": True}), "wrap": wb.add_format({"text_wrap": True}), "link": wb.add_format()}
    sheet = xlsx._Sheet(wb, "T", (Column("name", "id"), Column("flag", "boolean")), formats, xlsx._Overflow())
    fill(sheet)
    sheet.close()
    wb.close()
    return openpyxl.load_workbook(io.BytesIO(buf.getvalue()))["T"]


def test_a_sheet_with_no_row_or_one_row_filters_the_header_and_one_row():
    assert _sheet_book(lambda s: None).auto_filter.ref == "A1:B2"
    assert _sheet_book(lambda s: s.add({"name": "x", "flag": False})).auto_filter.ref == "A1:B2"


def test_links_up_to_excels_limit_and_only_safe_ones():
    at_limit = "https://example.com/" + "a" * (xlsx.MAX_URL - len("https://example.com/"))
    cases = [
        ("at-limit", at_limit),
        ("too-long", at_limit + "a"),
        ("http", "http://example.com/x"),
        ("relative", "../Rules/Some_rule-1.0/index.html"),
        ("space", "../rules/a b/index.html"),
        ("script", "javascript:alert(1)"),
        ("none", None),
    ]

    def fill(sheet):
        for name, link in cases:
            sheet.add({"name": name, "flag": name == "http"}, {"name": link})
        sheet.add({"name": "no links", "flag": False})

    ws = _sheet_book(fill)
    got = [(r[0].value, r[0].hyperlink.target.replace("\\", "/") if r[0].hyperlink else None, r[1].value) for r in ws.iter_rows(min_row=2)]
    assert got == [
        ("at-limit", at_limit, False),
        ("too-long", None, False),
        ("http", "http://example.com/x", True),
        ("relative", "../Rules/Some_rule-1.0/index.html", False),
        ("space", None, False),
        ("script", None, False),
        ("none", None, False),
        ("no links", None, False),
    ]


def test_linkable_and_page_urls():
    assert xlsx._linkable("https://a.example/x") and xlsx._linkable("http://a.example/x")
    assert xlsx._linkable("../rules/x-1/index.html") and xlsx._linkable("../Rules/X_1/index.html")
    assert not xlsx._linkable("../a b") and not xlsx._linkable("ftp://a.example/") and not xlsx._linkable("rules/x")
    assert xlsx._xlsx_url("https://a.example/x") == "https://a.example/x"
    assert xlsx._xlsx_url("http://a.example/x") == "http://a.example/x"
    assert xlsx._xlsx_url("../rules/x/index.html") == "external:../rules/x/index.html"
    assert xlsx._page_url("controls/sec-1.md") == "../controls/sec-1/index.html"
    assert xlsx._page_url("md/x.md") == "../md/x/index.html"
    assert xlsx._page_url(None) is None


def test_rules_sheet_crosswalk_cells_are_the_rules_own(real_catalog):
    """access-keys-rotated: Security Hub IAM.3, related NIST controls AC-2(1), AC-2(3), AC-3(15)
    (catalog/crosswalks/security-hub-guide.yaml). Rows are collected without writing a workbook."""
    rows = []
    xlsx._rule_rows(real_catalog, SimpleNamespace(add=lambda values, links: rows.append(values)))
    row = next(r for r in rows if r["rule"] == "access-keys-rotated")
    assert (row["security_hub_controls"], row["nist_800_53_r5"]) == ("IAM.3", "AC-2(1);AC-2(3);AC-3(15)")


def test_a_text_longer_than_a_cell_is_split_and_said(golden):
    """Issue 22, class 3: Excel holds 32,767 characters (UTF-16 code units) a cell; XlsxWriter cut the rest silently.
    The cell keeps the start and says where the whole text is; the Overflow sheet holds it in parts."""
    types = tuple(f"AWS::Service{i:04d}::Resource\U0001f600{'x' * 50}" for i in range(1000))  # 1,000 x 75 units, joined
    alpha = golden.rule("alpha-check")
    cat = dataclasses.replace(golden, rules=tuple(dataclasses.replace(r, resource_types=types) if r.id == alpha.id else r for r in golden.rules))
    whole = ";".join(types)
    assert xlsx._units(whole) > 2 * 32_767
    book = _book(cat)
    rules = book["Rules"]
    header = [c.value for c in rules[1]]
    cell = rules.cell(row=2, column=header.index("resource_types") + 1)
    assert cell.coordinate == "J2"
    note = f" … [cut: the whole text, {xlsx._units(whole):,} characters, is row 2 of sheet Overflow]"
    assert cell.value.endswith(note) and whole.startswith(cell.value[: -len(note)])
    assert xlsx._units(cell.value) <= 32_767
    assert book.sheetnames == ["Mappings", "Rules", "Questions", "About", "Overflow"]
    overflow = [[c.value for c in row] for row in book["Overflow"].iter_rows()]
    assert overflow[0] == ["sheet", "cell", "part 1", "part 2", "part 3"]
    assert overflow[1][:2] == ["Rules", "J2"] and "".join(overflow[1][2:]) == whole
    assert all(xlsx._units(part) <= 32_767 for part in overflow[1][2:])


def test_a_catalogue_whose_texts_fit_has_no_overflow_sheet(golden):
    assert _book(golden).sheetnames == ["Mappings", "Rules", "Questions", "About"]
