"""The status model of conformap.posture.status, case by case, and the name stripping of custom rules."""

from __future__ import annotations

import pytest

from conformap.posture import status as st
from conformap.posture.match import name_candidates


@pytest.mark.parametrize(
    "counts, summary, errored, expected",
    [
        ({"NON_COMPLIANT": 1, "COMPLIANT": 5}, None, False, "NON_COMPLIANT"),
        ({}, "NON_COMPLIANT", True, "NON_COMPLIANT"),  # a known failure stays a failure when the rule errs
        ({"COMPLIANT": 3}, None, True, "ERROR"),  # stale results of a failing evaluation
        ({"COMPLIANT": 3}, None, False, "COMPLIANT"),
        ({}, "COMPLIANT", False, "COMPLIANT"),
        ({"NOT_APPLICABLE": 2}, None, False, "INSUFFICIENT_DATA"),  # AWS's reading of NOT_APPLICABLE-only
        ({}, "INSUFFICIENT_DATA", False, "INSUFFICIENT_DATA"),
        ({}, None, False, "NO_RESULT"),
        ({}, None, True, "ERROR"),
    ],
)
def test_instance_status(counts, summary, errored, expected):
    assert st.instance_status(counts, summary, errored) == expected


def test_rule_status_takes_the_first_status_in_precedence_order():
    assert st.rule_status([]) == "NOT_DEPLOYED"
    assert st.rule_status(["COMPLIANT", "NON_COMPLIANT"]) == "NON_COMPLIANT"
    assert st.rule_status(["ERROR", "COMPLIANT"]) == "COMPLIANT"
    assert st.rule_status(["NO_RESULT", "INSUFFICIENT_DATA", "ERROR"]) == "ERROR"
    assert st.rule_status(["NO_RESULT"]) == "NO_RESULT"


def _counts(*statuses):
    c = st.Counts()
    for s in statuses:
        c.add(s)
    return c


def test_question_status_and_counts():
    assert st.question_status(_counts()) == "NOT_EVALUATED"  # no mapped rule: never PASS
    assert st.question_status(_counts("NOT_DEPLOYED", "INSUFFICIENT_DATA", "ERROR", "NO_RESULT")) == "NOT_EVALUATED"
    assert st.question_status(_counts("COMPLIANT", "NOT_DEPLOYED")) == "PASS"
    assert st.question_status(_counts("COMPLIANT", "NON_COMPLIANT")) == "FAIL"
    c = _counts("COMPLIANT", "NOT_DEPLOYED", "NOT_DEPLOYED", "ERROR")
    assert c.as_dict() == {
        "mapped": 4, "deployed": 2, "compliant": 1, "non_compliant": 0, "error": 1, "insufficient_data": 0, "no_result": 0, "not_deployed": 2,
    }
    assert tuple(c.as_dict()) == st.COUNT_KEYS and c.evaluated == 1


def test_global_resources_are_keyed_once_per_account():
    assert st.resource_key("1", "us-east-1", "AWS::IAM::User", "alice") == st.resource_key("1", "eu-west-1", "AWS::IAM::User", "alice")
    assert st.resource_key("1", "us-east-1", "AWS::S3::Bucket", "b") != st.resource_key("1", "eu-west-1", "AWS::S3::Bucket", "b")
    assert st.resource_key("1", "us-east-1", "AWS::::Account", "1")[1] == st.GLOBAL_REGION


@pytest.mark.parametrize(
    "name, stripped",
    [
        ("iam-password-policy", "iam-password-policy"),
        ("iam-password-policy-conformance-pack-a1b2c3d4", "iam-password-policy"),
        ("securityhub-iam-password-policy-9f8e7d", "iam-password-policy"),
        ("OrgConfigRule-iam-password-policy-abcdefgh", "iam-password-policy"),
        ("iam-password-policy-custom", "iam-password-policy"),
    ],
)
def test_name_candidates_strip_prefixes_and_suffixes(name, stripped):
    assert stripped in name_candidates(name)
    assert name_candidates(name)[0] == name  # the name itself first
