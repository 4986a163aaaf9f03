"""`conformap sources check`: the committed snapshots against the catalogue, text and JSON, and its exit status
(0 with only disagreements between sources, 1 on drift, 1 with --strict on any difference)."""

from __future__ import annotations

import json
import shutil

import pytest
import yaml

from conformap import paths
from conformap.cli import main


def run(capsys, *args):
    code = main(["sources", "check", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.scenario
def test_the_catalogue_has_no_drift_and_known_disagreements(capsys):
    code, out, _ = run(capsys, "--format", "json")
    assert code == 0
    report = json.loads(out)
    assert [s["name"] for s in report["sources"]] == sorted(paths.SOURCE_SNAPSHOTS)
    assert all(len(s["commit"]) == 40 for s in report["sources"])
    kinds = {d["kind"] for d in report["differences"]}
    assert kinds == {"disagreement"}
    subjects = {(d["source"], d["subject"], d["field"]) for d in report["differences"]}
    assert ("guard-registry", "lambda-inside-vpc / SEC-6", "items") in subjects
    assert ("security-hub-oscal", "CloudTrail.1", "config_rules") in subjects  # a rule named differently
    s = report["summary"]
    assert (s["rules_in_security_hub_guide"], s["rules_in_security_hub_oscal"], s["rules_in_guard_map"], s["rules_guard_agrees_with_at_question_level"]) == (98, 99, 66, 65)
    assert s["mappings_corroborated_by_guard"] + s["mappings_contradicted_by_guard"] + s["mappings_guard_does_not_cover"] == 181


@pytest.mark.scenario
def test_text_output_and_strict(capsys):
    code, out, _ = run(capsys)
    assert code == 0
    assert "drift: 0\n" in out
    assert "  [guard-registry] lambda-inside-vpc / SEC-6: items: the Guard Rules Registry maps lambda-inside-vpc to SEC-3.7, SEC-5.2, SEC-5.3, not to SEC-6\n" in out
    assert run(capsys, "--strict")[0] == 1


@pytest.mark.scenario
def test_the_report_is_deterministic(capsys):
    assert run(capsys, "--format", "json")[1] == run(capsys, "--format", "json")[1]


@pytest.mark.scenario
def test_a_parameter_the_rule_lost_is_drift(tmp_path, capsys):
    """One rule decides what drift is (conformap.load.fidelity): validation reports it on a rule citing the
    snapshot's commit; sources check on every rule, here one that cites another commit (a warning in validate)."""
    root = tmp_path / "catalog"
    shutil.copytree(paths.DEFAULT_CATALOG, root)
    f = root / "rules" / "ec2-stopped-instance.yaml"
    data = yaml.safe_load(f.read_text(encoding="utf-8"))
    data.pop("parameters")
    f.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    assert main(["validate", str(root)]) == 1
    assert "$.parameters: the page has a parameter 'AllowedDays' that the rule does not record" in capsys.readouterr().out
    data["sources"][0]["commit"] = "0" * 40
    page_description = data["description"]
    data["identifier"], data["description"] = "EC2_STOPPED_INSTANCES", "Checks stopped instances."
    f.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    code, out, _ = run(capsys, "--catalog", str(root), "--format", "json")
    assert code == 1
    kinds = [d["kind"] for d in json.loads(out)["differences"]]
    assert kinds[:4] == ["drift", "drift", "drift", "disagreement"]  # drift first
    drift = [d for d in json.loads(out)["differences"] if d["kind"] == "drift"]
    assert [(d["source"], d["subject"], d["field"], d["catalogue"], d["stated"], d["message"]) for d in drift] == [
        ("config-rule-pages", "ec2-stopped-instance", "description", "Checks stopped instances.", page_description, "the description differs from the rule page"),
        ("config-rule-pages", "ec2-stopped-instance", "identifier", "EC2_STOPPED_INSTANCES", "EC2_STOPPED_INSTANCE", "the rule page states another identifier"),
        ("config-rule-pages", "ec2-stopped-instance", "parameters.AllowedDays", None, "AllowedDays", "the rule page has a parameter the rule does not record"),
    ]


@pytest.mark.scenario
def test_a_scope_the_rule_does_not_record_is_drift_as_in_validate(tmp_path, capsys):
    """Once sources check saw only a recorded scope that differed; now the same rule as validation's."""
    root = tmp_path / "catalog"
    shutil.copytree(paths.DEFAULT_CATALOG, root)
    f = root / "rules" / "ssm-document-not-public.yaml"
    data = yaml.safe_load(f.read_text(encoding="utf-8"))
    assert data["conformance_pack"].pop("scope_resource_types") == ["AWS::SSM::Document"]
    for s in data["sources"]:
        s["commit"] = "0" * 40  # validate warns and does not compare
    f.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    code, out, _ = run(capsys, "--catalog", str(root), "--format", "json")
    assert code == 1
    drift = [d for d in json.loads(out)["differences"] if d["kind"] == "drift"]
    assert [(d["source"], d["subject"], d["field"], d["catalogue"], d["stated"]) for d in drift] == [
        ("conformance-packs", "ssm-document-not-public", "conformance_pack.scope_resource_types", None, "AWS::SSM::Document")
    ]


@pytest.mark.scenario
def test_an_invalid_catalogue_is_reported_not_compared(tmp_path, capsys):
    root = tmp_path / "catalog"
    shutil.copytree(paths.DEFAULT_CATALOG, root)
    g = root / "crosswalks" / "guard-wa-security-pillar.yaml"
    g.write_text(g.read_text(encoding="utf-8").replace("rule: lambda-inside-vpc", "rule: lambda-outside-vpc"), encoding="utf-8")
    code, out, err = run(capsys, "--catalog", str(root))
    assert code == 1 and out == ""
    assert "guard-wa-security-pillar.yaml:" in err and "unknown rule 'lambda-outside-vpc'" in err


@pytest.mark.scenario
def test_controls_without_nist_ids_are_listed_with_the_newest_source(capsys):
    """issue 19: Backup.1, ELB.16, Redshift.10 and S3.17 are named only by AWS's 2026 OSCAL content, which
    states no NIST ids; the 2023 guide does not have them. The report says so, as of the newest snapshot."""
    code, out, _ = run(capsys, "--format", "json")
    report = json.loads(out)
    newest = report["newest_security_hub_source"]
    assert (newest["name"], newest["repo"]) == ("security-hub-oscal", "awslabs/oscal-content-for-aws-services")
    assert {"Backup.1", "ELB.16", "Redshift.10", "S3.17"} <= set(report["unstated"]["nist_800_53_r5"])
    assert "S3.1" not in report["unstated"]["nist_800_53_r5"]  # the guide gives S3.1 its NIST ids
    code, text, _ = run(capsys)
    assert f"with no NIST SP 800-53 Rev. 5 ids in the sources this catalogue holds (newest: security-hub-oscal, awslabs/oscal-content-for-aws-services at {newest['commit'][:12]}, {newest['commit_date']})" in text


@pytest.mark.scenario
def test_the_rule_page_says_precisely_that_no_source_held_states_nist_ids(real_catalog):
    from conformap import routes
    from conformap.site import pages

    page = pages.render_site(real_catalog)[routes.rule_page("backup-recovery-point-encrypted")]
    assert "- **NIST SP 800-53 Rev. 5:** no NIST ids in the sources this catalogue holds (newest: <code>security\\-hub\\-oscal</code>" in page
    assert "none stated" not in page
