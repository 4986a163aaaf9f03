"""``aws-text``: the mapping table in the source page's own text layout, one row per distinct mapping.

It reproduces every distinct row of AWS's page character for character (tests/test_export_aws_page_fidelity.py).
"""

from __future__ import annotations

from conformap.parse.aws_page import TEXT_HEADER
from conformap.model.catalog import Catalog


def render(cat: Catalog) -> str:
    """The mapping table as the source page prints it: control line, blank, rule, blank, guidance."""
    blocks = []
    for m in cat.mappings:
        shown = cat.statement(m.printed_statement or m.statement_id)
        question = cat.control(shown.control_id).question
        blocks.append(f"{m.control_id} {question} {shown.text}\n\n{m.rule_id}\n\n{cat.rule(m.rule_id).guidance}")
    return TEXT_HEADER + "\n" + "\n".join(blocks) + "\n"
