"""The importer on the mini catalogue: small, exact scenarios whose results are written out by hand.

tests/test_import_aws_page.py checks the importer on the real page (slow); these run in a fraction of a second
each, so they are also what `make mutate` runs against the importer (mutation.toml).
The mini page (tests/fixtures/mini/sources/aws-page.txt) has 4 rows:
    1 M-1 desc -> alpha-rule   2 M-2 BP01 -> alpha-rule   3 M-2 BP02 -> beta-rule   4 M-2 BP02 -> gamma-check
"""

from __future__ import annotations

import errno
import hashlib
import shutil
from pathlib import Path

import pytest
import yaml

from conformap.cli import main
from conformap.ingest import page_import as importer
from conformap.ingest.page_import import ImportFailure, ImportRejected, ImportReport, PageReadError, RemovalsRefused, import_page

from conformap.ingest.staging import CatalogPathError
from conformap.diagnostics import Diagnostic

MINI = Path(__file__).resolve().parent / "fixtures" / "mini"
PAGE = (MINI / "sources" / "aws-page.txt").read_text(encoding="utf-8")
ROW_2 = "M-2 How do you do the second thing? Best practice one of the second thing.\n\nalpha-rule\n\nAlpha guidance, with the rule’s apostrophe.\n"


@pytest.fixture(scope="module")
def canonical(tmp_path_factory) -> Path:
    """The mini catalogue after one import of its own page (which puts its files in canonical layout)."""
    folder = tmp_path_factory.mktemp("canonical") / "catalog"
    shutil.copytree(MINI, folder)
    import_page(MINI / "sources" / "aws-page.txt", folder)
    return folder


@pytest.fixture
def root(canonical, tmp_path, monkeypatch) -> Path:
    """A copy of the canonical mini catalogue, as ``catalog`` in the working directory (messages name ``catalog/...``)."""
    shutil.copytree(canonical, tmp_path / "catalog")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "catalog"


def page(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "page.txt"
    path.write_text(text, encoding="utf-8")
    return path


def data(root: Path, rel: str) -> dict:
    return yaml.safe_load((root / rel).read_text(encoding="utf-8"))


def mappings(root: Path, rule: str) -> list[tuple]:
    return [(m["control"], m["statement"], m.get("source_rows")) for m in data(root, f"rules/{rule}.yaml")["mappings"]]


def test_the_same_page_changes_nothing(root, tmp_path):
    report = import_page(page(tmp_path, PAGE), root)
    assert (report.form, report.rows, report.written, report.mappings_added, report.mappings_removed) == ("text", 4, [], [], [])


def test_a_reworded_description_keeps_its_statement_id(root, tmp_path):
    report = import_page(page(tmp_path, PAGE.replace("The first thing’s description.", "The first thing, described anew.")), root)
    assert sorted(report.written) == ["controls/M-1.yaml", "framework.yaml", "sources/aws-page.txt"]
    assert data(root, "controls/M-1.yaml")["statements"] == [
        {"id": "M-1.desc", "kind": "question-description", "text": "The first thing, described anew."}
    ]
    assert "M-1: statement M-1.desc text changed" in report.notes
    assert mappings(root, "alpha-rule") == [("M-1", "M-1.desc", [1]), ("M-2", "M-2.BP01", [2])]


def test_a_new_best_practice_gets_the_next_free_number(root, tmp_path):
    extra = "M-2 How do you do the second thing? Best practice three of the second thing.\n\nbeta-rule\n\nBeta guidance.\n"
    report = import_page(page(tmp_path, PAGE.replace("\nTemplate", extra + "\nTemplate")), root)
    statements = data(root, "controls/M-2.yaml")["statements"]
    # BP01 and BP02 keep their ids and places; the new text is the control's third: S3, appended.
    assert [s["id"] for s in statements] == ["M-2.BP01", "M-2.BP02", "M-2.S3"]
    assert statements[2] == {"id": "M-2.S3", "kind": "best-practice", "text": "Best practice three of the second thing."}
    assert mappings(root, "beta-rule") == [("M-2", "M-2.BP02", [3]), ("M-2", "M-2.S3", [5])]
    assert "M-2: new statement M-2.S3" in report.notes
    assert report.rows == 5


def test_a_dropped_row_renumbers_the_rows_after_it(root, tmp_path):
    report = import_page(page(tmp_path, PAGE.replace(ROW_2, "")), root, allow_removals=1)
    assert mappings(root, "alpha-rule") == [("M-1", "M-1.desc", [1])]
    assert mappings(root, "beta-rule") == [("M-2", "M-2.BP02", [2])]
    assert mappings(root, "gamma-check") == [("M-2", "M-2.BP02", [3])]
    assert data(root, "errata.yaml")["errata"][0]["source_rows"] == [2, 3]  # E1 followed its rows 3 and 4
    assert data(root, "framework.yaml")["source"]["rows"] == 3
    assert report.rows_before == 4 and report.rows == 3
    # A control's statements are the ones the page prints: BP01 went with its only row.
    assert [s["id"] for s in data(root, "controls/M-2.yaml")["statements"]] == ["M-2.BP02"]


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_a_dropped_row_report_separates_the_change_from_the_renumbering(root, tmp_path):
    report = import_page(page(tmp_path, PAGE.replace(ROW_2, "")), root, allow_removals=1)
    assert report.written == [
        "sources/aws-page.txt", "framework.yaml", "controls/M-2.yaml",
        "rules/alpha-rule.yaml", "rules/beta-rule.yaml", "rules/gamma-check.yaml", "errata.yaml",
    ]
    assert report.renumbered == ["rules/beta-rule.yaml", "rules/gamma-check.yaml", "errata.yaml"]
    assert report.other_changes == ["sources/aws-page.txt", "framework.yaml", "controls/M-2.yaml", "rules/alpha-rule.yaml"]
    assert report.mappings_removed == ["alpha-rule → M-2 / M-2.BP01 (source rows 2)"]
    assert (report.mappings_added, report.mappings_changed) == ([], [])
    assert report.diagnostics == [] and report.first_import is False


def test_more_removals_than_allowed_write_nothing(root, tmp_path):
    before = snapshot(root)
    with pytest.raises(RemovalsRefused) as caught:
        import_page(page(tmp_path, PAGE.replace(ROW_2, "")), root)
    assert str(caught.value) == "the import would remove 1 mapping(s); 0 allowed"
    assert caught.value.allowed == 0
    assert caught.value.report.mappings_removed == ["alpha-rule → M-2 / M-2.BP01 (source rows 2)"]
    assert snapshot(root) == before


def test_a_moved_mapping_is_a_change_not_a_renumbering(root, tmp_path):
    """beta-rule's row now states M-2's first best practice: a change of its statement, listed as removed and added."""
    moved = PAGE.replace(
        "Best practice two of the second thing.\n\nbeta-rule", "Best practice one of the second thing.\n\nbeta-rule"
    )
    report = import_page(page(tmp_path, moved), root, allow_removals=1)
    assert report.mappings_added == ["beta-rule → M-2 / M-2.BP01 (source rows 3)"]
    assert report.mappings_removed == ["beta-rule → M-2 / M-2.BP02 (source rows 3)"]
    assert report.renumbered == []
    assert "rules/beta-rule.yaml" in report.other_changes


def test_a_report_without_changes_lists_no_mappings():
    report = ImportReport()
    assert (report.mappings_added, report.mappings_removed, report.mappings_changed, report.other_changes) == ([], [], [], [])


def test_a_page_that_cannot_be_read_is_named(root, tmp_path):
    before = snapshot(root)
    missing = tmp_path / "missing.txt"
    with pytest.raises(PageReadError) as caught:
        import_page(missing, root)
    assert (caught.value.page, caught.value.reason) == (missing, "No such file or directory")
    assert [str(x) for x in caught.value.args] == [f"{missing}: cannot read: No such file or directory"]
    assert str(caught.value) == f"{missing}: cannot read: No such file or directory"
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * (4 * 1024 * 1024 + 1))
    with pytest.raises(PageReadError) as caught:
        import_page(big, root)
    assert caught.value.page == big
    assert caught.value.reason == "the page is longer than 4194304 bytes (the limit for a page); it was not read further"
    assert snapshot(root) == before


def test_a_rule_file_that_is_not_a_mapping_stops_the_import(root, tmp_path):
    (root / "rules" / "beta-rule.yaml").write_text("- just\n- a list\n", encoding="utf-8")
    (root / "controls" / "notes.txt").write_text("x\n", encoding="utf-8")
    (root / "controls" / "zz.txt").write_text("x\n", encoding="utf-8")
    before = snapshot(root)
    with pytest.raises(ImportFailure) as caught:
        import_page(page(tmp_path, PAGE), root)
    assert caught.value.diagnostics == [
        Diagnostic("catalog/controls/notes.txt", 0, 0, "$", "unexpected file; catalogue files end in .yaml (rename to 'notes.yaml')"),
        Diagnostic("catalog/controls/zz.txt", 0, 0, "$", "unexpected file; catalogue files end in .yaml (rename to 'zz.yaml')"),
    ]
    assert str(caught.value).split("\n") == [
        "catalog/controls/notes.txt: $: unexpected file; catalogue files end in .yaml (rename to 'notes.yaml')",
        "catalog/controls/zz.txt: $: unexpected file; catalogue files end in .yaml (rename to 'zz.yaml')",
    ]
    (root / "controls" / "notes.txt").unlink()
    (root / "controls" / "zz.txt").unlink()
    with pytest.raises(ImportFailure) as caught:
        import_page(page(tmp_path, PAGE), root)
    assert caught.value.diagnostics == [Diagnostic("catalog/rules/beta-rule.yaml", 1, 1, "$", "the file must hold a YAML mapping, not a list")]
    assert snapshot(root) == {k: v for k, v in before.items() if k not in ("controls/notes.txt", "controls/zz.txt")}


def test_every_unreadable_rule_file_is_reported_at_once(root, tmp_path):
    (root / "rules" / "alpha-rule.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    (root / "rules" / "beta-rule.yaml").write_text("", encoding="utf-8")
    with pytest.raises(ImportFailure) as caught:
        import_page(page(tmp_path, PAGE), root)
    assert [d.file for d in caught.value.diagnostics] == ["catalog/rules/alpha-rule.yaml", "catalog/rules/beta-rule.yaml"]
    assert str(caught.value).count("\n") == 1


@pytest.mark.scenario
def test_a_framework_file_that_is_not_a_mapping_stops_the_import(root, tmp_path):
    (root / "framework.yaml").write_text("just text\n", encoding="utf-8")
    with pytest.raises(ImportFailure) as caught:
        import_page(page(tmp_path, PAGE), root)
    assert caught.value.diagnostics == [Diagnostic("catalog/framework.yaml", 1, 1, "$", "the file must hold a YAML mapping, not a string")]
    (root / "framework.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    with pytest.raises(ImportFailure) as caught:
        import_page(page(tmp_path, PAGE), root)
    assert [d.file for d in caught.value.diagnostics] == ["catalog/framework.yaml"]


def test_a_symlink_in_the_catalogue_stops_the_import(root, tmp_path):
    (root / "rules" / "link.yaml").symlink_to(root / "rules" / "beta-rule.yaml")
    with pytest.raises(ImportFailure) as caught:
        import_page(page(tmp_path, PAGE), root)
    assert caught.value.diagnostics == [Diagnostic("catalog/rules/link.yaml", 0, 0, "$", "symlinks are not allowed")]
    # A link anywhere in the catalogue, not only among its controls and rules.
    (root / "rules" / "link.yaml").unlink()
    (root / "sources" / "aws-page.txt").unlink()
    (root / "sources" / "aws-page.txt").symlink_to(tmp_path / "page.txt")
    with pytest.raises(ImportFailure) as caught:
        import_page(page(tmp_path, PAGE), root)
    assert str(caught.value) == "catalog/sources/aws-page.txt: $: symlinks are not allowed"


def test_a_broken_errata_file_is_left_to_the_validation(root, tmp_path):
    (root / "errata.yaml").write_text("errata: 3\n", encoding="utf-8")
    report = import_page(page(tmp_path, PAGE), root)
    assert report.written == []
    assert [d.file for d in report.diagnostics] == ["catalog/errata.yaml"]
    assert (root / "errata.yaml").read_text(encoding="utf-8") == "errata: 3\n"


NEW_RULE_ROW = "M-1 How do you do the first thing? The first thing’s description.\n\ndelta-rule\n\nDelta guidance.\n"
NEW_RULE_ROWS = NEW_RULE_ROW + NEW_RULE_ROW.replace("delta", "epsilon").replace("Delta", "Epsilon")


def test_an_import_that_would_not_validate_writes_nothing(root, tmp_path):
    before = snapshot(root)
    with pytest.raises(ImportRejected) as caught:
        import_page(page(tmp_path, PAGE.replace("\nTemplate", NEW_RULE_ROWS + "\nTemplate")), root)
    assert {d.file for d in caught.value.diagnostics} == {"catalog/rules/delta-rule.yaml", "catalog/rules/epsilon-rule.yaml"}
    assert str(caught.value).split("\n") == [d.format() for d in caught.value.diagnostics]
    assert caught.value.report.mappings_added == [
        "delta-rule → M-1 / M-1.desc (source rows 5)", "epsilon-rule → M-1 / M-1.desc (source rows 6)"]
    assert "2 new rule(s): delta-rule, epsilon-rule; add their identifier, service, trigger and documentation_url" in caught.value.report.notes
    assert snapshot(root) == before


def test_a_first_import_writes_the_framework_and_reports_what_remains(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text = PAGE.replace("Mini page - AWS Config", "Mini page   -   AWS Config").replace("\ngamma-check\n", "\ngamma-check (Process Check)\n")
    report = import_page(page(tmp_path, text), tmp_path / "new")
    assert report.first_import is True and report.rows == 4
    fw = data(tmp_path / "new", "framework.yaml")
    assert fw == {
        "id": "framework", "title": "Mini page", "publisher": "Amazon Web Services",
        "source": {
            "snapshot": "sources/aws-page.txt", "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
            "form": "text", "rows": 4, "title": "Mini page", "url": "https://docs.aws.amazon.com/config/latest/developerguide/",
        },
    }
    assert (tmp_path / "new" / "sources" / "aws-page.txt").read_text(encoding="utf-8") == text
    assert data(tmp_path / "new", "errata.yaml") == {"errata": []}
    assert data(tmp_path / "new", "rules/gamma-check.yaml")["kind"] == "process-check"
    # alpha-rule and beta-rule are managed rules without their curated fields: what remains to do.
    assert {d.file for d in report.diagnostics} == {"new/rules/alpha-rule.yaml", "new/rules/beta-rule.yaml"}
    assert (tmp_path / "new" / "framework.yaml").read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=")


def test_first_import_numbers_new_statements_from_one(tmp_path, monkeypatch, capsys):
    """Bug (issue 14): a first import numbering new statements from S0 instead of S1."""
    monkeypatch.chdir(tmp_path)
    main(["import-aws-page", str(MINI / "sources" / "aws-page.txt"), "--catalog", "new"])
    capsys.readouterr()
    controls = {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in Path("new/controls").glob("*.yaml")}
    # The mini page: M-1 has one description (-> desc), M-2 two best practices (-> S1, S2 in page order).
    assert {c: [(s["id"], s["kind"]) for s in d["statements"]] for c, d in controls.items()} == {
        "M-1": [("M-1.desc", "question-description")],
        "M-2": [("M-2.S1", "best-practice"), ("M-2.S2", "best-practice")],
    }
    rules = {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in Path("new/rules").glob("*.yaml")}
    assert {r: [(m["statement"], m["source_rows"]) for m in d["mappings"]] for r, d in rules.items()} == {
        "alpha-rule": [("M-1.desc", [1]), ("M-2.S1", [2])],
        "beta-rule": [("M-2.S2", [3])],
        "gamma-check": [("M-2.S2", [4])],
    }


def test_an_update_keeps_the_framework_and_its_source_fields(root, tmp_path):
    fw = data(root, "framework.yaml")
    assert fw["id"] == "mini" and fw["source"]["title"] == "Mini page"
    text = PAGE.replace("Beta guidance.", "Beta guidance, revised.")
    report = import_page(page(tmp_path, text), root)
    assert report.rows_before == 4
    new = data(root, "framework.yaml")
    assert new == {**fw, "source": {**fw["source"], "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest()}}
    assert report.written == ["sources/aws-page.txt", "framework.yaml", "rules/beta-rule.yaml"]


def markdown(text_page: str) -> str:
    """The mini page's rows as a Markdown table (the other form of AWS's page), in the same order."""
    lines = text_page.split("Control ID Control Description AWS Config Rule Guidance\n")[1].split("\nTemplate")[0]
    cells = []
    for block in lines.strip().split("\nM-"):
        ctrl, _, rule, _, guidance = ("M-" + block if not block.startswith("M-") else block).split("\n")
        cid, desc = ctrl.split(" ", 1)
        cells.append(f"| {cid} | {desc} | {rule} | {guidance} |")
    return "# Mini page\n\n| Control ID | Control Description | AWS Config Rule | Guidance |\n|---|---|---|---|\n" + "\n".join(cells) + "\n\n## Template\n"


def test_the_other_form_replaces_the_snapshot(root, tmp_path):
    (root / "sources" / "README.md").write_text("The page is aws-page.txt.\n", encoding="utf-8")
    md = tmp_path / "page.md"
    md.write_text(markdown(PAGE), encoding="utf-8")
    report = import_page(md, root)
    assert report.form == "markdown"
    assert report.written == ["sources/aws-page.md", "framework.yaml", "sources/aws-page.txt (removed)"]
    assert not (root / "sources" / "aws-page.txt").exists()
    assert data(root, "framework.yaml")["source"]["snapshot"] == "sources/aws-page.md"
    assert report.notes == ["sources/README.md names aws-page.txt, which aws-page.md replaces; update it"]
    # Back to the text form, with a README (not UTF-8) that names both: no note.
    (root / "sources" / "README.md").write_bytes("aws-page.txt or aws-page.md, \u00e9\n".encode("latin-1"))
    report = import_page(page(tmp_path, PAGE), root)
    assert report.written == ["sources/aws-page.txt", "framework.yaml", "sources/aws-page.md (removed)"]
    assert report.notes == []
    # A README that is not a file names nothing.
    (root / "sources" / "README.md").unlink()
    (root / "sources" / "README.md").mkdir()
    assert import_page(md, root).notes == []
    # A README in another encoding is searched as bytes.
    (root / "sources" / "README.md").rmdir()
    (root / "sources" / "README.md").write_bytes("\u00e9: aws-page.md\n".encode("latin-1"))
    assert import_page(page(tmp_path, PAGE), root).notes == ["sources/README.md names aws-page.md, which aws-page.txt replaces; update it"]


def test_a_snapshot_outside_sources_is_left_alone(root, tmp_path):
    fw = (root / "framework.yaml").read_text(encoding="utf-8")
    (root / "framework.yaml").write_text(fw.replace("snapshot: sources/aws-page.txt", "snapshot: ../page.txt"), encoding="utf-8")
    report = import_page(page(tmp_path, PAGE), root)
    assert report.notes == ["the previous snapshot '../page.txt' is not a file under sources/; it was left alone"]
    assert report.written == ["framework.yaml"]
    assert (tmp_path / "page.txt").is_file()


def test_the_default_catalogue_is_the_projects(root, tmp_path, monkeypatch):
    monkeypatch.setattr(importer.paths, "DEFAULT_CATALOG", root)
    report = import_page(page(tmp_path, PAGE.replace("Beta guidance.", "Beta guidance, revised.")))
    assert report.written == ["sources/aws-page.txt", "framework.yaml", "rules/beta-rule.yaml"]
    assert data(root, "rules/beta-rule.yaml")["guidance"] == "Beta guidance, revised."


def test_a_page_read_failure_without_an_error_code_gives_its_message(root, tmp_path, monkeypatch):
    def fail(path):
        raise OSError("the device went away")

    monkeypatch.setattr(importer, "read_page", fail)
    with pytest.raises(PageReadError) as caught:
        import_page(page(tmp_path, PAGE), root)
    assert caught.value.reason == "the device went away"


def test_a_catalogue_file_that_cannot_be_read_names_the_file(root, tmp_path, monkeypatch):
    """Reading can fail below read_yaml (a folder without search permission, for a user other than root)."""
    denied = root / "framework.yaml"

    def fail(path, *args):
        raise PermissionError(errno.EACCES, "Permission denied", str(denied))

    monkeypatch.setattr(importer, "read_yaml", fail)
    with pytest.raises(CatalogPathError) as caught:
        import_page(page(tmp_path, PAGE), root)
    assert str(caught.value) == "catalog/framework.yaml: cannot read: Permission denied"

    def fail_unnamed(path, *args):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(importer, "read_yaml", fail_unnamed)
    with pytest.raises(CatalogPathError) as caught:
        import_page(page(tmp_path, PAGE), root)
    assert str(caught.value) == "catalog: cannot read: Input/output error"


def set_beta_mappings(root: Path, mappings: str) -> None:
    rule = root / "rules" / "beta-rule.yaml"
    text = rule.read_text(encoding="utf-8")
    rule.write_text(text[: text.index("mappings:")] + "mappings:\n" + mappings, encoding="utf-8")


def test_broken_mappings_in_the_catalogue_are_not_compared(root, tmp_path):
    """Entries the validation rejects (rows that are not numbers, a control that is not a text, not a
    mapping at all) are left out of the report: the page's mapping is reported as added."""
    set_beta_mappings(root, "  - junk\n  - control: M-2\n    statement: M-2.BP02\n    source_rows: [x, y]\n"
                            "  - control: 5\n    statement: M-2.BP01\n    source_rows: [9]\n")
    report = import_page(page(tmp_path, PAGE), root, allow_removals=0)
    assert report.mappings_added == ["beta-rule → M-2 / M-2.BP02 (source rows 3)"]
    assert (report.mappings_removed, report.mappings_changed, report.renumbered) == ([], [], [])
    assert data(root, "rules/beta-rule.yaml")["mappings"] == ["junk", {"control": "M-2", "statement": "M-2.BP02", "source_rows": [3]}]


def test_a_contributed_mapping_the_page_now_states_is_a_change(root, tmp_path):
    set_beta_mappings(root, "  - control: M-2\n    statement: M-2.BP02\n    source_rows: [3]\n"
                            "  - control: M-1\n    statement: M-1.desc\n    rationale: Contributed.\n")
    extra = "M-1 How do you do the first thing? The first thing’s description.\n\nbeta-rule\n\nBeta guidance.\n"
    report = import_page(page(tmp_path, PAGE.replace("\nTemplate", extra + "\nTemplate")), root)
    assert (report.mappings_added, report.mappings_removed) == ([], [])
    assert report.mappings_changed == ["beta-rule → M-1 / M-1.desc: source_rows: [] → [5]"]


def test_a_rule_the_page_drops_keeps_its_file(root, tmp_path):
    gamma = "M-2 How do you do the second thing? Best practice two of the second thing.\n\ngamma-check\n\nGamma guidance for a manual check.\n"
    report = import_page(page(tmp_path, PAGE.replace(gamma, "")), root, allow_removals=1)
    assert report.mappings_removed == ["gamma-check → M-2 / M-2.BP02 (source rows 4)"]
    assert data(root, "rules/gamma-check.yaml")["mappings"] == []
    assert "gamma-check: no longer on the page; its page mappings were removed" in report.notes


def test_a_first_import_of_the_markdown_form_takes_its_title_from_the_heading(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    md = tmp_path / "page.md"
    md.write_text(markdown(PAGE).replace("# Mini page", "## X-Ray page - AWS Config"), encoding="utf-8")
    report = import_page(md, tmp_path / "new")
    fw = data(tmp_path / "new", "framework.yaml")
    assert (report.form, fw["title"], fw["source"]["title"]) == ("markdown", "X-Ray page", "X-Ray page")
    assert (fw["source"]["snapshot"], fw["source"]["form"]) == ("sources/aws-page.md", "markdown")


def test_a_catalogue_file_that_cannot_be_read_before_writing_names_it(root, tmp_path, monkeypatch):
    """The import reads every file it may replace before writing any; a failure there writes nothing."""
    before = snapshot(root)
    snapshot_file = root / "sources" / "aws-page.txt"
    real = Path.read_bytes

    def read_bytes(self, named=True):
        if self == snapshot_file:
            raise PermissionError(errno.EACCES, "Permission denied", str(self)) if named else OSError(errno.EIO, "Input/output error")
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    changed = page(tmp_path, PAGE.replace("Beta guidance.", "Beta guidance, revised."))
    with pytest.raises(CatalogPathError) as caught:
        import_page(changed, root)
    assert str(caught.value) == "catalog/sources/aws-page.txt: cannot read: Permission denied"
    monkeypatch.setattr(Path, "read_bytes", lambda self: read_bytes(self, named=False))
    with pytest.raises(CatalogPathError) as caught:
        import_page(changed, root)
    assert str(caught.value) == "catalog: cannot read: Input/output error"
    monkeypatch.setattr(Path, "read_bytes", real)
    assert snapshot(root) == before
