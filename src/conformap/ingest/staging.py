"""All or nothing: an import is tried on a temporary copy of the catalogue, then written, or undone.

:func:`stage` applies the planned changes to a copy outside the catalogue and validates it;
:func:`apply` writes them into the real catalogue file by file (atomically each), removes files
last, and puts back what it wrote if a write fails. Problems with the catalogue folder itself raise
:class:`CatalogPathError`, which names the catalogue.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import tempfile
from pathlib import Path, PurePosixPath

from conformap import paths
from conformap import writing
from conformap.diagnostics import ConformapError, Diagnostic, errors
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


def apply(root: Path, changes: list[tuple[str, bytes]], removals: list[str], current: dict[str, bytes | None], written: list[str]) -> None:
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
    rel = ""
    try:
        for rel, data in changes:
            target = root / rel
            ensure_dir(target.parent)
            writing.write_file(target, data)
            done.append((target, current.get(rel)))
            written.append(rel)
        for rel in removals:  # last, once everything new is in place
            target = root / rel
            target.unlink()
            done.append((target, current.get(rel)))
            written.append(f"{rel} (removed)")
    except (OSError, WriteError) as exc:
        failed = rollback()
        written.clear()
        problem = f"cannot write {rel}: {reason(exc)}; "
        problem += "the catalogue is as it was" if not failed else f"these files could not be put back: {', '.join(failed)}"
        raise CatalogPathError(root, problem) from None
