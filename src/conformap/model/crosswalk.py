"""The model of the other sources (catalog/crosswalks/, catalog/sources/*.yaml): snapshots, Security Hub
controls, NIST SP 800-53 controls, the Guard registry's mappings and their corroboration of ours.

Records like those of :mod:`conformap.model.catalog` (the same field metadata); what they say about the
catalogue's rules and questions is computed in :class:`conformap.analysis.sources.CrosswalkAnalysis`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Iterable
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


def union_in_order(groups: Iterable[Iterable[str]]) -> tuple[str, ...]:
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
        return union_in_order(e.config_rules for e in self.entries)

    @property
    def nist_800_53_r5(self) -> tuple[str, ...]:
        return union_in_order(e.nist_800_53_r5 for e in self.entries)

    @property
    def pci_dss_v3_2_1(self) -> tuple[str, ...]:
        return union_in_order(e.pci_dss_v3_2_1 for e in self.entries)

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

    @property
    def base(self) -> str:
        """The control an enhancement belongs to: ``SC-8`` for SC-8(1), and SC-8 itself for SC-8."""
        return self.id.split("(", 1)[0]


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
    note: str | None = None


@dataclass(frozen=True)
class TemplateParameter:
    name: str
    parameter: str | None = None
    default: str | None = None
    value: str | None = None


@dataclass(frozen=True)
class TemplateRule:
    """One AWS::Config::ConfigRule of AWS's Well-Architected Security Pillar conformance pack template."""

    config_rule_name: str
    logical_id: str
    identifier: str
    input_parameters: tuple[TemplateParameter, ...] = ()
    scope: tuple[str, ...] | None = None


@dataclass(frozen=True)
class WaBestPractice:
    id: str
    title: str


@dataclass(frozen=True)
class WaQuestion:
    """A question of the Well-Architected pillar with all its best practices (``sources/wa-best-practices.yaml``)."""

    id: str
    question: str
    best_practices: tuple[WaBestPractice, ...] = ()


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
    wa_template: tuple[TemplateRule, ...] = ()
    wa_questions: tuple[WaQuestion, ...] = ()

    def wa_template_rule(self, rule_id: str) -> TemplateRule | None:
        """The rule as AWS's WA template deploys it (None: not in the template, or no snapshot)."""
        return next((t for t in self.wa_template if t.config_rule_name == rule_id), None)

    def wa_best_practices(self, framework_question_id: str | None) -> tuple[WaBestPractice, ...]:
        """Every best practice of a question (by its framework id, SEC08), as the best-practice snapshot lists them."""
        q = next((q for q in self.wa_questions if q.id == framework_question_id), None)
        return q.best_practices if q else ()

    def newest_security_hub_source(self) -> SourceSnapshot | None:
        """The newest of the Security Hub snapshots (by commit date): what "none in the sources" is as of."""
        hub = [s for s in self.sources if s.name in ("security-hub-guide", "security-hub-oscal")]
        return max(hub, key=lambda s: (s.commit_date, s.name)) if hub else None

    def source(self, name: str) -> SourceSnapshot | None:
        """The snapshot of one source (``paths.SOURCE_SNAPSHOTS``'s name), if the catalogue holds it."""
        return next((s for s in self.sources if s.name == name), None)
