"""Load a catalogue directory: read every file, validate it, and build the model.

Validation never stops at the first problem. It runs in layers and reports everything
each layer can see: file hygiene and YAML syntax (:mod:`conformap.load.yamlio`), JSON Schema,
id/filename agreement, then references across files. A file that fails an earlier layer
is left out of the later ones, so one mistake is not reported three times.
"""

from __future__ import annotations

import os
from pathlib import Path

from conformap import paths
from conformap.load import checks
from conformap.load import crosswalks
from conformap.load import files
from conformap.model import records
from conformap.load import schema
from conformap.model.catalog import Catalog, Control, Erratum, Framework, Rule, natural_key
from conformap.load.yamlio import YamlDocument, read_yaml
from conformap.diagnostics import CatalogError, Diagnostic, Severity, errors

WARNING = Severity.WARNING


class _Reader:
    """Collects documents and diagnostics for one catalogue directory."""

    def __init__(self, root: Path):
        self.root = root
        self.diags: list[Diagnostic] = []
        # Ids of files that exist but are invalid: references to them are not reported again.
        self.broken: dict[str, set[str]] = {"control": set(), "rule": set()}
        # Rule files that parsed but failed their schema or id check: their mappings' references are
        # still checked, so one run reports every problem of the file.
        self.partial_rules: list[YamlDocument] = []

    def show(self, file: Path) -> str:
        return paths.display_path(file)

    def read(self, file: Path, kind: str, stem: str | None = None) -> YamlDocument | None:
        """The document if it is valid against its schema (and, with ``stem``, its id is the file's name),
        else ``None`` (its problems are recorded, and its ids are ``broken``)."""
        doc = read_yaml(file, self.show(file))
        problem = (lambda got: f"the file name '{file.name}'; rename the file to '{got}.yaml' or fix the id") if stem else None
        checked = schema.check_document(doc, kind, expected_id=stem, id_problem=problem)
        self.diags.extend(checked.diagnostics)
        if checked.failed in ("schema", "id") and kind == "rule":
            self.partial_rules.append(doc)
        if checked.failed == "id":
            self.broken[kind].add(doc.data["id"])
        if not checked.ok and stem is not None:
            self.broken[kind].add(stem)
        return doc if checked.ok else None

    def read_entries(self, entries: list[files.Entry]) -> list[YamlDocument]:
        """The valid documents of ``controls/`` or ``rules/`` entries; every problem is recorded."""
        docs = []
        for entry in entries:
            if entry.problem:  # a link's problem is the one validate() reports for every link: listed once
                self.diags.append(Diagnostic(self.show(entry.path), *entry.at, "$", entry.problem))
                continue
            doc = self.read(entry.path, entry.kind, entry.stem)
            if doc is not None:
                docs.append(doc)
        return docs

    def read_dir(self, sub: str) -> list[YamlDocument]:
        folder = self.root / sub
        if folder.is_symlink():
            return []  # reported by validate() with every other link
        if not folder.is_dir():
            self.diags.append(Diagnostic(self.show(folder), 0, 0, "$", f"missing folder '{sub}/'"))
            return []
        return self.read_entries(files.folder_entries(self.root, sub))

    def read_top(self, name: str) -> YamlDocument | None:
        entry = files.top_entry(self.root, name)
        if entry is None:
            return None
        if entry.problem:
            self.diags.append(Diagnostic(self.show(entry.path), *entry.at, "$", entry.problem))
            return None
        return self.read(entry.path, entry.kind)


def _build(cls: type, doc: YamlDocument):
    """A control or rule from its file, remembering the file."""
    return records.from_record(cls, doc.data, file=doc.file)


def validate(path: str | Path | None = None) -> tuple[Catalog | None, list[Diagnostic]]:
    """Validate a catalogue directory. Returns the model (``None`` if there are errors) and all diagnostics."""
    root = Path(path) if path is not None else paths.DEFAULT_CATALOG
    reader = _Reader(root)
    if not root.is_dir():
        return None, [Diagnostic(paths.display_path(root), 0, 0, "$", "catalogue folder not found")]
    links = files.symlinks(root)
    reader.diags.extend(Diagnostic(reader.show(link), 0, 0, "$", files.SYMLINK_PROBLEM) for link in links)
    fw_file = root / paths.FRAMEWORK_FILE
    framework_doc = reader.read_top(paths.FRAMEWORK_FILE)
    if not os.path.lexists(fw_file):
        reader.diags.append(Diagnostic(reader.show(fw_file), 0, 0, "$", f"missing {paths.FRAMEWORK_FILE}"))
    control_docs = reader.read_dir(paths.CONTROLS_DIR)
    rule_docs = reader.read_dir(paths.RULES_DIR)
    errata_doc = reader.read_top(paths.ERRATA_FILE)
    if files.top_entry(root, paths.ERRATA_FILE) is None:
        # An absent file is not "no errata": it may have been lost; a catalogue without errata says `errata: []`.
        reader.diags.append(Diagnostic(reader.show(root / paths.ERRATA_FILE), 0, 0, "$", f"missing {paths.ERRATA_FILE}; a catalogue without errata has one that says 'errata: []'"))

    reader.diags.extend(checks.references(framework_doc, control_docs, rule_docs, errata_doc, root, reader.broken, reader.partial_rules))
    reader.diags.extend(checks.cloudformation([d for d in (framework_doc, *control_docs, *rule_docs) if d is not None], rule_docs))
    # other sources' snapshots (catalog/crosswalks/, sources/*.yaml)
    xwalks, xdiags = crosswalks.load(root, rule_docs, reader.broken["rule"])
    reader.diags.extend(xdiags)
    diags = sorted(set(reader.diags))  # by file, line, column, path, message (Diagnostic's field order)
    if errors(diags):  # a missing or unreadable framework.yaml or errata.yaml is an error
        return None, diags
    assert framework_doc is not None and errata_doc is not None  # both read, as no error says otherwise
    controls = tuple(sorted((_build(Control, d) for d in control_docs), key=lambda c: (c.number, c.id)))
    rules = tuple(sorted((_build(Rule, d) for d in rule_docs), key=lambda r: r.id))
    catalog = Catalog(
        root=root.resolve(),
        framework=records.from_record(Framework, framework_doc.data),
        controls=controls,
        rules=rules,
        errata=tuple(sorted((records.from_record(Erratum, e) for e in errata_doc.data["errata"]), key=lambda e: natural_key(e.id))),
        crosswalks=xwalks,
    )
    return catalog, diags


def load(path: str | Path | None = None) -> Catalog:
    """Load and validate a catalogue; raise :class:`CatalogError` listing every error if it is invalid."""
    catalog, diags = validate(path)
    if catalog is None:
        raise CatalogError(diags)
    return catalog


__all__ = ["load", "validate", "CatalogError", "Diagnostic"]
