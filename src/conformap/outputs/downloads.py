"""Every file the site publishes under ``downloads/``, in one call, for the Downloads page and the build."""

from __future__ import annotations

from conformap import outputs
from conformap.analysis.stats import Analysis
from conformap.model.catalog import Catalog
from conformap.outputs import conformance_pack, mappings_csv, mappings_json, oscal, oscal_mapping, xlsx
from conformap.outputs.manifest import Entry, manifest_json

PREFIX = "downloads/"
MANIFEST = "manifest.json"
PACKS_DIR = "conformance-packs/"
QUESTIONS_DIR = "questions/"
OSCAL_CATALOG = "oscal/catalog.json"
OSCAL_COMPONENT_DEFINITION = "oscal/component-definition.json"
OSCAL_MAPPING_COLLECTION = "oscal/mapping-collection.json"


def entries(cat: Catalog) -> list[Entry]:
    """The published files (the manifest excepted), in the order the Downloads page lists them."""
    a = Analysis.of(cat)
    n = a.summary.mappings
    out = [
        Entry("mappings.json", outputs.render(cat, "json"), "json", "The whole catalogue: framework, questions with statements, rules, mappings, errata.", n, "mappings"),
        Entry("mappings.csv", outputs.render(cat, "csv"), "csv", "One row per mapping (UTF-8, CRLF); columns in the data dictionary.", n, "rows"),
        Entry("mappings.xlsx", xlsx.workbook_bytes(cat, a), "xlsx", "Excel workbook: Mappings, Rules, Questions and About (version, source, data dictionary).", n, "mappings"),
    ]
    out.append(Entry("mappings.schema.json", mappings_json.json_schema().encode("utf-8"), "json-schema", "JSON Schema (2020-12) of mappings.json."))
    for c in cat.controls:
        rows = a.control_mapping_count[c.id]
        if rows:
            data = mappings_csv.render(cat, c.id).encode("utf-8")
            out.append(Entry(question_csv(c.id), data, "csv", f"{c.id}'s mappings, the columns of mappings.csv.", rows, "rows"))
    out.append(Entry(OSCAL_CATALOG, oscal.catalog_json(cat), "oscal-catalog", "OSCAL 1.2.1 catalog: the questions as controls, statements and best practices as parts.", a.summary.controls, "controls"))
    out.append(
        Entry(
            OSCAL_COMPONENT_DEFINITION,
            oscal.component_definition_json(cat),
            "oscal-component-definition",
            "OSCAL 1.2.1 component-definition: the AWS Config managed rules implementing each question.",
            n,
            "mappings",
        )
    )
    maps = len(oscal_mapping.pairs(cat))
    if maps:  # a catalogue without the NIST crosswalk has nothing to map
        out.append(
            Entry(
                OSCAL_MAPPING_COLLECTION,
                oscal_mapping.mapping_collection_json(cat),
                "oscal-mapping-collection",
                "OSCAL 1.2.1 mapping-collection: each question to the NIST SP 800-53 Rev. 5 controls its rules' Security Hub controls relate to (intersects-with, generated draft).",
                maps,
                "maps",
            )
        )
    packs, _notes = conformance_pack.all_packs(cat)
    for name, data in packs.items():
        rules = data.count(b"\n    Type: AWS::Config::ConfigRule\n")
        out.append(Entry(PACKS_DIR + name, data, "conformance-pack", "AWS Config conformance pack (CloudFormation YAML).", rules, "rules"))
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
