"""The sources ``import-source`` knows (:data:`SPECS`): per source its repository, title, licence as the source
states it, the files it reads, and how those files become the snapshot's lists (the ``_build_*`` functions, over
the parsers of :mod:`conformap.parse`). :mod:`conformap.ingest.source_import` reads the checkout and writes.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import yaml

from conformap import paths
from conformap.parse import guard, oscal_catalogs, pack_templates, reading, rule_pages, security_hub_guide, well_architected
from conformap.model.catalog import natural_key as _natural
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


@dataclass(frozen=True)
class SourceFiles:
    """The files read from the checkout: repository path -> bytes."""

    files: dict[str, bytes]

    def text(self, rel: str) -> str:
        return self.files[rel].decode("utf-8")

    def json(self, rel: str, shape: dict[str, Any]) -> Any:
        return reading.read_json(self.files[rel], shape)


@dataclass(frozen=True)
class CatalogueView:
    """What a source import needs from the catalogue: rule ids, their identifiers, the catalogue root."""

    root: Path
    identifiers: dict[str, str | None]


@dataclass(frozen=True)
class SourceSpec:
    repo: str
    title: str
    license: str
    license_files: tuple[str, ...]
    files: Callable[[list[str], CatalogueView], list[str]]  # which repository files to read (from the checkout's list)
    reads: str  # a pattern every file it reads matches: a link matching it, or a folder on its way, is refused
    build: Callable[[SourceFiles, CatalogueView], dict[str, list[dict]]]  # -> the file's lists (the last one holds the items)
    single_file: str | None = None  # PATH may be this file itself
    url: str | None = None


def _one_file(path: str, **spec: Any) -> SourceSpec:
    """A source read from one file of its repository: the file it reads, the only pattern it reads and what
    PATH may name instead of a checkout are that one path, stated once."""
    return SourceSpec(files=lambda listing, cat: [path], reads=path, single_file=path, **spec)


def _glob(pattern: str) -> Callable[[list[str], CatalogueView], list[str]]:
    return lambda listing, cat: sorted(p for p in listing if fnmatch.fnmatchcase(p, pattern))


def _ours(rules: list[str], cat: CatalogueView) -> list[str]:
    return [r for r in rules if r in cat.identifiers]


def _paired_ids(cat: CatalogueView, other: str) -> set[str]:
    """Ids of the other Security Hub snapshot's controls that name a catalogue rule: kept here too, whatever
    rule this source names for them, so that where the two AWS sources disagree both are recorded."""
    rel, _ = paths.SOURCE_SNAPSHOTS[other]
    if not (cat.root / rel).is_file() or not (checked := check_document(read_yaml(cat.root / rel, paths.display_path(cat.root / rel)))).ok:
        return set()
    return {c["id"] for c in checked.doc.data.get("controls") or () if _ours(c.get("config_rules") or [], cat)}


def _located(rel: str, parse: Callable[[], Any]) -> Any:
    """``parse()``, its :class:`~conformap.parse.reading.SourceFormatError` named after the file ``rel``."""
    try:
        return parse()
    except reading.SourceFormatError as exc:
        raise SourceInputError([(f"{rel}:{line}" if line else rel, message) for line, message in exc.problems]) from None


def _build_guide(inp: SourceFiles, cat: CatalogueView) -> dict[str, list[dict]]:
    paired = _paired_ids(cat, "security-hub-oscal")
    out = []
    for rel in sorted(inp.files):
        if not rel.endswith("-controls.md"):
            continue
        for ctl in _located(rel, lambda: list(security_hub_guide.parse_security_hub_controls(inp.text(rel)))):
            if _ours(ctl.get("config_rules") or [], cat) or ctl["id"] in paired:
                out.append({"config_rules": [], **ctl, "path": rel})
    return {"controls": sorted(out, key=lambda c: _natural(c["id"]))}


def _build_oscal(inp: SourceFiles, cat: CatalogueView) -> dict[str, list[dict]]:
    paired = _paired_ids(cat, "security-hub-guide")
    (rel,) = inp.files
    ctls = [c for c in oscal_catalogs.oscal_security_hub(inp.json(rel, oscal_catalogs.SECURITY_HUB_OSCAL_SHAPE)) if _ours(c["config_rules"], cat) or c["id"] in paired]
    return {"controls": sorted(ctls, key=lambda c: _natural(c["id"]))}


def _build_guard(inp: SourceFiles, cat: CatalogueView) -> dict[str, list[dict]]:
    (rel,) = inp.files
    return {"mappings": [m for m in guard.guard_mappings(inp.json(rel, guard.GUARD_SHAPE)) if m["rule"] in cat.identifiers]}


def _build_nist(inp: SourceFiles, cat: CatalogueView) -> dict[str, list[dict]]:
    rel_guide, _ = paths.SOURCE_SNAPSHOTS["security-hub-guide"]
    checked = check_document(read_yaml(cat.root / rel_guide, paths.display_path(cat.root / rel_guide)))
    doc = checked.doc
    if not checked.ok:
        raise SourceInputError([(paths.display_path(cat.root / rel_guide), "import security-hub-guide first: the NIST snapshot keeps the controls it names")])
    wanted = {n for c in doc.data.get("controls") or () for n in c.get("nist_800_53_r5") or ()}
    (rel,) = inp.files
    families, controls = oscal_catalogs.nist_catalog(inp.json(rel, oscal_catalogs.NIST_SHAPE))
    kept = [c for c in controls if c["id"] in wanted]
    used = {c["family"] for c in kept}
    missing = sorted(wanted - {c["id"] for c in kept}, key=_natural)
    if missing:
        raise SourceInputError([(rel, f"the Security Hub guide names NIST controls this catalog lacks: {', '.join(missing)}")])
    return {"families": [f for f in families if f["id"] in used], "controls": sorted(kept, key=lambda c: _natural(c["id"]))}


def _build_pages(inp: SourceFiles, cat: CatalogueView) -> dict[str, list[dict]]:
    out, problems = [], []
    for rid in sorted(r for r, ident in cat.identifiers.items() if ident):  # managed rules have a page
        rel = f"doc_source/{rid}.md"
        try:
            page = rule_pages.parse_rule_page(inp.text(rel))
        except reading.SourceFormatError as exc:
            problems += [(f"{rel}:{line}" if line else rel, message) for line, message in exc.problems]
            continue
        params = [{"name": k, "description": v} for k, v in page["parameters"].items()]
        note = {"note": page["note"]} if page.get("note") else {}
        out.append({"id": rid, "identifier": page["identifier"], "description": page["description"], **note, "parameters": params})
    if problems:
        raise SourceInputError(problems)
    return {"rules": out}


def _build_scopes(inp: SourceFiles, cat: CatalogueView) -> dict[str, list[dict]]:
    union: dict[str, set[str]] = {}
    for rel in sorted(inp.files):
        try:
            for ident, types in _located(rel, lambda: pack_templates.pack_scopes(inp.text(rel))).items():
                union.setdefault(ident, set()).update(types)
        except yaml.YAMLError as exc:  # a template that is not YAML is named
            raise SourceInputError([(rel, f"not a readable template: {exc}")]) from None
    wanted = {i for i in cat.identifiers.values() if i}
    return {"scopes": [{"identifier": i, "resource_types": sorted(union[i])} for i in sorted(union) if i in wanted and union[i]]}


def _build_template(inp: SourceFiles, cat: CatalogueView) -> dict[str, list[dict]]:
    (rel,) = inp.files
    try:
        return {"rules": pack_templates.pack_template(inp.text(rel))}
    except yaml.YAMLError as exc:
        raise SourceInputError([(rel, f"not a readable template: {exc}")]) from None


def _build_best_practices(inp: SourceFiles, cat: CatalogueView) -> dict[str, list[dict]]:
    (rel,) = inp.files
    return {"questions": well_architected.wa_best_practices(inp.text(rel))}


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
