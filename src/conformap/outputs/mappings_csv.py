"""``csv`` (mappings.csv): one row per mapping, UTF-8 without a byte-order mark, a header row, RFC 4180
quoting (CRLF line ends), every cell a spreadsheet would run as a formula neutralised
(:func:`conformap.escape.spreadsheet_cell`); its columns are documented in :mod:`conformap.outputs.columns`.
"""

from __future__ import annotations

import csv
import io

from conformap.model.catalog import Catalog
from conformap.escape import spreadsheet_cell
from conformap.outputs.columns import CROSSWALK_COLUMNS, CSV_COLUMNS, LIST_SEPARATOR
from conformap.outputs.crosswalk import rule_ids


def crosswalk_cells(cat: Catalog, rule_id: str) -> dict[str, str]:
    """The rule's crosswalk columns, each a list in one cell."""
    ids = rule_ids(cat, rule_id)
    return {c.name: LIST_SEPARATOR.join(ids[c.name]) for c in CROSSWALK_COLUMNS}


def csv_rows(cat: Catalog, control_id: str | None = None) -> list[dict[str, str]]:
    """One row per mapping; only the mappings of one question when ``control_id`` is given."""
    rows = []
    for m in cat.mappings:
        if control_id is not None and m.control_id != control_id:
            continue
        rule = cat.rule(m.rule_id)
        control = cat.control(m.control_id)
        st = cat.statement(m.statement_id)
        rows.append(
            {
                "control_id": control.id,
                "framework_question_id": control.framework_question_id or "",
                "control_question": control.question,
                "control_current_question": control.current_question or "",
                "statement_id": st.id,
                "statement": st.text,
                "best_practice": st.best_practice.id if st.best_practice else "",
                "rule": rule.id,
                "rule_identifier": rule.identifier or "",
                "rule_kind": rule.kind,
                "service": rule.service or "",
                "trigger": rule.trigger or "",
                "deprecated": "true" if rule.deprecated else "false",
                "deprecated_successor": rule.deprecated.successor if rule.deprecated else "",
                "guidance": rule.guidance,
                "rule_note": rule.note or "",
                "source_rows": LIST_SEPARATOR.join(str(n) for n in m.source_rows),
                "printed_statement": m.printed_statement or "",
                "rationale": m.rationale or "",
                "rule_documentation_url": rule.documentation_url or "",
                "source_url": cat.framework.source.url,
                **crosswalk_cells(cat, rule.id),
            }
        )
    return rows


def render(cat: Catalog, control_id: str | None = None) -> str:
    """The CSV of every mapping, or of one question's mappings (``downloads/questions/<id>.csv``)."""
    buf = io.StringIO(newline="")
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writeheader()
    for row in csv_rows(cat, control_id):
        writer.writerow({k: spreadsheet_cell(v) for k, v in row.items()})
    return buf.getvalue()
