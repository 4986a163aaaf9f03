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
that copy with :func:`conformap.catalog.loader.validate`. Only then is the real catalogue touched: each
changed file is written atomically (:func:`conformap.catalog.files.write_atomic`), files are removed
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
import dataclasses
import errno
import hashlib
import os
import re
import shutil
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from conformap import paths
from conformap.catalog import files as catalogio
from conformap.catalog.awspage import Row, parse_page
from conformap.catalog.model import natural_key
from conformap.catalog.yamlio import read_yaml
from conformap.diagnostics import Diagnostic, errors


class ImportFailure(Exception):
    """The existing catalogue has files the importer cannot read; fix them first."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = diagnostics
        super().__init__("\n".join(d.format() for d in diagnostics))


class ImportRejected(Exception):
    """The imported catalogue would not validate; nothing was written.

    ``diagnostics`` name the files of the real catalogue that the import would have written.
    """

    def __init__(self, diagnostics: list[Diagnostic], report: "ImportReport"):
        self.diagnostics = diagnostics
        self.report = report
        super().__init__("\n".join(d.format() for d in diagnostics))


class CatalogPathError(Exception):
    """The catalogue folder cannot be used: not a folder, cannot be created, read or written."""

    def __init__(self, path: Path, problem: str):
        self.path = Path(path)
        self.problem = problem
        super().__init__(self.format())

    def format(self) -> str:
        return f"{paths.display_path(self.path)}: {self.problem}"


class PageReadError(Exception):
    """The page file cannot be read (missing, a folder, no permission)."""

    def __init__(self, page: Path, reason: str):
        self.page = page
        self.reason = reason
        super().__init__(f"{page}: cannot read: {reason}")


@dataclass
class ImportReport:
    form: str = "text"
    rows: int = 0
    written: list[str] = field(default_factory=list)  # every file changed (removed ones as "REL (removed)")
    notes: list[str] = field(default_factory=list)
    first_import: bool = False
    mappings_added: list[str] = field(default_factory=list)
    mappings_removed: list[str] = field(default_factory=list)
    mappings_changed: list[str] = field(default_factory=list)
    renumbered: list[str] = field(default_factory=list)  # files whose only change is renumbered source_rows
    rows_before: int | None = None  # the previous snapshot's row count, when known
    diagnostics: list[Diagnostic] = field(default_factory=list)  # validation of the catalogue as imported

    @property
    def other_changes(self) -> list[str]:
        """Files changed for another reason than renumbering, in the order they were written."""
        return [rel for rel in self.written if rel not in self.renumbered]


def _reason(exc: OSError) -> str:
    if isinstance(exc, (NotADirectoryError, FileExistsError)) or exc.errno in (errno.ENOTDIR, errno.EEXIST):
        return "part of its path is a file, not a folder"
    return exc.strerror or str(exc)


def _read_existing(root: Path, sub: str) -> dict[str, dict]:
    out: dict[str, dict] = {}
    problems: list[Diagnostic] = []
    folder = root / sub
    if folder.is_dir():
        for entry in catalogio.folder_entries(root, sub):
            if entry.problem:
                problems.append(Diagnostic(paths.display_path(entry.path), *entry.at, "$", entry.problem))
                continue
            file = entry.path
            doc = read_yaml(file, paths.display_path(file))
            if not doc.ok or not isinstance(doc.data, dict):
                problems.extend(doc.diagnostics or [Diagnostic(doc.file, 1, 1, "$", "not a YAML mapping")])
                continue
            out[file.stem] = doc.data
    if problems:
        raise ImportFailure(problems)
    return out


def _statement_suffix(index: int, count: int) -> str:
    return "desc" if count == 1 and index == 0 else f"S{index + 1}"


def _plan_controls(rows: list[Row], existing: dict[str, dict], report: ImportReport):
    """Return (controls by id, statement id per row number, printed statement per row number)."""
    by_control: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        by_control[r.control_id].append(r)

    question_of: dict[str, str] = {}
    for cid, rs in by_control.items():
        counts = Counter(r.question for r in rs)
        top = max(counts.values())
        question_of[cid] = next(r.question for r in rs if counts[r.question] == top)

    controls: dict[str, dict] = {}
    statement_by_text: dict[tuple[str, str], str] = {}
    for cid in sorted(by_control, key=natural_key):
        old = existing.get(cid, {})
        texts: list[str] = []
        for r in by_control[cid]:
            if r.question == question_of[cid] and r.description not in texts:
                texts.append(r.description)
        old_statements = list(old.get("statements") or [])
        by_old_text = {s.get("text"): s for s in old_statements}
        used_ids = {s.get("id") for s in old_statements}
        statements = []
        for i, text in enumerate(texts):
            if text in by_old_text:
                st = dict(by_old_text[text])
            elif len(texts) == 1 and len(old_statements) == 1:
                st = dict(old_statements[0], text=text)  # the one description was reworded
                report.notes.append(f"{cid}: statement {st['id']} text changed")
            else:
                suffix = _statement_suffix(i, len(texts))
                sid = f"{cid}.{suffix}"
                n = i + 1
                while sid in used_ids:
                    n += 1
                    sid = f"{cid}.S{n}"
                used_ids.add(sid)
                st = {"id": sid, "kind": "question-description" if len(texts) == 1 else "best-practice", "text": text}
                report.notes.append(f"{cid}: new statement {sid}")
            statements.append(st)
            statement_by_text[(cid, text)] = st["id"]
        # Stable order: the statements the control had keep their places; new ones follow, in page order.
        old_index = {s.get("id"): i for i, s in enumerate(old_statements)}
        statements.sort(key=lambda st: old_index.get(st["id"], len(old_statements)))
        number = old.get("number") or int(re.findall(r"\d+", cid)[-1])
        control = dict(old)
        control.update({"id": cid, "number": number, "question": question_of[cid], "in_source": True, "statements": statements})
        controls[cid] = control

    for cid, old in existing.items():
        if cid not in controls:
            control = dict(old)
            if control.get("in_source"):
                control["in_source"] = False
                report.notes.append(f"{cid}: no longer mapped by the page; in_source set to false")
            controls[cid] = control

    statement_of: dict[int, str] = {}
    printed_of: dict[int, str] = {}
    for r in rows:
        key = (r.control_id, r.description)
        if r.question == question_of[r.control_id]:
            statement_of[r.number] = statement_by_text[key]
            continue
        # The row prints another control's question: find whose.
        owner = next((c for c, q in question_of.items() if q == r.question and (c, r.description) in statement_by_text), None)
        own_statements = controls[r.control_id]["statements"]
        statement_of[r.number] = own_statements[0]["id"]
        if owner is not None:
            printed_of[r.number] = statement_by_text[(owner, r.description)]
            report.notes.append(f"row {r.number} ({r.rule}): labelled {r.control_id} but prints the question of {owner}")
        else:
            report.notes.append(f"row {r.number} ({r.rule}): question text differs from {r.control_id}'s; mapped to {statement_of[r.number]}")
    return controls, statement_of, printed_of


def _plan_rules(rows: list[Row], existing: dict[str, dict], statement_of: dict[int, str], printed_of: dict[int, str], report: ImportReport):
    page_mappings: dict[str, dict[tuple[str, str], dict]] = defaultdict(dict)
    guidance: dict[str, str] = {}
    process: dict[str, bool] = {}
    seen_rows: dict[tuple, int] = {}
    for r in rows:
        key = (r.control_id, statement_of[r.number])
        m = page_mappings[r.rule].get(key)
        if m is None:
            m = {"control": r.control_id, "statement": key[1], "source_rows": []}
            page_mappings[r.rule][key] = m
        m["source_rows"].append(r.number)
        if r.number in printed_of:
            m["printed_statement"] = printed_of[r.number]
        if r.rule in guidance and guidance[r.rule] != r.guidance:
            report.notes.append(f"row {r.number} ({r.rule}): guidance differs from the rule's earlier row; keeping the first")
        guidance.setdefault(r.rule, r.guidance)
        process[r.rule] = process.get(r.rule, False) or r.process_check
        full = (r.control_id, r.question, r.description, r.rule, r.guidance)
        if full in seen_rows:
            report.notes.append(f"row {r.number} repeats row {seen_rows[full]} verbatim ({r.control_id}, {r.rule})")
        seen_rows.setdefault(full, r.number)

    rules: dict[str, dict] = {}
    new_rules: list[str] = []
    for rid in sorted(set(existing) | set(page_mappings)):
        old = existing.get(rid, {})
        rule = dict(old)
        new_maps = page_mappings.get(rid, {})
        old_maps = [dict(m) for m in old.get("mappings") or []]
        # Stable order: the mappings the rule had keep their places (a page mapping the page no longer
        # states is dropped, a contributed one is kept); mappings new to the rule follow its last page
        # mapping, in page order.
        merged: list[dict] = []
        placed: set[tuple] = set()
        for o in old_maps:
            key = (o.get("control"), o.get("statement"))
            if key in new_maps and key not in placed:
                m = new_maps[key]
                if o.get("rationale"):
                    m["rationale"] = o["rationale"]
                merged.append(m)
                placed.add(key)
            elif not o.get("source_rows") and key not in new_maps:
                merged.append(o)
        fresh = [m for key, m in new_maps.items() if key not in placed]
        if fresh:
            at = max((i + 1 for i, m in enumerate(merged) if m.get("source_rows")), default=0)
            merged[at:at] = fresh
        if rid not in page_mappings and old_maps and any(o.get("source_rows") for o in old_maps):
            report.notes.append(f"{rid}: no longer on the page; its page mappings were removed")
        rule["mappings"] = merged
        rule["id"] = rid
        if rid in guidance:
            rule["guidance"] = guidance[rid]
            rule.setdefault("kind", "process-check" if process[rid] else "managed")
        if not old:
            new_rules.append(rid)
        rules[rid] = rule
    if new_rules:
        report.notes.append(
            f"{len(new_rules)} new rule(s): {', '.join(new_rules)}; add their identifier, service, trigger and documentation_url"
        )
    return rules


_CATALOGUE_ENTRIES = {paths.FRAMEWORK_FILE, paths.ERRATA_FILE, paths.CONTROLS_DIR, paths.RULES_DIR, paths.SOURCES_DIR, "README.md"}


def _check_root(root: Path) -> bool:
    """Whether this is a first import (no folder, or one with no catalogue yet); raise if the folder is unusable."""
    if root.is_dir():
        try:
            entries = [e for e in os.listdir(root) if not e.startswith(".")]
        except OSError as exc:
            raise CatalogPathError(root, f"cannot read the catalogue folder: {_reason(exc)}") from None
        if (root / paths.FRAMEWORK_FILE).is_file():
            return False
        stray = sorted(e for e in entries if e not in _CATALOGUE_ENTRIES)
        if stray:
            raise CatalogPathError(
                root,
                f"not a catalogue (no {paths.FRAMEWORK_FILE}) and not empty (it holds {', '.join(stray[:3])}"
                f"{', ...' if len(stray) > 3 else ''}); to create a catalogue, give a new or empty folder",
            )
        return True
    if os.path.lexists(root):
        raise CatalogPathError(root, "not a folder; the catalogue is a folder (framework.yaml, controls/, rules/, sources/)")
    probe = Path(os.path.abspath(root)).parent
    while not os.path.lexists(probe) and probe != probe.parent:
        probe = probe.parent
    if not probe.is_dir():
        raise CatalogPathError(root, f"cannot create the catalogue folder: {paths.display_path(probe)} is a file, not a folder")
    return True


def _read_catalogue(root: Path):
    """(controls, rules, framework, errata) as plain data; unreadable YAML raises :class:`ImportFailure`."""
    try:
        existing_controls = _read_existing(root, paths.CONTROLS_DIR)
        existing_rules = _read_existing(root, paths.RULES_DIR)
        fw_file = root / paths.FRAMEWORK_FILE
        framework: dict = {}
        if fw_file.is_file():
            doc = read_yaml(fw_file, paths.display_path(fw_file))
            if not doc.ok:
                raise ImportFailure(doc.diagnostics)
            if not isinstance(doc.data, dict):
                raise ImportFailure([Diagnostic(doc.file, 1, 1, "$", "not a YAML mapping")])
            framework = doc.data
        errata = None
        er_file = root / paths.ERRATA_FILE
        if er_file.is_file():
            doc = read_yaml(er_file, paths.display_path(er_file))
            # A broken errata file is left to the validation, which reports it before and after the import.
            if doc.ok and isinstance(doc.data, dict) and isinstance(doc.data.get("errata"), list):
                errata = doc.data
    except OSError as exc:
        where = Path(exc.filename) if exc.filename else root
        raise CatalogPathError(where, f"cannot read: {_reason(exc)}") from None
    return existing_controls, existing_rules, framework, errata


def _rows_by_mapping(rules: dict[str, dict]) -> dict[tuple, list[int]]:
    out: dict[tuple, list[int]] = defaultdict(list)
    for rid, rule in rules.items():
        for m in rule.get("mappings") or []:
            if not isinstance(m, dict) or not isinstance(m.get("source_rows"), list):
                continue
            out[(rid, m.get("control"), m.get("statement"))].extend(n for n in m["source_rows"] if isinstance(n, int) and not isinstance(n, bool))
    return out


def _row_moves(old_rules: dict[str, dict], new_rules: dict[str, dict]) -> dict[int, int]:
    """Old row number -> new row number, for every row that still states the same mapping.

    A row is known by the mapping it states (rule, control, statement); when several rows state one
    mapping (a repeated row), they are paired in order.
    """
    new = _rows_by_mapping(new_rules)
    moves: dict[int, int] = {}
    for key, olds in _rows_by_mapping(old_rules).items():
        for o, n in zip(sorted(olds), sorted(new.get(key, []))):
            moves[o] = n
    return moves


def _plan_errata(errata: dict | None, moves: dict[int, int], report: ImportReport) -> dict | None:
    """The errata with their source rows following the rows' new numbers; ``None`` if nothing moves."""
    if errata is None:
        return None
    out = copy.deepcopy(errata)
    changed = False
    for e in out["errata"]:
        rows = e.get("source_rows") if isinstance(e, dict) else None
        if not isinstance(rows, list) or not rows or not all(isinstance(r, int) and not isinstance(r, bool) for r in rows):
            continue
        if all(moves.get(r) == r for r in rows):
            continue
        eid = e.get("id", "?")
        gone = [r for r in rows if r not in moves]
        new_rows = sorted({moves[r] for r in rows if r in moves})
        if new_rows:
            e["source_rows"] = new_rows
        else:
            del e["source_rows"]
        changed = True
        if gone:
            report.notes.append(
                f"{paths.ERRATA_FILE}: {eid}: source row(s) {', '.join(map(str, gone))} no longer state its mappings; "
                "removed from the erratum; review it"
            )
        moved = {r for r in rows if r in moves and moves[r] != r}
        text = " ".join(str(e.get(k) or "") for k in ("title", "source_shows", "catalogue_does", "reason"))
        quoted = sorted(r for r in moved if re.search(rf"(?<![\d.]){r}(?![\d])", text))
        if quoted:
            report.notes.append(
                f"{paths.ERRATA_FILE}: {eid}: source rows renumbered ({', '.join(map(str, rows))} → "
                f"{', '.join(map(str, new_rows))}); its text quotes row(s) {', '.join(map(str, quoted))}, check it"
            )
    return out if changed else None


def _mapping_text(rid: str, m: dict) -> str:
    text = f"{rid} → {m.get('control')} / {m.get('statement')}"
    if m.get("source_rows"):
        text += f" (source rows {', '.join(map(str, m['source_rows']))})"
    return text


def _mapping_changes(old_rules: dict[str, dict], new_rules: dict[str, dict], report: ImportReport) -> None:
    """Fill the report's mappings added, removed and changed; renumbered rows are not a change here."""
    for rid in sorted(set(old_rules) | set(new_rules)):
        om = {(m.get("control"), m.get("statement")): m for m in old_rules.get(rid, {}).get("mappings") or [] if isinstance(m, dict)}
        nm = {(m.get("control"), m.get("statement")): m for m in new_rules.get(rid, {}).get("mappings") or [] if isinstance(m, dict)}
        for key, m in nm.items():
            o = om.get(key)
            if not m.get("source_rows"):
                continue  # contributed: the import leaves it as it is
            if o is None:
                report.mappings_added.append(_mapping_text(rid, m))
            elif not o.get("source_rows"):
                report.mappings_changed.append(f"{_mapping_text(rid, m)}: contributed before, now stated by the page")
            else:
                diffs = []
                if len(o["source_rows"]) != len(m["source_rows"]):
                    diffs.append(f"source rows {', '.join(map(str, o['source_rows']))} → {', '.join(map(str, m['source_rows']))}")
                if o.get("printed_statement") != m.get("printed_statement"):
                    diffs.append(f"printed statement {o.get('printed_statement') or '(none)'} → {m.get('printed_statement') or '(none)'}")
                if diffs:
                    report.mappings_changed.append(f"{rid} → {key[0]} / {key[1]}: {'; '.join(diffs)}")
        for key, o in om.items():
            if o.get("source_rows") and key not in nm:
                report.mappings_removed.append(_mapping_text(rid, o))


def _rows_hidden(data: dict, items: str) -> dict:
    """``data`` with every ``source_rows`` list replaced by its length: equal for a renumbering only."""
    out = copy.deepcopy(data)
    for m in out.get(items) or []:
        if isinstance(m, dict) and isinstance(m.get("source_rows"), list):
            m["source_rows"] = len(m["source_rows"])
    return out


def _snapshot_path_ok(rel: str) -> bool:
    """A snapshot path the importer may remove: a plain relative path inside sources/."""
    pp = PurePosixPath(rel)
    return not pp.is_absolute() and "\\" not in rel and ".." not in pp.parts and len(pp.parts) >= 2 and pp.parts[0] == paths.SOURCES_DIR


def _translate(diags: list[Diagnostic], stage: Path, root: Path) -> list[Diagnostic]:
    """Diagnostics about the staged copy, renamed after the real catalogue's files (named as validate names them)."""
    a = paths.display_path(stage)
    out = []
    for d in diags:
        f = d.file
        if f == a:
            f = paths.display_path(root)
        elif f.startswith(a + "/"):
            f = paths.display_path(root / f[len(a) + 1 :])
        out.append(dataclasses.replace(d, file=f))
    return out


def _key(d: Diagnostic) -> tuple:
    """What a diagnostic says, without its line and column (which move when a file changes)."""
    return (d.file, d.path, d.message, d.severity)


def _stage(root: Path, exists: bool, changes: list[tuple[str, bytes]], removals: list[str]) -> list[Diagnostic]:
    """Apply the plan to a temporary copy of the catalogue and validate it; nothing real is touched."""
    from conformap.catalog.loader import validate

    with tempfile.TemporaryDirectory(prefix="conformap-import-") as tmp:
        stage = Path(tmp) / "catalog"
        try:
            if exists:
                shutil.copytree(root, stage, symlinks=True)
            else:
                stage.mkdir()
        except OSError as exc:
            raise CatalogPathError(root, f"cannot read the catalogue to check the import ({exc}); nothing was written") from None
        rel = ""
        try:
            for rel, data in changes:
                catalogio.write_atomic(stage / rel, data)
            for rel in removals:
                (stage / rel).unlink(missing_ok=True)
        except OSError as exc:
            raise CatalogPathError(
                root, f"cannot check the import: writing {rel} to a temporary copy of the catalogue failed: {_reason(exc)}; nothing was written"
            ) from None
        _, diags = validate(stage)
        return _translate(diags, stage, root)


def _apply(root: Path, changes: list[tuple[str, bytes]], removals: list[str], current: dict[str, bytes | None], report: ImportReport) -> None:
    """Write the plan into the real catalogue; on failure put back what was written and raise."""
    created: list[Path] = []
    done: list[tuple[Path, bytes | None]] = []

    def ensure_dir(folder: Path) -> None:
        missing = []
        while not os.path.lexists(folder) and folder != folder.parent:
            missing.append(folder)
            folder = folder.parent
        for d in reversed(missing):
            d.mkdir()
            created.append(d)

    def rollback() -> list[str]:
        failed = []
        for target, old in reversed(done):
            try:
                if old is None:
                    target.unlink(missing_ok=True)
                else:
                    catalogio.write_atomic(target, old)
            except OSError:
                failed.append(paths.display_path(target))
        for d in reversed(created):
            try:
                d.rmdir()
            except OSError:
                pass
        return failed

    try:
        ensure_dir(root)
    except OSError as exc:
        rollback()
        raise CatalogPathError(root, f"cannot create the catalogue folder: {_reason(exc)}") from None
    rel = ""
    try:
        for rel, data in changes:
            target = root / rel
            ensure_dir(target.parent)
            catalogio.write_atomic(target, data)
            done.append((target, current.get(rel)))
            report.written.append(rel)
        for rel in removals:  # last, once everything new is in place
            target = root / rel
            target.unlink()
            done.append((target, current.get(rel)))
            report.written.append(f"{rel} (removed)")
    except OSError as exc:
        failed = rollback()
        report.written.clear()
        problem = f"cannot write {rel}: {_reason(exc)}; "
        problem += "the catalogue is as it was" if not failed else f"these files could not be put back: {', '.join(failed)}"
        raise CatalogPathError(root, problem) from None


def import_page(page: Path, catalog_dir: Path | None = None) -> ImportReport:
    """Import ``page`` into ``catalog_dir`` (default: the project's catalogue). See the module docstring."""
    from conformap.catalog.loader import validate

    root = Path(catalog_dir) if catalog_dir is not None else paths.DEFAULT_CATALOG
    page = Path(page)
    first = _check_root(root)
    try:
        raw = page.read_bytes()
    except OSError as exc:
        raise PageReadError(page, exc.strerror or str(exc)) from None
    text = raw.decode("utf-8")
    form, rows = parse_page(text)
    report = ImportReport(form=form, rows=len(rows), first_import=first)

    existing_controls, existing_rules, framework, errata = _read_catalogue(root)

    controls, statement_of, printed_of = _plan_controls(rows, existing_controls, report)
    rules = _plan_rules(rows, existing_rules, statement_of, printed_of, report)
    new_errata = _plan_errata(errata, _row_moves(existing_rules, rules), report)

    snapshot = f"{paths.SOURCES_DIR}/aws-page.{'md' if form == 'markdown' else 'txt'}"
    old_source = dict(framework.get("source") or {})
    old_snapshot = old_source.get("snapshot")
    if isinstance(old_source.get("rows"), int):
        report.rows_before = old_source["rows"]
    title_line = next((ln.strip().lstrip("# ") for ln in text.splitlines() if ln.strip()), page.stem)
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
    if new_errata is not None:
        planned.append((paths.ERRATA_FILE, render(new_errata, "errata", paths.ERRATA_FILE).encode("utf-8")))
        kinds[paths.ERRATA_FILE] = (new_errata, errata, "errata")

    removals: list[str] = []
    if isinstance(old_snapshot, str) and old_snapshot != snapshot:
        if not _snapshot_path_ok(old_snapshot):
            report.notes.append(f"the previous snapshot '{old_snapshot}' is not a file under {paths.SOURCES_DIR}/; it was left alone")
        elif (root / old_snapshot).is_file():
            removals.append(old_snapshot)
            readme = root / paths.SOURCES_DIR / "README.md"
            old_name, new_name = PurePosixPath(old_snapshot).name, PurePosixPath(snapshot).name
            try:
                readme_text = readme.read_text(encoding="utf-8", errors="replace") if readme.is_file() else ""
            except OSError:
                readme_text = ""
            if old_name in readme_text and new_name not in readme_text:
                report.notes.append(f"{paths.SOURCES_DIR}/README.md names {old_name}, which {new_name} replaces; update it")

    current: dict[str, bytes | None] = {}
    try:
        for rel, _ in planned:
            target = root / rel
            current[rel] = target.read_bytes() if target.is_file() else None
        for rel in removals:
            current[rel] = (root / rel).read_bytes()
    except OSError as exc:
        raise CatalogPathError(Path(exc.filename) if exc.filename else root, f"cannot read: {_reason(exc)}") from None
    changes = [(rel, data) for rel, data in planned if current[rel] != data]

    _mapping_changes(existing_rules, rules, report)
    for rel, _ in changes:
        new, old, items = kinds.get(rel, (None, None, ""))
        if old is not None and new != old and _rows_hidden(new, items) == _rows_hidden(old, items):
            report.renumbered.append(rel)

    if not changes and not removals:
        report.diagnostics = validate(root)[1] if root.is_dir() else []
        return report

    planned_diags = _stage(root, root.is_dir(), changes, removals)
    if not first:
        before = {_key(d) for d in errors(validate(root)[1])}
        added = [d for d in errors(planned_diags) if _key(d) not in before]
        if added:
            raise ImportRejected(added, report)
    _apply(root, changes, removals, current, report)
    report.diagnostics = planned_diags
    return report


def render(data: dict, kind: str, relpath: str) -> str:
    """A catalogue file's canonical text, with its schema modeline."""
    return catalogio.dump(data, kind, header=catalogio.modeline(kind, relpath))
