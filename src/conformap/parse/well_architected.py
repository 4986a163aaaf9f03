"""Well-Architected best practices (``aws-samples/sample-well-architected-skills-and-steering``,
``references/manifest.md``): the questions of a pillar and their best practices.
"""

from __future__ import annotations

import re
from typing import Any

from conformap.parse.reading import SourceFormatError


_WA_QUESTION = re.compile(r"^### (?P<pillar>[A-Z]+)(?P<n>[0-9]+) — (?P<question>.+?) \((?P<count>[0-9]+) BPs?\)\s*$")
_WA_BP = re.compile(r"^- `(?P<id>[A-Z]+[0-9]{2}-BP[0-9]{2})` — (?P<title>.+?)\s*$")


def wa_best_practices(text: str, pillar: str = "SEC") -> list[dict[str, Any]]:
    """The questions of one pillar in the best-practice manifest (``references/manifest.md``): per question its
    id (``SEC08``), wording and best practices (``SEC08-BP02``, title), checked against the count it states."""
    out: list[dict[str, Any]] = []
    problems: list[tuple[int, str]] = []
    current: dict[str, Any] | None = None
    for n, line in enumerate(text.splitlines(), 1):
        q = _WA_QUESTION.match(line)
        if q:
            current = None
            if q["pillar"] == pillar:
                current = {"id": f"{pillar}{int(q['n']):02d}", "question": q["question"], "best_practices": [], "_count": int(q["count"]), "_line": n}
                out.append(current)
            continue
        bp = _WA_BP.match(line)
        if bp and current is not None:
            if not bp["id"].startswith(current["id"] + "-"):
                problems.append((n, f"{bp['id']} listed under {current['id']}"))
            current["best_practices"].append({"id": bp["id"], "title": bp["title"]})
    for question in out:
        if len(question["best_practices"]) != question["_count"]:
            problems.append((question["_line"], f"{question['id']} says {question['_count']} best practices and lists {len(question['best_practices'])}"))
    if not out:
        problems.append((0, f"no '### {pillar}N — question (N BPs)' heading"))
    if problems:
        raise SourceFormatError(problems)
    return [{k: v for k, v in question.items() if not k.startswith("_")} for question in out]
