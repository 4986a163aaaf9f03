"""Exports: plain functions from the catalogue model to bytes. Deterministic: same catalogue, same bytes.

* ``aws-text`` — the mapping table in the source page's own text layout (one row per distinct mapping);
* ``json`` — everything (framework, controls, statements, rules, mappings, errata) with a
  ``schema_version``; validated by ``schema/export.schema.json``, published as ``mappings.schema.json``;
* ``csv`` — one row per mapping, UTF-8, header row, RFC 4180 quoting (CRLF line ends), with cells a
  spreadsheet would run as a formula neutralised (see :func:`csv_safe`).
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any, Callable

from conformap.catalog.model import Catalog, Control, Erratum, Mapping, Rule

SCHEMA_VERSION = "1.0"
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


def _control_json(c: Control) -> dict[str, Any]:
    return {
        "id": c.id,
        "number": c.number,
        "question": c.question,
        "current_question": c.current_question,
        "framework_question_id": c.framework_question_id,
        "in_source": c.in_source,
        "note": c.note,
        "statements": [
            {
                "id": s.id,
                "kind": s.kind,
                "text": s.text,
                "best_practice": None
                if s.best_practice is None
                else {"id": s.best_practice.id, "title": s.best_practice.title, "url": s.best_practice.url},
            }
            for s in c.statements
        ],
    }


def _rule_json(r: Rule) -> dict[str, Any]:
    return {
        "id": r.id,
        "kind": r.kind,
        "identifier": r.identifier,
        "service": r.service,
        "trigger": r.trigger,
        "description": r.description,
        "documentation_url": r.documentation_url,
        "resource_types": list(r.resource_types) if r.resource_types is not None else None,
        "parameters": [
            {
                "name": p.name,
                "type": p.type,
                "optional": p.optional,
                "default": p.default,
                "conformance_pack_value": r.pack_input_parameters.get(p.name),
                "description": p.description,
            }
            for p in r.parameters
        ],
        "conformance_pack_input_parameters": dict(r.pack_input_parameters),
        "deprecated_successor": r.deprecated.successor if r.deprecated else None,
        "guidance": r.guidance,
        "controls": list(r.control_ids),
        "sources": [{k: v for k, v in vars(s).items() if v is not None} for s in r.sources],
    }


def _mapping_json(m: Mapping) -> dict[str, Any]:
    return {
        "control": m.control_id,
        "statement": m.statement_id,
        "rule": m.rule_id,
        "source_rows": list(m.source_rows),
        "printed_statement": m.printed_statement,
        "rationale": m.rationale,
    }


def _erratum_json(e: Erratum) -> dict[str, Any]:
    return {
        "id": e.id,
        "kind": e.kind,
        "title": e.title,
        "source_rows": list(e.source_rows),
        "rules": list(e.rules),
        "controls": list(e.controls),
        "source_shows": e.source_shows,
        "catalogue_does": e.catalogue_does,
        "reason": e.reason,
    }


def to_json_data(cat: Catalog) -> dict[str, Any]:
    fw = cat.framework
    src = fw.source
    mappings = cat.mappings
    from conformap.analysis.stats import Analysis

    counts = Analysis.of(cat).summary
    return {
        "schema_version": SCHEMA_VERSION,
        "framework": {
            "id": fw.id,
            "title": fw.title,
            "publisher": fw.publisher,
            "url": fw.url,
            "source": {
                "title": src.title,
                "url": src.url,
                "template_url": src.template_url,
                "sha256": src.sha256,
                "rows": src.rows,
                "notice": src.notice,
            },
        },
        "counts": {
            "controls": counts.controls,
            "controls_mapped": counts.controls_in_source,  # the key predates the name; it never meant "has rules"
            "rules": counts.rules,
            "mappings": counts.mappings,
            "errata": len(cat.errata),
        },
        "controls": [_control_json(c) for c in cat.controls],
        "rules": [_rule_json(r) for r in cat.rules],
        "mappings": [_mapping_json(m) for m in mappings],
        "errata": [_erratum_json(e) for e in cat.errata],
    }


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
