"""Exports: plain functions from the catalogue model to bytes. Deterministic: same catalogue, same bytes.

* ``aws-text`` — the mapping table in the source page's own text layout (one row per distinct mapping);
* ``json`` — everything: the framework, controls, rules and errata exactly as their catalogue files
  hold them (:mod:`conformap.catalog.records`, absent facts left out), every mapping again in one
  flat list in source order, and headline counts, with a ``schema_version``; validated by
  ``schema/export.schema.json`` (which refers to the catalogue schemas), published with its
  references inlined as ``mappings.schema.json``;
* ``csv`` — one row per mapping, UTF-8, header row, RFC 4180 quoting (CRLF line ends), with cells a
  spreadsheet would run as a formula neutralised (see :func:`csv_safe`).
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any, Callable

from conformap.catalog import records, schema
from conformap.catalog.model import Catalog, Mapping

SCHEMA_VERSION = "2.0"
MAPPING_POINTER = "/properties/mappings/items"  # in rule.schema.json
ERRATUM_POINTER = "/properties/errata/items"  # in errata.schema.json
TEXT_HEADER = "Control ID Control Description AWS Config Rule Guidance"

CSV_COLUMNS = (
    "control_id",
    "control_question",
    "statement_id",
    "statement",
    "best_practice",
    "rule",
    "rule_identifier",
    "rule_kind",
    "service",
    "trigger",
    "deprecated_successor",
    "guidance",
    "source_rows",
    "printed_statement",
    "rationale",
    "rule_documentation_url",
    "source_url",
)

# First characters that make Excel, LibreOffice or Google Sheets treat a cell as a formula or command.
# OWASP's list, plus the full-width forms some spreadsheet locales also read as operators.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def csv_safe(value: str) -> str:
    """Neutralise a cell a spreadsheet would execute: prefix it with an apostrophe (OWASP's advice).

    The apostrophe makes spreadsheets show the cell as text; a reader of the raw CSV sees it as the
    first character. A cell is neutralised when it starts, possibly after spaces, with ``= + - @``
    (or their full-width forms), a tab or a carriage return; every other cell is unchanged.
    """
    return "'" + value if value.lstrip(" ").startswith(FORMULA_TRIGGERS) else value


def aws_text(cat: Catalog) -> str:
    """The mapping table as the source page prints it: control line, blank, rule, blank, guidance."""
    blocks = []
    for m in cat.mappings:
        shown = cat.statement(m.printed_statement or m.statement_id)
        question = cat.control(shown.control_id).question
        blocks.append(f"{m.control_id} {question} {shown.text}\n\n{m.rule_id}\n\n{cat.rule(m.rule_id).guidance}")
    return TEXT_HEADER + "\n" + "\n".join(blocks) + "\n"


def _record(obj, kind: str, pointer: str = "") -> dict[str, Any]:
    """A catalogue object as its catalogue file holds it (:mod:`conformap.catalog.records`), keys in schema order."""
    return schema.ordered(records.to_record(obj), kind, pointer)


def mapping_record(m: Mapping) -> dict[str, Any]:
    """One entry of the flat mapping list: the rule, then the mapping as its rule file holds it."""
    return {"rule": m.rule_id, **_record(m, "rule", MAPPING_POINTER)}


def to_json_data(cat: Catalog) -> dict[str, Any]:
    from conformap.analysis.graph import build_graph
    from conformap.analysis.stats import summary

    s = summary(build_graph(cat))
    return {
        "schema_version": SCHEMA_VERSION,
        "framework": _record(cat.framework, "framework"),
        "counts": {
            "controls": s.controls,
            "controls_in_source": sum(1 for c in cat.controls if c.in_source),
            "controls_with_rules": s.controls_mapped,
            "rules": s.rules,
            "mappings": s.mappings,
            "errata": len(cat.errata),
        },
        "controls": [_record(c, "control") for c in cat.controls],
        "rules": [_record(r, "rule") for r in cat.rules],
        "mappings": [mapping_record(m) for m in cat.mappings],
        "errata": [_record(e, "errata", ERRATUM_POINTER) for e in cat.errata],
    }


def json_schema() -> str:
    """``schema/export.schema.json`` with every reference inlined: one file that validates mappings.json alone."""
    return json.dumps(schema.inlined("export.schema.json"), ensure_ascii=False, indent=2) + "\n"


def to_json(cat: Catalog) -> str:
    return json.dumps(to_json_data(cat), ensure_ascii=False, indent=2) + "\n"


def csv_rows(cat: Catalog) -> list[dict[str, str]]:
    rows = []
    for m in cat.mappings:
        rule = cat.rule(m.rule_id)
        control = cat.control(m.control_id)
        st = cat.statement(m.statement_id)
        rows.append(
            {
                "control_id": control.id,
                "control_question": control.question,
                "statement_id": st.id,
                "statement": st.text,
                "best_practice": st.best_practice.id if st.best_practice else "",
                "rule": rule.id,
                "rule_identifier": rule.identifier or "",
                "rule_kind": rule.kind,
                "service": rule.service or "",
                "trigger": rule.trigger or "",
                "deprecated_successor": rule.deprecated.successor if rule.deprecated else "",
                "guidance": rule.guidance,
                "source_rows": " ".join(str(n) for n in m.source_rows),
                "printed_statement": m.printed_statement or "",
                "rationale": m.rationale or "",
                "rule_documentation_url": rule.documentation_url or "",
                "source_url": cat.framework.source.url,
            }
        )
    return rows


def to_csv(cat: Catalog) -> str:
    buf = io.StringIO(newline="")
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writeheader()
    for row in csv_rows(cat):
        writer.writerow({k: csv_safe(v) for k, v in row.items()})
    return buf.getvalue()


FORMATS: dict[str, Callable[[Catalog], str]] = {"aws-text": aws_text, "json": to_json, "csv": to_csv}


def render(cat: Catalog, fmt: str) -> bytes:
    return FORMATS[fmt](cat).encode("utf-8")
