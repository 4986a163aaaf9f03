"""The page snapshot's rows, read with this module's own code (not conformap's page parser).

The text form AWS's page is saved in: after the header line ``Control ID Control Description AWS Config Rule
Guidance``, each row is a line ``<question id> <question>? <statement text>``, a blank line, the rule name (with
``(Process Check)`` after it for a process check), a blank line and the guidance. The table ends at ``Template``.
Rows are numbered from 1.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

HEADER = "Control ID Control Description AWS Config Rule Guidance"
END = "Template"


@dataclass(frozen=True)
class Row:
    number: int
    label: str  # the question id the row carries
    printed: str  # everything after the id: the question, then the statement text
    rule: str
    guidance: str


def rows(path: Path) -> list[Row]:
    lines = path.read_text(encoding="utf-8").split("\n")
    start = lines.index(HEADER) + 1
    out: list[Row] = []
    i = start
    while i < len(lines) and lines[i].strip() != END:
        if not lines[i].strip():
            i += 1
            continue
        label, printed = lines[i].split(" ", 1)
        rule_line = lines[i + 2].strip()
        guidance = lines[i + 4]
        rule = re.sub(r"\s*\(process check\)$", "", rule_line, flags=re.IGNORECASE)
        out.append(Row(len(out) + 1, label, printed.strip(), rule, guidance))
        i += 5
    return out
