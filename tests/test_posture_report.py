"""conformap posture report: golden reports of the fixture bundles, counts checked by hand, every format
deterministic, hostile strings inert, bad input refused with file:json.path: message and nothing written."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import jsonschema
import pytest

from conformap import paths
from conformap.cli import main

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "posture"
EXPECTED = Path(__file__).resolve().parent / "expected" / "posture"
MAIN = FIXTURES / "main"
GOLDEN = {"json": "main.json", "csv": "main.csv", "md": "main.md", "html": "main.html", "oscal-ar": "main.ar.json"}


def report(tmp_path, *inputs, fmt="json", extra=()) -> tuple[int, bytes]:
    out = tmp_path / f"out.{fmt}"
    code = main(["posture", "report", *map(str, inputs), "--format", fmt, "--out", str(out), *extra])
    return code, out.read_bytes() if out.exists() else b""


@pytest.mark.parametrize("fmt", sorted(GOLDEN))
@pytest.mark.scenario
def test_golden_report(fmt, tmp_path):
    code, data = report(tmp_path, MAIN, fmt=fmt)
    assert code == 0
    assert data == (EXPECTED / GOLDEN[fmt]).read_bytes()


@pytest.mark.scenario
def test_golden_degraded(tmp_path):
    code, data = report(tmp_path, FIXTURES / "degraded")
    assert code == 0 and data == (EXPECTED / "degraded.json").read_bytes()
    doc = json.loads(data)
    assert doc["evidence"]["degraded"] is True
    kinds = {f["kind"] for f in doc["evidence"]["files"]}
    assert {"select-resource-config", "S3 delivery (ConfigSnapshot / ConfigHistory)"} <= kinds
    sec8 = next(q for q in doc["questions"] if q["id"] == "SEC-8")
    assert sec8["failing_resources"][0]["resource_id"] == "public-bucket"


# The hand-checked table of tests/expected/posture/README.md, as literals.
HAND = {
    "SEC-1": ("FAIL", 10, 2, 0, 1, 0, 1, 0, 1),
    "SEC-2": ("FAIL", 18, 4, 1, 2, 0, 1, 0, 2),
    "SEC-3": ("FAIL", 38, 2, 0, 1, 0, 1, 0, 2),
    "SEC-4": ("NOT_EVALUATED", 18, 2, 0, 0, 1, 0, 1, 0),
    "SEC-5": ("FAIL", 35, 4, 0, 1, 1, 1, 1, 2),
    "SEC-6": ("PASS", 19, 2, 1, 0, 0, 1, 0, 0),
    "SEC-7": ("NOT_EVALUATED", 0, 0, 0, 0, 0, 0, 0, 0),
    "SEC-8": ("FAIL", 29, 2, 1, 1, 0, 0, 0, 2),
    "SEC-9": ("NOT_EVALUATED", 14, 2, 0, 0, 1, 0, 1, 0),
}


def test_counts_are_the_hand_checked_ones():
    doc = json.loads((EXPECTED / "main.json").read_bytes())
    got = {
        q["id"]: (q["status"], *(q["rules"][k] for k in ("mapped", "deployed", "compliant", "non_compliant", "error", "insufficient_data", "no_result")), q["distinct_failing_resources"])
        for q in doc["questions"]
    }
    for qid, row in HAND.items():
        assert got[qid] == row, qid
    sec6 = next(q for q in doc["questions"] if q["id"] == "SEC-6")
    assert sec6["coverage"] == "PASS on 1 of 19 rules"
    assert [u["config_rule_name"] for u in doc["unmatched_rules"]] == ["appsync-cache-encryption-at-rest", "my-team-custom-check"]
    assert [p["resource_id"] for p in doc["proactive_results"]] == ["planned-bucket"]


def test_json_follows_its_schema():
    schema = json.loads((paths.SCHEMA_DIR / "posture.schema.json").read_bytes())
    for name in ("main.json", "degraded.json"):
        jsonschema.Draft202012Validator(schema).validate(json.loads((EXPECTED / name).read_bytes()))


def test_matching_by_identifier_keeps_instances_apart():
    doc = json.loads((EXPECTED / "main.json").read_bytes())
    rules = {r["rule"]: r for q in doc["questions"] for r in q["rule_statuses"]}
    mfa = rules["iam-user-mfa-enabled"]["instances"]
    assert [(i["account"], i["region"]) for i in mfa] == [("111122223333", "eu-west-1"), ("111122223333", "us-east-1")]
    s3 = rules["s3-bucket-public-read-prohibited"]["instances"]
    assert [i["account"] for i in s3] == ["111122223333", "444455556666"]
    assert rules["iam-password-policy"]["instances"][0]["custom_implementation"] is True
    long_name = rules["s3-bucket-server-side-encryption-enabled"]["instances"][0]["config_rule_name"]
    assert len(long_name) == 101
    # the pack's copy of the same results is not counted twice
    us = mfa[1]
    assert us["results"] == {"COMPLIANT": 1, "NON_COMPLIANT": 1} and us["source"] == "get-compliance-details-by-config-rule"
    assert us["conformance_packs"] == ["wa-security-pack"]
    # AWS's own count, capped: kept beside the resources whose results were saved
    assert s3[0]["aws_non_compliant_count"] == "100+" and s3[0]["aws_summary"] == "NON_COMPLIANT"
    assert mfa[0]["aws_non_compliant_count"] == "" and us["aws_non_compliant_count"] == "1"


def test_drift_warnings_name_both_values():
    warnings = json.loads((EXPECTED / "main.json").read_bytes())["warnings"]
    assert any("maxAccessKeyAge=30" in w and "maxAccessKeyAge=90" in w and "111122223333" in w for w in warnings)
    assert any("Description names SEC-1;" in w and "SEC-1 SEC-2" in w for w in warnings)
    assert not any("444455556666" in w and "InputParameters" in w for w in warnings)  # a borrowed definition is no drift


@pytest.mark.slow  # over 1.5 s of CPU: make test runs it, make test-fast does not
def test_same_input_same_bytes_whatever_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for fmt in GOLDEN:
        assert report(tmp_path, MAIN, fmt=fmt)[1] == (EXPECTED / GOLDEN[fmt]).read_bytes()


@pytest.mark.scenario
def test_as_of_sets_the_date(tmp_path):
    code, data = report(tmp_path, MAIN, extra=("--as-of", "2027-01-31"))
    assert code == 0 and json.loads(data)["as_of"] == "2027-01-31"


def test_csv_conventions():
    data = (EXPECTED / "main.csv").read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")
    # CRLF row ends; untrusted text on one inert line: the hostile annotation's line break and bidi controls as escapes
    assert data.replace(b"\r\n", b"").count(b"\n") == 0 and b",first line\\nsecond line," in data
    assert "\u202e".encode() not in data and b"logs\\u202egnp.exe" in data
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))
    ids = {r["resource_id"] for r in rows}
    assert "'=HYPERLINK(\"https://evil.example\",\"x\")" in ids and '=HYPERLINK("https://evil.example","x")' not in ids
    assert all(not v.lstrip(" ").startswith(("=", "+", "-", "@")) for r in rows for v in r.values() if v)
    not_deployed = [r for r in rows if r["instance_status"] == "NOT_DEPLOYED"]
    assert {r["rule"] for r in not_deployed} >= {"root-account-hardware-mfa-enabled"}
    # one row per question x instance x evaluation: alice's MFA result (rule mapped to SEC-1 and SEC-2), in two regions
    alice = [(r["control_id"], r["region"]) for r in rows if r["rule"] == "iam-user-mfa-enabled" and r["resource_id"] == "alice"]
    assert sorted(alice) == [("SEC-1", "eu-west-1"), ("SEC-1", "us-east-1"), ("SEC-2", "eu-west-1"), ("SEC-2", "us-east-1")]


HOSTILE = ("<script>", "<img", "\u202e", "\u2066", "\u200b")


def test_hostile_strings_are_inert_in_oscal():
    ar = (EXPECTED / "main.ar.json").read_text("utf-8")
    for raw in ("\u202e", "\u2066", "\u200b"):
        assert raw not in ar
    assert "logs\\\\u202egnp.exe" in ar  # the escape, as JSON writes a backslash


def test_hostile_strings_are_inert_in_markdown_and_html():
    md = (EXPECTED / "main.md").read_text("utf-8")
    html = (EXPECTED / "main.html").read_text("utf-8")
    for text in (md, html):
        for raw in HOSTILE:
            assert raw not in text
        assert "\\u202e" in text  # shown as an escape
    assert "first line\\nsecond line" in html and "first line\\\\nsecond line" in md  # one line (md escapes the backslash)
    assert "&lt;script&gt;alert(&#x27;annotation&#x27;)&lt;/script&gt;" in html or "&lt;script&gt;" in html
    assert "<script" not in html.lower() and "onerror=" not in html.replace("onerror=alert", "")  # no element carries it
    assert "\\*\\*bold\\*\\*" in md and "\\[link\\]" in md and "\\|" in md


@pytest.mark.scenario
def test_terminal_diagnostics_are_inert(tmp_path, capsys):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "rules.json").write_text(json.dumps({"ConfigRules": [{"ConfigRuleName": "x\u202e\x1b[31m", "Source": {"Owner": 5}}]}))
    code, data = report(tmp_path, bad)
    err = capsys.readouterr().err
    assert code == 1 and data == b""
    assert "\x1b" not in err and "\u202e" not in err
    assert "rules.json: $.ConfigRules[0].Source.Owner: expected a string, found a number" in err


@pytest.mark.scenario
def test_errors_are_all_reported_and_nothing_is_written(tmp_path, capsys):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "a.json").write_text('{"ConfigRules": [}')
    (bad / "b.json").write_text(json.dumps({"Something": []}))
    (bad / "c.json").write_text(json.dumps({"EvaluationResults": [{"ComplianceType": 3}]}))
    out = tmp_path / "out.json"
    code = main(["posture", "report", str(bad), "--format", "json", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 1 and not out.exists()
    assert "a.json:1:18: $: not JSON" in err
    assert "b.json: $: not an AWS Config answer" in err
    assert "c.json: $.EvaluationResults[0].ComplianceType: expected a string, found a number" in err
    assert "3 error(s)" in err or "error(s) in the inputs" in err


@pytest.mark.scenario
def test_members_the_report_reads_are_required_though_botocore_makes_them_optional(tmp_path, capsys):
    """Found by test_posture_properties.py: an evaluation result without its identifier was a KeyError."""
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "rules.json").write_text(json.dumps({"ConfigRules": [{"Source": {"Owner": "AWS", "SourceIdentifier": "IAM_USER_MFA_ENABLED"}}]}))
    (bad / "details.json").write_text(json.dumps({"EvaluationResults": [{}, {"EvaluationResultIdentifier": {"EvaluationResultQualifier": {}}, "ComplianceType": "COMPLIANT"}]}))
    (bad / "summary.json").write_text(json.dumps({"ComplianceByConfigRules": [{"Compliance": {"ComplianceType": "COMPLIANT"}}]}))
    out = tmp_path / "out.json"
    code = main(["posture", "report", str(bad), "--format", "json", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 1 and not out.exists()
    assert "rules.json: $.ConfigRules[0]: an item of ConfigRules lacks the member 'ConfigRuleName', which the report reads" in err
    assert "details.json: $.EvaluationResults[0]: an item of EvaluationResults lacks the member 'EvaluationResultIdentifier', which the report reads" in err
    assert "details.json: $.EvaluationResults[0]: an item of EvaluationResults lacks the member 'ComplianceType', which the report reads" in err
    assert (
        "details.json: $.EvaluationResults[1].EvaluationResultIdentifier.EvaluationResultQualifier: "
        "EvaluationResultQualifier lacks the member 'ConfigRuleName', which the report reads"
    ) in err
    assert "summary.json: $.ComplianceByConfigRules[0]: an item of ComplianceByConfigRules lacks the member 'ConfigRuleName'" in err
    assert "internal error" not in err


@pytest.mark.scenario
def test_a_leftover_next_token_is_a_warning_or_with_strict_an_error(tmp_path, capsys):
    code, _ = report(tmp_path, MAIN)
    err = capsys.readouterr().err
    assert code == 0 and "NextToken: warning: a leftover NextToken" in err
    (tmp_path / "out.json").unlink()
    code, data = report(tmp_path, MAIN, extra=("--strict",))
    err = capsys.readouterr().err
    assert code == 1 and data == b"" and "NextToken: a leftover NextToken" in err


@pytest.mark.scenario
def test_describe_config_rules_is_required(tmp_path, capsys):
    only = tmp_path / "only"
    only.mkdir()
    (only / "d.json").write_bytes((MAIN / "111122223333" / "us-east-1" / "details-other-rules.json").read_bytes())
    code, _ = report(tmp_path, only)
    assert code == 1 and "no describe-config-rules answer" in capsys.readouterr().err


@pytest.mark.scenario
def test_missing_input_and_oversized_file(tmp_path, capsys, monkeypatch):
    from conformap.posture import inputs

    code, _ = report(tmp_path, tmp_path / "nope")
    assert code == 1 and "nope: $: no such file or folder" in capsys.readouterr().err
    monkeypatch.setattr(inputs, "MAX_FILE_BYTES", 100)
    code, _ = report(tmp_path, MAIN / "111122223333" / "us-east-1" / "describe-config-rules.json")
    assert code == 1 and "larger than" in capsys.readouterr().err


def test_concatenated_documents_and_gzip(tmp_path):
    from conformap.posture import inputs

    two = b'{"a": 1}\n{"b": 2}\n'
    assert list(inputs.documents(two)) == [{"a": 1}, {"b": 2}]
    assert list(inputs.documents(b'{"a": 1}')) == [{"a": 1}]
    with pytest.raises(inputs.InputError):
        list(inputs.documents(b"\xef\xbb\xbf{}"))


def test_gitignore_covers_the_default_outputs_but_not_the_site_page():
    import shutil
    import subprocess

    if shutil.which("git") is None or not (paths.PROJECT_ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    from conformap.commands.posture import DEFAULT_OUT

    def ignored(rel: str) -> bool:
        return subprocess.run(["git", "check-ignore", "-q", "--no-index", rel], cwd=paths.PROJECT_ROOT).returncode == 0

    assert all(ignored(name) for name in DEFAULT_OUT.values()) and ignored("posture-bundle/111122223333/x.json")
    assert not ignored("docs/posture.md") and not ignored("tests/expected/posture/main.json")
