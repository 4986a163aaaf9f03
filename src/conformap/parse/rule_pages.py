"""AWS Config Developer Guide rule pages (``awsdocs/aws-config-developer-guide`` ``doc_source/RULE.md``):
a rule's full description, its note and its parameters' descriptions, verbatim (Markdown backslash escapes removed).
"""

from __future__ import annotations

import re
from typing import Any

from conformap.escape import markdown_unescape
from conformap.parse.reading import SourceFormatError, check_headings


def _paragraphs(lines: list[str]) -> str:
    """Lines of Markdown as text: lines of a paragraph joined by a line break, paragraphs by a blank line."""
    paras: list[list[str]] = [[]]
    for line in lines:
        if line.strip():
            paras[-1].append(markdown_unescape(line.strip()))
        elif paras[-1]:
            paras.append([])
    return "\n\n".join("\n".join(p) for p in paras if p)


_PARAM_HEAD = re.compile(r"^(?P<name>[A-Za-z0-9_]+?)(?: \\\((?:Optional|Required)\\\)(?P<rest>.*)|(?P<typed>Type: ?.*))$")
_TYPE_DEFAULT = re.compile(r"^Type: ?\S+?(?:Default: ?.*)?$")


def parse_rule_page(text: str) -> dict[str, Any]:
    """A managed rule page: ``description`` (every paragraph before **Identifier:**, up to a
    **Note**), ``note`` (the note's paragraphs, if any) and ``parameters`` (name -> full
    description, every line of it)."""
    lines = text.splitlines()
    check_headings(lines)
    if not lines or not lines[0].startswith("# "):
        raise SourceFormatError([(1, "expected the page title ('# rule-name') on the first line")])
    try:
        ident = next(i for i, ln in enumerate(lines) if ln.startswith("**Identifier:**"))
    except StopIteration:
        raise SourceFormatError([(0, "no '**Identifier:**' line")]) from None
    identifier = markdown_unescape(lines[ident][len("**Identifier:**") :].strip())
    note = next((i for i in range(1, ident) if lines[i].strip() == "**Note**"), ident)
    description = _paragraphs(lines[1:note])
    notes = _paragraphs(lines[note + 1 : ident]) if note < ident else ""
    params: dict[str, str] = {}
    start = next((i for i, ln in enumerate(lines) if ln.startswith("**Parameters:**")), None)
    if start is not None:
        current: str | None = None
        for ln in lines[start + 1 :]:
            if ln.startswith("## "):
                break
            head = _PARAM_HEAD.match(ln.strip())
            if head:
                current = head["name"]
                rest = (head["rest"] or head["typed"] or "").strip()
                params[current] = "" if not rest or _TYPE_DEFAULT.match(rest) else markdown_unescape(rest)
            elif current is not None and ln.strip():
                params[current] = "\n".join(x for x in (params[current], markdown_unescape(ln.strip())) if x)
            elif current is not None and params[current]:
                current = None  # a blank line ends the parameter's text
    if not description:
        raise SourceFormatError([(2, "no description before '**Identifier:**'")])
    out: dict[str, Any] = {"identifier": identifier, "description": description, "parameters": params}
    if notes:
        out["note"] = notes
    return out
