"""The model of the other sources (catalog/crosswalks/, catalog/sources/*.yaml): snapshots, Security Hub
controls, NIST SP 800-53 controls, the Guard registry's mappings and their corroboration of ours.

Records like those of :mod:`conformap.model.catalog` (the same field metadata); :class:`CrosswalkQueries`
gives :class:`~conformap.model.catalog.Catalog` its crosswalk questions (empty answers without snapshots).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import TYPE_CHECKING, Iterable, Protocol
from typing import Mapping as MappingT

from conformap.model.fieldmeta import KEEP, KEY, LOCAL
from conformap.model.mapping import Mapping


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


def _union(groups: Iterable[Iterable[str]]) -> tuple[str, ...]:
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


class _RuleQuestions(Protocol):
    """What the crosswalk questions read of a rule (:class:`conformap.model.catalog.Rule`, defined above this module)."""

    @property
    def id(self) -> str: ...

    @property
    def control_ids(self) -> tuple[str, ...]: ...


class CrosswalkQueries:
    """The crosswalk questions of a catalogue (mixed into Catalog, which has ``crosswalks``, ``rules`` and ``mappings``)."""

    crosswalks: Crosswalks
    rules: tuple[_RuleQuestions, ...]

    if TYPE_CHECKING:  # Catalog's property

        @property
        def mappings(self) -> tuple[Mapping, ...]: ...

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
