"""``conformap fmt`` over files: which catalogue files a target names, formatting each (writing or
checking), and the command's report. The text formatting itself is :func:`conformap.fmt.layout.format_text`.
"""

from __future__ import annotations

import difflib
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from conformap import paths
from conformap.load import files
from conformap.fmt.layout import FormatError, format_text
from conformap.diagnostics import Diagnostic

FIX_HINT = "run `conformap fmt` (or `make fmt`) to fix"


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
            mode = path.stat().st_mode & 0o7777
            files.write_atomic(path, data)
            os.chmod(path, mode)  # write_atomic's temporary file is private (0600); keep the file's own mode
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


def run(targets: Sequence[Path], *, check: bool = False, show_diff: bool = False, out=None, err=None) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    named, missing = expand(targets or [paths.DEFAULT_CATALOG])
    if missing:
        for m in missing:
            print(f"conformap fmt: {m}", file=err)
        return 2
    results = [format_file(f, write=not check) for f in named]
    failed = [r for r in results if r.diagnostics]
    changed = [r for r in results if r.changed]
    for r in failed:
        for d in r.diagnostics:
            print(d.format(), file=err)
    for r in changed:
        if check:
            print(f"{r.shown}: not in the canonical layout", file=out)
        else:
            print(f"reformatted {r.shown}", file=out)
        if show_diff and r.old_text is not None and r.new_text is not None:
            out.writelines(
                difflib.unified_diff(r.old_text.splitlines(True), r.new_text.splitlines(True), r.shown, f"{r.shown} (formatted)")
            )
    ok = len(results) - len(changed) - len(failed)
    if check:
        if changed:
            print(f"{len(changed)} file(s) not in the canonical layout; {FIX_HINT}", file=err)
        if failed:
            print(f"{len(failed)} file(s) could not be formatted; fix the errors above", file=err)
        if not changed and not failed:
            print(f"{len(results)} file(s) already in the canonical layout", file=err)
        return 1 if changed or failed else 0
    print(f"{len(changed)} file(s) reformatted, {ok} unchanged" + (f", {len(failed)} with errors" if failed else ""), file=err)
    return 1 if failed else 0
