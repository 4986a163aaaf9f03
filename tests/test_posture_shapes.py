"""Saved answers checked against botocore's own output shapes: every fixture file conforms; a wrong type,
a missing required member, an unknown member or enum value is reported with its JSON path."""

from __future__ import annotations

from pathlib import Path

import pytest

from conformap.posture import inputs, shapes

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "posture"
FILES = sorted(p for p in FIXTURES.rglob("*") if p.name.endswith(inputs.EXTENSIONS))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.relative_to(FIXTURES).as_posix())
def test_every_fixture_file_is_a_valid_answer(path):
    for doc in inputs.documents(inputs.read_bytes(path)):
        kind = inputs.recognise(doc)
        assert kind is not None
        if not kind.operation:  # the S3 delivery: not a botocore operation
            continue
        found: list = []
        shapes.validator(kind.operation)(doc, (), found)
        assert found == []


def test_the_fixtures_cover_every_kind():
    kinds = {inputs.recognise(d) for p in FILES for d in inputs.documents(inputs.read_bytes(p))}
    assert kinds == set(inputs.KINDS)


def check(operation, doc):
    found: list = []
    shapes.validator(operation)(doc, (), found)
    return found


def test_problems_carry_their_path_and_severity():
    found = check(
        "GetComplianceDetailsByConfigRule",
        {
            "EvaluationResults": [
                {"EvaluationResultIdentifier": {"EvaluationResultQualifier": {"ConfigRuleName": 7, "EvaluationMode": "SOMETIMES"}}, "ResultRecordedTime": "yesterday", "Extra": 1},
                "not an object",
            ],
            "NextToken": None,
        },
    )
    assert found == [
        (("EvaluationResults", 0, "EvaluationResultIdentifier", "EvaluationResultQualifier", "ConfigRuleName"), "expected a string, found a number", shapes.ERROR),
        (("EvaluationResults", 0, "EvaluationResultIdentifier", "EvaluationResultQualifier", "EvaluationMode"), "'SOMETIMES' is not one of botocore's values (DETECTIVE, PROACTIVE)", shapes.WARNING),
        (("EvaluationResults", 0, "ResultRecordedTime"), "expected a timestamp (ISO 8601 text or seconds), found a string", shapes.ERROR),
        (("EvaluationResults", 0, "Extra"), "EvaluationResult has no member 'Extra' in botocore's model", shapes.WARNING),
        (("EvaluationResults", 1), "expected an object (EvaluationResult), found a string", shapes.ERROR),
    ]


def test_types_of_every_scalar_kind():
    found = check("DescribeComplianceByConfigRule", {"ComplianceByConfigRules": [{"Compliance": {"ComplianceContributorCount": {"CappedCount": "3", "CapExceeded": "yes"}}}]})
    assert [m for _, m, _ in found] == ["expected an integer, found a string", "expected a boolean, found a string"]
    assert check("DescribeConfigRules", {"ConfigRules": {}}) == [(("ConfigRules",), "expected a list (ConfigRules), found an object", shapes.ERROR)]
    assert shapes.is_timestamp(1764579600) and shapes.is_timestamp("2026-12-01T09:15:00Z") and not shapes.is_timestamp(True)
