"""``csv`` (mappings.csv): one row per mapping, UTF-8, a header row, RFC 4180 quoting (CRLF line ends),
every cell a spreadsheet would run as a formula neutralised (:func:`conformap.escape.spreadsheet_cell`).
"""

from __future__ import annotations

import csv
import io

from conformap.catalog.model import Catalog
from conformap.escape import spreadsheet_cell

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


def render(cat: Catalog) -> str:
    buf = io.StringIO(newline="")
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writeheader()
    for row in csv_rows(cat):
        writer.writerow({k: spreadsheet_cell(v) for k, v in row.items()})
    return buf.getvalue()
