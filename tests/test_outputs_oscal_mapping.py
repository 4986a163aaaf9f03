"""OSCAL 1.2.1 mapping-collection (questions -> NIST SP 800-53 Rev. 5 through shared rules): compliance-trestle
parses it; every (question, NIST control) pair the snapshots imply appears exactly once, computed here from the
YAML files with PyYAML; hostile snapshot texts stay data. Also the crosswalks of mappings.json and the CSV.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import uuid
from collections import Counter, defaultdict
from pathlib import Path

import pytest
import yaml

import conformap
from conformap import outputs, paths
from conformap.cli import main
from conformap.outputs import oscal_mapping

trestle_mapping = pytest.importorskip("trestle.oscal.mapping")
trestle_catalog = pytest.importorskip("trestle.oscal.catalog")

ROOT = paths.DEFAULT_CATALOG
NS = uuid.uuid5(uuid.NAMESPACE_URL, "https://conformap.dev/oscal")
HOSTILE = "</remarks><script>window.__pwned='nist'</script> \"q\" & =HYPERLINK(\"https://evil.example\") {{x}} ]]>"


def _yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def expected_pairs(root: Path) -> dict[tuple[str, str], set[str]]:
    """(OSCAL question id, NIST OSCAL id) -> the rules they share, from the YAML files alone."""
    ours = {d["id"]: {m["control"] for m in d["mappings"]} for d in map(_yaml, (root / "rules").glob("*.yaml"))}
    rules, nist = defaultdict(set), defaultdict(set)
    for name in ("security-hub-guide.yaml", "security-hub-oscal.yaml"):
        if not (root / "crosswalks" / name).is_file():
            continue
        for c in _yaml(root / "crosswalks" / name)["controls"]:
            rules[c["id"]] |= set(c["config_rules"])
            nist[c["id"]] |= set(c.get("nist_800_53_r5", []))
    known = {c["id"] for c in _yaml(root / "crosswalks" / "nist-800-53-r5.yaml")["controls"]}
    out: dict[tuple[str, str], set[str]] = defaultdict(set)
    for hub, names in rules.items():
        for rule in names & ours.keys():
            for question in ours[rule]:
                for n in nist[hub] & known:
                    out[(question.lower(), re.sub(r"\((\d+)\)", r".\1", n).lower())].add(rule)
    return dict(out)


def _maps(doc: dict) -> list[dict]:
    (mapping,) = doc["mapping-collection"]["mappings"]
    return mapping["maps"]


@pytest.fixture  # built for each test (0.04 s): a shared result would hide mutants from all but its first test
def real_doc(real_catalog) -> dict:
    return json.loads(oscal_mapping.mapping_collection_json(real_catalog))


def test_trestle_reads_it(real_catalog, tmp_path):
    (tmp_path / "m.json").write_bytes(oscal_mapping.mapping_collection_json(real_catalog))
    mc = trestle_mapping.MappingCollection.oscal_read(tmp_path / "m.json")
    assert mc.metadata.oscal_version.root.root == "1.2.1"
    assert (mc.provenance.method, mc.provenance.matching_rationale, mc.provenance.status) == ("automation", "functional", "draft")
    (mapping,) = mc.mappings
    assert {m.relationship for m in mapping.maps} == {"intersects-with"}
    assert mapping.source_resource.href == "catalog.json"
    assert mapping.target_resource.href == (
        "https://raw.githubusercontent.com/usnistgov/oscal-content/8220008e7262bf49a23554291c85f9071ea3b3a2/"
        "nist.gov/SP800-53/rev5/json/NIST_SP-800-53_rev5_catalog.json"
    )


@pytest.mark.scenario
def test_every_pair_appears_exactly_once_with_its_rules(real_doc):
    expected = expected_pairs(ROOT)
    assert len(expected) == 291
    maps = _maps(real_doc)
    found = Counter((m["sources"][0]["id-ref"], m["targets"][0]["id-ref"]) for m in maps)
    assert found == Counter(expected.keys())
    for m in maps:
        assert len(m["sources"]) == len(m["targets"]) == 1 and {s["type"] for s in m["sources"] + m["targets"]} == {"control"}
        shared = {p["value"] for p in m["props"] if p["name"] == "shared-rule"}
        assert shared == expected[(m["sources"][0]["id-ref"], m["targets"][0]["id-ref"])]


def test_sources_are_controls_of_our_catalog(real_catalog, real_doc):
    from conformap.outputs import oscal

    ours = {c["id"] for c in oscal.catalog_data(real_catalog)["catalog"]["controls"]}
    assert {m["sources"][0]["id-ref"] for m in _maps(real_doc)} <= ours
    targets = {m["targets"][0]["id-ref"] for m in _maps(real_doc)}
    assert "ac-2.1" in targets and all(re.fullmatch(r"[a-z]{2}-\d+(\.\d+)?", t) for t in targets)


def test_deterministic_uuids_and_dates(real_catalog, real_doc):
    doc = real_doc["mapping-collection"]
    assert doc["uuid"] == str(uuid.uuid5(NS, f"aws-wa-security-pillar/mapping-collection/{real_catalog.framework.version}"))  # issue 19
    first = _maps(real_doc)[0]
    q, n = first["sources"][0]["id-ref"].upper(), first["targets"][0]["remarks"].split(":")[0]
    assert first["uuid"] == str(uuid.uuid5(NS, f"aws-wa-security-pillar/mapping-collection/{q}/{n}"))
    uuids = [doc["uuid"], doc["mappings"][0]["uuid"], *(m["uuid"] for m in _maps(real_doc))]
    assert len(set(uuids)) == len(uuids)
    assert doc["metadata"]["last-modified"] == f"{real_catalog.framework.released}T00:00:00Z"
    assert oscal_mapping.mapping_collection_json(real_catalog) == oscal_mapping.mapping_collection_json(real_catalog)


def _hostile_crosswalk_catalogue(fixtures_dir: Path, tmp_path: Path, hub: list[dict] | None = None) -> Path:
    """tests/fixtures/hostile plus two snapshots whose texts try to break out of JSON, OSCAL markup and CSV
    (``hub``: other Security Hub controls instead of the one Evil.1)."""
    root = tmp_path / "hostile"
    shutil.copytree(fixtures_dir / "hostile", root)
    (root / "crosswalks").mkdir()
    pinned = {"path": "x.md", "git_blob": "0" * 40, "sha256": "0" * 64}
    source = {"repo": "example/source", "commit": "1" * 40, "commit_date": "2026-01-01", "license": HOSTILE, "files": [pinned]}
    guide = {
        "id": "security-hub-guide",
        "title": HOSTILE,
        "source": source,
        "controls": hub
        if hub is not None
        else [{"id": "Evil.1", "title": HOSTILE, "severity": HOSTILE, "config_rules": ["evil-rule"], "nist_800_53_r5": ["AC-2(1)", "SI-4"]}],
    }
    nist = {
        "id": "nist-800-53",
        "title": HOSTILE,
        "source": source,
        "families": [{"id": "AC", "title": HOSTILE}, {"id": "SI", "title": "System"}],
        "controls": [{"id": "AC-2(1)", "title": HOSTILE, "family": "AC"}, {"id": "SI-4", "title": "System Monitoring", "family": "SI"}],
    }
    for name, data in (("security-hub-guide.yaml", guide), ("nist-800-53-r5.yaml", nist)):
        (root / "crosswalks" / name).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return root


def test_hostile_texts_stay_data(fixtures_dir, tmp_path):
    import jsonschema

    from conformap.outputs import mappings_json

    root = _hostile_crosswalk_catalogue(fixtures_dir, tmp_path)
    cat = conformap.load(root)
    data = oscal_mapping.mapping_collection_json(cat)
    (tmp_path / "m.json").write_bytes(data)
    trestle_mapping.MappingCollection.oscal_read(tmp_path / "m.json")
    maps = _maps(json.loads(data))
    assert sorted((m["sources"][0]["id-ref"], m["targets"][0]["id-ref"]) for m in maps) == sorted(expected_pairs(root))
    assert {m["targets"][0]["remarks"] for m in maps} >= {f"AC-2(1): {HOSTILE}"}
    exported = json.loads(outputs.render(cat, "json"))
    jsonschema.Draft202012Validator(json.loads(mappings_json.json_schema())).validate(exported)
    assert exported["crosswalks"]["security_hub_controls"][0]["title"] == HOSTILE
    assert exported["crosswalks"]["nist_800_53_r5"][0] == {"id": "AC-2(1)", "title": HOSTILE, "family": "AC"}
    rows = list(csv.DictReader(io.StringIO(outputs.render(cat, "csv").decode("utf-8"), newline="")))
    assert {(r["rule"], r["security_hub_controls"], r["nist_800_53_r5"]) for r in rows} == {
        ("evil-rule", "Evil.1", "AC-2(1);SI-4"),
        ("plain-rule", "", ""),
    }


def test_json_crosswalks_agree_with_the_snapshots(real_catalog):
    cw = json.loads(outputs.render(real_catalog, "json"))["crosswalks"]
    by_rule = {r["rule"]: r for r in cw["rules"]}
    hub_rules = defaultdict(set)
    for name in ("security-hub-guide.yaml", "security-hub-oscal.yaml"):
        for c in _yaml(ROOT / "crosswalks" / name)["controls"]:
            hub_rules[c["id"]] |= set(c["config_rules"])
    ours = {p.stem for p in (ROOT / "rules").glob("*.yaml")}
    assert set(by_rule) == {r for rules in hub_rules.values() for r in rules} & ours
    assert {r: set(v["security_hub_controls"]) for r, v in by_rule.items()} == {
        r: {h for h, rules in hub_rules.items() if r in rules} for r in by_rule
    }
    assert [s["id"] for s in cw["sources"]] == [  # every snapshot, the developer guide included (issue 19)
        "security-hub-guide", "security-hub-oscal", "guard-registry", "nist-800-53", "config-rule-pages", "conformance-packs", "wa-template", "wa-best-practices",
    ]  # fmt: skip
    agrees = Counter(c["agrees"] for c in cw["corroboration"])
    assert sum(agrees.values()) == 181 and agrees[False] >= 1
    lam = next(c for c in cw["corroboration"] if c["rule"] == "lambda-inside-vpc" and c["control"] == "SEC-6")
    assert lam["agrees"] is False and lam["guard_items"] == []  # issue 13: the registry lacks SEC-6 for it
    apigw = next(c for c in cw["security_hub_controls"] if c["id"] == "APIGateway.4")
    assert list(apigw["sources"]) == ["security-hub-guide", "security-hub-oscal"] and apigw["differences"] == ["config_rules"]


@pytest.mark.scenario
def test_cli_writes_it_and_refuses_a_catalogue_without_crosswalks(real_catalog, fixtures_dir, tmp_path, capsys):
    out = tmp_path / "m.json"
    assert main(["export", "--format", "oscal-mapping-collection", "--out", str(out)]) == 0
    assert out.read_bytes() == oscal_mapping.mapping_collection_json(real_catalog)
    bad = tmp_path / "none.json"
    assert main(["export", "--format", "oscal-mapping-collection", "--catalog", str(fixtures_dir / "mini"), "--out", str(bad)]) == 1
    assert "no NIST SP 800-53 crosswalk" in capsys.readouterr().err and not bad.exists()


def test_no_download_without_crosswalks(fixtures_dir):
    from conformap.outputs import downloads

    files = downloads.download_files(conformap.load(fixtures_dir / "mini"))
    assert "downloads/oscal/catalog.json" in files and "downloads/oscal/mapping-collection.json" not in files


@pytest.mark.slow  # a trestle workspace and its CLI: a few seconds
def test_trestle_validate_all_passes(real_catalog, tmp_path):
    """`trestle validate -a` (schema plus trestle's registered validators) on the catalog and the mapping-collection."""
    import subprocess
    import sys

    from conformap.outputs import oscal

    trestle = [sys.executable, "-c", "import sys; from trestle.cli import run; sys.exit(run())"]
    assert subprocess.run([*trestle, "init"], cwd=tmp_path, capture_output=True).returncode == 0
    for folder, name, data in (
        ("catalogs", "catalog", oscal.catalog_json(real_catalog)),
        ("mapping-collections", "mapping-collection", oscal_mapping.mapping_collection_json(real_catalog)),
    ):
        (tmp_path / folder / "wa").mkdir(parents=True)
        (tmp_path / folder / "wa" / f"{name}.json").write_bytes(data)
    result = subprocess.run([*trestle, "validate", "-a"], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.count("VALID: Model") == 2, result.stdout + result.stderr


@pytest.mark.scenario
def test_provenance_names_each_snapshot_read_from_its_file(real_doc):
    doc = real_doc["mapping-collection"]
    prov = doc["provenance"]
    assert {k: prov[k] for k in ("method", "matching-rationale", "status")} == {"method": "automation", "matching-rationale": "functional", "status": "draft"}
    assert prov["mapping-description"].startswith("AWS Well-Architected Framework Security Pillar questions mapped to NIST SP 800-53 Rev. 5 controls through shared evidence: ")
    assert prov["mapping-description"].endswith("Generated, not reviewed: the relationship says the two overlap in what the rule checks, no more.")
    links = []
    snaps = {name: _yaml(ROOT / "crosswalks" / name) for name in ("security-hub-guide.yaml", "security-hub-oscal.yaml", "nist-800-53-r5.yaml")}
    for snap in snaps.values():  # not the Guard registry
        s = snap["source"]
        text = " ".join(f"{snap['title']} ({s['repo']} at {s['commit'][:7]}, {s['commit_date']}; {s['license']})".split())
        links.append({"href": f"https://github.com/{s['repo']}/tree/{s['commit']}", "rel": "reference", "text": text})
    assert prov["links"] == links
    nist = snaps["nist-800-53-r5.yaml"]
    (mapping,) = doc["mappings"]
    assert mapping["source-resource"] == {"type": "catalog", "href": "catalog.json", "remarks": "AWS Well-Architected Framework Security Pillar"}
    raw = f"https://raw.githubusercontent.com/{nist['source']['repo']}/{nist['source']['commit']}/{nist['source']['files'][0]['path']}"
    assert mapping["target-resource"] == {"type": "catalog", "href": raw, "remarks": nist["title"]}
    assert doc["metadata"]["title"] == "AWS Well-Architected Framework Security Pillar to NIST SP 800-53 Rev. 5, through AWS Config rules"


def test_a_map_names_each_shared_rule_with_the_security_hub_controls_that_relate_it(real_catalog, real_doc):
    ns = {"ns": "https://conformap.dev/ns/oscal"}
    first = _maps(real_doc)[0]
    pairs = [("iam-root-access-key-check", "IAM.4"), ("iam-user-mfa-enabled", "IAM.19"), ("mfa-enabled-for-iam-console-access", "IAM.5"), ("root-account-hardware-mfa-enabled", "IAM.6"), ("root-account-mfa-enabled", "IAM.9")]
    assert first == {
        "uuid": str(uuid.uuid5(NS, "aws-wa-security-pillar/mapping-collection/SEC-1/AC-2(1)")),
        "relationship": "intersects-with",
        "sources": [{"type": "control", "id-ref": "sec-1"}],
        "targets": [{"type": "control", "id-ref": "ac-2.1", "remarks": "AC-2(1): Automated System Account Management"}],
        "props": [p for r, h in pairs for p in ({"name": "shared-rule", "value": r, **ns}, {"name": "security-hub-control", "value": h, **ns, "remarks": r})],
        "remarks": "AWS Config rules mapped to SEC-1 whose Security Hub controls list AC-2(1) as a related requirement: "
        + "; ".join(f"{r} (Security Hub {h})" for r, h in pairs)
        + ".",
    }
    other = oscal_mapping.mapping_collection_data(real_catalog, catalog_href="x/catalog.json")
    assert other["mapping-collection"]["mappings"][0]["source-resource"]["href"] == "x/catalog.json"


def _hub(id_: str, nist: list[str]) -> dict:
    return {"id": id_, "title": "T", "severity": "LOW", "config_rules": ["evil-rule"], "nist_800_53_r5": nist}


def test_a_rule_of_two_security_hub_controls_names_both_in_the_remarks(fixtures_dir, tmp_path):
    root = _hostile_crosswalk_catalogue(fixtures_dir, tmp_path, hub=[_hub("Evil.1", ["SI-4"]), _hub("Evil.2", ["SI-4"])])
    maps = _maps(oscal_mapping.mapping_collection_data(conformap.load(root)))
    assert [(m["sources"][0]["id-ref"], m["remarks"]) for m in maps] == [
        (q, f"AWS Config rules mapped to {q.upper()} whose Security Hub controls list SI-4 as a related requirement: evil-rule (Security Hub Evil.1, Evil.2).")
        for q in ("h-1", "h-2")
    ]


def test_a_nist_snapshot_that_no_question_reaches_is_refused_with_its_reason(fixtures_dir, tmp_path):
    root = _hostile_crosswalk_catalogue(fixtures_dir, tmp_path, hub=[_hub("Evil.1", [])])
    cat = conformap.load(root)
    assert cat.crosswalks.source("nist-800-53") is not None
    with pytest.raises(oscal_mapping.NoCrosswalk) as caught:
        oscal_mapping.mapping_collection_data(cat)
    assert str(caught.value) == (
        "the catalogue has no NIST SP 800-53 crosswalk (catalog/crosswalks/): no question reaches a NIST control, so there is no mapping-collection"
    )


def test_the_description_and_the_mapping_uuid_are_fixed(real_doc):
    doc = real_doc["mapping-collection"]
    assert doc["provenance"]["mapping-description"] == (
        "AWS Well-Architected Framework Security Pillar questions mapped to NIST SP 800-53 Rev. 5 controls through shared evidence: "
        "a question and a NIST control are mapped when an AWS Config rule that the source maps to the question is the AWS Config rule "
        "of an AWS Security Hub control whose related requirements list the NIST control (AWS Security Hub user guide; AWS's OSCAL "
        "Security Hub catalog). Generated, not reviewed: the relationship says the two overlap in what the rule checks, no more."
    )
    assert doc["mappings"][0]["uuid"] == str(uuid.uuid5(NS, "aws-wa-security-pillar/mapping-collection/mapping"))
