"""``conformap import-source NAME PATH``: snapshot another public source into the catalogue.

``PATH`` is a checkout (or an extracted tree, e.g. ``git archive COMMIT | tar -x``) of the source's
repository at ``--commit``, or, for the sources that are one file, that file. The importer reads
only the files it needs, keeps only the facts the catalogue refers to (controls naming one of its
rules, and the controls the other Security Hub source ties to one, the NIST controls they name,
...), and writes one YAML file (:data:`conformap.paths.SOURCE_SNAPSHOTS`)
whose ``source`` block records repository, commit, commit date, licence (as the source states it)
and the git blob id and SHA-256 of every file read, so anyone can re-find and re-verify them.

Like ``import-aws-page`` it is **all or nothing** and **idempotent**: the new file is rendered in
memory, written to a copy of the catalogue that is validated, and only written (atomically) if the
snapshot file itself validates (schema, references); an unchanged file is not rewritten. The
machinery is :mod:`conformap.ingest.staging`'s. A faithful snapshot may show that rule files no
longer say what the source says (:mod:`conformap.load.fidelity`): the snapshot is then written
and those errors are reported (:attr:`SourceImportReport.drift`, exit status 1), as
``import-aws-page`` reports the rule files a first import leaves to complete.
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from conformap import paths
from conformap.parse import reading
from conformap.ingest import staging
from conformap.ingest.page_import import ImportFailure, ImportRejected, ImportReport, render
from conformap.ingest.source_specs import SPECS, SourceInputError, SourceSpec, CatalogueView, SourceFiles
from conformap.ingest.staging import CatalogPathError
from conformap.load.schema import check_document
from conformap.load.yamlio import read_yaml
from conformap.diagnostics import ConformapError
from conformap.escape import terminal

class SourceRemovalsRefused(ConformapError):
    """The source gives fewer entries than the snapshot holds, and ``--allow-removals`` does not cover them."""

    def __init__(self, relpath: str, removed: list[str], allowed: int):
        self.relpath, self.removed, self.allowed = relpath, removed, allowed
        lines = [f"  {terminal(item)}" for item in removed]
        lines.append(
            f"{relpath}: the source gives none of the {len(removed)} entries above, which the snapshot holds; nothing was written. "
            f"If the source really dropped them, import again with --allow-removals {len(removed)}"
        )
        super().__init__(lines=lines, message=f"{relpath}: the import would remove {len(removed)} entries ({allowed} allowed)")


@dataclass
class SourceImportReport:
    name: str
    relpath: str
    items: int = 0
    written: list[str] = field(default_factory=list)
    drift: list = field(default_factory=list)  # new errors in other files: what the catalogue must now catch up with


def _listing(root: Path) -> tuple[list[str], list[str]]:
    """(files, symbolic links) of a checkout, by path; links are listed, never followed."""
    files, links = [], []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = [d for d in dirnames if d != ".git"]
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            rel = path.relative_to(root).as_posix()
            if path.is_symlink():
                links.append(rel)
            elif name in filenames:
                files.append(rel)
    return sorted(files), sorted(links)


def _read(source: Path, rel: str, problems: list[tuple[str, str]]) -> bytes | None:
    """A file of the checkout (see :func:`conformap.parse.reading.read_file`), or ``None`` with its problem noted."""
    try:
        return reading.read_file(source, rel)
    except reading.SourceFormatError as exc:
        problems += [(f"{source / rel}", m) for _, m in exc.problems]
    except FileNotFoundError:
        problems.append((str(source / rel), "missing from the checkout"))
    except OSError as exc:
        problems.append((str(source / rel), f"cannot read: {exc.strerror or exc}"))
    return None


def _read_inputs(spec: SourceSpec, source: Path, cat: CatalogueView) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """(files, license files) read from ``source``: a checkout folder, or the single file itself."""
    problems: list[tuple[str, str]] = []
    if source.is_file():
        if spec.single_file is None:
            raise SourceInputError([(str(source), "this source is a set of files: give the checkout folder")])
        data = _read(source.parent, source.name, problems)
        if data is None:
            raise SourceInputError(problems)
        return {spec.single_file: data}, {}
    if not source.is_dir():
        raise SourceInputError([(str(source), "not found: give a checkout of " + spec.repo)])
    listing, links = _listing(source)
    for link in links:  # a link could lead the import out of the checkout
        if fnmatch.fnmatchcase(link, spec.reads) or spec.reads.startswith(link + "/") or link in spec.license_files:
            problems.append((str(source / link), "is a symbolic link; links in a checkout are not followed"))
    if problems:
        raise SourceInputError(problems)
    wanted = spec.files(listing, cat)
    if not wanted:
        problems.append((str(source), f"no source files found: is this a checkout of {spec.repo}?"))
    files, licenses = {}, {}
    for rel in wanted:
        if (data := _read(source, rel, problems)) is not None:
            files[rel] = data
    for rel in spec.license_files:
        if os.path.lexists(source / rel) and (data := _read(source, rel, problems)) is not None:
            licenses[rel] = data
    if problems:
        raise SourceInputError(problems)
    return files, licenses


def _pin(files: dict[str, bytes]) -> list[dict]:
    return [{"path": rel, "git_blob": reading.git_blob_sha(b), "sha256": hashlib.sha256(b).hexdigest()} for rel, b in sorted(files.items())]


def _read_catalogue(root: Path) -> CatalogueView:
    folder = root / paths.RULES_DIR
    if not (root / paths.FRAMEWORK_FILE).is_file() or not folder.is_dir():
        raise CatalogPathError(root, f"not a catalogue (no {paths.FRAMEWORK_FILE} and {paths.RULES_DIR}/): import the AWS page first")
    identifiers: dict[str, str | None] = {}
    for f in sorted(folder.glob("*.yaml")):
        checked = check_document(read_yaml(f, paths.display_path(f)))
        data = checked.doc.data if checked.ok else {}
        identifiers[f.name[: -len(".yaml")]] = data.get("identifier") if isinstance(data.get("identifier"), str) else None
    return CatalogueView(root=root, identifiers=identifiers)


def _keys(doc_data: Any, lists: dict[str, list[dict]]) -> list[str]:
    """The entries of a snapshot's lists, named (``controls S3.1``), for the removal check."""
    out = []
    for key in lists:
        items = doc_data.get(key) if isinstance(doc_data, dict) else None
        for item in items if isinstance(items, list) else ():
            if isinstance(item, dict):
                name = next((item[f] for f in ("id", "guard_file", "identifier", "rule") if isinstance(item.get(f), str)), None)
                if name is not None:
                    out.append(f"{key} {name}")
    return out


def _removed(target: Path, current: bytes | None, lists: dict[str, list[dict]]) -> list[str]:
    """The entries of the current snapshot the new one lacks (a source that dropped some, or changed form)."""
    if current is None:
        return []
    doc = read_yaml(target, paths.display_path(target))
    new = set(_keys(lists, lists))
    return [k for k in _keys(doc.data if doc.ok else None, lists) if k not in new]


def import_source(
    name: str, source: Path, commit: str, commit_date: str, catalog_dir: Path | None = None, allow_removals: int = 0
) -> SourceImportReport:
    """Snapshot source ``name`` from ``source`` (checkout at ``commit``) into the catalogue. See the module docstring.

    A catalogue holding a symbolic link is refused (:class:`ImportFailure`) before anything is read or tried;
    a killed import's journal is recovered first (:func:`conformap.ingest.staging.recover`); a new snapshot
    lacking more than ``allow_removals`` entries of the current one raises :class:`SourceRemovalsRefused`.
    """
    spec = SPECS[name]
    rel, kind = paths.SOURCE_SNAPSHOTS[name]
    root = Path(catalog_dir) if catalog_dir is not None else paths.DEFAULT_CATALOG
    links = staging.link_diagnostics(root)
    if links:
        raise ImportFailure(links)
    staging.recover(root)  # a killed import's journal, before anything else
    cat = _read_catalogue(root)
    files, licenses = _read_inputs(spec, Path(source), cat)
    try:
        lists = spec.build(SourceFiles(files), cat)
    except reading.SourceFormatError as exc:
        where = next(iter(files)) if len(files) == 1 else str(source)
        raise SourceInputError([(f"{where}:{line}" if line else where, message) for line, message in exc.problems]) from None
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise SourceInputError([(str(source), f"not in the expected shape ({type(exc).__name__}: {exc})")]) from None
    src: dict[str, Any] = {"repo": spec.repo, "commit": commit, "commit_date": commit_date, "url": spec.url, "license": spec.license}
    if licenses:
        src["license_files"] = _pin(licenses)
    src["files"] = _pin(files)
    data: dict[str, Any] = {"id": name, "title": spec.title, "source": {k: v for k, v in src.items() if v is not None}}
    data.update(lists)
    report = SourceImportReport(name=name, relpath=rel, items=len(list(lists.values())[-1]))
    text = render(data, kind, rel).encode("utf-8")
    changes = [(rel, text)] + [(paths.license_copy(name, p), b) for p, b in sorted(licenses.items())]
    changes = [(r, b) for r, b in changes if not ((root / r).is_file() and (root / r).read_bytes() == b)]
    if not changes:
        return report
    target = root / rel
    current = target.read_bytes() if target.is_file() else None
    removed = _removed(target, current, lists)
    if len(removed) > allow_removals:
        raise SourceRemovalsRefused(rel, removed, allow_removals)
    _, added = staging.new_errors(root, changes, [])
    rules = paths.display_path(root / paths.RULES_DIR) + "/"
    refused = [d for d in added if not d.file.startswith(rules)]
    if refused:  # the snapshot, or another file because of it, would not validate: write nothing
        raise ImportRejected(refused, ImportReport(), f"conformap: the snapshot would add the {len(refused)} error(s) above; nothing was written")
    before = {r: (root / r).read_bytes() if (root / r).is_file() else None for r, _ in changes}
    staging.apply(root, changes, [], before, report.written)
    report.drift = added  # rule files that now differ from the source: the maintainer updates them
    return report
