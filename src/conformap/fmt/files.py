"""``conformap fmt`` over files: which catalogue files a target names, and formatting each (writing or
checking). The text formatting itself is :func:`conformap.fmt.layout.format_text`; the command's report
is :mod:`conformap.commands.fmt`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from conformap import paths
from conformap.load import files
from conformap.fmt.layout import FormatError, format_text
from conformap.diagnostics import Diagnostic
from conformap.writing import WriteError, write_file

def catalogue_files(root: Path) -> list[Path]:
    """Every catalogue file of a catalogue folder (or of its controls/ or rules/ folder), as :func:`~conformap.load.files.walk` lists them."""
    if root.name in files.KIND_OF_FOLDER and not (root / paths.FRAMEWORK_FILE).exists():
        return [e.path for e in files.folder_entries(root.parent, root.name)]
    return [e.path for e in files.walk(root)]


@dataclass
class FileResult:
    path: Path
    shown: str
    changed: bool = False
    new_text: str | None = None
    old_text: str | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)


def format_file(path: Path, *, write: bool) -> FileResult:
    shown = paths.display_path(path)
    res = FileResult(path, shown)
    entry = files.entry_for(path)
    if entry is None:
        res.diagnostics.append(
            Diagnostic(shown, 0, 0, "$", "not a catalogue file (framework.yaml, errata.yaml, controls/<id>.yaml or rules/<id>.yaml)")
        )
        return res
    if entry.problem:
        res.diagnostics.append(Diagnostic(shown, *entry.at, "$", entry.problem))
        return res
    kind = (entry.kind, entry.relpath)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        res.diagnostics.append(Diagnostic(shown, 0, 0, "$", f"cannot read file: {exc.strerror or exc}"))
        return res
    try:
        new = format_text(raw, kind[0], kind[1], shown)
    except FormatError as exc:
        res.diagnostics.extend(exc.diagnostics)
        return res
    data = new.encode("utf-8")
    res.old_text = raw.decode("utf-8", errors="replace")
    res.new_text = new
    if data != raw:
        res.changed = True
        if write:
            try:
                write_file(path, data)  # keeps the file's permissions
            except WriteError as exc:
                res.changed = False
                res.diagnostics.append(Diagnostic(shown, 0, 0, "$", f"cannot write file: {exc.reason}"))
    return res


def expand(targets: Iterable[Path]) -> tuple[list[Path], list[str]]:
    """Files named by ``targets`` (catalogue folders expand to their files), and a problem per bad target."""
    named: list[Path] = []
    missing: list[str] = []
    for t in targets:
        if t.is_dir():
            missing.extend(f"{link}: {files.SYMLINK_PROBLEM}" for link in files.symlinks(t))
            found = catalogue_files(t)
            if not found:
                missing.append(f"{t}: no catalogue files in this folder")
            named.extend(found)
        elif t.is_file():
            named.append(t)
        else:
            missing.append(f"{t}: no such file or folder")
    seen: set[Path] = set()
    unique = []
    for f in named:
        key = f.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique, missing
