"""The parsers of import-source's sources as plain functions, on a few lines each: what each one keeps of a
Guard mapping file, the Well-Architected manifest, a Security Hub user guide page, a Config rule page, the
OSCAL catalogs of AWS and NIST and the conformance pack templates; and the reading of a checkout's files within
limits (made small here). Expected values are written
by hand from the inputs here (tests/test_ingest_source_import.py runs the importers on whole fixture checkouts)."""

from __future__ import annotations

import io
import json

import pytest

from conformap.parse.guard import guard_mappings
from conformap.parse.oscal_catalogs import nist_catalog, oscal_security_hub
from conformap.parse.pack_templates import pack_scopes, pack_template
from conformap.parse import reading
from conformap.parse.reading import SourceFormatError
from conformap.parse.rule_pages import parse_rule_page
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
AWS Config rule: ``iam-root-access-key-check``
## \[IAM\.6\] Hardware MFA should be enabled for the root user
## \[IAM\.9\] MFA should be enabled for the root user
AWS Config rule: [root-account-mfa-enabled](https://docs.aws.amazon.com/config/latest/developerguide/root-account-mfa-enabled)

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
        {"id": "IAM.6", "title": "Hardware MFA should be enabled for the root user", "line": 14},
        {"id": "IAM.9", "title": "MFA should be enabled for the root user", "line": 15, "config_rules": ["root-account-mfa-enabled"]},
    ]


RULE_PAGE = r"""# s3-bucket-ssl-requests-only

Checks if S3 buckets have policies that require SSL\.  
The rule is NON\_COMPLIANT otherwise\.


A second paragraph\.

**Note**

Some regions \(not all\) lack it\.

**Identifier:** S3\_BUCKET\_SSL\_REQUESTS\_ONLY  

minAge \(Optional\) above the list: not a parameter
**Parameters:**
maxAge \(Optional\)Type: intDefault: 90  
The maximum age
in days\.

window \(Required\) Days to look back\.
Counted from today.

Text after a blank line belongs to no parameter\.
flagType: String
listType: String list
bare \(Optional\)
Its text\.

## Proactive Evaluation

late \(Optional\) never read
"""


def test_a_rule_page_gives_its_description_note_and_parameters_verbatim():
    assert parse_rule_page(RULE_PAGE) == {
        "identifier": "S3_BUCKET_SSL_REQUESTS_ONLY",
        "description": "Checks if S3 buckets have policies that require SSL.\nThe rule is NON_COMPLIANT otherwise.\n\nA second paragraph.",
        "note": "Some regions (not all) lack it.",
        "parameters": {
            "maxAge": "The maximum age\nin days.",
            "window": "Days to look back.\nCounted from today.",
            "flag": "",
            "list": "Type: String list",
            "bare": "Its text.",
        },
    }
    assert parse_rule_page("# r\nChecks.\n\n**Identifier:** R\n") == {"identifier": "R", "description": "Checks.", "parameters": {}}


@pytest.mark.parametrize(
    "text, problem",
    [
        ("", (1, "expected the page title ('# rule-name') on the first line")),
        ("r\n\nChecks.\n**Identifier:** R\n", (1, "expected the page title ('# rule-name') on the first line")),
        ("# r\n\nChecks.\n", (0, "no '**Identifier:**' line")),
        ("# r\n**Note**\n\nOnly a note.\n\n**Identifier:** R\n", (2, "no description before '**Identifier:**'")),
    ],
)
def test_a_rule_page_in_another_shape_is_refused(text, problem):
    with pytest.raises(SourceFormatError) as caught:
        parse_rule_page(text)
    assert caught.value.problems == [problem]


def test_aws_oscal_catalog_controls_with_their_statement_severity_and_rules():
    rule = {"name": "TechnicalControlId", "class": "config-rule", "value": "s3-bucket-ssl-requests-only"}
    data = {
        "catalog": {
            "groups": [
                {
                    "id": "s3",
                    "controls": [
                        {
                            "id": "S3.5",
                            "title": "S3.5 title",
                            "props": [{"name": "SeverityLabel", "value": "MEDIUM"}],
                            "parts": [
                                {"name": "guidance", "prose": "Not the statement", "props": [{"name": "TechnicalControlId", "class": "config-rule", "value": "guidance-rule"}]},
                                {"name": "statement", "prose": "Buckets should require SSL", "props": [
                                    rule, {"name": "TechnicalControlId", "class": "other", "value": "no-class"}, {"name": "Other", "class": "config-rule", "value": "no-name"}, rule,
                                ]},
                            ],
                            "controls": [{"id": "S3.5.a", "props": [{"name": "SeverityLabel", "value": ""}]}],
                        }
                    ],
                }
            ],
            "controls": [{"id": "IAM.4", "title": "Root key"}],
        }
    }  # fmt: skip
    assert list(oscal_security_hub(data)) == [
        {"id": "S3.5", "title": "Buckets should require SSL", "severity": "MEDIUM", "config_rules": ["guidance-rule", "s3-bucket-ssl-requests-only"]},
        {"id": "S3.5.a", "title": "", "config_rules": []},
        {"id": "IAM.4", "title": "Root key", "config_rules": []},
    ]


def label(printed: str) -> list[dict[str, str]]:
    return [{"name": "sort-id", "value": printed.lower()}, {"name": "label", "value": printed}]


def test_nist_catalog_families_and_controls_by_their_printed_ids():
    data = {
        "catalog": {
            "groups": [
                {"id": "ac", "title": "Access Control", "controls": [
                    {"title": "Unlabelled", "props": [{"name": "sort-id", "value": "ac-99"}]},
                    {"title": "Account Management", "props": label("AC-2"), "controls": [{"title": "Automated", "props": label("AC-2(1)")}]},
                ]},
                {"id": "sc", "title": "System and Communications Protection"},
            ],
            "controls": [{"title": "Outside any family", "props": label("XX-1")}],
        }
    }  # fmt: skip
    assert nist_catalog(data) == (
        [{"id": "AC", "title": "Access Control"}, {"id": "SC", "title": "System and Communications Protection"}],
        [{"id": "AC-2", "title": "Account Management", "family": "AC"}, {"id": "AC-2(1)", "title": "Automated", "family": "AC"}],
    )


PACK = """Parameters:
  MaxAge: {Type: String, Default: '90'}
  Unused: Not a mapping
Resources:
  Topic:
    Type: AWS::SNS::Topic
    Properties: {TopicName: !Sub "${AWS::StackName}-t"}
  S3Ssl:
    Type: AWS::Config::ConfigRule
    Properties:
      ConfigRuleName: s3-bucket-ssl-requests-only
      Source: {Owner: AWS, SourceIdentifier: S3_BUCKET_SSL_REQUESTS_ONLY}
      Scope:
        ComplianceResourceTypes: [AWS::S3::Bucket]
      InputParameters:
        maxAge: !Ref MaxAge
        minAge: !If [HasMin, !Ref MinAge, !Ref AWS::NoValue]
        mode: strict
        shape: !Transform {Name: AWS::Include}
  S3SslAgain:
    Type: AWS::Config::ConfigRule
    Properties:
      Source: {Owner: AWS, SourceIdentifier: S3_BUCKET_SSL_REQUESTS_ONLY}
      Scope: {ComplianceResourceTypes: [AWS::S3::Bucket, AWS::S3::AccessPoint, 7]}
  Custom:
    Type: AWS::Config::ConfigRule
    Properties:
      ConfigRuleName: custom
      Source: {Owner: CUSTOM_LAMBDA, SourceIdentifier: arn}
      Scope: {ComplianceResourceTypes: [AWS::EC2::Instance]}
  NoScope:
    Type: AWS::Config::ConfigRule
    Properties:
      Source: {Owner: AWS, SourceIdentifier: ROOT_ACCOUNT_MFA_ENABLED}
      Scope: {ComplianceResourceTypes: AWS::IAM::User}
  NoSource:
    Type: AWS::Config::ConfigRule
    Properties: {ConfigRuleName: no-source}
  Odd: a string
"""


def test_pack_scopes_are_the_union_per_aws_identifier():
    assert pack_scopes(PACK) == {"S3_BUCKET_SSL_REQUESTS_ONLY": ["AWS::S3::Bucket", "AWS::S3::AccessPoint"]}
    assert pack_scopes("- a list\n") == {} and pack_scopes("Resources: [1]\n") == {}


def test_a_pack_template_gives_each_config_rule_in_order_with_its_parameters():
    """Short-form tags are read as their long form, on a scalar, a list (!If, which once recursed) or a mapping."""
    s3 = "S3_BUCKET_SSL_REQUESTS_ONLY"
    assert pack_template(PACK) == [
        {
            "config_rule_name": "s3-bucket-ssl-requests-only", "logical_id": "S3Ssl", "identifier": s3,
            "input_parameters": [{"name": "maxAge", "parameter": "MaxAge", "default": "90"}, {"name": "minAge", "parameter": "MinAge", "default": ""}, {"name": "mode", "value": "strict"},
                                 {"name": "shape", "value": "{'Fn::Transform': {'Name': 'AWS::Include'}}"}],
            "scope": ["AWS::S3::Bucket"],
        },
        {"config_rule_name": "", "logical_id": "S3SslAgain", "identifier": s3, "scope": ["AWS::S3::Bucket", "AWS::S3::AccessPoint", "7"]},
        {"config_rule_name": "custom", "logical_id": "Custom", "identifier": "arn", "scope": ["AWS::EC2::Instance"]},
        {"config_rule_name": "", "logical_id": "NoScope", "identifier": "ROOT_ACCOUNT_MFA_ENABLED"},
        {"config_rule_name": "no-source", "logical_id": "NoSource", "identifier": ""},
    ]  # fmt: skip


def test_pack_scopes_counts_nesting_to_the_limit_exactly():
    """The top mapping is level 1: 63 lists under it are 64 levels (read), 64 are 65 (refused); closed levels count no more."""
    assert pack_scopes("a: " + "[" * 63 + "]" * 63 + "\n") == {}
    assert pack_scopes("l:\n" + "  - [1]\n" * 70) == {}
    refused = (1, "nesting is deeper than 64 levels (the limit for a source file)")
    assert _refused(pack_scopes, "a: " + "[" * 64 + "]" * 64 + "\n") == [refused]
    assert _refused(pack_scopes, "{a: [1], b: " + "[" * 64 + "]" * 64 + "}\n") == [refused]
    assert _refused(pack_scopes, "a: [[1], " + "[" * 63 + "]" * 63 + "]\n") == [refused]


@pytest.mark.parametrize(
    "parse, text, problem",
    [
        (pack_scopes, "a: &x [1]\nb: *x\n", (2, "alias '*x': templates write their values out")),
        (pack_scopes, "a:\n  " + "[" * 65 + "]" * 65 + "\n", (2, "nesting is deeper than 64 levels (the limit for a source file)")),
        (pack_template, "- not a template\n", (0, "no Resources mapping: not a conformance pack template")),
        (pack_template, "Resources: [1]\n", (0, "no Resources mapping: not a conformance pack template")),
    ],
)
def test_a_pack_template_in_another_shape_is_refused(parse, text, problem):
    with pytest.raises(SourceFormatError) as caught:
        parse(text)
    assert caught.value.problems == [problem]


# --------------------------------------------------------------------------- reading within limits


def _refused(call, *args) -> list[tuple[int, str]]:
    with pytest.raises(SourceFormatError) as caught:
        call(*args)
    return caught.value.problems


def test_read_file_reads_a_file_in_chunks_up_to_the_limit(tmp_path, monkeypatch):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "f.md").write_bytes(b"0123456789")
    monkeypatch.setattr(reading, "_CHUNK", 3)
    monkeypatch.setattr(reading, "MAX_FILE_BYTES", 10)
    assert reading.read_file(tmp_path, "d/f.md") == b"0123456789"
    monkeypatch.setattr(reading, "MAX_FILE_BYTES", 9)
    assert _refused(reading.read_file, tmp_path, "d/f.md") == [(0, "the file is longer than 9 bytes (the limit for a source file); it was not read further")]
    assert _refused(reading.read_file, tmp_path, "d") == [(0, "not a regular file")]


def test_read_file_names_the_link_it_refuses(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "f.md").write_text("x", encoding="utf-8")
    (tmp_path / "link").symlink_to(tmp_path / "real")
    (tmp_path / "real" / "g.md").symlink_to(tmp_path / "real" / "f.md")
    assert _refused(reading.read_file, tmp_path, "link/f.md") == [(0, "its folder link is a symbolic link; links in a checkout are not followed")]
    assert _refused(reading.read_file, tmp_path, "real/g.md") == [(0, "real/g.md is a symbolic link; links in a checkout are not followed")]


def test_read_limited_stops_at_the_limit():
    assert reading.read_limited(io.BytesIO(b"abc"), 3) == b"abc"
    assert reading.read_limited(io.BytesIO(b"abcd"), 3) is None
    assert reading.read_limited(io.BytesIO(b""), 0) == b""


def test_json_depth_is_counted_outside_strings_with_its_line(monkeypatch):
    monkeypatch.setattr(reading, "MAX_DEPTH", 2)
    shape = {"type": "object"}
    assert reading.read_json(b'{"a": [1], "b": [2], "s": "[[{{\\"[[\\\\"}', shape) == {"a": [1], "b": [2], "s": '[[{{"[[\\'}
    deep = b'{\n"s": "[[\\"{{",\n"a": [[1]]}'
    assert _refused(reading.read_json, deep, shape) == [(3, "nesting is deeper than 2 levels (the limit for a source file)")]


def test_read_json_names_bad_syntax_and_every_field_of_the_wrong_type():
    assert _refused(reading.read_json, b'{\n"a": }', {}) == [(2, "not JSON: Expecting value: line 2 column 6 (char 7)")]
    assert _refused(reading.read_json, b"\xff", {}) == [(0, "not JSON: 'utf-8' codec can't decode byte 0xff in position 0: invalid start byte")]
    shape = {"type": "object", "properties": {"b": {"type": "string"}, "a": {"type": "array", "items": {"type": "string"}}}}
    assert _refused(reading.read_json, b'{"b": 1, "a": ["x", 2]}', shape) == [(0, "$.a[1]: 2 is not of type 'string'"), (0, "$.b: 1 is not of type 'string'")]
    many = json.dumps({"a": list(range(60))}).encode()
    problems = _refused(reading.read_json, many, shape)
    assert len(problems) == 50 and problems[0] == (0, "$.a[0]: 0 is not of type 'string'")


def test_check_headings_counts_headings_up_to_the_limit(monkeypatch):
    monkeypatch.setattr(reading, "MAX_HEADINGS", 2)
    reading.check_headings(["# a", "text", "## b", "not # a heading"])
    assert _refused(reading.check_headings, ["# a", "", "## b", "### c"]) == [(4, "more than 2 headings (the limit for a page)")]


def test_git_blob_sha_is_gits_object_id():
    assert reading.git_blob_sha(b"hello\n") == "ce013625030ba8dba906f756967f9e9ca394464a"  # git hash-object
    assert reading.git_blob_sha(b"") == "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"


def test_json_depth_after_closed_levels_and_an_empty_key(monkeypatch):
    monkeypatch.setattr(reading, "MAX_DEPTH", 3)
    refused = (1, "nesting is deeper than 3 levels (the limit for a source file)")
    assert _refused(reading.read_json, b'{"a": [1], "b": [[[2]]]}', {}) == [refused]
    assert _refused(reading.read_json, b'{"a": [[1], [[2]]]}', {}) == [refused]
    assert _refused(reading.read_json, b'{"": [[[1]]]}', {}) == [refused]


def test_read_limited_reads_chunk_by_chunk_and_stops_past_the_limit():
    class Source:
        def __init__(self) -> None:
            self.asked: list[int] = []

        def read(self, n: int) -> bytes:
            self.asked.append(n)
            return b"x" * n

    fh = Source()
    assert reading.read_limited(fh, 2 * reading._CHUNK) is None  # type: ignore[arg-type]
    assert fh.asked == [reading._CHUNK] * 3


def test_a_source_format_error_is_one_line_for_the_terminal():
    err = SourceFormatError([(3, "no heading"), (0, "no rows")])
    assert str(err) == "line 3: no heading; no rows" and err.lines == ["line 3: no heading; no rows"]
