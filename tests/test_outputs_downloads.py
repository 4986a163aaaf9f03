"""download_files(), the manifest, the data dictionary against the JSON Schema, and the CSV encoding decision."""

from __future__ import annotations

import csv
import hashlib
import io
import json

import pytest
import yaml

import conformap
from conformap import outputs, paths
from conformap.load import schema
from conformap.outputs import columns, downloads


@pytest.mark.scenario
def test_download_files_lists_every_format(real_catalog):
    files = downloads.download_files(real_catalog)
    for path in (
        "downloads/mappings.json",
        "downloads/mappings.csv",
        "downloads/mappings.xlsx",
        "downloads/mappings.schema.json",
        "downloads/oscal/catalog.json",
        "downloads/oscal/component-definition.json",
        "downloads/oscal/mapping-collection.json",
        "downloads/conformance-packs/sec-8.yaml",
        "downloads/conformance-packs/sec-3-bp07.yaml",
        "downloads/conformance-packs/aws-wa-security-pillar-part-1.yaml",
        "downloads/manifest.json",
    ):
        assert path in files, path
    assert downloads.download_files(real_catalog) == files  # deterministic


@pytest.mark.scenario
def test_manifest_describes_every_other_file(real_catalog):
    files = downloads.download_files(real_catalog)
    manifest = json.loads(files["downloads/manifest.json"])
    assert manifest["catalogue_version"] == "0.1.0" and manifest["source"]["captured"] == "2026-11-28"
    listed = {"downloads/" + f["path"]: f for f in manifest["files"]}
    assert set(listed) == set(files) - {"downloads/manifest.json"}
    for path, entry in listed.items():
        assert entry["bytes"] == len(files[path])
        assert entry["sha256"] == hashlib.sha256(files[path]).hexdigest()
        assert entry["version"] == "0.1.0" and entry["format"]
    sec8 = listed["downloads/conformance-packs/sec-8.yaml"]
    assert sec8["rows"] == len(yaml.safe_load(files["downloads/conformance-packs/sec-8.yaml"])["Resources"])
    assert listed["downloads/mappings.csv"]["rows"] == 181
    maps = json.loads(files["downloads/oscal/mapping-collection.json"])["mapping-collection"]["mappings"][0]["maps"]
    assert listed["downloads/oscal/mapping-collection.json"]["rows"] == len(maps) == 291


def test_dictionary_reads_the_json_schema():
    """A column that is a field of mappings.json is described by the JSON Schema itself (one definition)."""
    documented = [c for _, cols in columns.dictionary() for c in cols if c.json]
    assert len(documented) >= 18
    for c in documented:
        described = schema.description_at("export.schema.json", c.json)
        assert described and columns.meaning(c).startswith(described), c.name
    rule = next(c for c in columns.MAPPING_COLUMNS if c.name == "rule_identifier")
    assert columns.meaning(rule).startswith("The managed rule's SourceIdentifier")  # rule.schema.json's words


def test_csv_columns_are_the_dictionary(real_catalog):
    raw = outputs.render(real_catalog, "csv").decode("utf-8")
    header = next(csv.reader(io.StringIO(raw, newline="")))
    assert tuple(header) == columns.CSV_COLUMNS == tuple(c.name for c in columns.MAPPING_COLUMNS)
    rows = list(csv.DictReader(io.StringIO(raw, newline="")))
    assert {r["deprecated"] for r in rows} == {"false"}  # no rule is deprecated (issue 19: not the elasticsearch-* ones)
    assert any(columns.LIST_SEPARATOR in r["source_rows"] for r in rows)  # the two duplicated SEC-3 rows
    assert {r["framework_question_id"] for r in rows if r["control_id"] == "SEC-8"} == {"SEC08"}
    for col in columns.CSV_COLUMNS:  # no always-empty column without a reason: the sparse ones say when they are empty
        if not any(r[col] for r in rows):
            meaning = next(columns.meaning(c) for c in columns.MAPPING_COLUMNS if c.name == col)
            assert "empty" in meaning.lower(), col


def test_csv_has_no_byte_order_mark(real_catalog):
    """Decision: plain UTF-8. A BOM would become part of the first header (``\\ufeffcontrol_id``) for csv readers,
    pandas without encoding='utf-8-sig', cut and join; Excel users get mappings.xlsx."""
    raw = outputs.render(real_catalog, "csv")
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert raw.decode("utf-8").split(",", 1)[0] == "control_id"


def test_hostile_catalogue_gives_valid_json_everywhere(fixtures_dir):
    cat = conformap.load(fixtures_dir / "hostile")
    files = downloads.download_files(cat)
    for path, data in files.items():
        if path.endswith(".json"):
            json.loads(data)
        if path.endswith(".yaml"):
            assert isinstance(yaml.safe_load(data), dict)
    assert json.loads(files["downloads/mappings.json"])["framework"]["title"] == cat.framework.title


@pytest.mark.scenario
def test_question_csv_is_the_questions_rows_of_mappings_csv(real_catalog):
    """downloads/questions/<id>.csv: exactly the rows of mappings.csv for that question, same header, for each mapped question."""
    files = downloads.download_files(real_catalog)
    full = list(csv.reader(io.StringIO(files["downloads/mappings.csv"].decode("utf-8"), newline="")))
    header, body = full[0], full[1:]
    by_question: dict[str, list[list[str]]] = {}
    for row in body:
        by_question.setdefault(row[header.index("control_id")], []).append(row)
    published = {p.removeprefix("downloads/questions/") for p in files if p.startswith("downloads/questions/")}
    assert published == {f"{c.lower()}.csv" for c in by_question}
    for control, rows in by_question.items():
        got = list(csv.reader(io.StringIO(files[f"downloads/questions/{control.lower()}.csv"].decode("utf-8"), newline="")))
        assert got == [header, *rows], control
    assert len(by_question["SEC-8"]) == 29


@pytest.mark.scenario
def test_licence_texts_ship_with_the_downloads(real_catalog):
    """issue 19: the licence and notice files of every source, byte for byte as each snapshot pins them (SHA-256
    of the upstream file at the pinned commit), and conformap's NOTICE.md."""
    import hashlib

    from conformap.outputs import downloads

    files = {e.path: e.data for e in downloads.entries(real_catalog)}
    assert files["licenses/NOTICE.txt"] == (paths.PROJECT_ROOT / "NOTICE.md").read_bytes()
    pinned = 0
    for snap in real_catalog.crosswalks.sources:
        for f in snap.license_files:
            name = f"licenses/{snap.name}/{f.path}" + (".txt" if f.path.endswith(".md") else "")
            assert hashlib.sha256(files[name]).hexdigest() == f.sha256, name
            pinned += 1
    assert pinned == 12
    assert b"Apache License" in files["licenses/config-rule-pages/LICENSE"] and b"AWS Config Developer Guide" in files["licenses/config-rule-pages/NOTICE"]
    assert b"Attribution-ShareAlike 4.0" in files["licenses/security-hub-guide/LICENSE"]
    assert not any(p.endswith(".md") for p in files)  # no download becomes a site page


def test_mappings_json_sources_name_the_developer_guide(real_catalog):
    data = json.loads(outputs.render(real_catalog, "json"))
    by_id = {s["id"]: s for s in data["crosswalks"]["sources"]}
    assert by_id["config-rule-pages"]["source"]["repo"] == "awsdocs/aws-config-developer-guide"
    assert by_id["config-rule-pages"]["source"]["license"].startswith("Apache-2.0")
    assert by_id["security-hub-guide"]["source"]["license"].startswith("The documentation is made available under the Creative Commons Attribution-ShareAlike 4.0")
