"""Parse AWS's "Operational Best Practices" page into mapping rows.

AWS publishes the page in two forms, both read here:

* the **text form** (as in ``catalog/sources/``): after the header line
  ``Control ID Control Description AWS Config Rule Guidance`` every row is a control line
  ``SEC-N <question>? <description>``, a blank line, the rule name, a blank line and the
  guidance paragraph;
* the **Markdown-table form**: ``| Control ID | Control Description | AWS Config Rule | Guidance |``,
  rule cells possibly written as Markdown links and possibly suffixed ``(Process Check)``
  in any letter case, rows in any order.

Rows are numbered from 1 in the order the page lists them.

**A page must be whole to be imported** (:func:`check_complete`). AWS's page ends its table with
its ``Template`` section (``Template`` on a line of its own in the text form, a ``Template``
heading in the Markdown form), and its last guidance ends a sentence. A page cut after any row,
cut in the middle of the last guidance, or with a stray line (site furniture: a feedback widget,
a cookie banner, a "Next topic" link) where the table should go on is refused with the line where
the table stopped looking like a table. :func:`parse_page` itself refuses a table with rows after
a line that is not a row, so a stray line can never hide the rows after it.

**Limits** (:func:`read_page`): a page is read in chunks and refused as soon as it passes
``MAX_PAGE_BYTES``, so ``/dev/zero`` or a 100 MB file costs a few reads, not the memory to hold it;
a table has at most ``MAX_ROWS`` rows and the same row at most ``MAX_ROW_REPEATS`` times.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from conformap.diagnostics import ConformapError
from conformap.escape import markdown_unescape, terminal
from conformap.parse.reading import read_limited

TEXT_HEADER = "Control ID Control Description AWS Config Rule Guidance"
MD_HEADER = ("control id", "control description", "aws config rule", "guidance")
# The section that follows the table on AWS's page: a page without it right after the table was cut.
TABLE_END = "Template"
# The last guidance of a whole page ends a sentence.
_SENTENCE_END = re.compile(r"[.!?][)\"\u201d\u2019]?$")

MAX_PAGE_BYTES = 4 * 1024 * 1024  # the real page is 125 KB
MAX_ROWS = 5000  # the real page has 183
MAX_ROW_REPEATS = 3  # the real page repeats two rows once each

# A question id as the page writes it: a prefix, a hyphen and the question's number, dotted for a framework
# that numbers its questions in levels (SEC-8, CIS-1.4); a level after the first has at most three digits
# (:func:`question_number`). Every such id is a ``control_id`` of ``schema/defs.schema.json`` (a test checks).
CONTROL_ID = re.compile(r"(?P<prefix>[A-Z][A-Z0-9]*)-(?P<number>[0-9]+(?:\.[0-9]{1,3})*)")
_CONTROL_LINE = re.compile(rf"^(?P<id>{CONTROL_ID.pattern}) (?P<rest>\S.*)$")
_RULE_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_MD_LINK = re.compile(r"^\[(?P<text>[^\]]+)\]\((?P<url>[^)\s]*)(?:\s+\"[^\"]*\")?\)(?P<rest>.*)$")
_PROCESS_CHECK = re.compile(r"\s*\(\s*process\s+check\s*\)\s*$", re.IGNORECASE)


class PageError(ConformapError):
    """The page could not be read as a mapping table. ``problems`` are (line, message) pairs; ``page``,
    when the caller names the file, prefixes each printed line (``page.txt:12: message``)."""

    def __init__(self, problems: list[tuple[int, str]], page: Path | None = None):
        self.problems = problems
        self.page = page
        where = terminal(page) if page is not None else "page"
        super().__init__(
            lines=[f"{where}:{n}: {terminal(m)}" for n, m in problems],
            message="; ".join(f"line {n}: {m}" for n, m in problems),
        )


class PageTooLarge(ConformapError):
    """The page file is longer than ``MAX_PAGE_BYTES``; it was not read further."""

    def __init__(self, message: str):
        super().__init__(lines=[message], message=message)


def read_page(path: Path, limit: int = MAX_PAGE_BYTES) -> bytes:
    """The page's bytes, read in chunks; :class:`PageTooLarge` as soon as it passes ``limit`` bytes.

    Works on what is not a regular file (a pipe, ``/dev/zero``) without trusting its size.
    ``OSError`` is left to the caller.
    """
    with open(path, "rb") as fh:
        data = read_limited(fh, limit)
    if data is None:
        raise PageTooLarge(f"the page is longer than {limit} bytes (the limit for a page); it was not read further")
    return data


@dataclass(frozen=True)
class Row:
    number: int  # 1-based position in the page's table
    line: int  # line of the page where the row starts
    control_id: str
    question: str
    description: str
    rule: str
    guidance: str
    process_check: bool = False


def question_number(control_id: str) -> int:
    """The number that orders a question, from its id (:data:`CONTROL_ID`): ``SEC-8`` is 8; a dotted id
    keeps three digits per further level, so ``CIS-1.4`` is 1004, ``CIS-1.10`` 1010 and ``CIS-2.4`` 2004:
    distinct for distinct ids of one depth, and in their natural order."""
    m = CONTROL_ID.fullmatch(control_id)
    if m is None:
        raise ValueError(f"'{control_id}' is not a question id of the page")
    first, *levels = (int(part) for part in m.group("number").split("."))
    for level in levels:
        first = first * 1000 + level
    return first


def split_question(text: str) -> tuple[str, str]:
    """Split a control description cell into its question (ending in '?') and the statement after it."""
    m = re.match(r"^(?P<q>[^?]*\?)(?:\s+(?P<d>.*))?$", text.strip(), re.S)
    if not m:
        return text.strip(), ""
    return m.group("q").strip(), (m.group("d") or "").strip()


def parse_rule_cell(cell: str) -> tuple[str, bool]:
    """Return (rule name, is process check) from a rule cell in either form."""
    text = cell.strip()
    link = _MD_LINK.match(text)
    if link:
        text = (link.group("text") + link.group("rest")).strip()
    process = bool(_PROCESS_CHECK.search(text))
    text = _PROCESS_CHECK.sub("", text).strip()
    link = _MD_LINK.match(text)  # "[name](url) (Process Check)" and "[name (Process Check)](url)"
    if link:
        text = link.group("text").strip()
    text = text.strip("`").strip()
    return text, process


def detect_form(text: str) -> str:
    for line in text.splitlines():
        if line.lstrip().startswith("|") and tuple(_md_cells(line)) and _is_md_header(_md_cells(line)):
            return "markdown"
    return "text"


def parse_page(text: str) -> tuple[str, list[Row]]:
    """Parse a page in either form. Returns (form, rows); raises :class:`PageError`."""
    form = detect_form(text)
    rows = _parse_markdown(text) if form == "markdown" else _parse_text(text)
    return form, rows


def _parse_text(text: str) -> list[Row]:
    lines = text.split("\n")
    try:
        start = next(i for i, ln in enumerate(lines) if ln.strip() == TEXT_HEADER)
    except StopIteration:
        raise PageError([(1, f"no table header line '{TEXT_HEADER}' and no Markdown table with columns {', '.join(MD_HEADER)}")]) from None
    rows: list[Row] = []
    problems: list[tuple[int, str]] = []
    i = start + 1
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        m = _CONTROL_LINE.match(lines[i])
        if not m:
            problems.extend(_rows_after(lines, i, lambda ln: bool(_CONTROL_LINE.match(ln))))
            break  # the table is over (e.g. the "Template" section)
        block = lines[i : i + 5]
        if len(block) < 5 or block[1].strip() or block[3].strip() or not block[2].strip() or not block[4].strip():
            problems.append((i + 1, "a row must be: control line, blank line, rule name, blank line, guidance"))
            i += 1
            continue
        rule, process = parse_rule_cell(block[2])
        if not _RULE_NAME.match(rule):
            problems.append((i + 3, f"'{block[2].strip()}' is not a rule name"))
        question, description = split_question(m.group("rest"))
        rows.append(Row(len(rows) + 1, i + 1, m.group("id"), question, description, rule, block[4].strip(), process))
        i += 5
        if len(rows) > MAX_ROWS:
            problems.append((i + 1, f"the table has more than {MAX_ROWS} rows (the limit for a page)"))
            break
    if not rows and not problems:
        problems.append((start + 1, "the table has no rows"))
    problems.extend(_repeats(rows))
    if problems:
        raise PageError(problems)
    return rows


def _md_cells(line: str) -> list[str]:
    body = line.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    cells, cur, esc = [], "", False
    for ch in body:
        if esc:
            cur += "\\" + ch
            esc = False
        elif ch == "\\":
            esc = True
        elif ch == "|":
            cells.append(cur)
            cur = ""
        else:
            cur += ch
    cells.append(cur + ("\\" if esc else ""))
    return [_unescape(c.strip()) for c in cells]


def _unescape(cell: str) -> str:
    cell = re.sub(r"<br\s*/?>", " ", cell, flags=re.I)
    return markdown_unescape(cell).strip()


def _is_md_header(cells: list[str]) -> bool:
    return tuple(c.lower().strip("* ") for c in cells) == MD_HEADER


def _parse_markdown(text: str) -> list[Row]:
    lines = text.split("\n")
    rows: list[Row] = []
    problems: list[tuple[int, str]] = []
    in_table = False
    for n, line in enumerate(lines, 1):
        if not line.lstrip().startswith("|"):
            if in_table and rows:
                in_table = False
                problems.extend(_rows_after(lines, n - 1, _is_md_row))
            continue
        cells = _md_cells(line)
        if _is_md_header(cells):
            in_table = True
            continue
        if len(rows) >= MAX_ROWS:
            problems.append((n, f"the table has more than {MAX_ROWS} rows (the limit for a page)"))
            break
        if not in_table or all(re.fullmatch(r":?-{3,}:?", c) for c in cells if c):
            continue
        if len(cells) != 4:
            problems.append((n, f"expected 4 cells (Control ID | Control Description | AWS Config Rule | Guidance), found {len(cells)}"))
            continue
        cid, desc, rule_cell, guidance = cells
        if not CONTROL_ID.fullmatch(cid):
            problems.append((n, f"'{cid}' is not a control id"))
            continue
        # Some renditions repeat the id at the start of the description cell.
        if desc.startswith(cid + " "):
            desc = desc[len(cid) + 1 :]
        rule, process = parse_rule_cell(rule_cell)
        if not _RULE_NAME.match(rule):
            problems.append((n, f"'{rule_cell}' is not a rule name"))
            continue
        question, description = split_question(desc)
        rows.append(Row(len(rows) + 1, n, cid, question, description, rule, guidance, process))
    if not rows and not problems:
        problems.append((1, "the Markdown table has no rows"))
    problems.extend(_repeats(rows))
    if problems:
        raise PageError(problems)
    return rows


def _is_md_row(line: str) -> bool:
    cells = _md_cells(line) if line.lstrip().startswith("|") else []
    return bool(cells) and bool(re.fullmatch(r"[A-Z][A-Z0-9]*-[0-9]+(?:\.[0-9]+)*", cells[0]))


def _rows_after(lines: list[str], i: int, is_row) -> list[tuple[int, str]]:
    """A problem if a row follows line ``i`` (0-based), where the table stopped: a stray line cut the table."""
    later = next((j for j in range(i + 1, len(lines)) if is_row(lines[j])), None)
    if later is None:
        return []
    i = next(j for j in range(i, later) if lines[j].strip() or j == later - 1)  # the stray line, not a blank one
    return [(i + 1, f"the table stops here ({_shown(lines[i])} is not a row), yet a row follows on line {later + 1}; remove the stray line")]


def _shown(line: str) -> str:
    line = line.strip()
    return repr(line if len(line) <= 60 else line[:57] + "...")


def _repeats(rows: list[Row]) -> list[tuple[int, str]]:
    seen: dict[tuple, int] = {}
    for r in rows:
        key = (r.control_id, r.question, r.description, r.rule, r.guidance)
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > MAX_ROW_REPEATS:
            return [(r.line, f"this row appears more than {MAX_ROW_REPEATS} times (the limit for a repeated row)")]
    return []


def check_complete(text: str, form: str, rows: list[Row]) -> None:
    """Raise :class:`PageError` unless the page is whole: its table ends where AWS's does.

    The table must be followed by the ``Template`` section (first line after the table, blank lines
    aside), and the last guidance must end a sentence. The error names the line where the table
    stopped looking like a table.
    """
    lines = text.split("\n")
    last = rows[-1]
    end = last.line + (4 if form == "text" else 0)  # 0-based index of the line after the last row
    nxt = next((j for j in range(end, len(lines)) if lines[j].strip()), None)
    problems: list[tuple[int, str]] = []
    if not _SENTENCE_END.search(last.guidance):
        problems.append((end, f"the last row's guidance ends mid-sentence ({_shown(last.guidance[-40:])}); the page was cut"))
    if nxt is None:
        problems.append((end, f"the page ends with the table (after row {last.number}); AWS's page goes on with its '{TABLE_END}' section, so this page was cut"))
    elif lines[nxt].strip().lstrip("#").strip() != TABLE_END:
        problems.append((nxt + 1, f"the table stops here ({_shown(lines[nxt])} is not a row) instead of at the '{TABLE_END}' section; the page is cut or has a stray line"))
    if problems:
        raise PageError(problems)
