"""--format oscal-ar: compliance-trestle reads the assessment-results; findings target the statement ids of
the project's OSCAL catalog; satisfied only for a PASS; uuids are uuid5 of the inputs' digest."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from conformap.outputs import oscal

EXPECTED = Path(__file__).resolve().parent / "expected" / "posture"
trestle_ar = pytest.importorskip("trestle.oscal.assessment_results")


@pytest.fixture(scope="module")
def ar() -> dict:
    return json.loads((EXPECTED / "main.ar.json").read_bytes())["assessment-results"]


def test_trestle_reads_the_assessment_results():
    doc = trestle_ar.AssessmentResults.oscal_read(EXPECTED / "main.ar.json")
    assert doc.metadata.oscal_version.root.root == "1.2.1"
    assert len(doc.results[0].findings) == 21  # 11 questions + 10 best-practice statements with mapped rules


def test_findings_target_statement_ids_of_the_published_catalog(ar, real_catalog):
    cat = oscal.catalog_data(real_catalog)["catalog"]
    ids = {p["id"] for c in cat["controls"] for p in c["parts"]}
    ids |= {p["id"] for c in cat["controls"] for s in c["parts"] for p in s.get("parts", [])}
    targets = [f["target"]["target-id"] for f in ar["results"][0]["findings"]]
    assert set(targets) <= ids
    assert "sec-8_smt" in targets and "sec-3_smt.bp07" in targets


def test_satisfied_only_for_pass(ar):
    by_target = {f["target"]["target-id"]: f for f in ar["results"][0]["findings"]}
    states = {t: f["target"]["status"]["state"] for t, f in by_target.items()}
    assert [t for t, s in states.items() if s == "satisfied"] == ["sec-6_smt", "sec-6_smt.desc"]  # SEC-6 is the only PASS
    assert states["sec-7_smt"] == "not-satisfied"  # NOT_EVALUATED is never satisfied
    assert {"name": "posture-status", "value": "PASS", "ns": oscal.CONFORMAP_NS} in by_target["sec-6_smt"]["props"]


def test_observations_carry_rule_id_and_failing_resources(ar):
    obs = ar["results"][0]["observations"]
    rule_ids = {p["value"] for o in obs for p in o["props"] if p["name"] == "Rule_Id" and p["ns"] == oscal.TRESTLE_NS}
    assert {"iam-user-mfa-enabled", "s3-bucket-public-read-prohibited", "iam-password-policy"} <= rule_ids
    items = {i["uuid"] for i in ar["results"][0]["local-definitions"]["inventory-items"]}
    subjects = {s["subject-uuid"] for o in obs for s in o.get("subjects", [])}
    assert subjects == items and len(items) == 4  # alice and carol (IAM: once per account), the two hostile buckets
    back = ar["back-matter"]["resources"][0]["uuid"]
    assert ar["import-ap"]["href"] == f"#{back}"


def test_uuids_are_uuid5_of_the_inputs_digest(ar):
    from conformap.posture import bundle

    b = bundle.read([Path(__file__).resolve().parent / "fixtures" / "posture" / "main"])
    ns = uuid.uuid5(uuid.NAMESPACE_URL, "https://conformap.dev/oscal")
    assert ar["uuid"] == str(uuid.uuid5(ns, f"posture/{b.digest}/assessment-results"))
    assert ar["metadata"]["last-modified"] == "2026-12-01T09:15:00Z"


NIST_SCHEMA = Path(__file__).resolve().parent / "fixtures" / "oscal-schema" / "oscal_assessment-results_schema.json"


def _check_jsonschema(document: Path):
    import subprocess
    import sys

    exe = Path(sys.executable).parent / "check-jsonschema"
    return subprocess.run([str(exe), "--schemafile", str(NIST_SCHEMA), str(document)], capture_output=True, text=True)


@pytest.mark.scenario
def test_nist_1_2_1_schema_accepts_the_assessment_results(tmp_path):
    assert json.loads(NIST_SCHEMA.read_bytes())["$id"] == "http://csrc.nist.gov/ns/oscal/1.2.1/oscal-ar-schema.json"
    ok = _check_jsonschema(EXPECTED / "main.ar.json")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    broken = json.loads((EXPECTED / "main.ar.json").read_bytes())
    broken["assessment-results"]["results"][0]["findings"][0]["target"]["status"]["state"] = "passed"
    (tmp_path / "broken.json").write_text(json.dumps(broken))
    assert _check_jsonschema(tmp_path / "broken.json").returncode == 1  # the schema does reject a bad document
