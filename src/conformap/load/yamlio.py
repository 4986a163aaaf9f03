"""Strict, position-aware YAML reading for catalogue files.

Catalogue files come from strangers' pull requests, so reading one never executes
anything, never expands aliases, and reports every problem with its line and column:

* the file must be UTF-8 without a byte-order mark, at most ``MAX_FILE_BYTES`` long,
  free of tabs, carriage returns and other control characters, and not empty;
* anchors, aliases, merge keys (``<<``) and explicit tags are refused before any
  document is built, so an exponential "billion laughs" file costs one linear scan;
* so is nesting deeper than ``MAX_DEPTH`` levels (PyYAML's composer would overflow the stack);
* duplicate keys are errors (PyYAML would silently keep the last one);
* every string is at most ``MAX_STRING_CHARS`` characters;
* no string or key holds a bidirectional control (U+202A-U+202E, U+2066-U+2069 and the marks
  U+061C, U+200E, U+200F: they reorder what a reviewer sees) or a zero-width character
  (U+200B-U+200D, U+2060, U+FEFF: they make different ids or names look the same), and every
  string and key is in Unicode NFC form (so one service name is one string, however it was typed);
* a value whose tag cannot hold it (``!!int abc``, ``!!bool maybe``, an integer with more digits
  than Python converts) is an error at its position, not an exception.

The result keeps, for every JSON path in the document, the position of its value
and (for mapping entries) of its key, so later checks can point at the exact line.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from conformap.diagnostics import Diagnostic, JsonPath, format_json_path
from conformap.escape import BIDI_CONTROLS, ZERO_WIDTH, terminal

try:  # libyaml is an order of magnitude faster; fall back to pure Python.
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _Loader = yaml.SafeLoader

MAX_FILE_BYTES = 256 * 1024
MAX_STRING_CHARS = 20_000
MAX_DEPTH = 32  # nesting levels; deeper documents would exhaust the stack of PyYAML's composer

# Tab, CR and every other C0/C1 control character except LF, Unicode line separators, bidirectional
# controls, zero-width characters and the noncharacters U+FFFE and U+FFFF (which YAML itself refuses).
# Checked in the file's text and again in parsed strings and keys (a double-quoted "\t", "\x00" or
# "\u202e" escape must not smuggle one in; there LF is refused too).
_FORBIDDEN_CHAR = re.compile(f"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029{BIDI_CONTROLS}{ZERO_WIDTH}\ufffe\uffff]")
_FORBIDDEN_IN_KEY = re.compile(f"[\n{_FORBIDDEN_CHAR.pattern[1:-1]}]")
_CHAR_NAMES = {"\t": "tab", "\r": "carriage return (use LF line endings)", "\n": "line feed", "\ufeff": "byte-order mark / zero-width no-break space"}
_BIDI = re.compile(f"[{BIDI_CONTROLS}]")
_TAG_NAMES = {"tag:yaml.org,2002:int": "an integer", "tag:yaml.org,2002:float": "a number", "tag:yaml.org,2002:bool": "true or false", "tag:yaml.org,2002:null": "null"}


def _char_name(ch: str) -> str:
    if ch in _CHAR_NAMES:
        return _CHAR_NAMES[ch]
    if _BIDI.match(ch):
        return f"bidirectional control U+{ord(ch):04X}"
    if re.match(f"[{ZERO_WIDTH}]", ch):
        return f"zero-width character U+{ord(ch):04X}"
    return f"control character U+{ord(ch):04X}"


def text_problem(value: str, *, key: bool = False) -> str | None:
    """Why a parsed string (or mapping key) is not allowed in a catalogue file, or ``None``."""
    bad = (_FORBIDDEN_IN_KEY if key else _FORBIDDEN_CHAR).search(value)
    if bad:
        return f"{_char_name(bad.group())} (written as an escape) is not allowed in catalogue {'keys' if key else 'text'}"
    if not unicodedata.is_normalized("NFC", value):
        return "text is not in Unicode NFC form (a character written as a letter plus combining marks); save it NFC-normalised"
    return None
_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}


@dataclass
class YamlDocument:
    """A parsed file: its data (``None`` when unreadable) and the positions of its nodes."""

    file: str
    data: Any = None
    value_marks: dict[JsonPath, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[JsonPath, tuple[int, int]] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.diagnostics

    def mark(self, path: JsonPath, *, key: bool = False) -> tuple[int, int]:
        """Best known position for ``path``: the node itself, else its nearest ancestor."""
        p = tuple(path)
        if key and p in self.key_marks:
            return self.key_marks[p]
        while p:
            if p in self.value_marks:
                return self.value_marks[p]
            p = p[:-1]
        return self.value_marks.get((), (1, 1))

    def error(self, path: JsonPath, message: str, *, key: bool = False, severity=None) -> Diagnostic:
        line, col = self.mark(path, key=key)
        kwargs = {"severity": severity} if severity is not None else {}
        return Diagnostic(self.file, line, col, format_json_path(path), message, **kwargs)


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


def read_yaml_text(raw: bytes, file: str) -> YamlDocument:
    """Parse ``raw`` (a whole file's bytes). ``file`` is the name used in diagnostics."""
    doc = YamlDocument(file)

    def fail(line: int, col: int, message: str) -> None:
        doc.diagnostics.append(Diagnostic(file, line, col, "$", message))

    if len(raw) > MAX_FILE_BYTES:
        fail(1, 1, f"file is {len(raw)} bytes; the limit is {MAX_FILE_BYTES} bytes (split the content)")
        return doc
    if raw.startswith(b"\xef\xbb\xbf"):
        fail(1, 1, "file starts with a UTF-8 byte-order mark; save it as UTF-8 without BOM")
        return doc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        fail(line, col, f"invalid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8")
        return doc
    bad_lines = 0
    for m in _FORBIDDEN_CHAR.finditer(text):
        ch = m.group()
        name = _char_name(ch)
        line, col = _line_col(text, m.start())
        fail(line, col, f"{name} is not allowed in catalogue files")
        bad_lines += 1
        if bad_lines >= 20:
            break
    if doc.diagnostics:
        return doc

    # Pass 1: events only. Refuse anchors, aliases, tags and deep nesting before anything is built.
    # Pass 2: compose nodes (no alias can occur now) and build plain data with positions. Composing
    # fails only on a second document in the file; both passes' syntax errors are reported alike.
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            mark = event.start_mark  # a parsed event always has one
            pos = (mark.line + 1, mark.column + 1) if mark else (1, 1)
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    fail(*pos, f"nesting is deeper than {MAX_DEPTH} levels; catalogue files are shallow")
                    break
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
            if isinstance(event, yaml.AliasEvent):
                fail(*pos, f"alias '*{event.anchor}' is not allowed; write the value out in full")
            elif anchor := getattr(event, "anchor", None):
                fail(*pos, f"anchor '&{anchor}' is not allowed; write the value out in full")
            elif isinstance(event, (yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                tag = event.tag
                if tag and tag != "!" and not (isinstance(event, yaml.ScalarEvent) and tag in _SCALAR_TAGS):
                    fail(*pos, f"explicit tag '{tag}' is not allowed")
            if len(doc.diagnostics) >= 50:
                break
        if doc.diagnostics:
            return doc
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark  # PyYAML and libyaml give every syntax and composer error one
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = " ".join(str(x) for x in (exc.context, exc.problem) if x)
        fail(line, col, f"malformed YAML: {problem}")
        return doc
    if node is None:  # no document: the file holds only blank lines and comments
        fail(1, 1, "file is empty; a catalogue file must hold one YAML mapping")
        return doc
    doc.data = _build(node, (), doc)
    if doc.diagnostics:
        doc.data = None
    return doc


_constructor = yaml.constructor.SafeConstructor()


def _build(node: yaml.Node, path: JsonPath, doc: YamlDocument) -> Any:
    mark = (node.start_mark.line + 1, node.start_mark.column + 1)
    doc.value_marks[path] = mark
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            kmark = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                doc.diagnostics.append(Diagnostic(doc.file, *kmark, format_json_path(path), "keys must be plain strings (no merge keys or complex keys)"))
                continue
            key = key_node.value
            problem = text_problem(key, key=True)
            if problem:
                doc.diagnostics.append(Diagnostic(doc.file, *kmark, format_json_path(path), f"key {terminal(repr(key))}: {problem}"))
                continue
            if key in out:
                first = doc.key_marks[path + (key,)][0]
                doc.diagnostics.append(
                    Diagnostic(doc.file, *kmark, format_json_path(path + (key,)), f"duplicate key '{key}' (first defined on line {first})")
                )
                continue
            doc.key_marks[path + (key,)] = kmark
            out[key] = _build(value_node, path + (key,), doc)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(child, path + (i,), doc) for i, child in enumerate(node.value)]
    value = node.value
    if node.tag == "tag:yaml.org,2002:str" or node.tag == "tag:yaml.org,2002:timestamp":
        problem = text_problem(value)
        if problem:
            doc.diagnostics.append(Diagnostic(doc.file, *mark, format_json_path(path), problem))
        if len(value) > MAX_STRING_CHARS:
            doc.diagnostics.append(
                Diagnostic(doc.file, *mark, format_json_path(path), f"string is {len(value)} characters; the limit is {MAX_STRING_CHARS}")
            )
        return value
    try:
        return _constructor.construct_object(node)
    except (ValueError, KeyError, TypeError, OverflowError, yaml.YAMLError) as exc:
        shown = terminal(value if len(value) <= 40 else value[:37] + "...")
        if "digits" in str(exc):
            why = f"has more digits than an integer may ({len(value)} characters)"
        else:
            why = f"is not {_TAG_NAMES[node.tag]}"  # pass 1 let no other tag through
        doc.diagnostics.append(Diagnostic(doc.file, *mark, format_json_path(path), f"'{shown}' {why}"))
        return None


def read_yaml(path: Path, file: str | None = None) -> YamlDocument:
    """Read and parse a file from disk; unreadable files become diagnostics, not exceptions."""
    name = file or str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            doc = YamlDocument(name)
            doc.diagnostics.append(Diagnostic(name, 1, 1, "$", f"file is {size} bytes; the limit is {MAX_FILE_BYTES} bytes (split the content)"))
            return doc
        raw = path.read_bytes()
    except OSError as exc:
        doc = YamlDocument(name)
        doc.diagnostics.append(Diagnostic(name, 0, 0, "$", f"cannot read file: {exc.strerror or exc}"))
        return doc
    return read_yaml_text(raw, name)
