"""The checks of rule files against the facts snapshots (catalog/sources/config-rule-pages.yaml and
conformance-pack-scopes.yaml) catch each kind of defect issue 13 found, on the rule files as they were
(tests/fixtures/fidelity/, copied from main before the fix), and the fixed catalogue passes them.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from conformap import paths
from conformap.load import fidelity
from conformap.load.fidelity import Drift, page_drift, scope_drift
from conformap.load.yamlio import read_yaml_text
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
    return [d for d in errors(validate(root)[1]) if "has a Note" not in d.message]  # the fixtures predate notes (issue 19)


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
@pytest.mark.scenario
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


@pytest.mark.scenario
def test_a_rule_citing_another_commit_is_warned_not_compared(tmp_path):
    root = tmp_path / "catalog"
    shutil.copytree(paths.DEFAULT_CATALOG, root)
    f = root / "rules" / "ec2-stopped-instance.yaml"
    shutil.copyfile(OLD / f.name, f)
    f.write_text(f.read_text(encoding="utf-8").replace("e57037dbe30cd2f1fbaba43c5a4a5bd152dec5ac", "3193df78f524f35fe9b88251f03678c986970a47"), encoding="utf-8")
    _, diags = validate(root)
    mine = [d for d in diags if d.file.endswith("/ec2-stopped-instance.yaml")]
    assert [(d.severity.value, d.path) for d in mine] == [("warning", "$.sources[0].commit")]


# --- issue 19: the developer guide's Notes ---------------------------------------------------------------

# Written by hand from the AWS Config Developer Guide at e57037d (doc_source/RULE.md, the **Note** paragraph).
NOTES = {
    "elasticsearch-encrypted-at-rest": "The rule does not evaluate Amazon OpenSearch Service domains.",
    "opensearch-in-vpc-only": "The rule does not evaluate Elasticsearch domains.",
    "elb-logging-enabled": "The rule does not apply to Network Load Balancers or Gateway Load Balancers.",
    "rds-snapshots-public-prohibited": "It can take up to 12 hours for compliance results to be captured.",
}
NOTED_RULES = 22  # the pages of the catalogue's rules that have a Note (grep -l '^\*\*Note\*\*' at e57037d)


def _snapshot_notes() -> dict[str, str]:
    snap = yaml.safe_load((paths.DEFAULT_CATALOG / "sources" / "config-rule-pages.yaml").read_text(encoding="utf-8"))
    return {r["id"]: r["note"] for r in snap["rules"] if "note" in r}


def test_the_snapshot_keeps_every_note():
    notes = _snapshot_notes()
    assert len(notes) == NOTED_RULES
    for rid, text in NOTES.items():
        assert notes[rid] == text


@pytest.mark.scenario
def test_the_rule_files_carry_the_notes_verbatim():
    rules = paths.DEFAULT_CATALOG / "rules"
    notes = _snapshot_notes()
    for f in sorted(rules.glob("*.yaml")):
        data = yaml.safe_load(f.read_text(encoding="utf-8"))
        assert data.get("note") == notes.get(data["id"]), f.name


@pytest.mark.parametrize("change", ["drop", "edit", "invent"])
@pytest.mark.scenario
def test_a_note_dropped_edited_or_invented_is_an_error(tmp_path, change):
    root = tmp_path / "catalog"
    shutil.copytree(paths.DEFAULT_CATALOG, root)
    rid = "elb-logging-enabled" if change != "invent" else "account-part-of-organizations"
    f = root / "rules" / f"{rid}.yaml"
    data = f.read_text(encoding="utf-8")
    if change == "drop":
        data = data.replace("note: The rule does not apply to Network Load Balancers or Gateway Load Balancers.\n", "")
    elif change == "edit":
        data = data.replace("Network Load Balancers or ", "")
    else:
        data = data.replace("\ndocumentation_url:", "\nnote: Invented.\ndocumentation_url:", 1)
    f.write_text(data, encoding="utf-8")
    mine = [d for d in errors(validate(root)[1]) if d.file.endswith(f"/{rid}.yaml")]
    expected = {"drop": ("$.sources[0]", "has a Note"), "edit": ("$.note", "differs from the page's Note"), "invent": ("$.note", "has no Note")}[change]
    assert [(d.path, expected[1] in d.message) for d in mine] == [(expected[0], True)]


# --- issue 19: a deprecation quotes the AWS text that makes it ----------------------------------------------

DEV_GUIDE = "awsdocs/aws-config-developer-guide"
E57037D = "e57037dbe30cd2f1fbaba43c5a4a5bd152dec5ac"


def _deprecate(root: Path, quote: str, path: str = "doc_source/elasticsearch-in-vpc-only.md") -> list:
    f = root / "rules" / "elasticsearch-in-vpc-only.yaml"
    claim = (
        "deprecated:\n  successor: opensearch-in-vpc-only\n  reason: Said to be replaced.\n  aws_text:\n"
        f"    repo: {DEV_GUIDE}\n    path: {path}\n    commit: {E57037D}\n    quote: {json.dumps(quote)}\nguidance:"
    )
    f.write_text(f.read_text(encoding="utf-8").replace("guidance:", claim, 1), encoding="utf-8")
    return [d for d in validate(root)[1] if d.file.endswith("/elasticsearch-in-vpc-only.yaml")]


@pytest.fixture
def real_copy(tmp_path) -> Path:
    root = tmp_path / "catalog"
    shutil.copytree(paths.DEFAULT_CATALOG, root)
    return root


@pytest.mark.scenario
def test_a_deprecation_without_aws_text_is_a_schema_error(real_copy):
    f = real_copy / "rules" / "elasticsearch-in-vpc-only.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("guidance:", "deprecated: {successor: opensearch-in-vpc-only, reason: Renamed.}\nguidance:", 1), encoding="utf-8")
    found = [d for d in errors(validate(real_copy)[1]) if d.file.endswith("/elasticsearch-in-vpc-only.yaml")]
    assert [d.path for d in found] == ["$.deprecated"] and "aws_text" in found[0].message


@pytest.mark.scenario
def test_the_old_e4_claim_is_refused(real_copy):
    """The Note AWS wrote is real text, but it says what the rule does not evaluate, not that it is deprecated."""
    found = _deprecate(real_copy, "The rule does not evaluate Amazon OpenSearch Service domains.")
    assert [(d.severity.value, d.path) for d in found] == [("error", "$.deprecated.aws_text.quote")]
    assert "states no deprecation" in found[0].message


def test_a_quote_the_page_does_not_hold_is_an_error(real_copy):
    found = _deprecate(real_copy, "This rule is deprecated; use opensearch-in-vpc-only instead.")
    assert [(d.severity.value, d.path) for d in found] == [("error", "$.deprecated.aws_text.quote")]
    assert "does not say this" in found[0].message


@pytest.mark.scenario
def test_a_quote_of_another_source_is_not_verified(real_copy):
    found = _deprecate(real_copy, "This rule is deprecated.", path="doc_source/some-other-page.md")
    assert [(d.severity.value, d.path) for d in found] == [("warning", "$.deprecated.aws_text.quote")]


@pytest.mark.scenario
def test_a_quote_the_page_holds_is_accepted(real_copy):
    """A page that did say so (its snapshot and the rule's note changed together) makes the claim valid."""
    said = "This rule is deprecated; use opensearch-in-vpc-only instead."
    snap = real_copy / "sources" / "config-rule-pages.yaml"
    old = "The rule does not evaluate Amazon OpenSearch Service domains."
    data = yaml.safe_load(snap.read_text(encoding="utf-8"))
    for r in data["rules"]:
        if r["id"] == "elasticsearch-in-vpc-only":
            r["note"] = said
    snap.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    f = real_copy / "rules" / "elasticsearch-in-vpc-only.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace(old, said), encoding="utf-8")
    assert _deprecate(real_copy, said) == []


@pytest.mark.scenario
def test_a_pack_value_aws_template_does_not_set_is_an_error(real_copy):
    """issue 19: rule files citing AWS's WA template (sources/wa-conformance-pack.yaml) set its values."""
    f = real_copy / "rules" / "restricted-common-ports.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("    blockedPort5: '4333'\n", "    blockedPort5: '4444'\n", 1), encoding="utf-8")
    found = [d for d in errors(validate(real_copy)[1]) if d.file.endswith("/restricted-common-ports.yaml")]
    assert [d.path for d in found] == ["$.conformance_pack.input_parameters"]
    assert "blockedPort5: '4333'" in found[0].message


# --------------------------------------------------------------------------- what counts as drift, on plain values


def test_page_drift_finds_each_kind_of_difference():
    drift = page_drift(
        "OURS", "Our text.", [("a", "A of ours."), ("b", None), ("c", "C."), ("e", "E.")], "PAGE", "The page's text.", {"a": "A on the page.", "b": "B.", "d": "D.", "e": ""},
        note="Our note.", page_note="The page's note.",
    )  # fmt: skip
    assert drift == [
        Drift("identifier", "identifier", "OURS", "PAGE"),
        Drift("description", "description", "Our text.", "The page's text."),
        Drift("note-differs", "note", "Our note.", "The page's note."),
        Drift("parameter-description", "parameters.a.description", "A of ours.", "A on the page.", 0),
        Drift("parameter-not-on-page", "parameters.c", "c", None, 2),
        Drift("parameter-not-recorded", "parameters.d", None, "d"),
    ]
    assert page_drift(None, None, [], "PAGE", "Text.", {}, note=None, page_note=None) == []
    assert page_drift("PAGE", "Text.", [], "PAGE", "Text.", {}, note="Ours.", page_note=None) == [Drift("note-not-on-page", "note", "Ours.", None)]
    assert page_drift("PAGE", "Text.", [], "PAGE", "Text.", {}, note=None, page_note="Page's.") == [Drift("note-not-recorded", "note", None, "Page's.")]


def test_scope_drift_compares_the_recorded_scope_with_the_templates_union():
    field = "conformance_pack.scope_resource_types"
    assert scope_drift(None, ["AWS::S3::Bucket", "AWS::EC2::Instance"]) == Drift("scope-not-recorded", field, None, "AWS::S3::Bucket, AWS::EC2::Instance")
    assert scope_drift(["AWS::S3::Bucket"], ["AWS::S3::Bucket", "AWS::EC2::Instance"]) == Drift("scope-differs", field, "AWS::S3::Bucket", "AWS::S3::Bucket, AWS::EC2::Instance")
    assert scope_drift(["AWS::S3::Bucket", "AWS::IAM::User"], None) == Drift("scope-differs", field, "AWS::S3::Bucket, AWS::IAM::User", "")
    assert scope_drift(["B", "A"], ["A", "B"]) is None and scope_drift(None, None) is None and scope_drift(None, []) is None


# --------------------------------------------------------------------------- fidelity.check on one rule file

PAGES_REPO, PACKS_REPO = "awsdocs/aws-config-developer-guide", "awslabs/aws-config-rules"
PAGES = {
    "source": {"repo": PAGES_REPO, "commit": "a" * 40},
    "rules": [
        {"id": "r", "identifier": "R", "description": "The page's text.", "note": "The page's note.", "parameters": [{"name": "p", "description": "P."}, {"name": "d", "description": "D."}]},
        {"id": "new-r", "identifier": "NEW_R", "description": "It is replaced by nothing. R is replaced by NEW_R.", "parameters": []},
    ],
}
SCOPES = {"source": {"repo": PACKS_REPO, "commit": "b" * 40}, "scopes": [{"identifier": "R", "resource_types": ["AWS::S3::Bucket", "AWS::IAM::User"]}]}
TEMPLATE = {"source": {"repo": PACKS_REPO, "commit": "b" * 40}, "rules": [{"config_rule_name": "other-name", "identifier": "R", "input_parameters": [{"name": "p", "parameter": "P", "default": "90"}, {"name": "v", "value": "x"}]}]}
CITES = [
    {"repo": PAGES_REPO, "path": "doc_source/r.md", "commit": "a" * 40},
    {"repo": PACKS_REPO, "path": "aws-config-conformance-packs/*.yaml (Scope.ComplianceResourceTypes, union)", "commit": "b" * 40},
    {"repo": PACKS_REPO, "path": paths.WA_TEMPLATE_PATH, "commit": "b" * 40},
]


def _check(rule: dict, snapshots: dict[str, dict]) -> list[tuple[str, str, str]]:
    """fidelity.check's (JSON path, message, severity) on one rule file and the snapshots given (JSON is YAML)."""
    docs = {name: read_yaml_text(json.dumps(data).encode(), name) for name, data in snapshots.items()}
    return [(d.path, d.message, d.severity.name) for d in fidelity.check([read_yaml_text(json.dumps(rule).encode(), "r.yaml")], docs)]


def test_check_reports_each_difference_where_the_rule_states_it():
    rule = {
        "id": "r", "identifier": "R2", "description": "The page's", "note": "Our note.",
        "parameters": [{"name": "p", "description": "P"}, {"name": "q"}],
        "sources": CITES, "conformance_pack": {"scope_resource_types": ["AWS::S3::Bucket"], "input_parameters": {"p": "30"}},
    }  # fmt: skip
    rel = "sources/config-rule-pages.yaml"
    assert _check(rule, {"config-rule-pages": PAGES, "conformance-packs": SCOPES, "wa-template": TEMPLATE}) == [
        ("$.identifier", f"the page's Identifier is R ({rel})", "ERROR"),
        ("$.description", f"differs from the page's full description ({rel}), which it must copy verbatim: at character 11, the page has \"The page's text.\", the file \"The page's\"", "ERROR"),
        ("$.note", f"differs from the page's Note ({rel}), which it must copy verbatim: at character 1, the page has \"The page's note.\", the file 'Our note.'", "ERROR"),
        ("$.parameters[0].description", f"differs from the page's full text ({rel}): at character 2, the page has 'P.', the file 'P'", "ERROR"),
        ("$.parameters[1].name", f"the page has no parameter 'q' ({rel}: p, d)", "ERROR"),
        ("$.parameters", f"the page has a parameter 'd' that the rule does not record ({rel}); add it with the page's description", "ERROR"),
        ("$.conformance_pack.scope_resource_types", "the templates scope R2 to nothing (sources/conformance-pack-scopes.yaml)", "ERROR"),
        ("$.sources[2]", "cites AWS's WA template, which deploys no rule named r or identified R2 (sources/wa-conformance-pack.yaml)", "ERROR"),
    ]  # fmt: skip


def test_check_reports_a_missing_note_scope_and_page():
    rule = {"id": "r", "identifier": "R", "description": "The page's text.", "parameters": [{"name": "p", "description": "P."}, {"name": "d"}], "sources": CITES}
    assert _check(rule, {"config-rule-pages": PAGES, "conformance-packs": SCOPES}) == [
        ("$.sources[0]", "the page has a Note (sources/config-rule-pages.yaml) the rule file must copy verbatim into note: \"The page's note.\"", "ERROR"),
        ("$.sources[1]", "cites the conformance pack scopes but records none: the templates scope R to AWS::S3::Bucket, AWS::IAM::User (sources/conformance-pack-scopes.yaml); add conformance_pack.scope_resource_types", "ERROR"),
    ]  # fmt: skip
    page_note = {**PAGES, "rules": [{**PAGES["rules"][0], "note": None}]}
    assert _check({**rule, "id": "r", "note": "Ours."}, {"config-rule-pages": page_note}) == [("$.note", "the page has no Note (sources/config-rule-pages.yaml)", "ERROR")]
    assert _check({**rule, "id": "s", "sources": [{**CITES[0], "path": "doc_source/s.md"}]}, {"config-rule-pages": PAGES}) == [
        ("$.sources[0]", "cites its AWS Config Developer Guide page, but sources/config-rule-pages.yaml has no entry for it; re-run conformap import-source config-rule-pages", "ERROR")
    ]


def test_check_warns_on_another_commit_and_leaves_uncited_snapshots_alone():
    rule = {"id": "r", "identifier": "X", "sources": [{**c, "commit": "c" * 40} for c in CITES]}
    snapshots = {"config-rule-pages": PAGES, "conformance-packs": SCOPES, "wa-template": TEMPLATE}
    assert _check(rule, snapshots) == [
        ("$.sources[0].commit", f"cites {PAGES_REPO} at another commit than the snapshot sources/config-rule-pages.yaml ({'a' * 40}); not compared", "WARNING"),
        ("$.sources[1].commit", f"cites {PACKS_REPO} at another commit than the snapshot sources/conformance-pack-scopes.yaml ({'b' * 40}); not compared", "WARNING"),
        ("$.sources[2].commit", f"cites {PACKS_REPO} at another commit than the snapshot sources/wa-conformance-pack.yaml ({'b' * 40}); not compared", "WARNING"),
    ]  # fmt: skip
    assert _check({"id": "r", "identifier": "X", "sources": [{"repo": "other/repo", "path": "doc_source/r.md"}]}, snapshots) == []


def test_check_finds_the_template_entry_by_name_or_identifier():
    cites = [CITES[2]]
    by_identifier = {"id": "copy-of-r", "identifier": "R", "sources": cites, "conformance_pack": {"input_parameters": {"p": "90", "v": "x"}}}
    assert _check(by_identifier, {"wa-template": TEMPLATE}) == []
    by_name = {"id": "other-name", "sources": cites, "conformance_pack": {"input_parameters": {"p": "90", "v": "x"}}}
    assert _check(by_name, {"wa-template": TEMPLATE}) == []
    assert _check({**by_name, "conformance_pack": None}, {"wa-template": TEMPLATE}) == [
        ("$.conformance_pack.input_parameters", "differs from AWS's WA template (sources/wa-conformance-pack.yaml), which sets p: '90', v: 'x'", "ERROR")
    ]
    assert _check({"id": "unknown", "identifier": "U", "sources": cites}, {"wa-template": TEMPLATE}) == [
        ("$.sources[0]", "cites AWS's WA template, which deploys no rule named unknown or identified U (sources/wa-conformance-pack.yaml)", "ERROR")
    ]
    unset = {**TEMPLATE, "rules": [{"config_rule_name": "r", "identifier": "R", "input_parameters": [{"name": "p"}]}]}  # neither default nor value
    assert _check({"id": "r", "sources": cites, "conformance_pack": {"input_parameters": {"p": ""}}}, {"wa-template": unset}) == []
    no_params = {**TEMPLATE, "rules": [{"config_rule_name": "r", "identifier": "R"}]}
    assert _check({"id": "r", "sources": cites, "conformance_pack": {"input_parameters": {"p": "1"}}}, {"wa-template": no_params}) == [
        ("$.conformance_pack.input_parameters", "differs from AWS's WA template (sources/wa-conformance-pack.yaml), which sets none", "ERROR")
    ]


def _deprecated(quote: str, path: str = "doc_source/r.md", commit: str = "a" * 40, successor: str = "new-r") -> dict:
    return {"id": "r", "deprecated": {"successor": successor, "aws_text": {"repo": PAGES_REPO, "path": path, "commit": commit, "quote": quote}}}


def test_check_verifies_a_deprecation_quote_on_the_rules_or_successors_page():
    pages = {"config-rule-pages": PAGES}
    where = "$.deprecated.aws_text.quote"
    assert _check(_deprecated("R is replaced by NEW_R", "doc_source/new-r.md"), pages) == []
    assert _check(_deprecated("page's note. Instead"), pages) == [
        (where, "the page doc_source/r.md does not say this (sources/config-rule-pages.yaml: neither its description nor its Note holds the quote); a rule is deprecated only where AWS says so", "ERROR")
    ]
    assert _check(_deprecated("Retired, says no page"), {}) == []  # no snapshot of the pages: nothing to check against
    unverified = f"not verified: the catalogue holds no snapshot of {PAGES_REPO} doc_source/r.md at {'c' * 40} (it checks the rule's and its successor's developer guide pages, sources/config-rule-pages.yaml)"
    assert _check(_deprecated("no longer", commit="c" * 40), pages) == [(where, unverified, "WARNING")]
    assert _check(_deprecated("no longer", path="doc_source/other.md"), pages)[0][1].startswith("not verified: ")
    assert _check(_deprecated("The page's text."), pages) == [
        (where, "the quote states no deprecation (it says none of: deprecated, replaced by, superseded, retired, no longer, instead); a rule is deprecated only where AWS says so", "ERROR")
    ]
    assert _check({"id": "r", "deprecated": {"successor": "new-r"}}, pages) == []
    assert _check({"id": "r", "deprecated": "yes"}, pages) == []  # the schema reports a claim that is no mapping


def test_check_reports_a_deprecated_rules_page_errors_too():
    rule = {**_deprecated("The page's text."), "identifier": "WRONG", "description": "The page's text.", "note": "The page's note.", "sources": [CITES[0]]}
    rule["parameters"] = [{"name": "p", "description": "P."}, {"name": "d", "description": "D."}]
    assert [(path, severity) for path, _, severity in _check(rule, {"config-rule-pages": PAGES})] == [
        ("$.identifier", "ERROR"), ("$.deprecated.aws_text.quote", "ERROR")
    ]  # fmt: skip


def test_a_parameter_of_a_page_without_parameters_is_named():
    rule = {"id": "new-r", "identifier": "NEW_R", "description": "It is replaced by nothing. R is replaced by NEW_R.", "parameters": [{"name": "x"}]}
    rule["sources"] = [{**CITES[0], "path": "doc_source/new-r.md"}]
    assert _check(rule, {"config-rule-pages": PAGES}) == [("$.parameters[0].name", "the page has no parameter 'x' (sources/config-rule-pages.yaml: none)", "ERROR")]
