"""Read the snapshots of other sources (:data:`conformap.paths.SOURCE_SNAPSHOTS`), check them and build
:class:`~conformap.model.catalog.Crosswalks`.

Called by :func:`conformap.load.loader.validate` (one hook). Every snapshot is optional: a catalogue
without ``crosswalks/`` is valid and has empty crosswalks. A snapshot that is present is checked like
any catalogue file: JSON Schema, then references (its rules must be catalogue rules, the NIST ids the
Security Hub guide names must be in the NIST snapshot, ids unique), then
:mod:`conformap.load.fidelity` checks the rule files against the facts snapshots.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from types import MappingProxyType
from typing import Iterable

from conformap import paths
from conformap.load import fidelity, schema
from conformap.model import records
from conformap.model.crosswalk import (
    Crosswalks,
    GuardMapping,
    NistControl,
    NistFamily,
    RulePage,
    SecurityHubControl,
    SecurityHubEntry,
    SourceSnapshot,
)
from conformap.model.catalog import natural_key
from conformap.load.yamlio import YamlDocument, read_yaml
from conformap.diagnostics import Diagnostic, Severity

# The order a control's entries are listed in (the guide first: it is the one with requirements).
SECURITY_HUB_SOURCES = ("security-hub-guide", "security-hub-oscal")


def read_snapshots(root: Path) -> tuple[dict[str, YamlDocument], list[Diagnostic]]:
    """The snapshot files present and valid against their schemas, by name; and every problem found."""
    docs: dict[str, YamlDocument] = {}
    diags: list[Diagnostic] = []
    for name, (rel, kind) in paths.SOURCE_SNAPSHOTS.items():
        file = root / rel
        if not file.is_file():
            continue
        doc = read_yaml(file, paths.display_path(file))
        checked = schema.check_document(doc, kind, expected_id=name, id_problem=lambda _got: f"the file: {rel} holds the snapshot '{name}'")
        diags.extend(checked.diagnostics)
        if checked.ok:
            docs[name] = doc
    return docs, diags


def _check_rules(doc: YamlDocument, items: str, field: str, rules: set[str], broken: set[str]) -> list[Diagnostic]:
    out = []
    for i, item in enumerate(doc.data[items]):
        values = item[field] if isinstance(item[field], list) else [item[field]]
        for j, rid in enumerate(values):
            if rid not in rules and rid not in broken:
                where = (items, i, field, j) if isinstance(item[field], list) else (items, i, field)
                out.append(doc.error(where, f"unknown rule '{rid}': a snapshot keeps only the catalogue's rules (re-run conformap import-source {doc.data['id']})"))
    return out


def _check_security_hub(docs: dict[str, YamlDocument], name: str, rules: set[str]) -> list[Diagnostic]:
    """Each control names a catalogue rule, or shares its id with a control of the other AWS source that
    does (then the rule it names, if any, is what this source says instead: a disagreement, recorded)."""
    doc = docs[name]
    other = docs.get(next(n for n in SECURITY_HUB_SOURCES if n != name))
    paired = {c["id"] for c in other.data["controls"] if set(c["config_rules"]) & rules} if other is not None else set()
    out = []
    for i, c in enumerate(doc.data["controls"]):
        if c["id"] in paired or set(c["config_rules"]) & rules:
            continue
        shown = ", ".join(c["config_rules"]) or "no rule"
        out.append(doc.error(("controls", i, "config_rules"), f"control {c['id']} names {shown}, no catalogue rule, and the other Security Hub snapshot does not tie it to one (re-run conformap import-source {name})"))
    return out


def _check_unique(doc: YamlDocument, items: str, field: str) -> list[Diagnostic]:
    seen: Counter = Counter()
    out = []
    for i, item in enumerate(doc.data[items]):
        seen[item[field]] += 1
        if seen[item[field]] == 2:
            out.append(doc.error((items, i, field), f"duplicate {field} '{item[field]}'"))
    return out


def check(docs: dict[str, YamlDocument], rules: set[str], broken: set[str]) -> list[Diagnostic]:
    """Cross-file checks of the snapshots against the catalogue's rules and each other."""
    out: list[Diagnostic] = []
    for name in SECURITY_HUB_SOURCES:
        if name in docs:
            out += _check_security_hub(docs, name, rules | broken)
            out += _check_unique(docs[name], "controls", "id")
    if "guard-registry" in docs:
        out += _check_rules(docs["guard-registry"], "mappings", "rule", rules, broken)
        out += _check_unique(docs["guard-registry"], "mappings", "rule")
    if "config-rule-pages" in docs:
        out += _check_rules(docs["config-rule-pages"], "rules", "id", rules, broken)
        out += _check_unique(docs["config-rule-pages"], "rules", "id")
    if "conformance-packs" in docs:
        out += _check_unique(docs["conformance-packs"], "scopes", "identifier")
    nist = docs.get("nist-800-53")
    if nist is not None:
        out += _check_unique(nist, "controls", "id")
        families = {f["id"] for f in nist.data["families"]}
        for i, c in enumerate(nist.data["controls"]):
            if c["family"] not in families:
                out.append(nist.error(("controls", i, "family"), f"unknown family '{c['family']}' (families: {', '.join(sorted(families))})"))
    guide = docs.get("security-hub-guide")
    if guide is not None and nist is None and any(c.get("nist_800_53_r5") for c in guide.data["controls"]):
        rel = paths.SOURCE_SNAPSHOTS["nist-800-53"][0]
        out.append(guide.error(("controls",), f"names NIST SP 800-53 controls but there is no {rel} to check them against: run conformap import-source nist-800-53", severity=Severity.WARNING))
    elif guide is not None and nist is not None:
        known = {c["id"] for c in nist.data["controls"]}
        for i, c in enumerate(guide.data["controls"]):
            for j, n in enumerate(c.get("nist_800_53_r5") or ()):
                if n not in known:
                    out.append(guide.error(("controls", i, "nist_800_53_r5", j), f"NIST SP 800-53 control '{n}' is not in the NIST snapshot; re-run conformap import-source nist-800-53"))
    return out


def _entries(name: str, doc: YamlDocument) -> Iterable[SecurityHubEntry]:
    files = doc.data["source"]["files"]
    path = files[0]["path"] if len(files) == 1 else None  # a one-file source: every control is in it
    return (records.from_record(SecurityHubEntry, c, source=name, path=path) for c in doc.data["controls"])


def _all(cls: type, doc: YamlDocument | None, items: str) -> tuple:
    return tuple(records.from_record(cls, d) for d in doc.data[items]) if doc is not None else ()


def build(docs: dict[str, YamlDocument]) -> Crosswalks:
    """The model of valid snapshots (call only when :func:`check` found no error)."""
    by_id: dict[str, list[SecurityHubEntry]] = {}
    for name in SECURITY_HUB_SOURCES:
        if name in docs:
            for e in _entries(name, docs[name]):
                by_id.setdefault(e.control_id, []).append(e)
    scopes = docs.get("conformance-packs")
    return Crosswalks(
        sources=tuple(records.from_record(SourceSnapshot, d.data, file=d.file) for d in docs.values()),
        security_hub=tuple(SecurityHubControl(id=k, entries=tuple(v)) for k, v in sorted(by_id.items(), key=lambda kv: natural_key(kv[0]))),
        nist_families=_all(NistFamily, docs.get("nist-800-53"), "families"),
        nist_controls=_all(NistControl, docs.get("nist-800-53"), "controls"),
        guard=_all(GuardMapping, docs.get("guard-registry"), "mappings"),
        rule_pages=_all(RulePage, docs.get("config-rule-pages"), "rules"),
        pack_scopes=MappingProxyType({s["identifier"]: tuple(s["resource_types"]) for s in scopes.data["scopes"]}) if scopes else MappingProxyType({}),
    )


def load(root: Path, rule_docs: list[YamlDocument], broken_rules: set[str]) -> tuple[Crosswalks, list[Diagnostic]]:
    """The loader's hook: read, check and build the snapshots of ``root``; fidelity-check the rule files."""
    docs, diags = read_snapshots(root)
    rules = {d.data["id"] for d in rule_docs}
    diags += check(docs, rules, broken_rules)
    diags += fidelity.check(rule_docs, docs)
    return build(docs), diags
