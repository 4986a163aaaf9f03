"""Every file the site publishes under ``downloads/``, in one call, for the Downloads page and the build."""

from __future__ import annotations

from typing import Any

from conformap import paths
from conformap.analysis.stats import Analysis
from conformap.model.catalog import Catalog
from conformap.outputs import EXPORTERS, mappings_csv, mappings_json, oscal_mapping
from conformap.outputs.manifest import Entry, manifest_json

PREFIX = "downloads/"
MANIFEST = "manifest.json"
PACKS_DIR = EXPORTERS["conformance-pack"].file_name
LICENSES_DIR = "licenses/"
QUESTIONS_DIR = "questions/"
OSCAL_CATALOG = EXPORTERS["oscal-catalog"].file_name
OSCAL_COMPONENT_DEFINITION = EXPORTERS["oscal-component-definition"].file_name
OSCAL_MAPPING_COLLECTION = EXPORTERS["oscal-mapping-collection"].file_name


def _published(cat: Catalog, fmt: str, description: str, count: int | None = None, unit: str | None = None, **options: Any) -> Entry:
    """The download of export format ``fmt``, under the file name the exporter table gives it."""
    exporter = EXPORTERS[fmt]
    return Entry(exporter.file_name, exporter.make(cat, **options), fmt, description, count, unit)


def entries(cat: Catalog) -> list[Entry]:
    """The published files (the manifest excepted), in the order the Downloads page lists them."""
    a = Analysis.of(cat)
    n = a.summary.mappings
    out = [
        _published(cat, "json", "The whole catalogue: framework, questions with statements, rules, mappings, errata.", n, "mappings"),
        _published(cat, "csv", "One row per mapping (UTF-8, CRLF); columns in the data dictionary.", n, "rows"),
        _published(cat, "xlsx", "Excel workbook: Mappings, Rules, Questions and About (version, source, data dictionary).", n, "mappings", a=a),
    ]
    out.append(Entry("mappings.schema.json", mappings_json.json_schema().encode("utf-8"), "json-schema", "JSON Schema (2020-12) of mappings.json."))
    for c in cat.controls:
        rows = a.control_mapping_count[c.id]
        if rows:
            data = mappings_csv.render(cat, c.id).encode("utf-8")
            out.append(Entry(question_csv(c.id), data, "csv", f"{c.id}'s mappings, the columns of mappings.csv.", rows, "rows"))
    out.append(_published(cat, "oscal-catalog", "OSCAL 1.2.1 catalog: the questions as controls, statements and best practices as parts.", a.summary.controls, "controls"))
    out.append(
        _published(
            cat,
            "oscal-component-definition",
            "OSCAL 1.2.1 component-definition: the AWS Config managed rules implementing each question.",
            n,
            "mappings",
        )
    )
    maps = len(oscal_mapping.pairs(cat))
    if maps:  # a catalogue without the NIST crosswalk has nothing to map
        out.append(
            _published(
                cat,
                "oscal-mapping-collection",
                "OSCAL 1.2.1 mapping-collection: each question to the NIST SP 800-53 Rev. 5 controls its rules' Security Hub controls relate to (intersects-with, generated draft).",
                maps,
                "maps",
            )
        )
    packs, _notes = EXPORTERS["conformance-pack"].make(cat, every=True)
    for name, data in packs.items():
        rules = data.count(b"\n    Type: AWS::Config::ConfigRule\n")
        out.append(Entry(PACKS_DIR + name, data, "conformance-pack", "AWS Config conformance pack (CloudFormation YAML).", rules, "rules"))
    return out + license_entries(cat)


def license_entries(cat: Catalog) -> list[Entry]:
    """The terms the downloads are under: the project's NOTICE.md and, for every source snapshot, the licence and
    notice files its repository states them in (kept byte for byte under catalog/sources/licenses/)."""
    out = []
    notice = paths.notice_file()
    if notice is not None and notice.is_file():
        out.append(Entry(LICENSES_DIR + "NOTICE.txt", notice.read_bytes(), "license", "conformap's NOTICE.md (Markdown): where the catalogue's content comes from and the terms of each source, as the source states them."))
    for snap in cat.crosswalks.sources:
        for f in snap.license_files:
            copy = cat.root / paths.license_copy(snap.name, f.path)
            if copy.is_file():
                text = f"{f.path} of {snap.repo} at {snap.commit[:12]}: {snap.license}"
                name = f.path + (".txt" if f.path.endswith(".md") else "")  # a site builder would make a .md file a page
                out.append(Entry(f"{LICENSES_DIR}{snap.name}/{name}", copy.read_bytes(), "license", text))
    return out


def question_csv(control_id: str) -> str:
    """``questions/sec-8.csv``: one question's rows of mappings.csv, relative to ``downloads/``."""
    return f"{QUESTIONS_DIR}{control_id.lower()}.csv"


def question_pack(control_id: str) -> str:
    """``conformance-packs/sec-8.yaml``: the conformance pack of one question, relative to ``downloads/``."""
    return f"{PACKS_DIR}{control_id.lower()}.yaml"


def download_files(cat: Catalog, es: list[Entry] | None = None) -> dict[str, bytes]:
    """Docs-relative path -> bytes of every download, ``downloads/manifest.json`` included (``es``: the
    :func:`entries` when the caller has them already)."""
    es = entries(cat) if es is None else es
    files = {PREFIX + e.path: e.data for e in es}
    files[PREFIX + MANIFEST] = manifest_json(cat, es)
    return files
