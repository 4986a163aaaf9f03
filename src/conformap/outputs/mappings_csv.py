"""``csv`` (mappings.csv): one row per mapping, UTF-8 without a byte-order mark, a header row, RFC 4180
quoting (CRLF line ends), every cell a spreadsheet would run as a formula neutralised
(:func:`conformap.escape.spreadsheet_cell`); its columns are documented in :mod:`conformap.outputs.columns`.
"""

from __future__ import annotations

import csv
import io

from conformap.analysis.sources import CrosswalkAnalysis
from conformap.escape import spreadsheet_cell
from conformap.model.catalog import Catalog, Rule
from conformap.outputs.columns import CROSSWALK_COLUMNS, CSV_COLUMNS, LIST_SEPARATOR


def rule_cells(rule: Rule, cw: CrosswalkAnalysis) -> dict[str, str | bool]:
    """The cells that describe a rule, the same on every table with a rule per row (mappings.csv, the
    workbook's Mappings and Rules sheets); ``deprecated`` is a boolean, lists are joined into one cell."""
    ids = cw.rule_ids(rule.id)
    return {
        "rule": rule.id,
        "rule_identifier": rule.identifier or "",
        "rule_kind": rule.kind,
        "service": rule.service or "",
        "trigger": rule.trigger or "",
        "deprecated": rule.deprecated is not None,
        "deprecated_successor": rule.deprecated.successor if rule.deprecated else "",
        "rule_documentation_url": rule.documentation_url or "",
        **{c.name: LIST_SEPARATOR.join(ids[c.name]) for c in CROSSWALK_COLUMNS},
    }


def csv_rows(cat: Catalog, control_id: str | None = None, cw: CrosswalkAnalysis | None = None) -> list[dict[str, str | bool]]:
    """One row per mapping (``deprecated`` a boolean); only the mappings of one question when ``control_id`` is given."""
    cw = cw or CrosswalkAnalysis(cat)
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
                "statement_id": st.id,
                "statement": st.text,
                "best_practice": st.best_practice.id if st.best_practice else "",
                **rule_cells(rule, cw),
                "guidance": rule.guidance,
                "source_rows": LIST_SEPARATOR.join(str(n) for n in m.source_rows),
                "printed_statement": m.printed_statement or "",
                "rationale": m.rationale or "",
                "source_url": cat.framework.source.url,
            }
        )
    return rows


def _text(value: str | bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def render(cat: Catalog, control_id: str | None = None) -> str:
    """The CSV of every mapping, or of one question's mappings (``downloads/questions/<id>.csv``)."""
    buf = io.StringIO(newline="")
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writeheader()
    for row in csv_rows(cat, control_id):
        writer.writerow({k: spreadsheet_cell(_text(v)) for k, v in row.items()})
    return buf.getvalue()
