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
from typing import Any, Callable

import yaml

from conformap import paths
from conformap.parse import upstream
from conformap.ingest import staging
from conformap.ingest.page_import import ImportFailure, ImportRejected, ImportReport, render
from conformap.model.catalog import natural_key as _natural
from conformap.ingest.staging import CatalogPathError
from conformap.load.schema import check_document
from conformap.load.yamlio import read_yaml
from conformap.diagnostics import ConformapError
from conformap.escape import terminal


class SourceInputError(ConformapError):
    """The source checkout lacks a file, or a file is not in the expected shape: (where, message) pairs."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        lines = [f"{terminal(w)}: {terminal(m)}" for w, m in problems]
        super().__init__(lines=[*lines, "conformap: nothing was written"], message="\n".join(lines))


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


@dataclass(frozen=True)
class _Input:
    """The files read from the checkout: repository path -> bytes."""

    files: dict[str, bytes]

    def text(self, rel: str) -> str:
        return self.files[rel].decode("utf-8")

    def json(self, rel: str, shape: dict[str, Any]) -> Any:
        return upstream.read_json(self.files[rel], shape)


@dataclass(frozen=True)
class _Catalogue:
    """What a source import needs from the catalogue: rule ids, their identifiers, the catalogue root."""

    root: Path
    identifiers: dict[str, str | None]


@dataclass(frozen=True)
class SourceSpec:
    repo: str
    title: str
    license: str
    license_files: tuple[str, ...]
    files: Callable[[list[str], _Catalogue], list[str]]  # which repository files to read (from the checkout's list)
    reads: str  # a pattern every file it reads matches: a link matching it, or a folder on its way, is refused
    build: Callable[[_Input, _Catalogue], dict[str, list[dict]]]  # -> the file's lists (the last one holds the items)
    single_file: str | None = None  # PATH may be this file itself
    url: str | None = None


def _one_file(path: str, **spec: Any) -> SourceSpec:
    """A source read from one file of its repository: the file it reads, the only pattern it reads and what
    PATH may name instead of a checkout are that one path, stated once."""
    return SourceSpec(files=lambda listing, cat: [path], reads=path, single_file=path, **spec)


def _glob(pattern: str) -> Callable[[list[str], _Catalogue], list[str]]:
    return lambda listing, cat: sorted(p for p in listing if fnmatch.fnmatchcase(p, pattern))


def _ours(rules: list[str], cat: _Catalogue) -> list[str]:
    return [r for r in rules if r in cat.identifiers]


def _paired_ids(cat: _Catalogue, other: str) -> set[str]:
    """Ids of the other Security Hub snapshot's controls that name a catalogue rule: kept here too, whatever
    rule this source names for them, so that where the two AWS sources disagree both are recorded."""
    rel, _ = paths.SOURCE_SNAPSHOTS[other]
    if not (cat.root / rel).is_file() or not (checked := check_document(read_yaml(cat.root / rel, paths.display_path(cat.root / rel)))).ok:
        return set()
    return {c["id"] for c in checked.doc.data.get("controls") or () if _ours(c.get("config_rules") or [], cat)}


def _located(rel: str, parse: Callable[[], Any]) -> Any:
    """``parse()``, its :class:`~conformap.parse.upstream.SourceFormatError` named after the file ``rel``."""
    try:
        return parse()
    except upstream.SourceFormatError as exc:
        raise SourceInputError([(f"{rel}:{line}" if line else rel, message) for line, message in exc.problems]) from None


def _build_guide(inp: _Input, cat: _Catalogue) -> dict[str, list[dict]]:
    paired = _paired_ids(cat, "security-hub-oscal")
    out = []
    for rel in sorted(inp.files):
        if not rel.endswith("-controls.md"):
            continue
        for ctl in _located(rel, lambda: list(upstream.parse_security_hub_controls(inp.text(rel)))):
            if _ours(ctl.get("config_rules") or [], cat) or ctl["id"] in paired:
                out.append({"config_rules": [], **ctl, "path": rel})
    return {"controls": sorted(out, key=lambda c: _natural(c["id"]))}


def _build_oscal(inp: _Input, cat: _Catalogue) -> dict[str, list[dict]]:
    paired = _paired_ids(cat, "security-hub-guide")
    (rel,) = inp.files
    ctls = [c for c in upstream.oscal_security_hub(inp.json(rel, upstream.SECURITY_HUB_OSCAL_SHAPE)) if _ours(c["config_rules"], cat) or c["id"] in paired]
    return {"controls": sorted(ctls, key=lambda c: _natural(c["id"]))}


def _build_guard(inp: _Input, cat: _Catalogue) -> dict[str, list[dict]]:
    (rel,) = inp.files
    return {"mappings": [m for m in upstream.guard_mappings(inp.json(rel, upstream.GUARD_SHAPE)) if m["rule"] in cat.identifiers]}


def _build_nist(inp: _Input, cat: _Catalogue) -> dict[str, list[dict]]:
    rel_guide, _ = paths.SOURCE_SNAPSHOTS["security-hub-guide"]
    checked = check_document(read_yaml(cat.root / rel_guide, paths.display_path(cat.root / rel_guide)))
    doc = checked.doc
    if not checked.ok:
        raise SourceInputError([(paths.display_path(cat.root / rel_guide), "import security-hub-guide first: the NIST snapshot keeps the controls it names")])
    wanted = {n for c in doc.data.get("controls") or () for n in c.get("nist_800_53_r5") or ()}
    (rel,) = inp.files
    families, controls = upstream.nist_catalog(inp.json(rel, upstream.NIST_SHAPE))
    kept = [c for c in controls if c["id"] in wanted]
    used = {c["family"] for c in kept}
    missing = sorted(wanted - {c["id"] for c in kept}, key=_natural)
    if missing:
        raise SourceInputError([(rel, f"the Security Hub guide names NIST controls this catalog lacks: {', '.join(missing)}")])
    return {"families": [f for f in families if f["id"] in used], "controls": sorted(kept, key=lambda c: _natural(c["id"]))}


def _build_pages(inp: _Input, cat: _Catalogue) -> dict[str, list[dict]]:
    out, problems = [], []
    for rid in sorted(r for r, ident in cat.identifiers.items() if ident):  # managed rules have a page
        rel = f"doc_source/{rid}.md"
        try:
            page = upstream.parse_rule_page(inp.text(rel))
        except upstream.SourceFormatError as exc:
            problems += [(f"{rel}:{line}" if line else rel, message) for line, message in exc.problems]
            continue
        params = [{"name": k, "description": v} for k, v in page["parameters"].items()]
        note = {"note": page["note"]} if page.get("note") else {}
        out.append({"id": rid, "identifier": page["identifier"], "description": page["description"], **note, "parameters": params})
    if problems:
        raise SourceInputError(problems)
    return {"rules": out}


def _build_scopes(inp: _Input, cat: _Catalogue) -> dict[str, list[dict]]:
    union: dict[str, set[str]] = {}
    for rel in sorted(inp.files):
        try:
            for ident, types in _located(rel, lambda: upstream.pack_scopes(inp.text(rel))).items():
                union.setdefault(ident, set()).update(types)
        except yaml.YAMLError as exc:  # a template that is not YAML is named
            raise SourceInputError([(rel, f"not a readable template: {exc}")]) from None
    wanted = {i for i in cat.identifiers.values() if i}
    return {"scopes": [{"identifier": i, "resource_types": sorted(union[i])} for i in sorted(union) if i in wanted and union[i]]}


def _build_template(inp: _Input, cat: _Catalogue) -> dict[str, list[dict]]:
    (rel,) = inp.files
    try:
        return {"rules": upstream.pack_template(inp.text(rel))}
    except yaml.YAMLError as exc:
        raise SourceInputError([(rel, f"not a readable template: {exc}")]) from None


def _build_best_practices(inp: _Input, cat: _Catalogue) -> dict[str, list[dict]]:
    (rel,) = inp.files
    return {"questions": upstream.wa_best_practices(inp.text(rel))}


WA_MANIFEST_PATH = "skills/aws-well-architected-framework-review/references/manifest.md"

SPECS: dict[str, SourceSpec] = {
    "security-hub-guide": SourceSpec(
        repo="awsdocs/aws-security-hub-user-guide",
        title="AWS Security Hub User Guide: controls reference (doc_source/*-controls.md)",
        license="The documentation is made available under the Creative Commons Attribution-ShareAlike 4.0 International License; the sample code under the MIT-0 license (LICENSE-SUMMARY)",
        license_files=("LICENSE-SUMMARY", "LICENSE"),
        files=_glob("doc_source/*-controls.md"),
        reads="doc_source/*-controls.md",
        build=_build_guide,
        url="https://github.com/awsdocs/aws-security-hub-user-guide",
    ),
    "security-hub-oscal": _one_file(
        "catalogs/aws_security-hub.oscal.json",
        repo="awslabs/oscal-content-for-aws-services",
        title="AWS Security Hub controls, OSCAL catalog (experimental)",
        license="Apache-2.0 (LICENSE, NOTICE); the catalog's metadata marks it EXPERIMENTAL USE ONLY",
        license_files=("LICENSE", "NOTICE"),
        build=_build_oscal,
        url="https://github.com/awslabs/oscal-content-for-aws-services",
    ),
    "guard-registry": _one_file(
        "mappings/rule_set_wa-Security-Pillar.json",
        repo="aws-cloudformation/aws-guard-rules-registry",
        title="AWS Guard Rules Registry: rule set wa-Security-Pillar mapping",
        license="Apache-2.0 (LICENSE)",
        license_files=("LICENSE",),
        build=_build_guard,
        url="https://github.com/aws-cloudformation/aws-guard-rules-registry",
    ),
    "nist-800-53": _one_file(
        "nist.gov/SP800-53/rev5/json/NIST_SP-800-53_rev5_catalog.json",
        repo="usnistgov/oscal-content",
        title="NIST SP 800-53 Rev. 5 catalog (OSCAL): ids and titles of the controls the crosswalk names",
        license="Public domain: a work of the United States government; copyright waived worldwide through CC0 1.0 Universal (LICENSE.md)",
        license_files=("LICENSE.md",),
        build=_build_nist,
        url="https://github.com/usnistgov/oscal-content",
    ),
    "config-rule-pages": SourceSpec(
        repo="awsdocs/aws-config-developer-guide",
        title="AWS Config Developer Guide: the managed rule pages of the catalogue's rules (doc_source/RULE.md)",
        license="Apache-2.0 (LICENSE), with a NOTICE file",
        license_files=("LICENSE", "NOTICE"),
        files=lambda listing, cat: [f"doc_source/{rid}.md" for rid in sorted(cat.identifiers) if cat.identifiers[rid]],
        reads="doc_source/*.md",
        build=_build_pages,
        url="https://github.com/awsdocs/aws-config-developer-guide",
    ),
    "conformance-packs": SourceSpec(
        repo="awslabs/aws-config-rules",
        title="AWS Config conformance pack templates: Scope.ComplianceResourceTypes of each managed rule, union over the templates",
        license="CC0 1.0 Universal (LICENSE)",
        license_files=("LICENSE",),
        files=_glob("aws-config-conformance-packs/*.yaml"),
        reads="aws-config-conformance-packs/*.yaml",
        build=_build_scopes,
        url="https://github.com/awslabs/aws-config-rules",
    ),
    "wa-template": _one_file(
        paths.WA_TEMPLATE_PATH,
        repo="awslabs/aws-config-rules",
        title="AWS's Well-Architected Security Pillar conformance pack template: each rule's logical id, input parameters (template parameter and default) and Scope",
        license="CC0 1.0 Universal (LICENSE)",
        license_files=("LICENSE",),
        build=_build_template,
        url="https://github.com/awslabs/aws-config-rules",
    ),
    "wa-best-practices": _one_file(
        WA_MANIFEST_PATH,
        repo="aws-samples/sample-well-architected-skills-and-steering",
        title="AWS Well-Architected Framework best-practice manifest (Security pillar): every question's best-practice ids and titles",
        license="MIT No Attribution (MIT-0) (LICENSE), with a NOTICE file",
        license_files=("LICENSE", "NOTICE"),
        build=_build_best_practices,
        url="https://github.com/aws-samples/sample-well-architected-skills-and-steering",
    ),
}


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
    """A file of the checkout (see :func:`conformap.parse.upstream.read_file`), or ``None`` with its problem noted."""
    try:
        return upstream.read_file(source, rel)
    except upstream.SourceFormatError as exc:
        problems += [(f"{source / rel}", m) for _, m in exc.problems]
    except FileNotFoundError:
        problems.append((str(source / rel), "missing from the checkout"))
    except OSError as exc:
        problems.append((str(source / rel), f"cannot read: {exc.strerror or exc}"))
    return None


def _read_inputs(spec: SourceSpec, source: Path, cat: _Catalogue) -> tuple[dict[str, bytes], dict[str, bytes]]:
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
    return [{"path": rel, "git_blob": upstream.git_blob_sha(b), "sha256": hashlib.sha256(b).hexdigest()} for rel, b in sorted(files.items())]


def _read_catalogue(root: Path) -> _Catalogue:
    folder = root / paths.RULES_DIR
    if not (root / paths.FRAMEWORK_FILE).is_file() or not folder.is_dir():
        raise CatalogPathError(root, f"not a catalogue (no {paths.FRAMEWORK_FILE} and {paths.RULES_DIR}/): import the AWS page first")
    identifiers: dict[str, str | None] = {}
    for f in sorted(folder.glob("*.yaml")):
        checked = check_document(read_yaml(f, paths.display_path(f)))
        data = checked.doc.data if checked.ok else {}
        identifiers[f.name[: -len(".yaml")]] = data.get("identifier") if isinstance(data.get("identifier"), str) else None
    return _Catalogue(root=root, identifiers=identifiers)


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
        lists = spec.build(_Input(files), cat)
    except upstream.SourceFormatError as exc:
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
