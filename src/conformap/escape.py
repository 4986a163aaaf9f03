"""Untrusted text into Markdown and HTML: catalogue strings are always shown literally.

Every string that comes from the catalogue (questions, statements, guidance, titles, parameter
values, service names, errata) goes through one of these helpers before it is put in a page:

* :func:`text` — inline Markdown text. Whitespace is collapsed to single spaces (so no line of
  catalogue text can start a block: heading, list, quote, table, code block, admonition), control
  characters are removed (Python-Markdown uses ``\\x02``/``\\x03`` for its placeholders), ``& < > "``
  become HTML entities (no raw HTML, no autolinks), and Markdown punctuation is backslash-escaped
  (no emphasis, links, images, ``{: attribute lists}``, table cells or code spans). ``~`` has no
  backslash escape in Python-Markdown, so it becomes ``&#126;``.
* :func:`code` — the same, shown in a ``<code>`` element.
* :func:`code_span` — a Markdown code span (backticks, with a fence longer than any run of backticks
  in the value), for text read raw as well as rendered (``conformap diff`` reports, pull-request
  summaries); a code span's content is literal in every Markdown, so only whitespace is folded.
* :func:`https_url` / :func:`link` — a link only when the URL starts with ``https://`` and has no
  whitespace or control characters; the URL is percent-encoded where Markdown or HTML could read
  it otherwise. Anything else is shown as text.
* :func:`html` — for raw HTML blocks (the inline SVG charts): plain HTML escaping.
* :func:`spreadsheet_cell` — a CSV cell that no spreadsheet runs as a formula (OWASP's advice).
* :func:`terminal` — for a line printed on a terminal or read by CI (diagnostics, ``--format
  github``): every control character (ESC, BEL, CR, LF, ...), line separator and bidirectional
  control is shown as a Python-style escape (``\\x1b``, ``\\n``, ``\\u202e``), so catalogue text
  can neither drive the terminal nor start a line of its own nor reorder what is displayed.

Links between pages are built from ids that the catalogue schema restricts (see
:func:`conformap.routes.rule_page`), never from free text.
"""

from __future__ import annotations

import html as _html
import re
from urllib.parse import quote

# Characters Python-Markdown unescapes after a backslash (with the tables extension, which adds '|').
BACKSLASH_ESCAPED = frozenset("\\`*_{}[]()#+-.!|")
# Characters turned into HTML entities: the HTML-special ones, and '~' which has no backslash escape.
ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "~": "&#126;"}

_WHITESPACE = re.compile(r"\s+")
# C0 and C1 control characters (whitespace ones are collapsed first), and the Unicode
# non-characters Python-Markdown could mistake for its own markers.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ufffe\uffff]")
_TABLE = {ord(c): "\\" + c for c in BACKSLASH_ESCAPED} | {ord(c): e for c, e in ENTITIES.items()}

# Bidirectional controls (embeddings, overrides, isolates and the invisible marks): they reorder how a
# line is displayed. Zero-width characters: invisible, so two different ids or names look the same.
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
ZERO_WIDTH = "\u200b-\u200d\u2060\ufeff"
_TERMINAL_UNSAFE = re.compile(f"[\x00-\x1f\x7f-\x9f\u2028\u2029{BIDI_CONTROLS}{ZERO_WIDTH}]")
_TERMINAL_NAMES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _terminal_escape(m: re.Match) -> str:
    ch = m.group()
    return _TERMINAL_NAMES.get(ch) or (f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")


def terminal(value: object) -> str:
    """``value`` on one inert line: control, line-separator, bidi and zero-width characters as escapes."""
    return _TERMINAL_UNSAFE.sub(_terminal_escape, str(value))


def single_line(value: object) -> str:
    """The text on one line: every run of whitespace (line breaks included) becomes one space, ends trimmed."""
    return _WHITESPACE.sub(" ", str(value)).strip()


def clean(value: object) -> str:
    """The text with whitespace runs collapsed to one space, ends trimmed and control characters removed."""
    return _CONTROL.sub("", single_line(value)).strip()


# The punctuation a backslash escapes in the Markdown AWS generates (its documentation sources, the
# Markdown form of its pages): read back as the character itself.
MARKDOWN_ESCAPED = "\\`*_{}[]()#+-.!|<>~&'\""
_MARKDOWN_ESCAPE = re.compile("\\\\([" + re.escape(MARKDOWN_ESCAPED) + "])")


def markdown_unescape(value: str) -> str:
    """Markdown text as it reads: ``\\*`` is ``*``, for every character of :data:`MARKDOWN_ESCAPED`."""
    return _MARKDOWN_ESCAPE.sub(r"\1", value)


def text(value: object) -> str:
    """Inline Markdown that renders as exactly ``value`` (whitespace collapsed), whatever it contains."""
    return clean(value).translate(_TABLE)


def text_with_code(value: object) -> str:
    """Like :func:`text`, but pairs of backticks (AWS writes `maxAccessKeyAge`) become ``<code>`` elements.

    The parts inside and outside the backticks are escaped exactly as :func:`text` escapes them;
    with an odd number of backticks the whole value is shown as plain text.
    """
    parts = clean(value).split("`")
    if len(parts) % 2 == 0:
        return text(value)
    out = []
    for i, part in enumerate(parts):
        if i % 2 == 0:
            out.append(part.translate(_TABLE))
        elif part.strip():
            out.append(f"<code>{part.strip().translate(_TABLE)}</code>")
        else:
            out.append("\\`" + part.translate(_TABLE) + "\\`")
    return "".join(out)


def code(value: object) -> str:
    """``value`` shown literally in a ``<code>`` element (safe where a code span is not: no fence to break)."""
    return f"<code>{text(value)}</code>"


def code_span(value: object) -> str:
    """``value`` as a Markdown code span that no backtick inside it can close."""
    shown = clean(value)
    fence = "`" * (max((len(m) for m in re.findall(r"`+", shown)), default=0) + 1)
    pad = " " if shown.startswith("`") or shown.endswith("`") or not shown else ""
    return f"{fence}{pad}{shown}{pad}{fence}"


def html(value: object) -> str:
    """``value`` for an HTML context (element text or a double-quoted attribute) in a raw HTML block."""
    return _html.escape(clean(value), quote=True)


# Left as they are in a URL: unreserved and reserved characters of RFC 3986 and '%', minus the ones
# Markdown or HTML could read as syntax: ( ) [ ] ' ! * are percent-encoded too.
_URL_SAFE = "-._~:/?#@$&+,;=%"
_SCHEME = "https://"


def https_url(value: object) -> str | None:
    """The URL, percent-encoded for a Markdown link target, or ``None`` unless it is a plain https: URL."""
    if not isinstance(value, str) or not value.startswith(_SCHEME):
        return None
    if _WHITESPACE.search(value) or _CONTROL.search(value) or len(value) > 2048:
        return None
    host = value[len(_SCHEME) :].split("/", 1)[0]
    if not re.fullmatch(r"[A-Za-z0-9.-]+(?::[0-9]+)?", host):
        return None
    return quote(value, safe=_URL_SAFE)


def link(label: object, url: object) -> str:
    """A Markdown link to an external https: URL with an escaped label, or just the escaped label."""
    target = https_url(url)
    shown = text(label)
    if target is None:
        return shown
    return f"[{shown}]({target})"


# First characters that make Excel, LibreOffice or Google Sheets treat a cell as a formula or command.
# OWASP's list, plus the full-width forms some spreadsheet locales also read as operators.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def spreadsheet_cell(value: str) -> str:
    """Neutralise a cell a spreadsheet would execute: prefix it with an apostrophe (OWASP's advice).

    The apostrophe makes spreadsheets show the cell as text; a reader of the raw CSV sees it as the
    first character. A cell is neutralised when it starts, possibly after spaces, with ``= + - @``
    (or their full-width forms), a tab or a carriage return; every other cell is unchanged.
    """
    return "'" + value if value.lstrip(" ").startswith(FORMULA_TRIGGERS) else value
