"""Reading published files back as a user's tools would: CSV, workbook cells (openpyxl), pack templates (YAML),
Markdown tables and numbers from rendered pages, text from built HTML. No conformap import."""

from __future__ import annotations

import csv
import html
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import yaml

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def neutralised(value: str) -> str:
    """A CSV cell as published: a cell a spreadsheet would run as a formula starts with an apostrophe."""
    return "'" + value if value.lstrip(" ").startswith(FORMULA_TRIGGERS) else value


def csv_rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8"), newline="")))


def sheet(path: Path, name: str) -> list[dict]:
    """A workbook sheet's rows as dicts by header, every cell's value as openpyxl reads it."""
    wb = openpyxl.load_workbook(path)
    rows = list(wb[name].iter_rows(values_only=True))
    head = rows[0]
    return [{h: ("" if v is None else v) for h, v in zip(head, r)} for r in rows[1:]]


def pack(path: Path) -> dict[str, dict]:
    """rule name -> {identifier, description, controls, inputs: {parameter: default}} of one pack template."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    params = doc.get("Parameters") or {}
    out = {}
    for res in doc["Resources"].values():
        p = res["Properties"]
        inputs = {}
        for name, value in (p.get("InputParameters") or {}).items():
            ref = value["Fn::If"][1]["Ref"]
            inputs[name] = params[ref]["Default"]
        out[p["ConfigRuleName"]] = {
            "identifier": p["Source"]["SourceIdentifier"],
            "description": p["Description"],
            "controls": res.get("Controls"),
            "inputs": inputs,
            "type": res["Type"],
        }
    return out


_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_ESC = re.compile(r"\\(.)")


def md_text(cell: str) -> str:
    """A Markdown cell as a reader sees it: links as their text, escapes and emphasis removed."""
    text = re.sub(r"<[^>]+>", "", _LINK.sub(r"\1", cell))
    text = _ESC.sub(r"\1", text)
    return html.unescape(text).replace("*", "").strip()


def md_tables(text: str) -> list[list[list[str]]]:
    """Every pipe table of a Markdown page: rows of cells (header first, the --- row dropped)."""
    tables: list[list[list[str]]] = []
    current: list[list[str]] | None = None
    for line in text.splitlines():
        if line.startswith("|"):
            cells = [c for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
            if all(re.fullmatch(r"\s*-+:?\s*", c) for c in cells):
                continue
            if current is None:
                current = []
                tables.append(current)
            current.append([c.strip() for c in cells])
        else:
            current = None
    return tables


def md_table_after(text: str, header_first: str) -> list[dict[str, str]]:
    """The table whose first header cell is ``header_first``, as dicts of reader's text."""
    for t in md_tables(text):
        if md_text(t[0][0]) == header_first:
            head = [md_text(h) for h in t[0]]
            return [dict(zip(head, (md_text(c) for c in row))) for row in t[1:]]
    raise AssertionError(f"no table starting with {header_first!r}")


class _Tables(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None
        self._row: list[str] | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self._row = []
            self.tables[-1].append(self._row)
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        self.text.append(data)


def html_tables(path: Path) -> tuple[list[list[list[str]]], str]:
    """The tables of a built HTML page (cells as text) and the page's whole text."""
    p = _Tables()
    p.feed(path.read_text(encoding="utf-8"))
    return p.tables, " ".join(" ".join(p.text).split())
