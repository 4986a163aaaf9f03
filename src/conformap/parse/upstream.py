"""Parsers of the public sources conformap cross-checks and crosswalks (pure functions, no I/O).

Each parser takes the text of one source file and returns plain data, verbatim as the source states
it (Markdown backslash escapes removed, nothing else changed). :mod:`conformap.ingest.source_import`
reads the files, filters what the catalogue needs and writes the snapshot files.

* AWS Config Developer Guide rule pages (``awsdocs/aws-config-developer-guide`` ``doc_source/RULE.md``):
  a rule's full description and parameter descriptions.
* AWS's conformance pack templates (``awslabs/aws-config-rules`` ``aws-config-conformance-packs/*.yaml``):
  each managed rule's ``Scope.ComplianceResourceTypes``.
* Security Hub user guide (``awsdocs/aws-security-hub-user-guide`` ``doc_source/*-controls.md``):
  per control its id, title, severity, AWS Config rule and related requirements.
* OSCAL Security Hub catalog (``awslabs/oscal-content-for-aws-services``): per control its severity,
  statement and ``TechnicalControlId`` (``class: config-rule``).
* Guard Rules Registry mapping files (``aws-cloudformation/aws-guard-rules-registry`` ``mappings/*.json``).
* NIST SP 800-53 Rev. 5 OSCAL catalog (``usnistgov/oscal-content``).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from pathlib import Path, PurePosixPath
from typing import IO, Any, Iterator

import jsonschema
import yaml

from conformap.diagnostics import ConformapError, format_json_path
from conformap.escape import markdown_unescape

# Limits on what a source file may be: checked as the file is read, before anything is built from it.
MAX_FILE_BYTES = 32 * 1024 * 1024  # bytes of one file; the largest read, NIST's SP 800-53 catalog, is about 10 MB
MAX_HEADINGS = 5000  # Markdown headings of one page; a Security Hub controls page has a few hundred at most
MAX_DEPTH = 64  # nesting levels of a JSON or YAML file; NIST's catalog nests about 20
_CHUNK = 64 * 1024


class SourceFormatError(ConformapError):
    """The file is not in the shape its parser expects; ``problems`` are (line, message) pairs."""

    def __init__(self, problems: list[tuple[int, str]]):
        self.problems = problems
        message = "; ".join(f"line {n}: {m}" if n else m for n, m in problems)
        super().__init__(lines=[message], message=message)


def read_limited(fh: IO[bytes], limit: int) -> bytes | None:
    """The rest of ``fh``, read in chunks; ``None`` as soon as it passes ``limit`` bytes (not read further)."""
    chunks: list[bytes] = []
    size = 0
    while chunk := fh.read(_CHUNK):
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def read_file(root: Path, rel: str) -> bytes:
    """The bytes of ``rel`` inside the checkout ``root``, refusing (:class:`SourceFormatError`) a symbolic link
    anywhere on the way (it could lead out of the checkout), anything but a regular file, and a file over
    ``MAX_FILE_BYTES``. ``OSError`` (a missing file) is left to the caller."""
    path = Path(root)
    for part in PurePosixPath(rel).parts:
        path = path / part
        mode = os.lstat(path).st_mode
        if stat.S_ISLNK(mode):
            raise SourceFormatError([(0, f"{'' if path.name == PurePosixPath(rel).name else 'its folder '}{path.relative_to(root).as_posix()} is a symbolic link; links in a checkout are not followed")])
    if not stat.S_ISREG(mode):
        raise SourceFormatError([(0, "not a regular file")])
    with open(os.open(path, os.O_RDONLY | os.O_NOFOLLOW), "rb") as fh:
        data = read_limited(fh, MAX_FILE_BYTES)
    if data is None:
        raise SourceFormatError([(0, f"the file is longer than {MAX_FILE_BYTES} bytes (the limit for a source file); it was not read further")])
    return data


def _check_json_depth(raw: bytes) -> None:
    """Refuse JSON nested deeper than ``MAX_DEPTH`` levels, scanning the bytes before any is parsed
    (Python's parser would exhaust the stack on a deep enough file)."""
    depth, in_string, escaped, line = 0, False, False, 1
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in b"[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise SourceFormatError([(line, f"nesting is deeper than {MAX_DEPTH} levels (the limit for a source file)")])
        elif byte in b"]}":
            depth -= 1
        if byte == 0x0A:
            line += 1


def read_json(raw: bytes, shape: dict[str, Any]) -> Any:
    """A JSON source file's data, checked against ``shape`` (a JSON Schema of the fields its parser reads):
    depth first, then syntax, then every field of the wrong type as ``$.json.path: message``."""
    _check_json_depth(raw)
    try:
        data = json.loads(raw)
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError
        raise SourceFormatError([(getattr(exc, "lineno", 0), f"not JSON: {exc}")]) from None
    problems = [
        (0, f"{format_json_path(tuple(err.absolute_path))}: {err.message}")
        for err in sorted(jsonschema.Draft202012Validator(shape).iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    ]
    if problems:
        raise SourceFormatError(problems[:50])
    return data


def _check_headings(lines: list[str]) -> None:
    count = 0
    for n, line in enumerate(lines, 1):
        if line.startswith("#"):
            count += 1
            if count > MAX_HEADINGS:
                raise SourceFormatError([(n, f"more than {MAX_HEADINGS} headings (the limit for a page)")])


def git_blob_sha(data: bytes) -> str:
    """The git object id of a file's content (what ``git ls-tree`` shows), to re-find the exact file."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _paragraphs(lines: list[str]) -> str:
    """Lines of Markdown as text: lines of a paragraph joined by a line break, paragraphs by a blank line."""
    paras: list[list[str]] = [[]]
    for line in lines:
        if line.strip():
            paras[-1].append(markdown_unescape(line.strip()))
        elif paras[-1]:
            paras.append([])
    return "\n\n".join("\n".join(p) for p in paras if p)


# --- AWS Config Developer Guide: managed rule pages -------------------------------------------------

_PARAM_HEAD = re.compile(r"^(?P<name>[A-Za-z0-9_]+?)(?: \\\((?:Optional|Required)\\\)(?P<rest>.*)|(?P<typed>Type: ?.*))$")
_TYPE_DEFAULT = re.compile(r"^Type: ?\S+?(?:Default: ?.*)?$")


def parse_rule_page(text: str) -> dict[str, Any]:
    """A managed rule page: ``description`` (every paragraph before **Identifier:**, up to a
    **Note**), ``note`` (the note's paragraphs, if any) and ``parameters`` (name -> full
    description, every line of it)."""
    lines = text.splitlines()
    _check_headings(lines)
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


# --- conformance pack templates ---------------------------------------------------------------------


class _CfnLoader(yaml.SafeLoader):
    """YAML with CloudFormation's short-form tags (!Ref, !Sub ...), which are read as null."""


_CfnLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


def _mapping(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def pack_scopes(text: str) -> dict[str, list[str]]:
    """SourceIdentifier -> Scope.ComplianceResourceTypes of each AWS-owned rule of one pack template."""
    depth = 0
    for event in yaml.parse(text, Loader=_CfnLoader):  # events only: nothing is built before the checks
        line = event.start_mark.line + 1 if event.start_mark else 0
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                raise SourceFormatError([(line, f"nesting is deeper than {MAX_DEPTH} levels (the limit for a source file)")])
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            depth -= 1
        elif isinstance(event, yaml.AliasEvent):  # an alias can multiply a small file into a huge one
            raise SourceFormatError([(line, f"alias '*{event.anchor}': templates write their values out")])
    data = yaml.load(text, Loader=_CfnLoader)  # noqa: S506 - a SafeLoader subclass
    out: dict[str, list[str]] = {}
    resources = data.get("Resources") if isinstance(data, dict) else None
    for res in (resources if isinstance(resources, dict) else {}).values():
        if not isinstance(res, dict) or res.get("Type") != "AWS::Config::ConfigRule":
            continue
        props = _mapping(res.get("Properties"))
        source = _mapping(props.get("Source"))
        ident = source.get("SourceIdentifier") if source.get("Owner") == "AWS" else None
        scope = _mapping(props.get("Scope")).get("ComplianceResourceTypes")
        if isinstance(ident, str) and isinstance(scope, list):
            out.setdefault(ident, [])
            out[ident] += [t for t in scope if isinstance(t, str) and t not in out[ident]]
    return out


# --- Security Hub user guide ------------------------------------------------------------------------

_SH_HEAD = re.compile(r"^## \\\[(?P<id>[A-Za-z0-9]+\\?\.[0-9]+)\\\] (?P<title>.*?)(?:<a name=\"[^\"]*\"></a>)?\s*$")
_SH_FIELD = re.compile(r"^\*{0,2}(?P<label>Related requirements|Severity|AWS Config rule):\s*\*{0,2}\s*(?P<value>.*?)\s*$")
_RULE_LINK = re.compile(r"\[[^\]]*\]\(https://docs\.aws\.amazon\.com/config/latest/developerguide/(?P<rule>[a-z0-9-]+)(?:\.html)?\)")
_RULE_CODE = re.compile(r"`(?P<rule>[a-z0-9-]+)`")
NIST_PREFIX = "NIST.800-53.r5 "
PCI_PREFIX = "PCI DSS v3.2.1/"


def parse_security_hub_controls(text: str) -> Iterator[dict[str, Any]]:
    """Each control of one ``*-controls.md`` page, with the line its heading is on."""
    lines = text.splitlines()
    _check_headings(lines)
    heads = [(i, m) for i, ln in enumerate(lines) if (m := _SH_HEAD.match(ln))]
    for k, (i, m) in enumerate(heads):
        end = next((j for j in range(i + 1, len(lines)) if lines[j].startswith("## ")), len(lines))
        ctl: dict[str, Any] = {"id": markdown_unescape(m["id"]), "title": markdown_unescape(m["title"]).strip(), "line": i + 1}
        for ln in lines[i + 1 : end]:
            f = _SH_FIELD.match(ln)
            if not f:
                continue
            value = f["value"]
            if f["label"] == "Severity":
                ctl["severity"] = markdown_unescape(value)
            elif f["label"] == "AWS Config rule":
                rules = [r["rule"] for r in _RULE_LINK.finditer(value)] + [r["rule"] for r in _RULE_CODE.finditer(value)]
                ctl["config_rules"] = list(dict.fromkeys(rules))
                rest = markdown_unescape(_RULE_CODE.sub("", _RULE_LINK.sub("", value))).replace("``", "").strip()
                if rest:
                    ctl["config_rule_note"] = rest
            else:
                reqs = [markdown_unescape(r).strip() for r in value.split(",") if r.strip()]
                lists = {
                    "nist_800_53_r5": [r[len(NIST_PREFIX) :] for r in reqs if r.startswith(NIST_PREFIX)],
                    "pci_dss_v3_2_1": [r[len(PCI_PREFIX) :] for r in reqs if r.startswith(PCI_PREFIX)],
                    "other_requirements": [r for r in reqs if not r.startswith((NIST_PREFIX, PCI_PREFIX))],
                }
                ctl.update({k: v for k, v in lists.items() if v})
        yield ctl


# --- OSCAL catalogs -----------------------------------------------------------------------------------


def _walk_controls(node: dict) -> Iterator[tuple[dict, dict | None]]:
    """Every control of an OSCAL catalog (or group), enhancements included, with its group."""
    for group in node.get("groups") or ():
        for ctl, _ in _walk_controls(group):
            yield ctl, group
    for ctl in node.get("controls") or ():
        yield ctl, None
        yield from _walk_controls({"controls": ctl.get("controls") or ()})


_PROPS = {"type": "array", "items": {"type": "object", "properties": {"name": {"type": "string"}, "value": {"type": "string"}, "class": {"type": "string"}}}}
_PARTS = {"type": "array", "items": {"type": "object", "properties": {"name": {"type": "string"}, "prose": {"type": "string"}, "props": _PROPS}}}


def _oscal_shape(control: dict[str, Any]) -> dict[str, Any]:
    """The JSON Schema of the part of an OSCAL catalog a parser reads, its controls described by ``control``."""
    return {
        "type": "object",
        "required": ["catalog"],
        "properties": {"catalog": {"$ref": "#/$defs/group"}},
        "$defs": {
            "group": {
                "type": "object",
                "properties": {"id": {"type": "string"}, "title": {"type": "string"}, "groups": {"type": "array", "items": {"$ref": "#/$defs/group"}},
                               "controls": {"type": "array", "items": {"$ref": "#/$defs/control"}}},
            },
            "control": {**control, "properties": {**control["properties"], "controls": {"type": "array", "items": {"$ref": "#/$defs/control"}}}},
        },
    }


# What each JSON source's parser reads, and of which type (the input of :func:`read_json`).
SECURITY_HUB_OSCAL_SHAPE = _oscal_shape(
    {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}, "title": {"type": "string"}, "parts": _PARTS, "props": _PROPS}}
)
NIST_SHAPE = _oscal_shape({"type": "object", "required": ["title"], "properties": {"title": {"type": "string"}, "props": _PROPS}})
NIST_SHAPE["$defs"]["group"]["required"] = ["id", "title"]
NIST_SHAPE["properties"]["catalog"] = {"type": "object", "properties": {"groups": {"type": "array", "items": {"$ref": "#/$defs/group"}}}}
GUARD_SHAPE = {
    "type": "object",
    "required": ["mappings"],
    "properties": {
        "mappings": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["guardFilePath"],
                "properties": {"guardFilePath": {"type": "string"}, "controls": {"type": "array", "items": {"type": "string"}}},
            },
        }
    },
}


def oscal_security_hub(data: dict) -> Iterator[dict[str, Any]]:
    """Each control of AWS's OSCAL Security Hub catalog: id, title (its statement), severity, config rules."""
    for ctl, _ in _walk_controls(data["catalog"]):
        parts = {p.get("name"): p for p in ctl.get("parts") or ()}
        props = {p.get("name"): p.get("value") for p in ctl.get("props") or ()}
        rules = [
            p["value"]
            for part in ctl.get("parts") or ()
            for p in part.get("props") or ()
            if p.get("name") == "TechnicalControlId" and p.get("class") == "config-rule"
        ]
        out: dict[str, Any] = {"id": ctl["id"], "title": (parts.get("statement") or {}).get("prose", ctl.get("title", ""))}
        if props.get("SeverityLabel"):
            out["severity"] = props["SeverityLabel"]
        out["config_rules"] = list(dict.fromkeys(rules))
        yield out


def nist_catalog(data: dict) -> tuple[list[dict], list[dict]]:
    """(families, controls) of NIST's SP 800-53 catalog: ids as printed (``AC-2(1)``), titles, family ids."""
    families = [{"id": g["id"].upper(), "title": g["title"]} for g in data["catalog"].get("groups") or ()]
    controls = []
    for ctl, group in _walk_controls(data["catalog"]):
        label = next((p["value"] for p in ctl.get("props") or () if p.get("name") == "label"), None)
        if label is None or group is None:
            continue
        controls.append({"id": label, "title": ctl["title"], "family": group["id"].upper()})
    return families, controls


# --- Guard Rules Registry -----------------------------------------------------------------------------


def guard_mappings(data: dict) -> Iterator[dict[str, Any]]:
    """Each mapping of a Guard Rules Registry mapping file: the rule (named as the AWS Config rule) and items."""
    for m in data["mappings"]:
        path = m["guardFilePath"]
        name = path.rsplit("/", 1)[-1]
        name = name[: -len(".guard")] if name.endswith(".guard") else name
        yield {"rule": name.replace("_", "-"), "guard_file": path, "items": list(m.get("controls") or ())}
