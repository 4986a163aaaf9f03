"""``--format csv``: one row per question x rule instance x resource evaluation, with the conventions of
``mappings.csv`` (UTF-8 without a byte-order mark, CRLF, formula-like cells neutralised by
:func:`conformap.escape.spreadsheet_cell`); untrusted text (names, ids, annotations) is first made one inert
line by :func:`conformap.escape.terminal`. Its columns are ``POSTURE_COLUMNS`` of the data dictionary.

Evaluations are read again from the saved files (the posture keeps counts, not rows) and written in file
order; each instance's rows come only from the answer its counts come from. Then one row per deployed
rule without evaluation and per mapped rule not deployed.
"""

from __future__ import annotations

import csv
from typing import IO

from conformap.escape import spreadsheet_cell, terminal
from conformap.outputs.columns import POSTURE_COLUMNS
from conformap.posture import status as st
from conformap.posture.bundle import Bundle, evaluations, iso
from conformap.posture.report_data import Posture

HEADER = tuple(c.name for c in POSTURE_COLUMNS)


class _Text:
    """Text written to a binary stream as UTF-8."""

    def __init__(self, out: IO[bytes]):
        self.out = out

    def write(self, text: str) -> None:
        self.out.write(text.encode("utf-8"))


def write(p: Posture, bundle: Bundle, out: IO[bytes]) -> None:
    writer = csv.writer(_Text(out), lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(HEADER)
    questions_of: dict[str, list[tuple[str, str]]] = {}
    rule_status: dict[str, str] = {}
    for q in p.questions:
        for rr in q.rules:
            questions_of.setdefault(rr.rule.id, []).append((q.id, q.status))
            rule_status[rr.rule.id] = rr.status
    matched = p.matched

    def cell(value: str) -> str:
        """Untrusted text on one inert line (control, bidi and zero-width characters as escapes), never a formula."""
        return spreadsheet_cell(terminal(value))

    for kind, (scope, name, rtype, rid, ct, mode, annotation, t) in evaluations(bundle):
        inst = matched.by_where.get(matched.where_of.get((scope, name), ("", "", "")))
        if inst is None or inst.results_kind != kind.command:
            continue
        tail = [cell(inst.name), cell(inst.account), cell(inst.region), "true" if inst.custom else "false", inst.status,
                cell(rtype), cell(rid), cell(ct), cell(mode), cell(annotation), iso(t), kind.command]
        for rule_id in inst.rule_ids:
            for qid, qstatus in questions_of.get(rule_id, ()):
                writer.writerow([qid, qstatus, rule_id, rule_status[rule_id], *tail])
    for q in p.questions:
        for rr in q.rules:
            if not rr.instances:
                writer.writerow([q.id, q.status, rr.rule.id, rr.status, "", "", "", "false", st.NOT_DEPLOYED, "", "", "", "", "", "", ""])
            for inst in rr.instances:
                if inst.results is None or not (sum(inst.results.counts.values()) + len(inst.results.proactive)):
                    writer.writerow([q.id, q.status, rr.rule.id, rr.status, cell(inst.name), cell(inst.account), cell(inst.region),
                                     "true" if inst.custom else "false", inst.status, "", "", "", "", "", "", inst.results_kind])
