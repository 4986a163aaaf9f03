"""All or nothing: an import is tried on a temporary copy of the catalogue, then written, or undone.

:func:`stage` applies the planned changes to a copy outside the catalogue and validates it;
:func:`apply` writes them into the real catalogue file by file (atomically each), removes files
last, and puts back what it wrote if a write fails. Problems with the catalogue folder itself raise
:class:`CatalogPathError`, which names the catalogue.

A killed import leaves a catalogue the next one recovers (:func:`recover`, run by both importers before
anything else). :func:`apply` first writes the whole plan, every new file's bytes, into the journal
``.conformap-journal.pending/`` inside the catalogue; renaming it to ``.conformap-journal/`` commits the
plan; then the files are written and removed, and the journal is deleted. A pending journal (killed before
the commit) is deleted: nothing in the catalogue was touched yet. A committed one is played again to its end:
writing a file twice gives the same bytes. ``CONFORMAP_FAULT_KILL_AFTER=N`` kills the process after step N
of :func:`apply` (a test hook: tests/test_fault_injection.py kills an import at every step).
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import signal
import tempfile
from pathlib import Path, PurePosixPath

from conformap import paths
from conformap import writing
from conformap.diagnostics import ConformapError, Diagnostic, errors
from conformap.load import files
from conformap.load.loader import validate
from conformap.writing import WriteError, reason


class CatalogPathError(ConformapError):
    """The catalogue folder cannot be used: not a folder, cannot be created, read or written."""

    def __init__(self, path: Path, problem: str):
        self.path = Path(path)
        self.problem = problem
        super().__init__(lines=[self.format()], message=self.format())

    def format(self) -> str:
        return f"{paths.display_path(self.path)}: {self.problem}"


_CATALOGUE_ENTRIES = {paths.FRAMEWORK_FILE, paths.ERRATA_FILE, paths.CONTROLS_DIR, paths.RULES_DIR, paths.SOURCES_DIR, "README.md"}


def check_root(root: Path) -> bool:
    """Whether this is a first import (no folder, or one with no catalogue yet); raise if the folder is unusable."""
    if root.is_dir():
        try:
            entries = [e for e in os.listdir(root) if not e.startswith(".")]
        except OSError as exc:
            raise CatalogPathError(root, f"cannot read the catalogue folder: {reason(exc)}") from None
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


def link_diagnostics(root: Path) -> list[Diagnostic]:
    """One error per symbolic link in the catalogue: a trial copy or a write could follow one out of it."""
    return [Diagnostic(paths.display_path(link), 0, 0, "$", files.SYMLINK_PROBLEM) for link in files.symlinks(root)]


def snapshot_path_ok(rel: str) -> bool:
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


def key(d: Diagnostic) -> tuple:
    """What a diagnostic says, without its line and column (which move when a file changes)."""
    return (d.file, d.path, d.message, d.severity)


def stage(root: Path, exists: bool, changes: list[tuple[str, bytes]], removals: list[str]):
    """Apply the plan to a temporary copy of the catalogue and validate it; nothing real is touched.

    Returns the staged catalogue (``None`` when it does not validate) and its diagnostics, named
    after the real catalogue's files.
    """
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
                writing.write_file(stage / rel, data)
            for rel in removals:
                (stage / rel).unlink(missing_ok=True)
        except (OSError, WriteError) as exc:
            raise CatalogPathError(
                root, f"cannot check the import: writing {rel} to a temporary copy of the catalogue failed: {reason(exc)}; nothing was written"
            ) from None
        staged, diags = validate(stage)
        return staged, _translate(diags, stage, root)


def new_errors(root: Path, changes: list[tuple[str, bytes]], removals: list[str], *, exists: bool = True, compare: bool = True) -> tuple[list[Diagnostic], list[Diagnostic]]:
    """Validate, stage, keep only the new errors: the plan's diagnostics (:func:`stage`), and the errors among
    them that the catalogue as it is does not have (none when ``compare`` is false: a first import)."""
    _, staged = stage(root, exists, changes, removals)
    if not compare:
        return staged, []
    known = {key(d) for d in errors(validate(root)[1])}
    return staged, [d for d in errors(staged) if key(d) not in known]


JOURNAL = ".conformap-journal"  # a committed plan: the next import plays it to its end before anything else
PENDING = JOURNAL + ".pending"  # a plan being written, not committed: the next import deletes it
FAULT_ENV = "CONFORMAP_FAULT_KILL_AFTER"
_PLAN = "plan.json"


class _Steps:
    """Counts the steps of an apply; kills the process after the step ``$CONFORMAP_FAULT_KILL_AFTER`` names."""

    def __init__(self) -> None:
        self.done = 0
        self.kill_after = os.environ.get(FAULT_ENV)

    def __call__(self) -> None:
        self.done += 1
        if self.kill_after == str(self.done):
            os.kill(os.getpid(), signal.SIGKILL)


def _plan_path_ok(rel: object) -> bool:
    """A path a journal may write or remove: a plain relative path to a catalogue file or into its folders."""
    if not isinstance(rel, str):
        return False
    pp = PurePosixPath(rel)
    return bool(pp.parts) and not pp.is_absolute() and "\\" not in rel and ".." not in pp.parts and pp.parts[0] in _CATALOGUE_ENTRIES | {paths.CROSSWALKS_DIR}


def _write_journal(root: Path, changes: list[tuple[str, bytes]], removals: list[str], step: _Steps) -> Path:
    pending = root / PENDING
    shutil.rmtree(pending, ignore_errors=True)
    (pending / "new").mkdir(parents=True)
    for i, (_, data) in enumerate(changes):
        writing.write_file(pending / "new" / str(i), data)
        step()
    writing.write_file(pending / _PLAN, json.dumps({"changes": [rel for rel, _ in changes], "removals": removals}))
    step()
    journal = root / JOURNAL
    os.rename(pending, journal)  # the commit: from here on the next import completes the plan
    step()
    return journal


def _read_journal(root: Path, journal: Path) -> tuple[list[tuple[str, bytes]], list[str]]:
    try:
        plan = json.loads((journal / _PLAN).read_bytes())
        changes = [(rel, (journal / "new" / str(i)).read_bytes()) for i, rel in enumerate(plan["changes"])]
        removals = list(plan["removals"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise CatalogPathError(journal, f"an interrupted import's journal cannot be read ({exc}); restore the catalogue from git and delete {JOURNAL}/") from None
    if not all(_plan_path_ok(rel) for rel, _ in changes) or not all(_plan_path_ok(rel) for rel in removals):
        raise CatalogPathError(journal, f"an interrupted import's journal names files outside the catalogue; it was not played: delete {JOURNAL}/")
    return changes, removals


def recover(root: Path) -> list[str]:
    """Finish what a killed import left: a pending journal is deleted, a committed one played to its end.

    Returns the files the committed journal wrote or removed (empty when there was none). Run by both
    importers before anything else, after refusing a catalogue that holds a link.
    """
    root = Path(root)
    if not root.is_dir():
        return []
    if os.path.lexists(root / PENDING):
        shutil.rmtree(root / PENDING)
    journal = root / JOURNAL
    if not os.path.lexists(journal):
        return []
    changes, removals = _read_journal(root, journal)
    written: list[str] = []
    try:
        _play(root, changes, removals, written, _Steps(), lambda d: d.mkdir(parents=True, exist_ok=True))
        shutil.rmtree(journal)
    except (OSError, WriteError) as exc:
        raise CatalogPathError(root, f"cannot complete an interrupted import ({reason(exc)}); it stays in {JOURNAL}/ for the next run") from None
    return written


def _play(root: Path, changes: list[tuple[str, bytes]], removals: list[str], written: list[str], step: _Steps, ensure_dir) -> None:
    """Write ``changes`` and remove ``removals``; ``written`` names each file done (its last entry, on an
    ``OSError``, is the one that failed, marked by a trailing ``?``)."""
    for rel, data in changes:
        written.append(rel + "?")
        target = root / rel
        ensure_dir(target.parent)
        writing.write_file(target, data)
        written[-1] = rel
        step()
    for rel in removals:  # last, once everything new is in place
        written.append(rel + "?")
        (root / rel).unlink(missing_ok=True)
        written[-1] = f"{rel} (removed)"
        step()


def apply(root: Path, changes: list[tuple[str, bytes]], removals: list[str], current: dict[str, bytes | None], written: list[str]) -> None:
    """Write the plan into the real catalogue, through the journal; on failure put back what was written and raise."""
    created: list[Path] = []
    done: list[tuple[Path, bytes | None]] = []
    step = _Steps()

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
                    writing.write_file(target, old)
            except (OSError, WriteError):
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
        raise CatalogPathError(root, f"cannot create the catalogue folder: {reason(exc)}") from None
    try:
        journal = _write_journal(root, changes, removals, step)
    except (OSError, WriteError) as exc:
        shutil.rmtree(root / PENDING, ignore_errors=True)
        rollback()
        raise CatalogPathError(root, f"cannot write the import's journal: {reason(exc)}; the catalogue is as it was") from None
    try:
        _play(root, changes, removals, written, step, ensure_dir)
        done.extend((root / rel, current.get(rel)) for rel in [*(r for r, _ in changes), *removals])
        shutil.rmtree(journal)
        step()
    except (OSError, WriteError) as exc:
        rel = written.pop().removesuffix("?") if written and written[-1].endswith("?") else ""
        done.extend((root / r, current.get(r)) for r in (r.removesuffix(" (removed)") for r in written))
        failed = rollback()
        written.clear()
        if not failed:
            shutil.rmtree(journal, ignore_errors=True)
        problem = f"cannot write {rel or 'the catalogue'}: {reason(exc)}; "
        problem += "the catalogue is as it was" if not failed else f"these files could not be put back: {', '.join(failed)}"
        raise CatalogPathError(root, problem) from None
