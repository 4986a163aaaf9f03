"""``mappings.xlsx``: the catalogue as an Excel workbook (XlsxWriter), for auditors.

Sheets: "Mappings" (one row per mapping, the CSV's columns, typed), "Rules", "Questions" (with counts) and
"About" (catalogue version, source, snapshot date, licence, the column dictionary of
:mod:`conformap.outputs.columns`). Every text cell is written with ``write_string``: a catalogue text that
starts with ``=`` stays text, never a formula. Hyperlinks go to the site's pages by relative URL (the
workbook is published as ``downloads/mappings.xlsx``) and to AWS's pages. Deterministic bytes: document
properties and the creation date come from the catalogue (its release date), the zip members carry
XlsxWriter's fixed 1980 timestamp.

A text longer than a cell holds (Excel: 32,767 characters, counted in UTF-16 code units) is never cut
silently: its cell keeps the start of it and says where the rest is, and an "Overflow" sheet holds the
whole text in parts of at most that length, one row per such cell, named by sheet and cell.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any, Callable

import xlsxwriter
import xlsxwriter.utility

from conformap.analysis.sources import CrosswalkAnalysis
from conformap.analysis.stats import Analysis
from conformap.model.catalog import Catalog
from conformap.outputs.columns import LIST_SEPARATOR, MAPPING_COLUMNS, QUESTION_COLUMNS, RULE_COLUMNS, Column, dictionary, meaning
from conformap.outputs.mappings_csv import csv_rows, rule_cells
from conformap.routes import control_page, rule_page

SITE_FROM_DOWNLOADS = "../"  # the workbook sits in downloads/ of the site
WIDTHS = {"id": 18, "url": 40, "boolean": 11, "integer": 10, "integer list": 12, "id list": 24}
TEXT_WIDTH = 50
MAX_URL = 2079  # Excel's limit on a hyperlink
MAX_CELL = 32_767  # Excel's limit on the text of a cell, in UTF-16 code units
OVERFLOW_SHEET = "Overflow"


def _units(text: str) -> int:
    """Length in UTF-16 code units, as Excel counts it."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def _parts(text: str, limit: int = MAX_CELL) -> list[str]:
    """``text`` in consecutive parts of at most ``limit`` UTF-16 code units (a character is never split)."""
    parts, start, size = [], 0, 0
    for i, ch in enumerate(text):
        width = 2 if ord(ch) > 0xFFFF else 1
        if size + width > limit:
            parts.append(text[start:i])
            start, size = i, 0
        size += width
    parts.append(text[start:])
    return parts


class _Overflow:
    """The texts too long for their cells: (sheet, cell, text), written last as the Overflow sheet."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str]] = []

    def fit(self, sheet: str, row: int, col: int, text: str) -> str:
        """What the cell at (row, col) of ``sheet`` shows: ``text``, or its start and where the rest is."""
        if _units(text) <= MAX_CELL:
            return text
        self.rows.append((sheet, xlsxwriter.utility.xl_rowcol_to_cell(row, col), text))
        note = f" … [cut: the whole text, {_units(text):,} characters, is row {len(self.rows) + 1} of sheet {OVERFLOW_SHEET}]"
        return _parts(text, MAX_CELL - _units(note))[0] + note

    def write(self, wb: Any, formats: dict[str, Any]) -> None:
        if not self.rows:
            return
        ws = wb.add_worksheet(OVERFLOW_SHEET)
        width = max(len(_parts(text)) for _, _, text in self.rows)
        for col, head in enumerate(("sheet", "cell", *(f"part {n}" for n in range(1, width + 1)))):
            ws.write_string(0, col, head, formats["header"])
        for row, (sheet, cell, text) in enumerate(self.rows, 1):
            for col, value in enumerate((sheet, cell, *_parts(text))):
                ws.write_string(row, col, value)


def _page_url(page: str | None) -> str | None:
    """``controls/sec-1.md`` -> ``../controls/sec-1/index.html`` (the site's directory URLs, opened offline)."""
    if page is None:
        return None
    return SITE_FROM_DOWNLOADS + page.removesuffix(".md") + "/index.html"


def _site_page(fn: Callable[[str], str], ident: str) -> str | None:
    try:
        return fn(ident)
    except ValueError:  # an id that cannot name a page: the cell stays plain text
        return None


class _Sheet:
    """One table sheet: bold frozen header, autofilter, widths by column type."""

    def __init__(self, wb: Any, name: str, columns: tuple[Column, ...], formats: dict[str, Any], overflow: _Overflow):
        self.ws = wb.add_worksheet(name)
        self.name = name
        self.overflow = overflow
        self.columns = columns
        self.formats = formats
        self.row = 0
        for col, c in enumerate(columns):
            self.ws.write_string(0, col, c.name, formats["header"])
            self.ws.set_column(col, col, WIDTHS.get(c.type, TEXT_WIDTH), formats["wrap"] if c.type == "text" else None)

    def add(self, values: dict[str, Any], links: dict[str, str | None] | None = None) -> None:
        self.row += 1
        for col, c in enumerate(self.columns):
            value = values[c.name]
            link = (links or {}).get(c.name)
            if isinstance(value, bool):
                self.ws.write_boolean(self.row, col, value)
            elif isinstance(value, int):
                self.ws.write_number(self.row, col, value)
            elif link and value and len(link) <= MAX_URL and _linkable(link):
                self.ws.write_url(self.row, col, _xlsx_url(link), self.formats["link"], string=self.overflow.fit(self.name, self.row, col, value))
            else:
                self.ws.write_string(self.row, col, self.overflow.fit(self.name, self.row, col, value))

    def close(self) -> None:
        self.ws.freeze_panes(1, 0)
        self.ws.autofilter(0, 0, max(self.row, 1), len(self.columns) - 1)


def _linkable(url: str) -> bool:
    return url.startswith(("https://", "http://")) or bool(re.fullmatch(r"\.\./[A-Za-z0-9._/-]+", url))


def _xlsx_url(url: str) -> str:
    return url if url.startswith(("https://", "http://")) else "external:" + url


def _mapping_rows(cat: Catalog, sheet: _Sheet, a: Analysis | None = None, cw: CrosswalkAnalysis | None = None) -> None:
    for row in csv_rows(cat, cw=cw):
        links = {
            "control_id": _page_url(_site_page(control_page, str(row["control_id"]))),
            "rule": _page_url(_site_page(rule_page, str(row["rule"]))),
            "rule_documentation_url": str(row["rule_documentation_url"]),
            "source_url": str(row["source_url"]),
        }
        sheet.add(dict(row), links)


def _rule_rows(cat: Catalog, sheet: _Sheet, a: Analysis | None = None, cw: CrosswalkAnalysis | None = None) -> None:
    a = a or Analysis.of(cat)
    cw = cw or CrosswalkAnalysis(cat)
    for r in cat.rules:
        sheet.add(
            {
                **rule_cells(r, cw),
                "controls": LIST_SEPARATOR.join(r.control_ids),
                "mappings": a.rule_mapping_count[r.id],
                "resource_types": LIST_SEPARATOR.join(r.resource_types or ()),
                "regions_note": r.regions_note or "",
                "description": r.description or "",
            },
            {"rule": _page_url(_site_page(rule_page, r.id)), "rule_documentation_url": r.documentation_url},
        )


def _question_rows(cat: Catalog, sheet: _Sheet, a: Analysis | None = None, cw: CrosswalkAnalysis | None = None) -> None:
    a = a or Analysis.of(cat)
    for c in cat.controls:
        page = _page_url(_site_page(control_page, c.id))
        sheet.add(
            {
                "control_id": c.id,
                "framework_question_id": c.framework_question_id or "",
                "question": c.question,
                "in_source": c.in_source,
                "statements": len(c.statements),
                "rules": len(a.control_rules[c.id]),
                "mappings": a.control_mapping_count[c.id],
                "note": c.note or "",
            },
            {"control_id": page},
        )


def _about(wb: Any, cat: Catalog, formats: dict[str, Any], overflow: _Overflow) -> None:
    fw = cat.framework
    src = fw.source
    ws = wb.add_worksheet("About")
    ws.set_column(0, 0, 28)
    ws.set_column(1, 1, 24)
    ws.set_column(2, 2, 14)
    ws.set_column(3, 3, 90, formats["wrap"])
    facts = (
        ("Catalogue", fw.title),
        ("Catalogue version", fw.version or ""),
        ("Released", fw.released or ""),
        ("Source", src.title),
        ("Source URL", src.url),
        ("Source snapshot captured", src.captured or ""),
        ("Source snapshot SHA-256", src.sha256),
        ("Source licence", src.license or ""),
        ("Notice", src.notice or ""),
        ("Lists in one cell", f"separated by '{LIST_SEPARATOR}'"),
    )
    for n, (key, value) in enumerate(facts):
        ws.write_string(n, 0, key, formats["header"])
        ws.write_string(n, 1, overflow.fit("About", n, 1, value))
    row = len(facts) + 1
    ws.write_string(row, 0, "Column dictionary", formats["header"])
    for col, head in enumerate(("table", "column", "type", "meaning")):
        ws.write_string(row + 1, col, head, formats["header"])
    row += 2
    for table, table_columns in dictionary():
        for c in table_columns:
            for col, value in enumerate((table, c.name, c.type, meaning(c))):
                ws.write_string(row, col, value)
            row += 1


def _created(cat: Catalog) -> dt.datetime:
    date = cat.framework.released or cat.framework.source.captured or "1980-01-01"
    return dt.datetime.strptime(date, "%Y-%m-%d")


def workbook_bytes(cat: Catalog, a: Analysis | None = None) -> bytes:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})  # no temporary files
    fw = cat.framework
    wb.set_properties(
        {
            "title": f"{fw.title}: AWS Config rule mappings",
            "author": "conformap",
            "comments": f"catalogue version {fw.version or 'unversioned'}; source snapshot captured {fw.source.captured or 'unknown'}",
            "created": _created(cat),
        }
    )
    formats = {
        "header": wb.add_format({"bold": True}),
        "wrap": wb.add_format({"text_wrap": True, "valign": "top"}),
        "link": wb.add_format({"font_color": "blue", "underline": 1}),
    }
    overflow = _Overflow()
    a = a or Analysis.of(cat)
    cw = CrosswalkAnalysis(cat)
    for name, columns, fill in (
        ("Mappings", MAPPING_COLUMNS, _mapping_rows),
        ("Rules", RULE_COLUMNS, _rule_rows),
        ("Questions", QUESTION_COLUMNS, _question_rows),
    ):
        sheet = _Sheet(wb, name, columns, formats, overflow)
        fill(cat, sheet, a, cw)
        sheet.close()
    _about(wb, cat, formats, overflow)
    overflow.write(wb, formats)
    wb.close()
    return buf.getvalue()
