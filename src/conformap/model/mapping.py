"""One mapping of a rule to a question's statement: the record that both :mod:`conformap.model.catalog` (a rule's
mappings) and :mod:`conformap.model.crosswalk` (the Guard registry's corroboration of a mapping) hold, so it lives
below both. Import it as ``conformap.model.catalog.Mapping``, with the other records."""

from __future__ import annotations

from dataclasses import dataclass, field

from conformap.model.fieldmeta import KEY, PARENT


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
