"""``conformap fmt``: rewrite catalogue files into the canonical layout, keeping their comments.

The canonical layout is :func:`conformap.load.files.dump`'s, the one the importer writes, so
``import-aws-page`` and ``fmt`` always agree. Formatting a file is:

1. read it with the strict reader (:mod:`conformap.load.yamlio`); a file that does not parse is
   reported as ``file:line:col: $: message`` and left alone;
2. render its data with :func:`~conformap.load.files.dump` (schema key order, modeline, wrapping
   at 100 columns, indented sequences, integer lists in flow style);
3. put back the comments the contributor wrote. Comments are found in the gaps between the
   YAML tokens of the original text and attached to a node by its JSON path: a comment on a
   line of its own goes before the next node (key or list item) and takes that line's
   indentation; a comment at the end of a line goes at the end of the line where the
   commented value ends. The ``# yaml-language-server`` modeline is regenerated; blank lines
   are not kept;
4. check that the result parses to exactly the same data as the input; if not (a case the
   rules above do not foresee), the file is reported and not written.

A file without comments therefore comes out byte for byte as ``files.dump`` writes it.
Carriage-return line endings (CRLF) and a UTF-8 byte-order mark are the two hygiene problems
``fmt`` repairs, since removing them never changes the data; everything else the reader
refuses (tabs, anchors, duplicate keys, ...) must be fixed by hand.

PyYAML does the layout rather than ruamel.yaml's round-trip mode for two reasons: ruamel's
emitter wraps long text differently from PyYAML's (it would rewrite every catalogue file and
leave trailing spaces), and ruamel is only a development dependency while ``fmt`` is part of
the command line.
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from conformap.load import files
from conformap.load.yamlio import _Loader, read_yaml_text
from conformap.load.schema import check_document
from conformap.diagnostics import ConformapError, Diagnostic

_MODELINE = re.compile(r"^#\s*yaml-language-server\s*:\s*\$schema=\S+\s*$")


class FormatError(ConformapError):
    """A file that cannot be formatted; carries its diagnostics."""


# --------------------------------------------------------------------------------------------
# Node positions by JSON path.


@dataclass
class _Entry:
    """A mapping entry or a list item: where its key (if any) and its value sit."""

    path: tuple
    key: yaml.Node | None
    value: yaml.Node

    @property
    def start(self) -> int:
        return (self.key or self.value).start_mark.index

    @property
    def value_start(self) -> int:
        return self.value.start_mark.index


def _is_block_collection(node: yaml.Node) -> bool:
    return isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and not node.flow_style and bool(node.value)


def _content_end(node: yaml.Node) -> yaml.Mark:
    """Where the last character of a node's own text is (block collections end at their last child)."""
    while _is_block_collection(node):
        last = node.value[-1]
        node = last[1] if isinstance(node, yaml.MappingNode) else last
    return node.end_mark


def _entries(root: yaml.Node | None) -> list[_Entry]:
    out: list[_Entry] = []

    def walk(node: yaml.Node | None, path: tuple) -> None:
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                p = path + (k.value,)
                out.append(_Entry(p, k, v))
                walk(v, p)
        elif isinstance(node, yaml.SequenceNode):
            for i, v in enumerate(node.value):
                p = path + (i,)
                out.append(_Entry(p, None, v))
                walk(v, p)

    walk(root, ())
    return out


# --------------------------------------------------------------------------------------------
# Comments of the original text.


@dataclass
class _Comment:
    start: int  # index of '#'
    line: int  # 0-based
    text: str  # from '#' to the end of the line, right-stripped
    own_line: bool  # nothing but blanks before it on its line


def _comments(text: str) -> tuple[list[_Comment], list[yaml.Token]]:
    """Every comment of ``text`` and the tokens (with a width) around them."""
    tokens = [t for t in yaml.scan(text, Loader=_Loader) if t.end_mark.index > t.start_mark.index]
    found: list[_Comment] = []

    def take(start: int) -> None:
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        line_start = text.rfind("\n", 0, start) + 1
        found.append(_Comment(start, text.count("\n", 0, start), text[start:end].rstrip(), not text[line_start:start].strip()))

    pos = 0
    for tok in sorted(tokens, key=lambda t: t.start_mark.index):
        s, e = tok.start_mark.index, tok.end_mark.index
        if s > pos:
            _scan_gap(text, pos, s, take)
        if isinstance(tok, yaml.ScalarToken) and tok.style in ("|", ">"):
            # A block scalar's header line may carry a comment: `key: |  # note`.
            header_end = text.find("\n", s)
            header = text[s : header_end if header_end >= 0 else e]
            m = re.search(r"\s#", header)
            if m:
                take(s + m.start() + 1)
        pos = max(pos, e)
    if pos < len(text):
        _scan_gap(text, pos, len(text), take)
    return found, tokens


def _scan_gap(text: str, start: int, end: int, take) -> None:
    """Between two tokens there are only blanks, line breaks and comments."""
    i = start
    while i < end:
        j = text.find("#", i, end)
        if j < 0:
            return
        take(j)
        nl = text.find("\n", j)
        i = end if nl < 0 else nl + 1


# --------------------------------------------------------------------------------------------
# Formatting one text.


@dataclass
class _Placement:
    before: dict[tuple, list[str]] = field(default_factory=dict)  # path -> own-line comments
    after_line: dict[tuple, list[str]] = field(default_factory=dict)  # (path, where) -> end-of-line comments
    trailing: list[str] = field(default_factory=list)


def _normalise(raw: bytes) -> bytes:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    return raw.replace(b"\r\n", b"\n")


def format_text(raw: bytes | str, kind: str, relpath: str, file: str = "<text>") -> str:
    """The canonical text of one catalogue file, comments kept. Raises :class:`FormatError`."""
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    raw = _normalise(raw)
    doc = read_yaml_text(raw, file)
    checked = check_document(doc)
    if not checked.ok:
        raise FormatError(checked.diagnostics)
    text = raw.decode("utf-8")
    canonical = files.dump(doc.data, kind, header=files.modeline(kind, relpath))
    comments, tokens = _comments(text)
    if comments:
        result = _with_comments(text, canonical, comments, tokens)
    else:
        result = canonical
    again = read_yaml_text(result.encode("utf-8"), file)
    if not again.ok or _canon(again.data) != _canon(doc.data):
        raise FormatError(
            [Diagnostic(file, 1, 1, "$", "cannot be formatted without changing its data (a comment in an unusual place?); format it by hand")]
        )
    return result


def _canon(data: Any) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)


def _with_comments(text: str, canonical: str, comments: list[_Comment], tokens: list[yaml.Token]) -> str:
    src_entries = _entries(yaml.compose(text, Loader=_Loader))
    starts = sorted(((e.start, len(e.path), i) for i, e in enumerate(src_entries)))
    start_keys = [s[0] for s in starts]
    token_starts = [t.start_mark.index for t in tokens]
    placement = _Placement()

    def next_entry(after: int) -> _Entry | None:
        i = bisect.bisect_right(start_keys, after)
        return src_entries[starts[i][2]] if i < len(starts) else None

    def before(comment: _Comment) -> None:
        entry = next_entry(comment.start)
        if entry is None:
            placement.trailing.append(comment.text)
        else:
            placement.before.setdefault(entry.path, []).append(comment.text.lstrip())

    first_node = start_keys[0] if start_keys else len(text)
    for c in comments:
        if c.own_line:
            if c.start < first_node and _MODELINE.match(c.text.lstrip()):
                continue  # regenerated by files.dump
            before(c)
            continue
        # The last token before the comment, on the same line.
        k = bisect.bisect_left(token_starts, c.start) - 1
        tok = tokens[k] if k >= 0 else None
        in_block_header = (
            tok is not None and isinstance(tok, yaml.ScalarToken) and tok.style in ("|", ">") and tok.end_mark.index > c.start
        )
        if tok is None or (not in_block_header and (tok.end_mark.index > c.start or tok.end_mark.line != c.line)):
            before(c)
            continue
        t = tok.start_mark.index
        inner = None
        for e in src_entries:
            if e.start <= t < max(e.value.end_mark.index, _content_end(e.value).index) and (inner is None or len(e.path) > len(inner.path)):
                inner = e
        if inner is None:
            before(c)
        elif t < inner.value_start:  # the key or its ':'
            where = "key" if _is_block_collection(inner.value) else "value"
            placement.after_line.setdefault((inner.path, where), []).append(c.text)
        elif not _is_block_collection(inner.value):
            placement.after_line.setdefault((inner.path, "value"), []).append(c.text)
        else:  # a '-' or ':' of a block collection: treat as a comment on what follows
            before(c)

    out_entries = {e.path: e for e in _entries(yaml.compose(canonical, Loader=_Loader))}
    lines = canonical.split("\n")
    trailing_newline = lines and lines[-1] == ""
    if trailing_newline:
        lines.pop()
    prefix: dict[int, list[str]] = {}
    suffix: dict[int, list[str]] = {}
    for path, texts in placement.before.items():
        entry = out_entries.get(path)
        if entry is None:  # cannot happen when the data is unchanged; keep the text anyway
            placement.trailing.extend(texts)
            continue
        line = (entry.key or entry.value).start_mark.line
        indent = len(lines[line]) - len(lines[line].lstrip(" "))
        prefix.setdefault(line, []).extend(" " * indent + t for t in texts)
    for (path, where), items in placement.after_line.items():
        entry = out_entries.get(path)
        if entry is None:
            placement.trailing.extend(items)
            continue
        line = entry.key.end_mark.line if where == "key" and entry.key is not None else _content_end(entry.value).line
        suffix.setdefault(line, []).extend(items)
    out: list[str] = []
    for i, ln in enumerate(lines):
        out.extend(prefix.get(i, ()))
        if i in suffix:
            ln = ln + " " + " ".join(suffix[i])
        out.append(ln)
    out.extend(placement.trailing)
    return "\n".join(out) + "\n"
