"""The two sides of a comparison: catalogue folders and git revisions of the project.

A side may be a catalogue folder, a git revision of the project (read with ``git ls-tree`` and
``git cat-file``, byte for byte as committed) or, for HEAD only, the working tree (the default).
A revision that has no catalogue folder counts as an empty catalogue (``None``); one whose catalogue
is, or holds, a link or a git submodule is refused, as is a file over its size limit (by the size git
lists, before it is read). Revisions and file names are shown escaped (:func:`conformap.escape.terminal`).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from conformap import paths
from conformap.load.loader import validate
from conformap.model.catalog import Catalog
from conformap.diagnostics import CommandError, errors
from conformap.escape import terminal
from conformap.load.yamlio import MAX_FILE_BYTES
from conformap.parse.aws_page import MAX_PAGE_BYTES


class DiffError(CommandError):
    """A side cannot be read (bad revision, missing folder, invalid catalogue); ``conformap diff`` exits 2."""

    def __init__(self, message: str):
        super().__init__(message, status=2)


@dataclass
class Side:
    label: str
    catalog: Catalog | None  # None: no catalogue (an empty one)


def _git(repo: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", "-C", str(repo), *args], input=stdin, capture_output=True, check=False)
    except FileNotFoundError as exc:  # git is not installed
        raise DiffError("git is not installed; compare two catalogue folders instead") from exc


def _toplevel(repo: Path) -> Path:
    res = _git(repo, "rev-parse", "--show-toplevel")
    if res.returncode != 0:
        raise DiffError(f"{terminal(repo)} is not inside a git repository")
    return Path(res.stdout.decode().strip())


def resolve_revision(repo: Path, rev: str) -> str:
    """The commit a revision names; :class:`DiffError` if it names none."""
    if rev.startswith("-"):
        raise DiffError(f"'{terminal(rev)}' is not a git revision")
    res = _git(repo, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}")
    if res.returncode != 0:
        raise DiffError(f"'{terminal(rev)}' is neither a catalogue folder nor a git revision of {terminal(repo)}")
    return res.stdout.decode().strip()


def _size_limit(rel: PurePosixPath) -> int:
    """The most bytes a committed catalogue file may have: a YAML file's limit, or the source page's."""
    return MAX_FILE_BYTES if rel.suffix in (".yaml", ".yml") else MAX_PAGE_BYTES


def extract_revision(repo: Path, commit: str, relpath: str, dest: Path) -> Path | None:
    """Write the catalogue folder ``relpath`` as committed in ``commit`` under ``dest``.

    Returns the extracted folder, or ``None`` when the commit has no such folder.
    """
    res = _git(repo, "ls-tree", "-r", "-z", "--long", "--full-tree", commit, "--", relpath)
    if res.returncode != 0:
        raise DiffError(f"cannot list {terminal(relpath)} at {commit[:12]}: {terminal(res.stderr.decode(errors='replace').strip())}")
    entries = []
    for item in res.stdout.split(b"\0"):
        if not item:
            continue
        meta, _, name = item.partition(b"\t")
        mode, kind, obj, size = meta.decode().split()
        rel = PurePosixPath(name.decode("utf-8", errors="surrogateescape"))
        shown = terminal(rel.as_posix())
        if mode == "120000":  # refused like a link in a catalogue folder, never skipped silently
            raise DiffError(f"{shown} at {commit[:12]}: symlinks are not allowed")
        if kind == "commit":  # a submodule: its files are another repository's, not read as "no catalogue"
            raise DiffError(f"{shown} at {commit[:12]}: is a git submodule; a catalogue is read from the project's own files")
        if kind != "blob" or mode not in ("100644", "100755"):
            continue
        if rel.is_absolute() or ".." in rel.parts:
            continue
        limit = _size_limit(rel)
        if int(size) > limit:
            raise DiffError(f"{shown} at {commit[:12]}: is {size} bytes; the limit is {limit} bytes (it was not read)")
        entries.append((rel, obj))
    if not entries:
        return None
    batch = _git(repo, "cat-file", "--batch", stdin=b"".join(obj.encode() + b"\n" for _, obj in entries))
    if batch.returncode != 0:
        raise DiffError(f"cannot read {terminal(relpath)} at {commit[:12]}: {terminal(batch.stderr.decode(errors='replace').strip())}")
    out = batch.stdout
    pos = 0
    for rel, obj in entries:
        nl = out.index(b"\n", pos)
        header = out[pos:nl].split()
        size = int(header[2])
        data = out[nl + 1 : nl + 1 + size]
        pos = nl + 1 + size + 1
        target = dest.joinpath(*rel.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return dest.joinpath(*PurePosixPath(relpath).parts)


def _load_dir(folder: Path, shown: str, temp_prefix: Path | None = None) -> Catalog:
    catalog, diags = validate(folder)
    if catalog is None:
        lines = [d.format() for d in errors(diags)[:20]] or [d.format() for d in diags[:20]]
        if temp_prefix is not None:
            prefix = paths.display_path(temp_prefix)
            lines = [ln.replace(prefix + "/", shown.split(":", 1)[0] + ":") for ln in lines]
        more = len(errors(diags)) - 20
        raise DiffError(
            f"the catalogue at {shown} does not validate:\n  " + "\n  ".join(lines) + (f"\n  ... and {more} more" if more > 0 else "")
        )
    return catalog


class Reader:
    """Loads catalogues from folders and git revisions; extracted revisions live in a temp folder."""

    def __init__(self, catalog_dir: Path | None = None):
        self.catalog_dir = Path(catalog_dir) if catalog_dir is not None else paths.DEFAULT_CATALOG
        self._tmp: Path | None = None
        self._cache: dict[str, Catalog | None] = {}
        self._repo: tuple[Path, str] | None = None

    def __enter__(self) -> "Reader":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    def repo(self) -> tuple[Path, str]:
        """(git top level, catalogue folder relative to it)."""
        if self._repo is None:
            here = self.catalog_dir.resolve()
            probe = here
            while not probe.exists() and probe != probe.parent:
                probe = probe.parent
            top = _toplevel(probe if probe.is_dir() else probe.parent)
            try:
                rel = here.relative_to(top.resolve()).as_posix()
            except ValueError as exc:
                raise DiffError(f"{terminal(here)} is not inside the git repository {terminal(top)}") from exc
            self._repo = (top, rel)
        return self._repo

    def working_tree(self) -> Side:
        if not self.catalog_dir.is_dir():
            raise DiffError(f"catalogue folder {terminal(paths.display_path(self.catalog_dir))} not found")
        return Side("working tree", _load_dir(self.catalog_dir, paths.display_path(self.catalog_dir)))

    def folder(self, folder: Path) -> Side:
        shown = terminal(paths.display_path(folder))
        return Side(shown, _load_dir(folder, shown))

    def commit(self, commit: str, label: str) -> Side:
        top, rel = self.repo()
        if commit not in self._cache:
            if self._tmp is None:
                self._tmp = Path(tempfile.mkdtemp(prefix="conformap-diff-"))
            dest = self._tmp / commit
            folder = extract_revision(top, commit, rel, dest)
            self._cache[commit] = None if folder is None else _load_dir(folder, f"{label}:{terminal(rel)}", dest)
        return Side(label, self._cache[commit])

    def side(self, spec: str | None) -> Side:
        """A folder if ``spec`` names one, else a git revision; ``None`` is the working tree."""
        if spec is None:
            return self.working_tree()
        if Path(spec).is_dir():
            return self.folder(Path(spec))
        top, _ = self.repo()
        commit = resolve_revision(top, spec)
        return self.commit(commit, f"{terminal(spec)} ({commit[:12]})" if spec != commit else commit[:12])
