"""``conformap import-aws-page``: turn AWS's page into catalogue files, or bring them up to date.

What the page carries is (re)written: control question texts and statements, each rule's
guidance, and the mappings the page states (with their row numbers). Everything else in the
catalogue is curated and kept: rule metadata, best-practice crosswalks, errata, mappings
contributed beyond the source (those without ``source_rows``), rationales. The one exception is
bookkeeping: when the page's rows move (a row added or dropped, or the other form of the page
with its rows in another order), each erratum's ``source_rows`` follow the rows they name, as
the mappings' do, so the errata keep pointing at the same rows of the page.

Order is stable: a control's statements and a rule's mappings keep the order they have in the
catalogue, and what is new is appended, so the same page in its other form (rows in another
order) changes only row numbers.

Files are rewritten only when their content changes, so importing the same page twice
changes nothing, and importing a changed page leaves a ``git diff`` of exactly what changed.

**All or nothing.** The import first computes every file's new content in memory (the plan),
then applies the plan to a copy of the catalogue in a temporary folder outside it and validates
that copy with :func:`conformap.load.loader.validate`. Only then is the real catalogue touched: each
changed file is written atomically (:func:`conformap.writing.write_file`), files are removed
last, and if writing fails part-way the files already written are put back. What the validation
decides:

* **An existing catalogue** (its folder has ``framework.yaml``): the import is written only if it
  adds no validation error. Into a valid catalogue that means the result must validate; if it
  does not (say the page brings a new managed rule, which needs its curated ``identifier``,
  ``service``, ``trigger`` and ``documentation_url``), nothing is written and
  :class:`ImportRejected` lists the errors, named after the catalogue files the import would
  write. Create such a rule's file with its curated fields (``id``, ``kind``, ``identifier``,
  ``service``, ``trigger``, ``documentation_url``) and import again: the import fills in its
  guidance and mappings. That works because a catalogue that already has errors may be imported
  into as long as the import adds no error of its own (errors are compared by file, place and
  message); the errors that remain are reported.
* **A first import** (the folder does not exist, or has no ``framework.yaml`` and nothing but
  what a catalogue holds: ``controls/``, ``rules/``, ``sources/``, ``errata.yaml``, a README,
  hidden files): the files are written, and what remains to complete (new managed rules lacking
  their curated metadata) is reported in :attr:`ImportReport.diagnostics`;
  ``conformap import-aws-page`` then exits 1, as ``conformap validate`` would. Any other folder
  without ``framework.yaml`` is refused, so an import never scatters files into, say, a project root.

Problems with the catalogue folder itself (not a folder, cannot be created, read or written)
raise :class:`CatalogPathError`, which names the catalogue, never the page; a page that cannot be
read raises :class:`PageReadError`.

The report separates what changed from row renumbering: mappings added, removed and changed
are listed, and files whose only change is renumbered ``source_rows`` are counted apart
(:attr:`ImportReport.renumbered`).
"""

from __future__ import annotations

import copy
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from conformap import paths
from conformap.load import files
from conformap.ingest import page_plan
from conformap.compare.engine import compare_mappings
from conformap.compare.report import mapping_change_lines
from conformap.model import records
from conformap.ingest import staging
from conformap.parse.aws_page import PageError, PageTooLarge, check_complete, parse_page, read_page
from conformap.model.catalog import Mapping
from conformap.ingest.staging import CatalogPathError
from conformap.load.schema import check_document
from conformap.load.loader import validate
from conformap.load.yamlio import read_yaml
from conformap import writing
from conformap.diagnostics import ConformapError, Diagnostic
from conformap.escape import terminal


class ImportFailure(ConformapError):
    """The existing catalogue has files the importer cannot read; fix them first."""

    def __init__(self, diagnostics: list[Diagnostic]):
        super().__init__(
            diagnostics,
            lines=["conformap: fix the catalogue files above before importing"],
            message="\n".join(d.format() for d in diagnostics),
        )


class ImportRejected(ConformapError):
    """The imported catalogue would not validate; nothing was written.

    ``diagnostics`` name the files of the real catalogue that the import would have written;
    ``summary`` is the line printed after them; the report's notes go to standard output first.
    """

    def __init__(self, diagnostics: list[Diagnostic], report: "ImportReport", summary: str):
        self.report = report
        super().__init__(
            diagnostics,
            lines=[summary],
            notes=[f"note: {note}" for note in report.notes],
            message="\n".join(d.format() for d in diagnostics),
        )


class RemovalsRefused(ConformapError):
    """The page would remove more mappings than the maintainer allowed (``--allow-removals N``); nothing was written."""

    def __init__(self, page: Path, report: "ImportReport", allowed: int):
        self.report = report
        self.allowed = allowed
        removed = report.mappings_removed
        before = f", {report.rows_before} before" if report.rows_before is not None else ""
        lines = [f"mappings removed ({len(removed)}):", *(f"  {terminal(item)}" for item in removed)]
        lines.append(
            f"{terminal(page)}: the import would remove the {len(removed)} mapping(s) above (the page has {report.rows} rows{before}); "
            f"nothing was written. If the page really drops them, import again with --allow-removals {len(removed)}"
        )
        super().__init__(lines=lines, message=f"the import would remove {len(removed)} mapping(s); {allowed} allowed")


class PageReadError(ConformapError):
    """The page file cannot be read (missing, a folder, no permission, too long, not UTF-8)."""

    def __init__(self, page: Path, reason: str, *, problem: str | None = None):
        self.page = page
        self.reason = reason
        line = f"{terminal(page)}: {problem if problem is not None else 'cannot read: ' + terminal(reason)}"
        super().__init__(lines=[line], message=f"{page}: cannot read: {reason}")


@dataclass
class ImportReport:
    form: str = "text"
    rows: int = 0
    written: list[str] = field(default_factory=list)  # every file changed (removed ones as "REL (removed)")
    notes: list[str] = field(default_factory=list)
    first_import: bool = False
    changes: dict | None = None  # {"mappings": conformap.compare.engine.compare_mappings(before, after)}
    renumbered: list[str] = field(default_factory=list)  # files whose only change is renumbered source_rows
    rows_before: int | None = None  # the previous snapshot's row count, when known
    diagnostics: list[Diagnostic] = field(default_factory=list)  # validation of the catalogue as imported

    def _mapping_lines(self, which: str) -> list[str]:
        if self.changes is None:
            return []
        return mapping_change_lines(self.changes)[which]  # plain text

    @property
    def mappings_added(self) -> list[str]:
        return self._mapping_lines("added")

    @property
    def mappings_removed(self) -> list[str]:
        return self._mapping_lines("removed")

    @property
    def mappings_changed(self) -> list[str]:
        return self._mapping_lines("changed")

    @property
    def other_changes(self) -> list[str]:
        """Files changed for another reason than renumbering, in the order they were written."""
        return [rel for rel in self.written if rel not in self.renumbered]


def _read_existing(root: Path, sub: str) -> dict[str, dict]:
    out: dict[str, dict] = {}
    problems: list[Diagnostic] = []
    folder = root / sub
    if folder.is_dir():
        for entry in files.folder_entries(root, sub):
            if entry.problem:
                problems.append(Diagnostic(paths.display_path(entry.path), *entry.at, "$", entry.problem))
                continue
            file = entry.path
            checked = check_document(read_yaml(file, paths.display_path(file)))
            if not checked.ok:
                problems.extend(checked.diagnostics)
                continue
            out[file.stem] = checked.doc.data
    if problems:
        raise ImportFailure(problems)
    return out


def _read_catalogue(root: Path):
    """(controls, rules, framework, errata) as plain data; unreadable YAML raises :class:`ImportFailure`."""
    try:
        existing_controls = _read_existing(root, paths.CONTROLS_DIR)
        existing_rules = _read_existing(root, paths.RULES_DIR)
        fw_file = root / paths.FRAMEWORK_FILE
        framework: dict = {}
        if fw_file.is_file():
            checked = check_document(read_yaml(fw_file, paths.display_path(fw_file)))
            if not checked.ok:
                raise ImportFailure(checked.diagnostics)
            framework = checked.doc.data
        errata = None
        er_file = root / paths.ERRATA_FILE
        if er_file.is_file():
            # A broken errata file is left to the validation, which reports it before and after the import.
            checked = check_document(read_yaml(er_file))
            if checked.ok and isinstance(checked.doc.data.get("errata"), list):
                errata = checked.doc.data
    except OSError as exc:
        where = Path(exc.filename) if exc.filename else root
        raise CatalogPathError(where, f"cannot read: {writing.reason(exc)}") from None
    return existing_controls, existing_rules, framework, errata


def _mappings(rule: dict) -> tuple[Mapping, ...]:
    """A rule file's mappings as the model has them; entries too broken to be mappings are left to the validation."""
    out = []
    for m in rule.get("mappings") or []:
        rows = m.get("source_rows", []) if isinstance(m, dict) else None
        if isinstance(rows, list) and all(isinstance(n, int) for n in rows) and isinstance(m.get("control"), str) and isinstance(m.get("statement"), str):
            out.append(records.from_record(Mapping, m, parent={"id": rule.get("id")}))
    return tuple(out)


def _mapping_changes(old_rules: dict[str, dict], new_rules: dict[str, dict]) -> dict:
    """What the import does to the mappings, by the comparison engine of ``conformap diff``.

    The plan keeps every rule of the catalogue (a rule the page no longer names keeps its file, less its
    page mappings), so no rule leaves: ``new_rules`` holds every rule of ``old_rules``.
    """
    return compare_mappings(
        {},
        {rid: _mappings(r) for rid, r in new_rules.items() if rid not in old_rules},
        [(_mappings(old_rules[rid]), _mappings(new_rules[rid]), rid) for rid in sorted(old_rules)],
    )


def _rows_hidden(data: dict, items: str) -> dict:
    """``data`` with every ``source_rows`` list replaced by its length: equal for a renumbering only."""
    out = copy.deepcopy(data)
    for m in out.get(items) or []:
        if isinstance(m, dict) and isinstance(m.get("source_rows"), list):
            m["source_rows"] = len(m["source_rows"])
    return out


def import_page(page: Path, catalog_dir: Path | None = None, allow_removals: int = 0) -> ImportReport:
    """Import ``page`` into ``catalog_dir`` (default: the project's catalogue). See the module docstring.

    The page must be whole (:func:`conformap.parse.aws_page.check_complete`), and an import that
    would remove more than ``allow_removals`` of the catalogue's page mappings raises
    :class:`RemovalsRefused` (its report lists them) and writes nothing.
    """
    root = Path(catalog_dir) if catalog_dir is not None else paths.DEFAULT_CATALOG
    page = Path(page)
    links = staging.link_diagnostics(root)  # none in a folder that does not exist yet
    if links:
        raise ImportFailure(links)
    recovered = staging.recover(root)  # a killed import's journal, before anything else
    first = staging.check_root(root)
    try:
        raw = read_page(page)
    except PageTooLarge as exc:
        raise PageReadError(page, str(exc)) from None
    except OSError as exc:
        raise PageReadError(page, exc.strerror or str(exc)) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PageReadError(page, exc.reason, problem=f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    try:
        form, rows = parse_page(text)
        check_complete(text, form, rows)
    except PageError as exc:
        raise PageError(exc.problems, page) from None
    report = ImportReport(form=form, rows=len(rows), first_import=first)
    if recovered:
        report.notes.append(f"completed an interrupted import first ({len(recovered)} file(s) written or removed)")

    existing_controls, existing_rules, framework, errata = _read_catalogue(root)

    controls, statement_of, printed_of = page_plan.plan_controls(rows, existing_controls, report.notes)
    rules = page_plan.plan_rules(rows, existing_rules, statement_of, printed_of, report.notes)
    new_errata = page_plan.plan_errata(errata, page_plan.row_moves(existing_rules, rules), report.notes)

    snapshot = f"{paths.SOURCES_DIR}/aws-page.{'md' if form == 'markdown' else 'txt'}"
    old_source = dict(framework.get("source") or {})
    old_snapshot = old_source.get("snapshot")
    if isinstance(old_source.get("rows"), int):
        report.rows_before = old_source["rows"]
    title_line = next(ln.strip().lstrip("# ") for ln in text.splitlines() if ln.strip())  # a page with rows has one
    source = dict(old_source)
    source.update({"snapshot": snapshot, "sha256": hashlib.sha256(raw).hexdigest(), "form": form, "rows": len(rows)})
    source.setdefault("title", re.sub(r"\s+-\s+AWS Config$", "", title_line))
    source.setdefault("url", "https://docs.aws.amazon.com/config/latest/developerguide/")
    fw = dict(framework)
    fw.setdefault("id", "framework")
    fw.setdefault("title", source["title"])
    fw.setdefault("publisher", "Amazon Web Services")
    fw["source"] = source

    # The plan: every file's new content, in the order it is written.
    planned: list[tuple[str, bytes]] = [(snapshot, raw), (paths.FRAMEWORK_FILE, render(fw, "framework", paths.FRAMEWORK_FILE).encode("utf-8"))]
    kinds: dict[str, tuple[dict, dict | None, str]] = {}  # rel -> (new data, old data, list key) for the renumbering check
    for cid, control in controls.items():
        rel = f"{paths.CONTROLS_DIR}/{cid}.yaml"
        planned.append((rel, render(control, "control", rel).encode("utf-8")))
    for rid, rule in rules.items():
        rel = f"{paths.RULES_DIR}/{rid}.yaml"
        planned.append((rel, render(rule, "rule", rel).encode("utf-8")))
        kinds[rel] = (rule, existing_rules.get(rid), "mappings")
    if new_errata is None and errata is None and not (root / paths.ERRATA_FILE).exists():
        new_errata = {"errata": []}  # a new catalogue starts with no errata, and says so
    if new_errata is not None:
        planned.append((paths.ERRATA_FILE, render(new_errata, "errata", paths.ERRATA_FILE).encode("utf-8")))
        kinds[paths.ERRATA_FILE] = (new_errata, errata, "errata")

    removals: list[str] = []
    if isinstance(old_snapshot, str) and old_snapshot != snapshot:
        if not staging.snapshot_path_ok(old_snapshot):
            report.notes.append(f"the previous snapshot '{old_snapshot}' is not a file under {paths.SOURCES_DIR}/; it was left alone")
        elif (root / old_snapshot).is_file():
            removals.append(old_snapshot)
            old_name, new_name = PurePosixPath(old_snapshot).name, PurePosixPath(snapshot).name
            try:  # the README's bytes: it may be in any encoding, the names are searched as UTF-8
                readme = (root / paths.SOURCES_DIR / "README.md").read_bytes()
            except OSError:  # none, or not a file: nothing to point out
                readme = b""
            if old_name.encode() in readme and new_name.encode() not in readme:
                report.notes.append(f"{paths.SOURCES_DIR}/README.md names {old_name}, which {new_name} replaces; update it")

    current: dict[str, bytes | None] = {}
    try:
        for rel, _ in planned:
            target = root / rel
            current[rel] = target.read_bytes() if target.is_file() else None
        for rel in removals:
            current[rel] = (root / rel).read_bytes()
    except OSError as exc:
        raise CatalogPathError(Path(exc.filename) if exc.filename else root, f"cannot read: {writing.reason(exc)}") from None
    changes = [(rel, data) for rel, data in planned if current[rel] != data]

    for rel, _ in changes:
        if rel in kinds:
            new, old, items = kinds[rel]
            if old is not None and new != old and _rows_hidden(new, items) == _rows_hidden(old, items):
                report.renumbered.append(rel)

    report.changes = {"mappings": _mapping_changes(existing_rules, rules)}
    if len(report.mappings_removed) > allow_removals:
        raise RemovalsRefused(page, report, allow_removals)
    if not changes:  # nothing to write (a removal comes with its new snapshot, a change)
        report.diagnostics = validate(root)[1]
        return report

    planned_diags, added = staging.new_errors(root, changes, removals, exists=root.is_dir(), compare=not first)
    if added:
        raise ImportRejected(
            added,
            report,
            f"conformap: the import would add the {len(added)} error(s) above to the catalogue (they name the files "
            "as the import would write them); nothing was written. A new rule needs its curated fields first: create "
            "rules/ID.yaml with id, kind, identifier, service, trigger and documentation_url, then import again",
        )
    staging.apply(root, changes, removals, current, report.written)
    report.diagnostics = planned_diags
    return report


def render(data: dict, kind: str, relpath: str) -> str:
    """A catalogue file's canonical text, with its schema modeline."""
    return files.dump(data, kind, header=files.modeline(kind, relpath))
