"""The checks of rule files against the facts snapshots (catalog/sources/config-rule-pages.yaml and
conformance-pack-scopes.yaml) catch each kind of defect issue 13 found, on the rule files as they were
(tests/fixtures/fidelity/, copied from main before the fix), and the fixed catalogue passes them.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from conformap import paths
from conformap.load.loader import validate
from conformap.diagnostics import errors

OLD = Path(__file__).resolve().parent / "fixtures" / "fidelity"

CUT_DESCRIPTIONS = ["cloudtrail-security-trail-enabled", "s3-bucket-public-read-prohibited", "s3-bucket-public-write-prohibited"]
CUT_PARAMETERS = {"ec2-stopped-instance": 0, "iam-user-group-membership-check": 0}
MISSING_SCOPES = {
    "cw-loggroup-retention-period-check": "AWS::Logs::LogGroup",
    "ebs-snapshot-public-restorable-check": "AWS::EC2::Snapshot",
    "secretsmanager-secret-periodic-rotation": "AWS::SecretsManager::Secret",
    "secretsmanager-secret-unused": "AWS::SecretsManager::Secret",
    "ssm-document-not-public": "AWS::SSM::Document",
}


@pytest.fixture(scope="module")
def old_catalog(tmp_path_factory) -> list:
    """The real catalogue with the ten rule files as they were; its validation errors."""
    root = tmp_path_factory.mktemp("fidelity") / "catalog"
    shutil.copytree(paths.DEFAULT_CATALOG, root)
    for f in OLD.glob("*.yaml"):
        shutil.copyfile(f, root / "rules" / f.name)
    return errors(validate(root)[1])


def _errors_for(diags, rule_id):
    return [d for d in diags if d.file.endswith(f"/rules/{rule_id}.yaml")]


def test_the_fixtures_hold_the_defects():
    old = lambda rid: yaml.safe_load((OLD / f"{rid}.yaml").read_text(encoding="utf-8"))
    for rid in CUT_DESCRIPTIONS:
        assert "\n\n" not in old(rid)["description"]  # the first paragraph only
    for rid, index in CUT_PARAMETERS.items():
        assert "\n" not in old(rid)["parameters"][index]["description"]  # the first line only
    for rid in MISSING_SCOPES:
        assert "scope_resource_types" not in (old(rid).get("conformance_pack") or {})
        assert any("Scope.ComplianceResourceTypes" in s.get("path", "") for s in old(rid)["sources"])


@pytest.mark.parametrize("rule_id", CUT_DESCRIPTIONS)
def test_a_description_cut_short_is_an_error(old_catalog, rule_id):
    found = _errors_for(old_catalog, rule_id)
    assert [d.path for d in found] == ["$.description"]
    assert "differs from the page's full description (sources/config-rule-pages.yaml)" in found[0].message
    assert found[0].line == 7  # the description's line in the file


@pytest.mark.parametrize("rule_id, index", sorted(CUT_PARAMETERS.items()))
def test_a_parameter_description_cut_short_is_an_error(old_catalog, rule_id, index):
    found = _errors_for(old_catalog, rule_id)
    assert [d.path for d in found] == [f"$.parameters[{index}].description"]
    assert "differs from the page's full text" in found[0].message


@pytest.mark.parametrize("rule_id, scope", sorted(MISSING_SCOPES.items()))
def test_a_cited_scope_not_recorded_is_an_error(old_catalog, rule_id, scope):
    found = _errors_for(old_catalog, rule_id)
    assert [d.path for d in found] == ["$.sources[2]"]
    assert "cites the conformance pack scopes but records none: the templates scope" in found[0].message
    assert found[0].message.split(" to ", 1)[1].startswith(scope)


def test_nothing_else_is_reported_on_the_old_files(old_catalog):
    named = set(CUT_DESCRIPTIONS) | set(CUT_PARAMETERS) | set(MISSING_SCOPES)
    assert {d.file.rsplit("/", 1)[1][: -len(".yaml")] for d in old_catalog} == named
    assert len(old_catalog) == 10


def test_the_fixed_rules_copy_the_pages_in_full():
    """Expected texts written from the AWS Config Developer Guide pages at e57037d (doc_source/RULE.md)."""
    rules = paths.DEFAULT_CATALOG / "rules"
    read = lambda rid: yaml.safe_load((rules / f"{rid}.yaml").read_text(encoding="utf-8"))
    assert read("cloudtrail-security-trail-enabled")["description"].endswith(
        "+ does not exclude any management events\n\nThis rule is NON_COMPLIANT if no trails meet all of the criteria mentioned above."
    )
    assert read("s3-bucket-public-write-prohibited")["description"].count("\n+ ") == 4
    assert read("iam-user-group-membership-check")["parameters"][0]["description"] == (
        "Comma-separated list of IAM groups in which IAM users must be members.\nThis rule does not support group names with commas."
    )
    assert read("ec2-stopped-instance")["parameters"][0]["description"].split("\n")[1].startswith(
        "The number of days selected needs to be less than the configured retention period"
    )
    for rid, scope in MISSING_SCOPES.items():
        assert read(rid)["conformance_pack"]["scope_resource_types"] == [scope]


def test_a_rule_citing_another_commit_is_warned_not_compared(tmp_path):
    root = tmp_path / "catalog"
    shutil.copytree(paths.DEFAULT_CATALOG, root)
    f = root / "rules" / "ec2-stopped-instance.yaml"
    shutil.copyfile(OLD / f.name, f)
    f.write_text(f.read_text(encoding="utf-8").replace("e57037dbe30cd2f1fbaba43c5a4a5bd152dec5ac", "3193df78f524f35fe9b88251f03678c986970a47"), encoding="utf-8")
    _, diags = validate(root)
    mine = [d for d in diags if d.file.endswith("/ec2-stopped-instance.yaml")]
    assert [(d.severity.value, d.path) for d in mine] == [("warning", "$.sources[0].commit")]
