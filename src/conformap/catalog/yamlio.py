"""Strict, position-aware YAML reading for catalogue files.

Catalogue files come from strangers' pull requests, so reading one never executes
anything, never expands aliases, and reports every problem with its line and column:

* the file must be UTF-8 without a byte-order mark, at most ``MAX_FILE_BYTES`` long,
  free of tabs, carriage returns and other control characters, and not empty;
* anchors, aliases, merge keys (``<<``) and explicit tags are refused before any
  document is built, so an exponential "billion laughs" file costs one linear scan;
* so is nesting deeper than ``MAX_DEPTH`` levels (PyYAML's composer would overflow the stack);
* duplicate keys are errors (PyYAML would silently keep the last one);
* every string is at most ``MAX_STRING_CHARS`` characters.

The result keeps, for every JSON path in the document, the position of its value
and (for mapping entries) of its key, so later checks can point at the exact line.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from conformap.diagnostics import Diagnostic, JsonPath, format_json_path

try:  # libyaml is an order of magnitude faster; fall back to pure Python.
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _Loader = yaml.SafeLoader

MAX_FILE_BYTES = 256 * 1024
MAX_STRING_CHARS = 20_000
MAX_DEPTH = 32  # nesting levels; deeper documents would exhaust the stack of PyYAML's composer

# Tab, CR and every other C0/C1 control character except LF, plus Unicode line separators.
_FORBIDDEN_CHAR = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff]")
# The same, checked in parsed values: a double-quoted "\t" or "\x00" escape must not smuggle one in.
_FORBIDDEN_IN_VALUE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff]")
_CHAR_NAMES = {"\t": "tab", "\r": "carriage return (use LF line endings)", "\ufeff": "byte-order mark / zero-width no-break space"}
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
    digest: str = ""  # SHA-256 of the file's bytes

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
    doc = YamlDocument(file, digest=hashlib.sha256(raw).hexdigest())

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
        name = _CHAR_NAMES.get(ch, f"control character U+{ord(ch):04X}")
        line, col = _line_col(text, m.start())
        fail(line, col, f"{name} is not allowed in catalogue files")
        bad_lines += 1
        if bad_lines >= 20:
            break
    if doc.diagnostics:
        return doc
    if not text.strip() or all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()):
        fail(1, 1, "file is empty; a catalogue file must hold one YAML mapping")
        return doc

    # Pass 1: events only. Refuse anchors, aliases, tags and deep nesting before anything is built.
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            mark = getattr(event, "start_mark", None)
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
            elif getattr(event, "anchor", None):
                fail(*pos, f"anchor '&{event.anchor}' is not allowed; write the value out in full")
            elif isinstance(event, (yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                tag = event.tag
                if tag and tag not in ("!", "?") and not (isinstance(event, yaml.ScalarEvent) and tag in _SCALAR_TAGS):
                    fail(*pos, f"explicit tag '{tag}' is not allowed")
            if len(doc.diagnostics) >= 50:
                break
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = " ".join(str(x) for x in (exc.context, exc.problem) if x)
        fail(line, col, f"malformed YAML: {problem}")
        return doc
    except yaml.YAMLError as exc:  # pragma: no cover - defensive
        fail(1, 1, f"malformed YAML: {exc}")
        return doc
    if doc.diagnostics:
        return doc

    # Pass 2: compose nodes (no alias can occur now) and build plain data with positions.
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        fail(line, col, f"malformed YAML: {' '.join(str(x) for x in (exc.context, exc.problem) if x)}")
        return doc
    if node is None:
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
        bad = _FORBIDDEN_IN_VALUE.search(value)
        if bad:
            name = _CHAR_NAMES.get(bad.group(), f"control character U+{ord(bad.group()):04X}")
            doc.diagnostics.append(
                Diagnostic(doc.file, *mark, format_json_path(path), f"{name} (written as an escape) is not allowed in catalogue text")
            )
        if len(value) > MAX_STRING_CHARS:
            doc.diagnostics.append(
                Diagnostic(doc.file, *mark, format_json_path(path), f"string is {len(value)} characters; the limit is {MAX_STRING_CHARS}")
            )
        return value
    return _constructor.construct_object(node)


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
