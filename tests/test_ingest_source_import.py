"""`conformap import-source`: each importer on a small fixture checkout (tests/fixtures/sources/checkouts/),
never the real repositories. Expected values are written by hand from the fixture files; the importers must
be idempotent and all-or-nothing (the catalogue's bytes are unchanged after a failing import).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest
import yaml

from conformap import paths
from conformap.load.loader import validate
from conformap.ingest.page_import import ImportFailure, ImportRejected
from conformap.ingest import source_import
from conformap.ingest.source_import import SourceRemovalsRefused, import_source
from conformap.ingest.staging import CatalogPathError
from conformap.ingest.source_specs import SourceInputError
from conformap.parse import reading
from conformap.cli import main

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "sources"
CHECKOUTS = FIXTURES / "checkouts"
PAGES_COMMIT = "a" * 40  # the commit the fixture rules cite for their pages
PACKS_COMMIT = "b" * 40  # ... and for the pack scopes
OTHER_COMMIT = "c" * 40
DATE = "2024-01-02"
COMMITS = {"config-rule-pages": PAGES_COMMIT, "conformance-packs": PACKS_COMMIT}
ORDER = ["config-rule-pages", "conformance-packs", "security-hub-guide", "security-hub-oscal", "security-hub-guide", "nist-800-53", "guard-registry", "wa-template", "wa-best-practices"]


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


@pytest.mark.scenario
def test_every_importer_writes_a_valid_snapshot(imported):
    catalog, diags = validate(imported)
    assert [d.format() for d in diags] == []
    assert catalog is not None
    for name, (rel, _) in paths.SOURCE_SNAPSHOTS.items():
        assert (imported / rel).read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=")


@pytest.mark.scenario
def test_wa_template_snapshot_keeps_every_rule_as_the_template_states_it(imported):
    """Expected values written by hand from the fixture template (issue 19: the packs follow AWS's template)."""
    data = load(imported, "wa-template")
    assert data["source"]["repo"] == "awslabs/aws-config-rules" and data["source"]["license"].startswith("CC0")
    assert data["rules"] == [
        {
            "config_rule_name": "alpha-rule",
            "logical_id": "AlphaRule",
            "identifier": "ALPHA_RULE",
            "input_parameters": [
                {"name": "maxDays", "parameter": "AlphaRuleParamMaxDays", "default": "90"},
                {"name": "fixed", "value": "yes"},
            ],
        },
        {"config_rule_name": "alpha-rule-2", "logical_id": "AlphaRuleCopy", "identifier": "ALPHA_RULE", "scope": ["AWS::S3::Bucket"]},
    ]


@pytest.mark.scenario
def test_wa_best_practices_snapshot_keeps_the_pillars_questions(imported):
    """Expected values written by hand from the fixture manifest (issue 19: every best practice, not three)."""
    data = load(imported, "wa-best-practices")
    assert data["source"]["repo"] == "aws-samples/sample-well-architected-skills-and-steering"
    assert data["questions"] == [
        {"id": "SEC01", "question": "How do you securely operate your workload?", "best_practices": [
            {"id": "SEC01-BP01", "title": "Separate workloads using accounts"},
            {"id": "SEC01-BP02", "title": "Secure account root user and properties"},
        ]},
        {"id": "SEC02", "question": "How do you manage identities for people and machines?", "best_practices": [
            {"id": "SEC02-BP01", "title": "Use strong sign-in mechanisms"},
        ]},
    ]  # fmt: skip
    assert (imported / paths.license_copy("wa-best-practices", "NOTICE")).read_text(encoding="utf-8") == "Fixture notice\n"


def test_a_manifest_that_miscounts_is_refused(cat, tmp_path):
    import shutil as sh

    checkout = tmp_path / "manifest"
    sh.copytree(CHECKOUTS / "wa-best-practices", checkout)
    f = checkout / "skills/aws-well-architected-framework-review/references/manifest.md"
    f.write_text(f.read_text(encoding="utf-8").replace("(2 BPs)", "(3 BPs)"), encoding="utf-8")
    before = tree_hash(cat)
    with pytest.raises(SourceInputError) as exc:
        run("wa-best-practices", cat, checkout)
    assert "SEC01 says 3 best practices and lists 2" in str(exc.value)
    assert tree_hash(cat) == before


@pytest.mark.scenario
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


@pytest.mark.scenario
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


@pytest.mark.scenario
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


@pytest.mark.scenario
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


@pytest.mark.scenario
def test_importing_twice_changes_nothing(imported):
    before = tree_hash(imported)
    for name in ORDER:
        assert run(name, imported).written == []
    assert tree_hash(imported) == before


@pytest.mark.scenario
def test_a_one_file_source_can_be_given_as_the_file(imported, tmp_path):
    before = tree_hash(imported)
    single = CHECKOUTS / "guard-registry" / "mappings" / "rule_set_wa-Security-Pillar.json"
    report = run("guard-registry", imported, single)
    assert report.written == [paths.SOURCE_SNAPSHOTS["guard-registry"][0]]  # no licence file beside it: the pins differ
    assert load(imported, "guard-registry")["mappings"][0]["rule"] == "alpha-rule"
    assert "license_files" not in load(imported, "guard-registry")["source"]
    assert tree_hash(imported) != before


@pytest.mark.scenario
def test_a_source_in_the_wrong_shape_writes_nothing(imported, tmp_path):
    broken = tmp_path / "guard"
    shutil.copytree(CHECKOUTS / "guard-registry", broken)
    (broken / "mappings" / "rule_set_wa-Security-Pillar.json").write_text(json.dumps({"owner": "AWS"}), encoding="utf-8")
    before = tree_hash(imported)
    with pytest.raises(SourceInputError) as err:
        run("guard-registry", imported, broken)
    assert str(err.value) == "mappings/rule_set_wa-Security-Pillar.json: $: 'mappings' is a required property"
    assert tree_hash(imported) == before


@pytest.mark.scenario
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


# --- hostile input (issue 22, class 1): the guarantees import-aws-page has. The trial run never follows a link in
# the catalogue; links in the checkout are refused, not followed; a source giving fewer entries than the snapshot
# holds is refused unless --allow-removals N covers them; an import whose result does not validate writes nothing;
# fields of the wrong type are named by file and JSON path; --commit-date is a real date; size, heading-count and
# nesting limits hold before a file is parsed. Every failing case leaves the catalogue's bytes as they were.

GUARD_FILE = "mappings/rule_set_wa-Security-Pillar.json"
NIST_FILE = "nist.gov/SP800-53/rev5/json/NIST_SP-800-53_rev5_catalog.json"


def checkout(tmp_path: Path, name: str) -> Path:
    out = tmp_path / f"checkout-{name}"
    shutil.copytree(CHECKOUTS / name, out)
    return out


def cli(*args: str) -> int:
    return main(["import-source", *args])


def test_a_linked_crosswalks_folder_is_refused_and_nothing_outside_is_written(cat, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (cat / "crosswalks").symlink_to(outside, target_is_directory=True)
    before = tree_hash(cat)
    with pytest.raises(ImportFailure) as err:
        run("guard-registry", cat)
    assert [(Path(d.file).name, d.message) for d in err.value.diagnostics] == [("crosswalks", "symlinks are not allowed")]
    assert list(outside.iterdir()) == []  # the trial run did not write through the link
    assert tree_hash(cat) == before


@pytest.mark.parametrize("link", [GUARD_FILE, "mappings", "LICENSE"])
def test_a_link_in_the_checkout_is_refused_not_followed(cat, tmp_path, link):
    source = checkout(tmp_path, "guard-registry")
    secret = tmp_path / "secret"
    shutil.move(source / link, secret)
    (source / link).symlink_to(secret)
    before = tree_hash(cat)
    with pytest.raises(SourceInputError) as err:
        run("guard-registry", cat, source)
    assert err.value.problems == [(str(source / link), "is a symbolic link; links in a checkout are not followed")]
    assert tree_hash(cat) == before


def test_a_linked_page_folder_is_refused(cat, tmp_path):
    source = checkout(tmp_path, "config-rule-pages")
    shutil.move(source / "doc_source", tmp_path / "pages-elsewhere")
    (source / "doc_source").symlink_to(tmp_path / "pages-elsewhere", target_is_directory=True)
    with pytest.raises(SourceInputError) as err:
        run("config-rule-pages", cat, source)
    assert err.value.problems == [(str(source / "doc_source"), "is a symbolic link; links in a checkout are not followed")]


def test_read_file_refuses_a_link_anywhere_on_the_way(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "f.md").write_text("x", encoding="utf-8")
    (tmp_path / "via").symlink_to(tmp_path / "real", target_is_directory=True)
    with pytest.raises(reading.SourceFormatError, match="its folder via is a symbolic link"):
        reading.read_file(tmp_path, "via/f.md")
    os.mkfifo(tmp_path / "fifo")
    with pytest.raises(reading.SourceFormatError, match="not a regular file"):
        reading.read_file(tmp_path, "fifo")  # refused before it is opened: opening a FIFO would block


def _guide_without(tmp_path: Path, edit) -> Path:
    source = checkout(tmp_path, "security-hub-guide")
    md = source / "doc_source" / "s3-controls.md"
    md.write_text(edit(md.read_text(encoding="utf-8")), encoding="utf-8")
    return source


@pytest.mark.scenario
def test_a_source_that_drops_a_control_is_refused_unless_allowed(cat, tmp_path):
    run("config-rule-pages", cat)
    run("security-hub-guide", cat)
    source = _guide_without(tmp_path, lambda t: t[: t.index("## \\[S3\\.2\\]")] + t[t.index("## \\[S3\\.5\\]") :])
    before = tree_hash(cat)
    with pytest.raises(SourceRemovalsRefused) as err:
        run("security-hub-guide", cat, source)
    assert err.value.removed == ["controls S3.2"]
    assert tree_hash(cat) == before
    import_source("security-hub-guide", source, OTHER_COMMIT, DATE, cat, allow_removals=1)
    assert tree_hash(cat) != before


def test_headings_in_another_form_are_not_read_as_no_controls(cat, tmp_path, capsys):
    run("security-hub-guide", cat)
    source = _guide_without(tmp_path, lambda t: t.replace("## \\[", "### \\["))
    before = tree_hash(cat)
    code = cli("security-hub-guide", str(source), "--commit", OTHER_COMMIT, "--commit-date", DATE, "--catalog", str(cat))
    err = capsys.readouterr().err
    assert code == 1
    assert "  controls S3.1\n  controls S3.2\n" in err
    assert "import again with --allow-removals 2" in err.splitlines()[-1]
    assert tree_hash(cat) == before


@pytest.mark.scenario
def test_an_import_that_breaks_another_snapshot_writes_nothing(cat, tmp_path):
    """The guide keeps S3.5 (it names no catalogue rule) because the OSCAL snapshot ties it to beta-rule: an OSCAL
    catalog without S3.5 would leave the guide's entry unexplained, an error in another file than the one written."""
    for name in ("security-hub-oscal", "security-hub-guide"):
        run(name, cat)
    source = checkout(tmp_path, "security-hub-oscal")
    f = source / "catalogs" / "aws_security-hub.oscal.json"
    data = json.loads(f.read_text(encoding="utf-8"))
    data["catalog"]["groups"][0]["controls"] = [c for c in data["catalog"]["groups"][0]["controls"] if c["id"] != "S3.5"]
    f.write_text(json.dumps(data), encoding="utf-8")
    before = tree_hash(cat)
    with pytest.raises(ImportRejected) as err:
        import_source("security-hub-oscal", source, OTHER_COMMIT, DATE, cat, allow_removals=1)
    assert [(Path(d.file).name, d.path) for d in err.value.diagnostics] == [("security-hub-guide.yaml", "$.controls[2].config_rules")]
    assert err.value.lines == ["conformap: the snapshot would add the 1 error(s) above; nothing was written"]
    assert tree_hash(cat) == before


@pytest.mark.parametrize(
    ("name", "rel", "edit", "expected"),
    [
        ("guard-registry", GUARD_FILE, lambda d: d["mappings"][0].update(guardFilePath=5), "$.mappings[0].guardFilePath: 5 is not of type 'string'"),
        ("guard-registry", GUARD_FILE, lambda d: d.pop("mappings"), "$: 'mappings' is a required property"),
        ("nist-800-53", NIST_FILE, lambda d: d["catalog"]["groups"][1].update(id=7), "$.catalog.groups[1].id: 7 is not of type 'string'"),
        (
            "security-hub-oscal",
            "catalogs/aws_security-hub.oscal.json",
            lambda d: d["catalog"]["groups"][0]["controls"][1]["parts"][1]["props"][0].update(value=["x"]),
            "$.catalog.groups[0].controls[1].parts[1].props[0].value: ['x'] is not of type 'string'",
        ),
    ],
)
def test_a_field_of_the_wrong_type_is_named_by_file_and_json_path(cat, tmp_path, capsys, name, rel, edit, expected):
    if name == "nist-800-53":
        run("config-rule-pages", cat)
        run("security-hub-guide", cat)
    source = checkout(tmp_path, name)
    data = json.loads((source / rel).read_text(encoding="utf-8"))
    edit(data)
    (source / rel).write_text(json.dumps(data), encoding="utf-8")
    before = tree_hash(cat)
    code = cli(name, str(source), "--commit", OTHER_COMMIT, "--commit-date", DATE, "--catalog", str(cat))
    assert code == 1
    assert capsys.readouterr().err == f"{rel}: {expected}\nconformap: nothing was written\n"
    assert tree_hash(cat) == before


@pytest.mark.parametrize("date", ["2024-02-30", "2023-13-01", "0000-01-01", "2024-1-02"])
def test_the_commit_date_must_be_a_real_date(cat, capsys, date):
    before = tree_hash(cat)
    code = cli("guard-registry", str(CHECKOUTS / "guard-registry"), "--commit", OTHER_COMMIT, "--commit-date", date, "--catalog", str(cat))
    assert code == 2
    assert "--commit-date a date, YYYY-MM-DD" in capsys.readouterr().err
    assert tree_hash(cat) == before


def test_a_file_over_the_size_limit_is_not_read_further(cat, tmp_path, monkeypatch):
    source = checkout(tmp_path, "guard-registry")
    with open(source / GUARD_FILE, "r+b") as fh:
        fh.truncate(reading.MAX_FILE_BYTES + 1)  # sparse: no disk, and the reader stops at the limit
    reads: list[int] = []
    real_read = reading.read_limited

    def counting(fh, limit):
        out = real_read(fh, limit)
        reads.append(fh.tell())
        return out

    monkeypatch.setattr(reading, "read_limited", counting)
    with pytest.raises(SourceInputError) as err:
        run("guard-registry", cat, source)
    assert err.value.problems[0][1] == f"the file is longer than {reading.MAX_FILE_BYTES} bytes (the limit for a source file); it was not read further"
    assert reads and reads[0] <= reading.MAX_FILE_BYTES + 64 * 1024


def test_json_nested_beyond_the_limit_is_refused_before_it_is_parsed(cat, tmp_path):
    source = checkout(tmp_path, "guard-registry")
    (source / GUARD_FILE).write_text('{"mappings": ' + "[" * 200_000 + "]" * 200_000 + "}", encoding="utf-8")
    with pytest.raises(SourceInputError) as err:
        run("guard-registry", cat, source)
    assert err.value.problems == [(f"{GUARD_FILE}:1", f"nesting is deeper than {reading.MAX_DEPTH} levels (the limit for a source file)")]


@pytest.mark.scenario
def test_a_template_nested_beyond_the_limit_is_refused(cat, tmp_path):
    source = checkout(tmp_path, "conformance-packs")
    (source / "aws-config-conformance-packs" / "Deep.yaml").write_text("a: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    with pytest.raises(SourceInputError) as err:
        run("conformance-packs", cat, source)
    assert err.value.problems == [("aws-config-conformance-packs/Deep.yaml:1", f"nesting is deeper than {reading.MAX_DEPTH} levels (the limit for a source file)")]


def test_a_page_with_too_many_headings_is_refused(cat, tmp_path):
    source = _guide_without(tmp_path, lambda t: t + "## x\n" * (reading.MAX_HEADINGS + 1))
    with pytest.raises(SourceInputError) as err:
        run("security-hub-guide", cat, source)
    (where, message), = err.value.problems
    assert where.startswith("doc_source/s3-controls.md:") and message == f"more than {reading.MAX_HEADINGS} headings (the limit for a page)"


# --- the importer's own refusals and reading, word for word (what mutation testing of ingest/source_import.py
# found unchecked): each case fails before any source is built, so each costs a few milliseconds.


def _refused(name: str, source: Path, root: Path | None) -> list[tuple[str, str]]:
    with pytest.raises(SourceInputError) as err:
        import_source(name, source, OTHER_COMMIT, DATE, root)
    return err.value.problems


def test_a_set_of_files_given_as_one_file_is_refused(cat, tmp_path):
    f = tmp_path / "s3-controls.md"
    f.write_text("# S3\n", encoding="utf-8")
    assert _refused("security-hub-guide", f, cat) == [(str(f), "this source is a set of files: give the checkout folder")]


def test_a_source_path_that_does_not_exist_is_refused(cat, tmp_path, monkeypatch):
    nowhere = tmp_path / "nowhere"
    expected = [(str(nowhere), "not found: give a checkout of aws-cloudformation/aws-guard-rules-registry")]
    assert _refused("guard-registry", nowhere, cat) == expected
    # without --catalog: the default catalogue (here a copy, so that the test never touches the clone's own)
    monkeypatch.setattr(paths, "DEFAULT_CATALOG", cat)
    (cat / "framework.yaml").unlink()
    with pytest.raises(CatalogPathError) as err:
        import_source("guard-registry", nowhere, OTHER_COMMIT, DATE, None)
    assert err.value.path == cat


def test_a_checkout_without_the_source_files_is_refused(cat, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert _refused("security-hub-guide", empty, cat) == [(str(empty), "no source files found: is this a checkout of awsdocs/aws-security-hub-user-guide?")]


def test_a_one_file_source_given_as_a_link_is_refused(cat, tmp_path):
    link = tmp_path / "guard.json"
    link.symlink_to(CHECKOUTS / "guard-registry" / GUARD_FILE)
    assert _refused("guard-registry", link, cat) == [(str(link), "guard.json is a symbolic link; links in a checkout are not followed")]


def test_files_missing_or_unreadable_in_the_checkout_are_named(cat, tmp_path):
    source = checkout(tmp_path, "guard-registry")
    (source / GUARD_FILE).unlink()
    assert _refused("guard-registry", source, cat) == [(str(source / GUARD_FILE), "missing from the checkout")]
    shutil.rmtree(source / "mappings")
    (source / "mappings").write_text("a file where the folder was\n", encoding="utf-8")
    assert _refused("guard-registry", source, cat) == [(str(source / GUARD_FILE), "cannot read: Not a directory")]


def test_a_licence_file_that_is_not_a_file_is_named(cat, tmp_path):
    source = checkout(tmp_path, "guard-registry")
    (source / "LICENSE").unlink()
    (source / "LICENSE").mkdir()
    assert _refused("guard-registry", source, cat) == [(str(source / "LICENSE"), "not a regular file")]


def test_a_folder_that_is_not_a_catalogue_is_refused(tmp_path):
    expected = "not a catalogue (no framework.yaml and rules/): import the AWS page first"
    for folder, files in (("none", ()), ("framework-only", ("framework.yaml",))):
        root = tmp_path / folder
        root.mkdir()
        for f in files:
            (root / f).write_text("id: x\n", encoding="utf-8")
        with pytest.raises(CatalogPathError) as err:
            import_source("guard-registry", CHECKOUTS / "guard-registry", OTHER_COMMIT, DATE, root)
        assert (err.value.path, err.value.problem) == (root, expected)


def test_a_rule_file_that_does_not_read_counts_as_a_rule_without_identifier(cat):
    (cat / "rules" / "broken-rule.yaml").write_text("id: [\n", encoding="utf-8")
    # the broken file is the catalogue's own error, not one the import adds: the import goes on, without a crash
    assert run("guard-registry", cat).written == ["crosswalks/guard-wa-security-pillar.yaml", "sources/licenses/guard-registry/LICENSE"]
    assert source_import._read_catalogue(cat).identifiers["broken-rule"] is None


def test_the_report_names_the_source(cat):
    report = run("guard-registry", cat)
    assert (report.name, report.relpath, report.items) == ("guard-registry", "crosswalks/guard-wa-security-pillar.yaml", 2)


def test_a_removal_refused_names_the_snapshot_and_the_allowance(cat, tmp_path):
    run("guard-registry", cat)
    source = checkout(tmp_path, "guard-registry")
    data = json.loads((source / GUARD_FILE).read_text(encoding="utf-8"))
    data["mappings"] = [m for m in data["mappings"] if "alpha_rule" not in m["guardFilePath"]]
    (source / GUARD_FILE).write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(SourceRemovalsRefused) as err:
        run("guard-registry", cat, source)
    rel = "crosswalks/guard-wa-security-pillar.yaml"
    assert (err.value.relpath, err.value.removed, err.value.allowed) == (rel, ["mappings rules/aws/s3/alpha_rule.guard"], 0)
    assert str(err.value) == f"{rel}: the import would remove 1 entries (0 allowed)"


def test_the_entries_of_a_snapshot_are_named_by_their_key_field():
    lists = {"controls": [], "mappings": [], "scopes": [], "rules": []}
    data = {
        "controls": [{"id": "S3.1", "title": "t"}, "not an entry", {"title": "no name"}],
        "mappings": [{"guard_file": "rules/a.guard", "rule": "a"}],
        "scopes": [{"identifier": "S3_X"}],
        "rules": [{"rule": "r", "id": 5}],
    }
    assert source_import._keys(data, lists) == ["controls S3.1", "mappings rules/a.guard", "scopes S3_X", "rules r"]
    assert source_import._keys(None, lists) == [] and source_import._keys({"controls": 5}, lists) == []


def test_the_listing_skips_git_and_names_links_without_following_them(tmp_path):
    (tmp_path / ".git" / "objects").mkdir(parents=True)
    (tmp_path / ".git" / "HEAD").write_text("ref\n", encoding="utf-8")
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "f.md").write_text("x\n", encoding="utf-8")
    (tmp_path / "linked").symlink_to(tmp_path / "d")
    assert source_import._listing(tmp_path) == (["d/f.md"], ["linked"])


def test_a_template_in_another_shape_is_named_with_what_went_wrong(cat, tmp_path):
    source = checkout(tmp_path, "wa-template")
    (source / paths.WA_TEMPLATE_PATH).write_text("Resources:\n  R:\n    Type: AWS::Config::ConfigRule\n    Properties: [1, 2]\n", encoding="utf-8")
    assert _refused("wa-template", source, cat) == [(str(source), "not in the expected shape (AttributeError: 'list' object has no attribute 'get')")]
