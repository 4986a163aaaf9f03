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
import re
from typing import Any, Iterator

import yaml

from conformap.diagnostics import ConformapError
from conformap.escape import markdown_unescape


class SourceFormatError(ConformapError):
    """The file is not in the shape its parser expects; ``problems`` are (line, message) pairs."""

    def __init__(self, problems: list[tuple[int, str]]):
        self.problems = problems
        message = "; ".join(f"line {n}: {m}" if n else m for n, m in problems)
        super().__init__(lines=[message], message=message)


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


def pack_scopes(text: str) -> dict[str, list[str]]:
    """SourceIdentifier -> Scope.ComplianceResourceTypes of each AWS-owned rule of one pack template."""
    data = yaml.load(text, Loader=_CfnLoader)  # noqa: S506 - a SafeLoader subclass
    out: dict[str, list[str]] = {}
    resources = data.get("Resources") if isinstance(data, dict) else None
    for res in (resources or {}).values():
        if not isinstance(res, dict) or res.get("Type") != "AWS::Config::ConfigRule":
            continue
        props = res.get("Properties") or {}
        source = props.get("Source") or {}
        ident = source.get("SourceIdentifier") if source.get("Owner") == "AWS" else None
        scope = (props.get("Scope") or {}).get("ComplianceResourceTypes")
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
