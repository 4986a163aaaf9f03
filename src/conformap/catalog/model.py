"""The typed, immutable catalogue model that every other part of conformap reads.

Each record class is also the definition of its serialisation (:mod:`conformap.catalog.records`):
a field is written under its own name unless its metadata says otherwise —

* ``KEY`` — the key path in the catalogue file (``conformance_pack.input_parameters``);
* ``PARENT`` — not written: the value is the enclosing record's id (a statement's control);
* ``KEEP`` — written even when empty (the schema requires it);
* ``LOCAL`` — not written at all (where the record was read from).

Adding a field to a record means adding it here and to its JSON Schema; loading, the JSON
export and ``conformap diff`` follow.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Mapping as MappingT

KEY = "key"
PARENT = "parent"
KEEP = "keep"
LOCAL = "local"


def natural_key(text: str) -> tuple:
    """Sort key that orders ids as people read them: ``SEC-2`` before ``SEC-10``, ``E9`` before ``E10``."""
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in re.split(r"(\d+)", text) if p)


@dataclass(frozen=True)
class SourceRef:
    repo: str | None = None
    path: str | None = None
    commit: str | None = None
    url: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class SourceDocument:
    title: str
    url: str
    snapshot: str
    sha256: str
    template_url: str | None = None
    form: str = "text"
    rows: int | None = None
    notice: str | None = None
    license: str | None = None
    captured: str | None = None


@dataclass(frozen=True)
class Framework:
    id: str
    title: str
    publisher: str
    source: SourceDocument
    url: str | None = None
    description: str | None = None
    version: str | None = None
    released: str | None = None


@dataclass(frozen=True)
class BestPractice:
    id: str
    title: str
    url: str | None = None
    evidence: str | None = None


@dataclass(frozen=True)
class Statement:
    id: str
    control_id: str = field(metadata={PARENT: "id"})
    kind: str
    text: str
    best_practice: BestPractice | None = None


@dataclass(frozen=True)
class Control:
    id: str
    number: int
    question: str
    in_source: bool
    statements: tuple[Statement, ...] = field(default=(), metadata={KEEP: True})
    framework_question_id: str | None = None
    current_question: str | None = None
    url: str | None = None
    note: str | None = None
    sources: tuple[SourceRef, ...] = ()
    file: str = field(default="", metadata={LOCAL: True})


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    optional: bool
    default: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class Deprecation:
    successor: str
    reason: str


@dataclass(frozen=True)
class Mapping:
    rule_id: str = field(metadata={PARENT: "id"})
    control_id: str = field(metadata={KEY: "control"})
    statement_id: str = field(metadata={KEY: "statement"})
    source_rows: tuple[int, ...] = ()
    printed_statement: str | None = None
    rationale: str | None = None

    @property
    def first_row(self) -> int:
        """Row order of the mapping in the source; contributed mappings sort last."""
        return self.source_rows[0] if self.source_rows else 10**9


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str
    guidance: str
    mappings: tuple[Mapping, ...] = field(default=(), metadata={KEEP: True})
    identifier: str | None = None
    service: str | None = None
    trigger: str | None = None
    description: str | None = None
    documentation_url: str | None = None
    resource_types: tuple[str, ...] | None = None
    resource_types_current_docs: tuple[str, ...] | None = None
    regions_note: str | None = None
    parameters: tuple[Parameter, ...] = ()
    pack_input_parameters: MappingT[str, str] = field(
        default_factory=lambda: MappingProxyType({}), metadata={KEY: "conformance_pack.input_parameters"}
    )
    pack_scope_resource_types: tuple[str, ...] | None = field(default=None, metadata={KEY: "conformance_pack.scope_resource_types"})
    deprecated: Deprecation | None = None
    sources: tuple[SourceRef, ...] = ()
    file: str = field(default="", metadata={LOCAL: True})

    @property
    def control_ids(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for m in self.mappings:
            seen.setdefault(m.control_id)
        return tuple(seen)


@dataclass(frozen=True)
class Erratum:
    id: str
    kind: str
    title: str
    source_shows: str
    catalogue_does: str
    reason: str
    source_rows: tuple[int, ...] = ()
    rules: tuple[str, ...] = ()
    controls: tuple[str, ...] = ()


# --- Other sources: snapshots, crosswalks and corroboration (catalog/crosswalks/, catalog/sources/*.yaml) ---


@dataclass(frozen=True)
class SourceFile:
    path: str
    git_blob: str
    sha256: str


@dataclass(frozen=True)
class SourceSnapshot:
    """Where one imported source comes from (``conformap import-source NAME``)."""

    name: str = field(metadata={KEY: "id"})
    title: str
    repo: str = field(metadata={KEY: "source.repo"})
    commit: str = field(metadata={KEY: "source.commit"})
    commit_date: str = field(metadata={KEY: "source.commit_date"})
    license: str = field(metadata={KEY: "source.license"})
    url: str | None = field(default=None, metadata={KEY: "source.url"})
    files: tuple[SourceFile, ...] = field(default=(), metadata={KEY: "source.files"})
    license_files: tuple[SourceFile, ...] = field(default=(), metadata={KEY: "source.license_files"})
    file: str = field(default="", metadata={LOCAL: True})  # the snapshot file, as messages name it


@dataclass(frozen=True)
class SecurityHubEntry:
    """A Security Hub control as one AWS source states it (``source`` is the snapshot name)."""

    control_id: str = field(metadata={KEY: "id"})
    source: str = field(metadata={LOCAL: True})
    title: str
    config_rules: tuple[str, ...] = field(metadata={KEEP: True})
    severity: str | None = None
    config_rule_note: str | None = None
    nist_800_53_r5: tuple[str, ...] = ()
    pci_dss_v3_2_1: tuple[str, ...] = ()
    other_requirements: tuple[str, ...] = ()
    path: str | None = None
    line: int | None = None


def _union(groups) -> tuple[str, ...]:
    return tuple(dict.fromkeys(x for g in groups for x in g))


@dataclass(frozen=True)
class SecurityHubControl:
    """One Security Hub control with what each AWS source states about it (the guide first)."""

    id: str
    entries: tuple[SecurityHubEntry, ...]

    @property
    def stated_by(self) -> tuple[str, ...]:
        return tuple(e.source for e in self.entries)

    @property
    def title(self) -> str:
        return self.entries[0].title

    @property
    def severity(self) -> str | None:
        return next((e.severity for e in self.entries if e.severity), None)

    @property
    def config_rules(self) -> tuple[str, ...]:
        return _union(e.config_rules for e in self.entries)

    @property
    def nist_800_53_r5(self) -> tuple[str, ...]:
        return _union(e.nist_800_53_r5 for e in self.entries)

    @property
    def pci_dss_v3_2_1(self) -> tuple[str, ...]:
        return _union(e.pci_dss_v3_2_1 for e in self.entries)

    @property
    def differences(self) -> tuple[str, ...]:
        """The fields the sources state differently (severity compared without case): title, severity, config_rules."""
        if len(self.entries) < 2:
            return ()
        out = []
        for name, key in (("title", lambda e: e.title.rstrip(".")), ("severity", lambda e: (e.severity or "").lower()), ("config_rules", lambda e: set(e.config_rules))):
            if len({str(sorted(v)) if isinstance(v, set) else v for v in map(key, self.entries)}) > 1:
                out.append(name)
        return tuple(out)


@dataclass(frozen=True)
class NistFamily:
    id: str
    title: str


@dataclass(frozen=True)
class NistControl:
    id: str
    title: str
    family: str


@dataclass(frozen=True)
class GuardMapping:
    """A rule as the Guard Rules Registry's Security Pillar mapping file maps it (items are SEC-N.M)."""

    rule_id: str = field(metadata={KEY: "rule"})
    guard_file: str
    items: tuple[str, ...] = field(metadata={KEEP: True})

    @property
    def questions(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(i.split(".")[0] for i in self.items))


@dataclass(frozen=True)
class Corroboration:
    """Does the Guard Rules Registry map a mapping's rule to the same question? ``agrees`` is None when
    the registry does not map the rule at all; ``items`` are its SEC-N.M items under that question."""

    mapping: Mapping
    guard: GuardMapping | None
    items: tuple[str, ...] = ()

    @property
    def agrees(self) -> bool | None:
        return None if self.guard is None else bool(self.items)


@dataclass(frozen=True)
class PageParameter:
    name: str
    description: str


@dataclass(frozen=True)
class RulePage:
    """A managed rule's facts as its AWS Config Developer Guide page states them in full."""

    rule_id: str = field(metadata={KEY: "id"})
    identifier: str
    description: str
    parameters: tuple[PageParameter, ...] = field(default=(), metadata={KEEP: True})


@dataclass(frozen=True)
class Crosswalks:
    """Everything imported from other sources; empty when the catalogue has no snapshots."""

    sources: tuple[SourceSnapshot, ...] = ()
    security_hub: tuple[SecurityHubControl, ...] = ()
    nist_families: tuple[NistFamily, ...] = ()
    nist_controls: tuple[NistControl, ...] = ()
    guard: tuple[GuardMapping, ...] = ()
    rule_pages: tuple[RulePage, ...] = ()
    pack_scopes: MappingT[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class Catalog:
    """A validated catalogue. Controls are ordered by number, rules by id, errata by id."""

    root: Path
    framework: Framework
    controls: tuple[Control, ...]
    rules: tuple[Rule, ...]
    errata: tuple[Erratum, ...] = ()
    crosswalks: Crosswalks = field(default_factory=Crosswalks)
    _controls: MappingT[str, Control] = field(init=False, repr=False, compare=False)
    _rules: MappingT[str, Rule] = field(init=False, repr=False, compare=False)
    _statements: MappingT[str, Statement] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_controls", MappingProxyType({c.id: c for c in self.controls}))
        object.__setattr__(self, "_rules", MappingProxyType({r.id: r for r in self.rules}))
        object.__setattr__(
            self, "_statements", MappingProxyType({s.id: s for c in self.controls for s in c.statements})
        )

    def control(self, control_id: str) -> Control:
        return self._controls[control_id]

    def rule(self, rule_id: str) -> Rule:
        return self._rules[rule_id]

    def statement(self, statement_id: str) -> Statement:
        return self._statements[statement_id]

    def has_rule(self, rule_id: str) -> bool:
        return rule_id in self._rules

    @property
    def mappings(self) -> tuple[Mapping, ...]:
        """Every mapping, in source order (contributed mappings last, by rule and control)."""
        return tuple(
            sorted(
                (m for r in self.rules for m in r.mappings),
                key=lambda m: (m.first_row, m.rule_id, m.control_id, m.statement_id),
            )
        )

    def errata_for_rule(self, rule_id: str) -> tuple[Erratum, ...]:
        return tuple(e for e in self.errata if rule_id in e.rules)

    def errata_for_control(self, control_id: str) -> tuple[Erratum, ...]:
        return tuple(e for e in self.errata if control_id in e.controls)

    # --- crosswalks (empty results when the catalogue has no snapshots) ---

    @cached_property
    def _security_hub_by_rule(self) -> dict[str, tuple[SecurityHubControl, ...]]:
        by_rule: dict[str, list[SecurityHubControl]] = {}
        for c in self.crosswalks.security_hub:
            for rule_id in c.config_rules:
                by_rule.setdefault(rule_id, []).append(c)
        return {r: tuple(cs) for r, cs in by_rule.items()}

    def security_hub_for_rule(self, rule_id: str) -> tuple[SecurityHubControl, ...]:
        """The Security Hub controls whose AWS Config rule is this rule, by id, per either AWS source."""
        return self._security_hub_by_rule.get(rule_id, ())

    def nist_for_rule(self, rule_id: str) -> tuple[NistControl, ...]:
        """The NIST SP 800-53 Rev. 5 controls related to the rule's Security Hub controls, in NIST order."""
        ids = {n for c in self.security_hub_for_rule(rule_id) for n in c.nist_800_53_r5}
        return tuple(n for n in self.crosswalks.nist_controls if n.id in ids)

    def pci_for_rule(self, rule_id: str) -> tuple[str, ...]:
        """The PCI DSS v3.2.1 requirement ids related to the rule's Security Hub controls."""
        return _union(c.pci_dss_v3_2_1 for c in self.security_hub_for_rule(rule_id))

    def nist_control(self, nist_id: str) -> NistControl:
        return next(n for n in self.crosswalks.nist_controls if n.id == nist_id)

    def nist_family(self, family_id: str) -> NistFamily:
        return next(f for f in self.crosswalks.nist_families if f.id == family_id)

    def rules_for_nist(self, nist_id: str) -> tuple[str, ...]:
        """Ids of the rules whose Security Hub controls relate to this NIST control."""
        return tuple(r.id for r in self.rules if any(n.id == nist_id for n in self.nist_for_rule(r.id)))

    def security_hub_for_control(self, control_id: str) -> tuple[tuple[SecurityHubControl, tuple[str, ...]], ...]:
        """The Security Hub controls the question's rules also serve, each with those rules' ids."""
        rules = [r.id for r in self.rules if control_id in r.control_ids]
        return tuple((c, tuple(r for r in rules if r in c.config_rules)) for c in self.crosswalks.security_hub if set(rules) & set(c.config_rules))

    def nist_for_control(self, control_id: str, family: str | None = None) -> tuple[tuple[NistControl, tuple[str, ...]], ...]:
        """The NIST controls (of one family, if given) the question's rules reach, each with those rules' ids:
        a heatmap cell SEC question x NIST family is ``nist_for_control(question, family)``."""
        reach = {r.id: {n.id for n in self.nist_for_rule(r.id)} for r in self.rules if control_id in r.control_ids}
        out = ((n, tuple(r for r, ids in reach.items() if n.id in ids)) for n in self.crosswalks.nist_controls if family in (None, n.family))
        return tuple((n, rules) for n, rules in out if rules)

    def guard_for_rule(self, rule_id: str) -> GuardMapping | None:
        return next((g for g in self.crosswalks.guard if g.rule_id == rule_id), None)

    def corroboration(self, mapping: Mapping) -> Corroboration:
        """What the Guard Rules Registry says about one of our mappings (same rule, same question?)."""
        guard = self.guard_for_rule(mapping.rule_id)
        items = tuple(i for i in guard.items if i.split(".")[0] == mapping.control_id) if guard else ()
        return Corroboration(mapping=mapping, guard=guard, items=items)

    def corroborations(self) -> tuple[Corroboration, ...]:
        """Every mapping's corroboration, in mapping order."""
        return tuple(self.corroboration(m) for m in self.mappings)

    def source_snapshot(self, name: str) -> SourceSnapshot | None:
        return next((s for s in self.crosswalks.sources if s.name == name), None)
