"""`conformap import-source`: each importer on a small fixture checkout (tests/fixtures/sources/checkouts/),
never the real repositories. Expected values are written by hand from the fixture files; the importers must
be idempotent and all-or-nothing (the catalogue's bytes are unchanged after a failing import).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
import yaml

from conformap import paths
from conformap.ingest.page_import import ImportRejected
from conformap.load.loader import validate
from conformap.ingest.source_import import SourceInputError, import_source
from conformap.cli import main

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "sources"
CHECKOUTS = FIXTURES / "checkouts"
PAGES_COMMIT = "a" * 40  # the commit the fixture rules cite for their pages
PACKS_COMMIT = "b" * 40  # ... and for the pack scopes
OTHER_COMMIT = "c" * 40
DATE = "2024-01-02"
COMMITS = {"config-rule-pages": PAGES_COMMIT, "conformance-packs": PACKS_COMMIT}
ORDER = ["config-rule-pages", "conformance-packs", "security-hub-guide", "security-hub-oscal", "security-hub-guide", "nist-800-53", "guard-registry"]


def tree_hash(root: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.is_file():
            h.update(p.relative_to(root).as_posix().encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def git_blob(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def load(root: Path, name: str) -> dict:
    return yaml.safe_load((root / paths.SOURCE_SNAPSHOTS[name][0]).read_text(encoding="utf-8"))


def run(name: str, root: Path, checkout: Path | None = None):
    return import_source(name, checkout or CHECKOUTS / name, COMMITS.get(name, OTHER_COMMIT), DATE, root)


@pytest.fixture
def cat(tmp_path) -> Path:
    root = tmp_path / "catalog"
    shutil.copytree(FIXTURES / "catalog", root)
    return root


@pytest.fixture
def imported(cat) -> Path:
    for name in ORDER:
        run(name, cat)
    return cat


def test_every_importer_writes_a_valid_snapshot(imported):
    catalog, diags = validate(imported)
    assert [d.format() for d in diags] == []
    assert catalog is not None
    for name, (rel, _) in paths.SOURCE_SNAPSHOTS.items():
        assert (imported / rel).read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=")


def test_provenance_pins_every_file_read(imported):
    data = load(imported, "security-hub-guide")
    src = data["source"]
    assert (src["repo"], src["commit"], src["commit_date"]) == ("awsdocs/aws-security-hub-user-guide", OTHER_COMMIT, DATE)
    assert "Creative Commons Attribution-ShareAlike 4.0" in src["license"]
    checkout = CHECKOUTS / "security-hub-guide"
    assert [f["path"] for f in src["files"]] == ["doc_source/account-controls.md", "doc_source/s3-controls.md"]
    for f in src["files"] + src["license_files"]:
        raw = (checkout / f["path"]).read_bytes()
        assert f["git_blob"] == git_blob(raw)
        assert f["sha256"] == hashlib.sha256(raw).hexdigest()
    assert [f["path"] for f in src["license_files"]] == ["LICENSE-SUMMARY"]


def test_security_hub_guide_extracts_controls_verbatim(imported):
    controls = {c["id"]: c for c in load(imported, "security-hub-guide")["controls"]}
    # S3.3 names another rule and S3.4 none: dropped; S3.5 is kept because the OSCAL catalog ties it to beta-rule.
    assert list(controls) == ["S3.1", "S3.2", "S3.5"]
    assert controls["S3.1"] == {
        "id": "S3.1",
        "title": "Alpha should be on",
        "severity": "Medium",
        "config_rules": ["alpha-rule"],
        "nist_800_53_r5": ["AC-3", "SC-7(3)"],
        "pci_dss_v3_2_1": ["1.2.1"],
        "other_requirements": ["CIS AWS Foundations Benchmark v1.4.0/2.1.5"],
        "path": "doc_source/s3-controls.md",
        "line": 5,
    }
    # "**Severity: ** Low" and a rule link without ".html" are read as the guide means them.
    assert (controls["S3.2"]["severity"], controls["S3.2"]["config_rules"]) == ("Low", ["beta-rule"])
    assert controls["S3.5"]["config_rules"] == ["beta-rule-old-name"]
    assert controls["S3.5"]["config_rule_note"] == "(Custom rule developed by Security Hub)"


def test_security_hub_oscal_keeps_both_sides_of_a_disagreement(imported):
    controls = {c["id"]: c for c in load(imported, "security-hub-oscal")["controls"]}
    assert list(controls) == ["S3.1", "S3.2", "S3.5"]  # S3.9 (other-rule) dropped; S3.2 kept: the guide ties it to beta-rule
    assert controls["S3.2"] == {"id": "S3.2", "title": "Beta should be on", "severity": "HIGH", "config_rules": ["beta-rule-renamed"]}


def test_nist_keeps_only_the_controls_the_guide_names(imported):
    data = load(imported, "nist-800-53")
    assert data["families"] == [{"id": "AC", "title": "Access Control"}, {"id": "SC", "title": "System and Communications Protection"}]
    assert data["controls"] == [
        {"id": "AC-3", "title": "Access Enforcement", "family": "AC"},
        {"id": "AC-3(7)", "title": "Role-based Access Control", "family": "AC"},
        {"id": "SC-7(3)", "title": "Access Points", "family": "SC"},
    ]


def test_guard_rule_pages_and_scopes(imported):
    assert load(imported, "guard-registry")["mappings"] == [
        {"rule": "alpha-rule", "guard_file": "rules/aws/s3/alpha_rule.guard", "items": ["M-1.1", "M-3.2"]},
        {"rule": "beta-rule", "guard_file": "rules/aws/s3/beta_rule.guard", "items": ["M-2.3"]},
    ]
    pages = load(imported, "config-rule-pages")["rules"]
    assert [p["id"] for p in pages] == ["alpha-rule", "beta-rule"]  # gamma-check is a process check: no page
    assert pages[0]["description"] == "Checks alpha. The rule is NON_COMPLIANT when alpha is off.\n\nThe rule is COMPLIANT when:\n+ alpha is on"
    assert pages[0]["parameters"] == [{"name": "maxDays", "description": "Maximum number of days.\nThis rule does not support 0."}]
    assert load(imported, "conformance-packs")["scopes"] == [{"identifier": "ALPHA_RULE", "resource_types": ["AWS::S3::Bucket"]}]


def test_importing_twice_changes_nothing(imported):
    before = tree_hash(imported)
    for name in ORDER:
        assert run(name, imported).written == []
    assert tree_hash(imported) == before


def test_a_one_file_source_can_be_given_as_the_file(imported, tmp_path):
    before = tree_hash(imported)
    single = CHECKOUTS / "guard-registry" / "mappings" / "rule_set_wa-Security-Pillar.json"
    report = run("guard-registry", imported, single)
    assert report.written == [paths.SOURCE_SNAPSHOTS["guard-registry"][0]]  # no licence file beside it: the pins differ
    assert load(imported, "guard-registry")["mappings"][0]["rule"] == "alpha-rule"
    assert "license_files" not in load(imported, "guard-registry")["source"]
    assert tree_hash(imported) != before


def test_a_source_in_the_wrong_shape_writes_nothing(imported, tmp_path):
    broken = tmp_path / "guard"
    shutil.copytree(CHECKOUTS / "guard-registry", broken)
    (broken / "mappings" / "rule_set_wa-Security-Pillar.json").write_text(json.dumps({"owner": "AWS"}), encoding="utf-8")
    before = tree_hash(imported)
    with pytest.raises(SourceInputError) as err:
        run("guard-registry", imported, broken)
    assert "not in the expected shape" in str(err.value)
    assert tree_hash(imported) == before


def test_a_snapshot_that_would_not_validate_writes_nothing(imported, tmp_path):
    broken = tmp_path / "guide"
    shutil.copytree(CHECKOUTS / "security-hub-guide", broken)
    md = broken / "doc_source" / "s3-controls.md"
    md.write_text(md.read_text(encoding="utf-8").replace("NIST\\.800\\-53\\.r5 AC\\-3,", "NIST\\.800\\-53\\.r5 ZZ\\-99,"), encoding="utf-8")
    before = tree_hash(imported)
    with pytest.raises(ImportRejected) as err:
        run("security-hub-guide", imported, broken)
    assert [d.path for d in err.value.diagnostics] == ["$.controls[0].nist_800_53_r5[0]"]
    assert "'ZZ-99' is not in the NIST snapshot" in err.value.diagnostics[0].message
    assert tree_hash(imported) == before


def test_a_missing_checkout_file_is_named(cat, tmp_path):
    empty = tmp_path / "pages"
    (empty / "doc_source").mkdir(parents=True)
    before = tree_hash(cat)
    with pytest.raises(SourceInputError) as err:
        run("config-rule-pages", cat, empty)
    assert sorted(Path(w).name for w, _ in err.value.problems) == ["alpha-rule.md", "beta-rule.md"]
    assert tree_hash(cat) == before


def test_drift_is_written_and_reported(cat, tmp_path, capsys):
    """A faithful snapshot that shows a rule file cut short is written; the rule file's error is reported (exit 1)."""
    rule = cat / "rules" / "alpha-rule.yaml"
    rule.write_text(rule.read_text(encoding="utf-8").replace("This rule does not support 0.", "").replace("'Maximum number of days.\n\n      '", "Maximum number of days."), encoding="utf-8")
    code = main(["import-source", "config-rule-pages", str(CHECKOUTS / "config-rule-pages"), "--commit", PAGES_COMMIT, "--commit-date", DATE, "--catalog", str(cat)])
    err = capsys.readouterr().err
    assert code == 1
    assert (cat / "sources" / "config-rule-pages.yaml").is_file()
    assert "alpha-rule.yaml:" in err and "$.parameters[0].description: differs from the page's full text" in err


def test_cli_rejects_a_short_commit(cat, capsys):
    code = main(["import-source", "guard-registry", str(CHECKOUTS / "guard-registry"), "--commit", "7f7340c", "--commit-date", DATE, "--catalog", str(cat)])
    assert code == 2
    assert "40 lower-case hex digits" in capsys.readouterr().err


def test_cli_reports_what_it_wrote(cat, capsys):
    args = ["import-source", "guard-registry", str(CHECKOUTS / "guard-registry"), "--commit", OTHER_COMMIT, "--commit-date", DATE, "--catalog", str(cat)]
    assert main(args) == 0
    assert capsys.readouterr().out == f"crosswalks/guard-wa-security-pillar.yaml: 2 entries from aws-cloudformation/aws-guard-rules-registry at {OTHER_COMMIT[:12]} (written)\n"
    assert main(args) == 0
    assert capsys.readouterr().out.endswith("(unchanged)\n")


def test_a_page_in_another_shape_is_named_with_its_line(cat, tmp_path, capsys):
    pages = tmp_path / "pages"
    shutil.copytree(CHECKOUTS / "config-rule-pages", pages)
    (pages / "doc_source" / "beta-rule.md").write_text("beta-rule without a title\n", encoding="utf-8")
    before = tree_hash(cat)
    code = main(["import-source", "config-rule-pages", str(pages), "--commit", PAGES_COMMIT, "--commit-date", DATE, "--catalog", str(cat)])
    assert code == 1
    assert capsys.readouterr().err == "doc_source/beta-rule.md:1: expected the page title ('# rule-name') on the first line\nconformap: nothing was written\n"
    assert tree_hash(cat) == before
