"""Property: whatever the saved answers hold, `posture report` never ends in a traceback, and no question or
statement is PASS without an evaluated (COMPLIANT) rule."""

from __future__ import annotations

import pytest

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as s

from conformap.cli import main

IDENTIFIERS = ["IAM_USER_MFA_ENABLED", "S3_BUCKET_PUBLIC_READ_PROHIBITED", "EC2_VOLUME_INUSE_CHECK", "AWS_CONFIG_PROCESS_CHECK", "NOT_A_RULE"]
NAMES = ["iam-user-mfa-enabled", "securityhub-ec2-volume-inuse-check-abc123", "x-conformance-pack-zz9", "OrgConfigRule-a", "\u202e<b>"]
COMPLIANCE = ["COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE", "INSUFFICIENT_DATA"]
text = s.text(max_size=12)
junk = s.recursive(s.none() | s.booleans() | s.integers() | text, lambda c: s.lists(c, max_size=3) | s.dictionaries(text, c, max_size=3), max_leaves=6)
name = s.sampled_from(NAMES) | text


def _rule(n, ident, owner):
    return {"ConfigRuleName": n, "ConfigRuleArn": "arn:aws:config:us-east-1:111122223333:config-rule/r", "Source": {"Owner": owner, "SourceIdentifier": ident}}


rules_doc = s.builds(lambda rs: {"ConfigRules": rs}, s.lists(s.builds(_rule, name, s.sampled_from(IDENTIFIERS), s.sampled_from(["AWS", "CUSTOM_LAMBDA", "CUSTOM_POLICY"])), max_size=5))
result = s.builds(
    lambda n, t, i, c, mode, note: {
        "EvaluationResultIdentifier": {"EvaluationResultQualifier": {"ConfigRuleName": n, "ResourceType": t, "ResourceId": i, "EvaluationMode": mode}},
        "ComplianceType": c,
        "ResultRecordedTime": "2026-12-01T00:00:00Z",
        "Annotation": note,
    },
    name, s.sampled_from(["AWS::IAM::User", "AWS::S3::Bucket", "AWS::::Account"]), text, s.sampled_from(COMPLIANCE), s.sampled_from(["DETECTIVE", "PROACTIVE"]), text,
)
details_doc = s.builds(lambda rs: {"EvaluationResults": rs}, s.lists(result, max_size=6))
summary_doc = s.builds(
    lambda items: {"ComplianceByConfigRules": [{"ConfigRuleName": n, "Compliance": {"ComplianceType": c}} for n, c in items]},
    s.lists(s.tuples(name, s.sampled_from(COMPLIANCE[:2] + COMPLIANCE[3:])), max_size=4),
)
document = s.one_of(rules_doc, details_doc, summary_doc, junk, s.dictionaries(s.sampled_from(["ConfigRules", "EvaluationResults", "NextToken"]), junk, max_size=2))


@pytest.mark.slow  # over 1.5 s of CPU: make test runs it, make test-fast does not
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(s.lists(document, min_size=1, max_size=4), s.sampled_from(["json", "md", "csv", "oscal-ar", "html"]))
def test_never_a_traceback_never_pass_without_evaluation(docs, fmt):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "bundle"
        folder.mkdir()
        for n, doc in enumerate(docs):
            (folder / f"{n}.json").write_text(json.dumps(doc), encoding="utf-8")
        out = Path(tmp) / "out"
        code = main(["posture", "report", str(folder), "--format", fmt, "--out", str(out)])
        assert code in (0, 1)
        assert out.exists() == (code == 0)
        if code == 0 and fmt == "json":
            report = json.loads(out.read_bytes())
            for q in report["questions"]:
                for g in [q, *q["statements"]]:
                    if g["status"] == "PASS":
                        assert g["rules"]["compliant"] >= 1 and g["rules"]["non_compliant"] == 0
