"""The parsers of import-source's sources as plain functions, on a few lines each: what each one keeps of a
Guard mapping file, the Well-Architected manifest and a Security Hub user guide page. Expected values are written
by hand from the inputs here (tests/test_ingest_source_import.py runs the importers on whole fixture checkouts)."""

from __future__ import annotations

import pytest

from conformap.parse.guard import guard_mappings
from conformap.parse.reading import SourceFormatError
from conformap.parse.security_hub_guide import parse_security_hub_controls
from conformap.parse.well_architected import wa_best_practices


def test_a_guard_mapping_names_the_config_rule_of_its_file():
    data = {
        "mappings": [
            {"guardFilePath": "rules/aws/s3/s3_bucket_ssl_requests_only.guard", "controls": ["SEC-9.1", "SEC-9.2"]},
            {"guardFilePath": "rules/aws/iam/iam_root_access_key_check"},
            {"guardFilePath": "lambda_inside_vpc.guard.txt", "controls": []},
        ]
    }
    assert list(guard_mappings(data)) == [
        {"rule": "s3-bucket-ssl-requests-only", "guard_file": "rules/aws/s3/s3_bucket_ssl_requests_only.guard", "items": ["SEC-9.1", "SEC-9.2"]},
        {"rule": "iam-root-access-key-check", "guard_file": "rules/aws/iam/iam_root_access_key_check", "items": []},
        {"rule": "lambda-inside-vpc.guard.txt", "guard_file": "lambda_inside_vpc.guard.txt", "items": []},
    ]


MANIFEST = """# Manifest

### SEC1 — How do you securely operate your workload? (2 BPs)
- `SEC01-BP01` — Separate workloads using accounts
- `SEC01-BP02` — Secure account root user and properties  

### REL1 — How do you manage quotas? (1 BP)
- `REL01-BP01` — Aware of service quotas

### SEC10 — How do you anticipate incidents? (1 BP)
- `SEC10-BP01` — Identify key personnel
"""


def test_wa_best_practices_keeps_the_pillars_questions_in_order():
    assert wa_best_practices(MANIFEST) == [
        {
            "id": "SEC01",
            "question": "How do you securely operate your workload?",
            "best_practices": [
                {"id": "SEC01-BP01", "title": "Separate workloads using accounts"},
                {"id": "SEC01-BP02", "title": "Secure account root user and properties"},
            ],
        },
        {"id": "SEC10", "question": "How do you anticipate incidents?", "best_practices": [{"id": "SEC10-BP01", "title": "Identify key personnel"}]},
    ]
    assert wa_best_practices(MANIFEST, pillar="REL") == [
        {"id": "REL01", "question": "How do you manage quotas?", "best_practices": [{"id": "REL01-BP01", "title": "Aware of service quotas"}]}
    ]


def _problems(text: str) -> list[tuple[int, str]]:
    with pytest.raises(SourceFormatError) as caught:
        wa_best_practices(text)
    return caught.value.problems


def test_wa_best_practices_refuses_a_miscount_a_misplaced_practice_and_no_question():
    text = "### SEC2 — How? (3 BPs)\n- `SEC02-BP01` — One\n- `SEC03-BP01` — Elsewhere\n"
    assert _problems(text) == [(3, "SEC03-BP01 listed under SEC02"), (1, "SEC02 says 3 best practices and lists 2")]
    assert _problems("### REL1 — How? (1 BP)\n- `REL01-BP01` — One\n") == [(0, "no '### SECN — question (N BPs)' heading")]
    assert _problems("- `SEC01-BP01` — before any question\n") == [(0, "no '### SECN — question (N BPs)' heading")]


GUIDE_PAGE = r"""# Controls

## \[S3\.5\] S3 general purpose buckets should require requests to use SSL <a name="s3-5"></a>

**Related requirements:** NIST\.800\-53\.r5 AC\-17(2), NIST.800-53.r5 SC-8, PCI DSS v3.2.1/4.1, CIS AWS Foundations Benchmark v1.4.0/2.1.2,

**Severity:** Medium

**AWS Config rule:** [s3-bucket-ssl-requests-only](https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-ssl-requests-only.html) and `s3-bucket-policy-grantee-check` \(periodic\)

## \[IAM\.4\] IAM root user access key should not exist

Severity: Critical
AWS Config rule: [iam-root-access-key-check](https://docs.aws.amazon.com/config/latest/developerguide/iam-root-access-key-check)

## Not a control
**Severity:** Low
"""


def test_a_security_hub_page_gives_each_control_its_fields():
    assert list(parse_security_hub_controls(GUIDE_PAGE)) == [
        {
            "id": "S3.5",
            "title": "S3 general purpose buckets should require requests to use SSL",
            "line": 3,
            "nist_800_53_r5": ["AC-17(2)", "SC-8"],
            "pci_dss_v3_2_1": ["4.1"],
            "other_requirements": ["CIS AWS Foundations Benchmark v1.4.0/2.1.2"],
            "severity": "Medium",
            "config_rules": ["s3-bucket-ssl-requests-only", "s3-bucket-policy-grantee-check"],
            "config_rule_note": "and  (periodic)",  # the code span taken out leaves its two spaces
        },
        {"id": "IAM.4", "title": "IAM root user access key should not exist", "line": 11, "severity": "Critical", "config_rules": ["iam-root-access-key-check"]},
    ]
