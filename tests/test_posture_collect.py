"""`posture collect` driven by botocore's Stubber: paginators, the manual NextToken loop, throttling retried;
the files it writes are byte for byte the AWS CLI files of tests/fixtures/posture/collected/."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

boto3 = pytest.importorskip("boto3")
from botocore.stub import Stubber  # noqa: E402

from conformap.posture import collect, shapes  # noqa: E402

COLLECTED = Path(__file__).resolve().parent / "fixtures" / "posture" / "collected"
REGION = COLLECTED / "111122223333" / "us-east-1"


def client():
    return boto3.Session(aws_access_key_id="AKIAEXAMPLE", aws_secret_access_key="secret", region_name="us-east-1").client("config")


def _dates(value, shape):
    """A saved (CLI) answer back as boto3 gives it: timestamps as datetimes, per botocore's output shape."""
    kind = shape.type_name
    if kind == "structure":
        return {k: _dates(v, shape.members[k]) for k, v in value.items()}
    if kind == "list":
        return [_dates(v, shape.member) for v in value]
    if kind == "timestamp":
        return datetime.fromisoformat(value)
    return value


def response(operation: str, rel: str, start: int = 0, stop: int | None = None, token: str | None = None) -> dict:
    data = json.loads((REGION / rel).read_text("utf-8")) if not rel.startswith("/") else json.loads((COLLECTED / rel[1:]).read_text("utf-8"))
    shape = shapes.service_model().operation_model(operation).output_shape
    page = {}
    for k, v in data.items():
        page[k] = v[start:stop] if isinstance(v, list) else v
    if token:
        page["NextToken"] = token
    return _dates(page, shape)


THROTTLED = {"service_error_code": "ThrottlingException", "service_message": "Rate exceeded", "http_status_code": 400}


def test_collect_writes_the_cli_files_byte_for_byte(tmp_path):
    c = client()
    sleeps: list[float] = []
    with Stubber(c) as stub:
        stub.add_response("describe_config_rules", response("DescribeConfigRules", "describe-config-rules.json"), {})
        stub.add_client_error("describe_compliance_by_config_rule", **THROTTLED)  # retried
        stub.add_response("describe_compliance_by_config_rule", response("DescribeComplianceByConfigRule", "describe-compliance-by-config-rule.json"), {})
        stub.add_response("describe_config_rule_evaluation_status", response("DescribeConfigRuleEvaluationStatus", "describe-config-rule-evaluation-status.json"), {})
        details = "get-compliance-details-by-config-rule/access-keys-rotated.json"
        # three results in two pages (the paginator); a throttled second page asked again from its token
        stub.add_response("get_compliance_details_by_config_rule", response("GetComplianceDetailsByConfigRule", details, 0, 2, "page-2"), {"ConfigRuleName": "access-keys-rotated"})
        stub.add_client_error("get_compliance_details_by_config_rule", expected_params={"ConfigRuleName": "access-keys-rotated", "NextToken": "page-2"}, **THROTTLED)
        stub.add_response("get_compliance_details_by_config_rule", response("GetComplianceDetailsByConfigRule", details, 2), {"ConfigRuleName": "access-keys-rotated", "NextToken": "page-2"})
        mfa = "securityhub-iam-user-mfa-enabled-9f8e7d"
        stub.add_response("get_compliance_details_by_config_rule", response("GetComplianceDetailsByConfigRule", f"get-compliance-details-by-config-rule/{mfa}.json"), {"ConfigRuleName": mfa})
        stub.add_response("describe_conformance_packs", {"ConformancePackDetails": [{"ConformancePackName": "wa-pack", "ConformancePackArn": "arn:aws:config:us-east-1:111122223333:conformance-pack/wa-pack/conformance-pack-1", "ConformancePackId": "conformance-pack-1"}]}, {})
        stub.add_response("describe_conformance_pack_compliance", response("DescribeConformancePackCompliance", "describe-conformance-pack-compliance/wa-pack.json"), {"ConformancePackName": "wa-pack"})
        # no paginator in botocore: the manual NextToken loop
        pack = "get-conformance-pack-compliance-details/wa-pack.json"
        stub.add_response("get_conformance_pack_compliance_details", response("GetConformancePackComplianceDetails", pack, 0, 1, "pack-2"), {"ConformancePackName": "wa-pack"})
        stub.add_response("get_conformance_pack_compliance_details", response("GetConformancePackComplianceDetails", pack, 1), {"ConformancePackName": "wa-pack", "NextToken": "pack-2"})
        written = collect.collect_region(c, "111122223333", "us-east-1", tmp_path, sleep=sleeps.append)
        stub.assert_no_pending_responses()
    assert sleeps == [collect.BASE_DELAY, collect.BASE_DELAY]
    expected = sorted(p.relative_to(COLLECTED) for p in REGION.rglob("*.json"))
    assert sorted(p.relative_to(tmp_path) for p in written) == expected
    for rel in expected:
        assert (tmp_path / rel).read_bytes() == (COLLECTED / rel).read_bytes(), rel


def test_collect_aggregator(tmp_path):
    c = client()
    with Stubber(c) as stub:
        stub.add_response(
            "describe_aggregate_compliance_by_config_rules",
            response("DescribeAggregateComplianceByConfigRules", "/aggregator/describe-aggregate-compliance-by-config-rules.json"),
            {"ConfigurationAggregatorName": "org"},
        )
        rel = "/aggregator/get-aggregate-compliance-details-by-config-rule/444455556666-eu-west-1-access-keys-rotated.json"
        stub.add_response(
            "get_aggregate_compliance_details_by_config_rule",
            response("GetAggregateComplianceDetailsByConfigRule", rel),
            {"ConfigurationAggregatorName": "org", "ConfigRuleName": "access-keys-rotated", "AccountId": "444455556666", "AwsRegion": "eu-west-1"},
        )
        collect.collect_aggregator(c, "org", tmp_path, sleep=lambda s: None)
    for p in (COLLECTED / "aggregator").rglob("*.json"):
        assert (tmp_path / p.relative_to(COLLECTED)).read_bytes() == p.read_bytes()


@pytest.mark.scenario
def test_throttling_gives_up_after_the_last_attempt_and_other_errors_at_once():
    from botocore.exceptions import ClientError

    c = client()
    sleeps: list[float] = []
    with Stubber(c) as stub:
        for _ in range(collect.MAX_ATTEMPTS):
            stub.add_client_error("describe_config_rules", **THROTTLED)
        with pytest.raises(ClientError):
            collect.Collector(c, sleeps.append).all_pages("describe_config_rules")
    assert sleeps == [min(collect.BASE_DELAY * 2**n, collect.MAX_DELAY) for n in range(collect.MAX_ATTEMPTS - 1)]
    with Stubber(c) as stub:
        stub.add_client_error("describe_config_rules", service_error_code="AccessDeniedException", http_status_code=400)
        with pytest.raises(ClientError):
            collect.Collector(c, lambda s: pytest.fail("no retry for a denied call")).all_pages("describe_config_rules")


def test_the_collected_files_are_a_bundle_the_report_reads(tmp_path):
    from conformap.cli import main

    out = tmp_path / "r.json"
    assert main(["posture", "report", str(COLLECTED), "--format", "json", "--out", str(out)]) == 0
    doc = json.loads(out.read_bytes())
    sec2 = next(q for q in doc["questions"] if q["id"] == "SEC-2")
    assert sec2["status"] == "FAIL" and sec2["distinct_failing_resources"] == 2  # alice (111122223333), dave (444455556666)
    assert doc["warnings"] == [
        "rule access-keys-rotated in account 444455556666 region eu-west-1: no saved definition there; matched by the definition saved for account 111122223333 region us-east-1"
    ]


@pytest.mark.scenario
def test_the_collect_command_lays_out_account_and_region_folders(tmp_path, monkeypatch, capsys):
    from conformap.cli import main

    config = client()
    sts = boto3.Session(aws_access_key_id="AKIAEXAMPLE", aws_secret_access_key="secret", region_name="eu-west-1").client("sts")
    stubs = [Stubber(config), Stubber(sts)]
    stubs[1].add_response("get_caller_identity", {"Account": "111122223333", "Arn": "arn:aws:iam::111122223333:user/x", "UserId": "AIDAEXAMPLE"}, {})
    s = stubs[0]
    s.add_response("describe_config_rules", {"ConfigRules": []}, {})
    s.add_response("describe_compliance_by_config_rule", {"ComplianceByConfigRules": []}, {})
    s.add_response("describe_config_rule_evaluation_status", {"ConfigRulesEvaluationStatus": []}, {})
    s.add_response("describe_conformance_packs", {"ConformancePackDetails": []}, {})

    class Session:
        def __init__(self, profile_name=None):
            assert profile_name == "audit"

        def client(self, name, region_name):
            assert region_name == "eu-west-1"
            return sts if name == "sts" else config

    monkeypatch.setattr(boto3, "Session", Session)
    for stub in stubs:
        stub.activate()
    assert main(["posture", "collect", "--profile", "audit", "--region", "eu-west-1", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "111122223333" / "eu-west-1" / "describe-config-rules.json").read_text() == '{\n    "ConfigRules": []\n}\n'
    assert "conformap posture report" in capsys.readouterr().err
