"""The typed, immutable catalogue model that every other part of conformap reads.

Each record class is also the definition of its serialisation (:mod:`conformap.model.records`):
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
from pathlib import Path
from types import MappingProxyType
from typing import Mapping as MappingT

from conformap.model.crosswalk import Crosswalks
from conformap.model.fieldmeta import KEEP, KEY, LOCAL, PARENT
# Mapping is defined below both this module and model.crosswalk (which reads it); imported from here, re-exported.
from conformap.model.mapping import Mapping as Mapping


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
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
