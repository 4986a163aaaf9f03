"""The typed, immutable catalogue model that every other part of conformap reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Mapping as MappingT


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
    control_id: str
    kind: str
    text: str
    best_practice: BestPractice | None = None


@dataclass(frozen=True)
class Control:
    id: str
    number: int
    question: str
    in_source: bool
    statements: tuple[Statement, ...] = ()
    framework_question_id: str | None = None
    current_question: str | None = None
    url: str | None = None
    note: str | None = None
    sources: tuple[SourceRef, ...] = ()
    file: str = ""


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
    rule_id: str
    control_id: str
    statement_id: str
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
    mappings: tuple[Mapping, ...] = ()
    identifier: str | None = None
    service: str | None = None
    trigger: str | None = None
    description: str | None = None
    documentation_url: str | None = None
    resource_types: tuple[str, ...] | None = None
    resource_types_current_docs: tuple[str, ...] | None = None
    regions_note: str | None = None
    parameters: tuple[Parameter, ...] = ()
    pack_input_parameters: MappingT[str, str] = field(default_factory=lambda: MappingProxyType({}))
    pack_scope_resource_types: tuple[str, ...] | None = None
    deprecated: Deprecation | None = None
    sources: tuple[SourceRef, ...] = ()
    file: str = ""

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


@dataclass(frozen=True)
class Catalog:
    """A validated catalogue. Controls are ordered by number, rules by id, errata by id."""

    root: Path
    framework: Framework
    controls: tuple[Control, ...]
    rules: tuple[Rule, ...]
    errata: tuple[Erratum, ...] = ()
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
