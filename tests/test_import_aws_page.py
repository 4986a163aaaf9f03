"""`conformap import-aws-page`: idempotent on the real page, order-blind on its Markdown rendition,
minimal on a changed page, and clear (page:line: message, exit 1) on a page it cannot read; errors
about the catalogue folder name the catalogue; an import into an existing catalogue is all or nothing.

Expected values come from the page files and the YAML files read with PyYAML, never from conformap.
The imports into a copy of the real catalogue are slow-marked (`make test`, not test-fast):
tests/test_ingest_page_import.py runs the same scenarios on the mini catalogue in test-fast.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pytest
import yaml
from support.markdown_text import shown

from conformap import paths
from conformap.ingest import staging
from conformap.parse.aws_page import PageError
from conformap.ingest.page_import import import_page
from conformap.cli import main

CATALOG = paths.DEFAULT_CATALOG
TEXT_PAGE = CATALOG / "sources" / "aws-page.txt"
PAGES = Path(__file__).resolve().parent / "fixtures" / "pages"
MD_PAGE = PAGES / "aws-page.md"
MINI = Path(__file__).resolve().parent / "fixtures" / "mini"

# Rule fields the page does not carry: the importer must keep them as they are.
CURATED_RULE_FIELDS = (
    "kind", "identifier", "service", "trigger", "description", "documentation_url", "resource_types",
    "resource_types_current_docs", "regions_note", "parameters", "conformance_pack", "deprecated", "sources",
)


def snapshot_tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def load_yaml_dir(root: Path, sub: str) -> dict[str, dict]:
    return {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((root / sub).glob("*.yaml"))}


def mapping_set(rules: dict[str, dict]) -> set[tuple[str, str, str]]:
    return {(rid, m["control"], m["statement"]) for rid, r in rules.items() for m in r["mappings"]}


@pytest.fixture
def catalog_copy(tmp_path) -> Path:
    root = tmp_path / "catalog"
    shutil.copytree(CATALOG, root)
    return root


# --- the real page, text form -------------------------------------------------------------------


@pytest.mark.slow  # imports into a copy of the real catalogue: about 1 s of CPU
def test_importing_the_snapshot_changes_nothing(catalog_copy):
    before = snapshot_tree(catalog_copy)
    report = import_page(TEXT_PAGE, catalog_copy)
    assert report.written == []
    assert report.form == "text"
    assert report.rows == 183
    assert snapshot_tree(catalog_copy) == before


@pytest.mark.slow  # imports into a copy of the real catalogue: about 1 s of CPU
def test_import_cli_reports_nothing_changed(catalog_copy, capsys):
    before = snapshot_tree(catalog_copy)
    assert main(["import-aws-page", str(TEXT_PAGE), "--catalog", str(catalog_copy)]) == 0
    out, err = capsys.readouterr()
    assert "imported 183 rows (text form); 0 file(s) changed" in out
    assert "Traceback" not in out + err
    assert snapshot_tree(catalog_copy) == before


# --- the same page as a Markdown table, rows shuffled ----------------------------------------


def md_rows(text: str) -> list[tuple[str, str, str, str]]:
    """(control id, description cell, rule name, guidance) per table row of the fixture, unescaped."""
    out = []
    for line in text.split("\n"):
        if not line.startswith("| ") or line.startswith("| Control ID"):
            continue
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
        assert len(cells) == 4, line
        unescape = lambda s: re.sub(r"\\([\\|*_])", r"\1", s)  # noqa: E731
        rule = re.sub(r"^\[([^\]]+)\]\([^)]*\)$", r"\1", cells[2])
        out.append((cells[0], unescape(cells[1]), rule, unescape(cells[3])))
    return out


def text_rows(text: str) -> list[tuple[str, str, str, str]]:
    lines = text.split("\n")
    i = lines.index("Control ID Control Description AWS Config Rule Guidance") + 1
    out = []
    while re.match(r"^SEC-[0-9]+ ", lines[i]):
        cid, desc = lines[i].split(" ", 1)
        out.append((cid, desc, lines[i + 2], lines[i + 4]))
        i += 5
    return out


def test_markdown_fixture_is_the_text_page_reordered():
    md = MD_PAGE.read_text(encoding="utf-8")
    rows = md_rows(md)
    assert sorted(rows) == sorted(text_rows(TEXT_PAGE.read_text(encoding="utf-8")))
    assert rows != text_rows(TEXT_PAGE.read_text(encoding="utf-8"))  # really shuffled
    assert md.count("](https://docs.aws.amazon.com/config/latest/developerguide/") >= 50  # some cells are links
    assert "\\*" in md  # and Markdown escapes are exercised


@pytest.mark.slow  # imports into a copy of the real catalogue: about 1 s of CPU
def test_markdown_import_gives_the_same_catalogue(catalog_copy):
    text_rules = load_yaml_dir(CATALOG, "rules")
    text_controls = load_yaml_dir(CATALOG, "controls")

    report = import_page(MD_PAGE, catalog_copy)
    assert report.form == "markdown"
    assert report.rows == 183

    md_rules = load_yaml_dir(catalog_copy, "rules")
    md_controls = load_yaml_dir(catalog_copy, "controls")
    assert set(md_rules) == set(text_rules)
    assert mapping_set(md_rules) == mapping_set(text_rules)
    assert len(mapping_set(md_rules)) == 181
    # Both duplicate rows still fold into one mapping each; each row is claimed once.
    rows = sorted(n for r in md_rules.values() for m in r["mappings"] for n in m.get("source_rows", []))
    assert rows == list(range(1, 184))
    # The mislabelled rows keep what they print.
    printed = {(rid, m["control"], m["printed_statement"]) for rid, r in md_rules.items() for m in r["mappings"] if "printed_statement" in m}
    assert printed == {(rid, m["control"], m["printed_statement"]) for rid, r in text_rules.items() for m in r["mappings"] if "printed_statement" in m}

    for rid, rule in md_rules.items():
        old = text_rules[rid]
        assert rule["guidance"] == old["guidance"], rid
        for key in CURATED_RULE_FIELDS:
            assert rule.get(key) == old.get(key), (rid, key)

    # Controls are the same, statements in the same order: the catalogue's order is kept, not the page's.
    assert md_controls == text_controls

    framework = yaml.safe_load((catalog_copy / "framework.yaml").read_text(encoding="utf-8"))
    assert framework["source"]["snapshot"] == "sources/aws-page.md"
    assert framework["source"]["form"] == "markdown"
    assert framework["source"]["sha256"] == hashlib.sha256(MD_PAGE.read_bytes()).hexdigest()
    assert (catalog_copy / "sources" / "aws-page.md").read_bytes() == MD_PAGE.read_bytes()
    assert not (catalog_copy / "sources" / "aws-page.txt").exists()


@pytest.mark.slow  # imports into a copy of the real catalogue: about 1 s of CPU
def test_markdown_import_twice_changes_nothing(catalog_copy):
    import_page(MD_PAGE, catalog_copy)
    before = snapshot_tree(catalog_copy)
    assert import_page(MD_PAGE, catalog_copy).written == []
    assert snapshot_tree(catalog_copy) == before


def test_process_checks_in_markdown(tmp_path):
    root = tmp_path / "catalog"
    report = import_page(PAGES / "process-checks.md", root)
    assert report.form == "markdown" and report.rows == 4
    rules = load_yaml_dir(root, "rules")
    assert {rid: r["kind"] for rid, r in rules.items()} == {
        "some-check": "process-check",
        "other-check": "process-check",
        "third-check": "process-check",
    }
    assert rules["other-check"]["guidance"] == "Ask each owner to confirm their grants."
    assert [(m["control"], m["source_rows"]) for m in rules["other-check"]["mappings"]] == [("P-1", [2]), ("P-2", [4])]
    assert "identifier" not in rules["some-check"]
    # Process checks need no identifier, so the new catalogue validates as it stands.
    assert main(["validate", str(root)]) == 0


def test_dotted_question_ids_are_two_questions(tmp_path):
    """CIS-1.4 and CIS-2.4 once both got number 4, and the new catalogue failed validation."""
    root = tmp_path / "catalog"
    import_page(PAGES / "dotted-ids.md", root)
    controls = load_yaml_dir(root, "controls")
    assert {cid: c["number"] for cid, c in controls.items()} == {"CIS-1.4": 1004, "CIS-2.4": 2004}
    assert main(["validate", str(root)]) == 0


# --- a changed page -------------------------------------------------------------------------------

OLD_SENTENCE = "Changing the access keys on a regular schedule is a security best practice."
NEW_SENTENCE = "Rotating the access keys on a regular schedule is a security best practice."
LAST_ROW = (
    "SEC-9 How do you protect your data in transit? Protect your data in transit by implementing multiple controls"
    " to reduce the risk of unauthorized access or loss.\n\nguardduty-enabled-centralized\n\n"
)
CONTRIBUTED = (
    "  - control: SEC-1\n"
    "    statement: SEC-1.desc\n"
    "    rationale: GuardDuty findings feed the security operations this question asks about.\n"
)
CONTRIBUTED_ELSEWHERE = (
    "  - control: SEC-9\n"
    "    statement: SEC-9.desc\n"
    "    rationale: An organization-wide trail covers data movement between member accounts.\n"
)


def add_contributed_mapping(file: Path, entry: str) -> None:
    text = file.read_text(encoding="utf-8")
    assert text.count("\nsources:\n") == 1
    file.write_text(text.replace("\nsources:\n", "\n" + entry + "sources:\n"), encoding="utf-8")


@pytest.mark.slow  # imports into a copy of the real catalogue: about 1 s of CPU
def test_changed_page_rewrites_exactly_what_changed(catalog_copy, tmp_path):
    page_text = TEXT_PAGE.read_text(encoding="utf-8")
    assert page_text.count(OLD_SENTENCE) == 1
    assert page_text.count(LAST_ROW) == 1
    changed = page_text.replace(OLD_SENTENCE, NEW_SENTENCE)
    # Drop the last row (183), so no other row is renumbered.
    start = changed.index(LAST_ROW)
    end = changed.index("\n", start + len(LAST_ROW))
    changed = changed[:start] + changed[end + 1 :]
    page = tmp_path / "aws-page.txt"
    page.write_text(changed, encoding="utf-8")

    guard = catalog_copy / "rules" / "guardduty-enabled-centralized.yaml"
    org = catalog_copy / "rules" / "account-part-of-organizations.yaml"
    add_contributed_mapping(guard, CONTRIBUTED)
    add_contributed_mapping(org, CONTRIBUTED_ELSEWHERE)
    before = snapshot_tree(catalog_copy)

    report = import_page(page, catalog_copy, allow_removals=1)  # the last row's mapping goes
    assert report.rows == 182
    assert sorted(report.written) == sorted([
        "sources/aws-page.txt",
        "framework.yaml",
        "rules/access-keys-rotated.yaml",
        "rules/guardduty-enabled-centralized.yaml",
    ])
    after = snapshot_tree(catalog_copy)
    assert sorted(k for k in after if after[k] != before.get(k)) == sorted(report.written)
    assert set(after) == set(before)

    assert after["sources/aws-page.txt"] == changed.encode("utf-8")
    framework = yaml.safe_load(after["framework.yaml"])
    assert framework["source"]["rows"] == 182
    assert framework["source"]["sha256"] == hashlib.sha256(changed.encode("utf-8")).hexdigest()

    keys = yaml.safe_load(after["rules/access-keys-rotated.yaml"])
    assert NEW_SENTENCE in keys["guidance"] and OLD_SENTENCE not in keys["guidance"]
    old_keys = yaml.safe_load(before["rules/access-keys-rotated.yaml"])
    assert {k: v for k, v in keys.items() if k != "guidance"} == {k: v for k, v in old_keys.items() if k != "guidance"}

    guard_after = yaml.safe_load(after["rules/guardduty-enabled-centralized.yaml"])
    assert guard_after["mappings"] == [
        {"control": "SEC-4", "statement": "SEC-4.desc", "source_rows": [84]},
        {"control": "SEC-5", "statement": "SEC-5.desc", "source_rows": [120]},
        {
            "control": "SEC-1",
            "statement": "SEC-1.desc",
            "rationale": "GuardDuty findings feed the security operations this question asks about.",
        },
    ]
    # The other contributed mapping is in a file the import left alone, byte for byte.
    assert after["rules/account-part-of-organizations.yaml"] == before["rules/account-part-of-organizations.yaml"]
    assert CONTRIBUTED_ELSEWHERE.encode("utf-8") in after["rules/account-part-of-organizations.yaml"]

    # The result still validates, and a second import of the same page changes nothing.
    assert main(["validate", str(catalog_copy)]) == 0
    assert import_page(page, catalog_copy).written == []


# --- pages it cannot read -----------------------------------------------------------------------

NO_HEADER = "Operational Best Practices - AWS Config\n\nThis page has no mapping table.\n"
BROKEN_TEXT_ROW = (
    "Mini page\n"
    "\n"
    "Control ID Control Description AWS Config Rule Guidance\n"
    "M-1 How do you do the first thing? The first thing’s description.\n"
    "\n"
    "alpha-rule\n"
    "\n"
    "Alpha guidance.\n"
    "M-1 How do you do the first thing? The first thing’s description.\n"  # line 9: no blank line follows
    "beta-rule\n"
    "\n"
    "Beta guidance.\n"
)
BROKEN_MD_ROWS = (
    "# Mini page\n"
    "\n"
    "| Control ID | Control Description | AWS Config Rule | Guidance |\n"
    "|---|---|---|---|\n"
    "| M-1 | How do you do the first thing? The first thing’s description. | alpha-rule | Alpha guidance. |\n"
    "| M-1 | How do you do the first thing? The first thing’s description. | beta-rule |\n"  # line 6: 3 cells
    "| M-2 | How do you do the second thing? Best practice one. | Not A Rule | Guidance. |\n"  # line 7
)

BAD_PAGES = {
    "no-header.txt": (NO_HEADER, [
        (1, "no table header line 'Control ID Control Description AWS Config Rule Guidance' and no Markdown table"
            " with columns control id, control description, aws config rule, guidance"),
    ]),
    "broken-row.txt": (BROKEN_TEXT_ROW, [
        (9, "a row must be: control line, blank line, rule name, blank line, guidance"),
    ]),
    "broken-rows.md": (BROKEN_MD_ROWS, [
        (6, "expected 4 cells (Control ID | Control Description | AWS Config Rule | Guidance), found 3"),
        (7, "'Not A Rule' is not a rule name"),
    ]),
}


@pytest.mark.parametrize("name", sorted(BAD_PAGES))
def test_bad_page_raises_page_error_with_line(tmp_path, name):
    content, problems = BAD_PAGES[name]
    page = tmp_path / name
    page.write_text(content, encoding="utf-8")
    root = tmp_path / "catalog"
    shutil.copytree(MINI, root)
    before = snapshot_tree(root)
    with pytest.raises(PageError) as info:
        import_page(page, root)
    assert info.value.problems == problems
    assert snapshot_tree(root) == before


@pytest.mark.parametrize("name", sorted(BAD_PAGES))
def test_bad_page_via_cli(tmp_path, monkeypatch, capsys, name):
    content, problems = BAD_PAGES[name]
    monkeypatch.chdir(tmp_path)
    Path(name).write_text(content, encoding="utf-8")
    shutil.copytree(MINI, tmp_path / "catalog")
    before = snapshot_tree(tmp_path / "catalog")
    assert main(["import-aws-page", name, "--catalog", "catalog"]) == 1
    out, err = capsys.readouterr()
    assert err.splitlines() == [f"{name}:{line}: {message}" for line, message in problems]
    assert out == ""
    assert "Traceback" not in out + err
    assert snapshot_tree(tmp_path / "catalog") == before


def test_page_that_is_not_utf8_via_cli(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    Path("latin1.txt").write_bytes("Control ID Control Description AWS Config Rule Guidance\nCaf\u00e9\n".encode("latin-1"))
    shutil.copytree(MINI, tmp_path / "catalog")
    assert main(["import-aws-page", "latin1.txt", "--catalog", "catalog"]) == 1
    out, err = capsys.readouterr()
    # The offset is 0-based: 55 header characters, LF, "Caf", then the Latin-1 byte 0xe9.
    assert err == "latin1.txt: not UTF-8 text (invalid continuation byte at byte 59)\n"
    assert "Traceback" not in out + err


# --- the catalogue folder: errors name it, not the page ------------------------------------------


def test_catalogue_path_that_is_a_file(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    Path("not-a-folder").write_text("x\n", encoding="utf-8")
    assert main(["import-aws-page", str(TEXT_PAGE), "--catalog", "not-a-folder"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("not-a-folder: not a folder")
    assert TEXT_PAGE.name not in err and "Traceback" not in err
    assert Path("not-a-folder").read_text(encoding="utf-8") == "x\n"


def test_catalogue_path_under_a_file(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    Path("file").write_text("x\n", encoding="utf-8")
    assert main(["import-aws-page", str(TEXT_PAGE), "--catalog", "file/catalog"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == "file/catalog: cannot create the catalogue folder: file is a file, not a folder\n"


def test_catalogue_folder_that_cannot_be_created(tmp_path, monkeypatch, capsys):
    """Like --catalog /proc/cat: the parent is a folder, but creating the catalogue in it fails."""
    import errno
    import os

    monkeypatch.chdir(tmp_path)
    real_mkdir = os.mkdir

    def refuse(path, *args, **kwargs):
        if Path(path).name == "cat":
            raise FileNotFoundError(errno.ENOENT, "No such file or directory", str(path))
        return real_mkdir(path, *args, **kwargs)

    monkeypatch.setattr(os, "mkdir", refuse)
    assert main(["import-aws-page", str(TEXT_PAGE), "--catalog", "cat"]) == 1
    out, err = capsys.readouterr()
    assert err == "cat: cannot create the catalogue folder: No such file or directory\n"
    assert TEXT_PAGE.name not in err
    assert not Path("cat").exists()


def test_a_folder_that_is_not_a_catalogue_is_left_alone(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    Path("project").mkdir()
    Path("project/notes.txt").write_text("mine\n", encoding="utf-8")
    assert main(["import-aws-page", str(TEXT_PAGE), "--catalog", "project"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("project: not a catalogue (no framework.yaml) and not empty (it holds notes.txt)")
    assert sorted(p.name for p in Path("project").iterdir()) == ["notes.txt"]


def test_page_errors_still_name_the_page(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    shutil.copytree(MINI, tmp_path / "catalog")
    assert main(["import-aws-page", "missing.txt", "--catalog", "catalog"]) == 1
    assert capsys.readouterr().err == "missing.txt: cannot read: No such file or directory\n"
    assert main(["import-aws-page", "catalog", "--catalog", "catalog"]) == 1  # a folder given as the page
    assert capsys.readouterr().err == "catalog: cannot read: Is a directory\n"


@pytest.mark.scenario
def test_first_import_into_a_new_folder_writes_and_reports_what_remains(tmp_path, monkeypatch, capsys):
    """A new catalogue is written even though new managed rules still lack their curated metadata."""
    monkeypatch.chdir(tmp_path)
    assert main(["import-aws-page", str(TEXT_PAGE), "--catalog", "new/catalog"]) == 1
    out, err = capsys.readouterr()
    # The snapshot, framework.yaml, errata.yaml (none yet), the 8 controls and the 127 rules the page maps.
    assert "imported 183 rows (text form); 138 file(s) changed" in out
    assert "rules/access-keys-rotated.yaml" in out
    assert "new/catalog/rules/access-keys-rotated.yaml:2:1: $: missing required field 'identifier'" in err
    assert err.endswith("conformap: the imported catalogue does not validate yet; complete the files named above\n")
    assert len(list(Path("new/catalog/rules").glob("*.yaml"))) == 127
    assert (Path("new/catalog/sources/aws-page.txt")).read_bytes() == TEXT_PAGE.read_bytes()


# --- all or nothing ------------------------------------------------------------------------------


def tree_hashes(root: Path) -> dict[str, str]:
    return {rel: hashlib.sha256(data).hexdigest() for rel, data in snapshot_tree(root).items()}


def page_without(tmp_path: Path, rule: str) -> Path:
    """The text page without the (single) row of ``rule``: every later row is renumbered."""
    lines = TEXT_PAGE.read_text(encoding="utf-8").split("\n")
    assert lines.count(rule) == 1
    i = lines.index(rule) - 2
    assert re.match(r"^SEC-\d+ ", lines[i])
    del lines[i : i + 5]
    page = tmp_path / "aws-page.txt"
    page.write_text("\n".join(lines), encoding="utf-8")
    return page


def page_with_new_rule(tmp_path: Path, rule: str = "brand-new-rule") -> Path:
    """The text page with one more row, for a managed rule the catalogue does not have, after restricted-ssh's."""
    lines = TEXT_PAGE.read_text(encoding="utf-8").split("\n")
    i = lines.index("restricted-ssh") - 2
    block = [lines[i], "", rule, "", "A rule that is new on the page."]
    lines[i + 5 : i + 5] = block
    page = tmp_path / "aws-page-new-rule.txt"
    page.write_text("\n".join(lines), encoding="utf-8")
    return page


def failing_write_file(monkeypatch, fail_on: int) -> list[Path]:
    """Make writing.write_file raise on its ``fail_on``-th call (1-based) only; return the paths it was called with."""
    from conformap import writing

    calls: list[Path] = []
    real = writing.write_file

    def write(path, data):
        calls.append(Path(path))
        if len(calls) == fail_on:
            raise writing.WriteError(path, "No space left on device")
        return real(path, data)

    monkeypatch.setattr(writing, "write_file", write)
    return calls


@pytest.mark.slow  # imports into a copy of the real catalogue: about 1 s of CPU
def test_a_failure_while_checking_the_import_changes_nothing(catalog_copy, tmp_path, monkeypatch, capsys):
    page = page_without(tmp_path, "restricted-ssh")
    before = tree_hashes(catalog_copy)
    calls = failing_write_file(monkeypatch, 50)
    assert main(["import-aws-page", str(page), "--catalog", str(catalog_copy), "--allow-removals", "1"]) == 1
    out, err = capsys.readouterr()
    assert tree_hashes(catalog_copy) == before
    assert len(calls) == 50
    assert not any(catalog_copy in p.parents for p in calls)  # the 50 writes went to the temporary copy
    assert err.startswith(f"{paths.display_path(catalog_copy)}: cannot check the import: writing rules/")
    assert err.endswith("No space left on device; nothing was written\n")
    assert "Traceback" not in out + err and "cannot read" not in err


@pytest.mark.slow  # imports into a copy of the real catalogue: about 1 s of CPU
def test_a_failure_while_writing_puts_the_catalogue_back(catalog_copy, tmp_path, monkeypatch, capsys):
    page = page_without(tmp_path, "restricted-ssh")
    before = tree_hashes(catalog_copy)
    # The import changes 77 files (see test_dropped_row_report_...): 77 writes to the temporary copy,
    # 78 to the journal (the 77 files and the plan), then the real ones. Fail on the 10th real one.
    calls = failing_write_file(monkeypatch, 77 + 78 + 10)
    assert main(["import-aws-page", str(page), "--catalog", str(catalog_copy), "--allow-removals", "1"]) == 1
    out, err = capsys.readouterr()
    assert tree_hashes(catalog_copy) == before  # the journal is gone too
    assert not any(catalog_copy in p.parents for p in calls[:77])
    assert all(catalog_copy / staging.PENDING in p.parents for p in calls[77 : 77 + 78])
    assert all(catalog_copy in p.parents and ".conformap-journal" not in p.as_posix() for p in calls[77 + 78 :])
    assert len(calls) == 77 + 78 + 10 + 9  # 10 real writes (the last one failed), then 9 put back
    assert re.fullmatch(
        re.escape(paths.display_path(catalog_copy)) + r": cannot write rules/[a-z0-9-]+\.yaml: No space left on device; the catalogue is as it was\n",
        err,
    ), err
    assert "Traceback" not in out + err


@pytest.mark.slow  # imports into a copy of the real catalogue: about 1 s of CPU
def test_a_failure_while_writing_the_journal_changes_nothing(catalog_copy, tmp_path, monkeypatch, capsys):
    page = page_without(tmp_path, "restricted-ssh")
    before = tree_hashes(catalog_copy)
    failing_write_file(monkeypatch, 77 + 30)  # the 30th file of the journal
    assert main(["import-aws-page", str(page), "--catalog", str(catalog_copy), "--allow-removals", "1"]) == 1
    err = capsys.readouterr().err
    assert tree_hashes(catalog_copy) == before
    assert sorted(p.name for p in catalog_copy.iterdir() if p.name.startswith(".")) == []
    assert err == f"{paths.display_path(catalog_copy)}: cannot write the import's journal: No space left on device; the catalogue is as it was\n"


@pytest.mark.slow  # imports into a copy of the real catalogue: about 1 s of CPU
def test_an_import_that_would_not_validate_writes_nothing(catalog_copy, tmp_path, capsys):
    page = page_with_new_rule(tmp_path)
    before = tree_hashes(catalog_copy)
    assert main(["import-aws-page", str(page), "--catalog", str(catalog_copy)]) == 1
    out, err = capsys.readouterr()
    assert tree_hashes(catalog_copy) == before
    assert "note: 1 new rule(s): brand-new-rule; add their identifier, service, trigger and documentation_url" in out
    shown = paths.display_path(catalog_copy / "rules" / "brand-new-rule.yaml")
    lines = err.splitlines()
    assert lines[0] == f"{shown}:2:1: $: missing required field 'identifier'"
    assert len(lines) == 2 and "nothing was written" in lines[1] and "tmp" not in lines[1]
    assert "conformap-import-" not in err  # no temporary path leaks into the messages


@pytest.mark.slow  # imports into a copy of the real catalogue: about 1 s of CPU
def test_a_new_rule_is_imported_once_its_curated_fields_exist(catalog_copy, tmp_path, capsys):
    page = page_with_new_rule(tmp_path)
    (catalog_copy / "rules" / "brand-new-rule.yaml").write_text(
        "id: brand-new-rule\nkind: managed\nidentifier: BRAND_NEW_RULE\nservice: Amazon VPC\ntrigger: Configuration changes\n"
        "documentation_url: https://docs.aws.amazon.com/config/latest/developerguide/brand-new-rule.html\n",
        encoding="utf-8",
    )
    assert main(["validate", str(catalog_copy)]) == 1  # incomplete (no guidance, no mappings) before the import
    capsys.readouterr()
    assert main(["import-aws-page", str(page), "--catalog", str(catalog_copy)]) == 0
    out = capsys.readouterr().out
    assert "mappings added (1):\n  brand-new-rule → SEC-5 / SEC-5.desc (source rows 105)\n" in out
    rule = yaml.safe_load((catalog_copy / "rules" / "brand-new-rule.yaml").read_text(encoding="utf-8"))
    assert rule["identifier"] == "BRAND_NEW_RULE" and rule["guidance"] == "A rule that is new on the page."
    assert main(["validate", str(catalog_copy)]) == 0


# --- renumbered rows: the real change first ----------------------------------------------------


def rows_hidden(data: dict, items: str) -> dict:
    out = yaml.safe_load(yaml.safe_dump(data))
    for m in out.get(items) or []:
        if "source_rows" in m:
            m["source_rows"] = len(m["source_rows"])
    return out


@pytest.mark.slow  # imports into a copy of the real catalogue: about 1 s of CPU
def test_dropped_row_report_puts_the_real_change_before_the_renumbering(catalog_copy, tmp_path, capsys):
    page = page_without(tmp_path, "restricted-ssh")
    before = snapshot_tree(catalog_copy)
    assert main(["import-aws-page", str(page), "--catalog", str(catalog_copy), "--allow-removals", "1"]) == 0
    out, err = capsys.readouterr()
    after = snapshot_tree(catalog_copy)
    changed = sorted(k for k in after if after[k] != before.get(k))
    assert set(after) == set(before)

    # Which files only had their source rows renumbered, from the files themselves.
    renumbered = []
    for rel in changed:
        if rel.startswith("rules/") or rel == "errata.yaml":
            items = "errata" if rel == "errata.yaml" else "mappings"
            old, new = yaml.safe_load(before[rel]), yaml.safe_load(after[rel])
            if rows_hidden(old, items) == rows_hidden(new, items):
                renumbered.append(rel)
    real = [rel for rel in changed if rel not in renumbered]
    assert real == ["framework.yaml", "rules/restricted-ssh.yaml", "sources/aws-page.txt"]
    assert len(renumbered) == 74 and "errata.yaml" in renumbered

    head, _, tail = out.partition("imported 182 rows (text form); 77 file(s) changed\n")
    assert "note: restricted-ssh: no longer on the page; its page mappings were removed" in head
    assert tail.startswith(
        "mappings removed (1):\n"
        "  restricted-ssh → SEC-5 / SEC-5.desc (source rows 104)\n"
        "files changed:\n"
        "  sources/aws-page.txt\n"
        "  framework.yaml\n"
        "  rules/restricted-ssh.yaml\n"
        "source rows renumbered in 74 file(s), with no other change (the page has 182 rows, 183 before):\n"
    )
    listed = tail.split("with no other change (the page has 182 rows, 183 before):\n", 1)[1].splitlines()
    assert sorted(x.strip() for x in listed) == sorted(renumbered)
    assert "mappings added" not in out and "mappings changed" not in out

    # The errata follow their rows: E3's four mislabelled rows were 116-119, and row 104 is gone.
    errata = {e["id"]: e for e in yaml.safe_load(after["errata.yaml"])["errata"]}
    assert errata["E3"]["source_rows"] == [115, 116, 117, 118]
    assert errata["E1"]["source_rows"] == [37, 42]  # before row 104: unchanged
    assert main(["validate", str(catalog_copy)]) == 0
    capsys.readouterr()

    # conformap diff shows the real change, and the renumbering as one line.
    base = tmp_path / "base"
    shutil.copytree(CATALOG, base)
    assert main(["diff", str(base), str(catalog_copy)]) == 0
    md = shown(capsys.readouterr().out)
    assert "### Mappings removed\n\n- `restricted-ssh` → SEC-5 / `SEC-5.desc` (source rows 104)\n" in md
    assert "### Mappings changed" not in md and "### Errata changed" not in md
    n_mappings = sum(
        1
        for rel in renumbered
        if rel.startswith("rules/")
        for a, b in zip(yaml.safe_load(before[rel])["mappings"], yaml.safe_load(after[rel])["mappings"])
        if a.get("source_rows") != b.get("source_rows")
    )
    assert (
        f"### Source rows renumbered\n\n- Source rows renumbered in {n_mappings} mappings and 2 errata"
        " (the page lost 1 row: 183 → 182); no other change in them.\n"
    ) in md


# --- the other form of the page: only the source and the row numbers change ---------------------


@pytest.mark.slow  # imports into a copy of the real catalogue: about 1 s of CPU
def test_markdown_form_swap_changes_only_the_source_and_row_numbers(catalog_copy, capsys):
    before = snapshot_tree(catalog_copy)
    assert main(["import-aws-page", str(MD_PAGE), "--catalog", str(catalog_copy)]) == 0
    out, err = capsys.readouterr()
    after = snapshot_tree(catalog_copy)
    assert set(before) - set(after) == {"sources/aws-page.txt"}
    assert set(after) - set(before) == {"sources/aws-page.md"}
    changed = sorted(k for k in set(after) & set(before) if after[k] != before[k])

    # framework.yaml: the source's snapshot, hash and form, nothing else.
    fw_old, fw_new = yaml.safe_load(before["framework.yaml"]), yaml.safe_load(after["framework.yaml"])
    assert {k for k in fw_new["source"] if fw_new["source"][k] != fw_old["source"].get(k)} == {"snapshot", "sha256", "form"}
    assert {k: v for k, v in fw_new.items() if k != "source"} == {k: v for k, v in fw_old.items() if k != "source"}

    # Controls (statement order included), the sources README: byte for byte.
    assert not [rel for rel in changed if rel.startswith("controls/")]
    assert "sources/README.md" not in changed
    # Rules and errata: source_rows only, same mappings in the same order.
    for rel in changed:
        if rel == "framework.yaml":
            continue
        assert rel.startswith("rules/") or rel == "errata.yaml", rel
        items = "errata" if rel == "errata.yaml" else "mappings"
        assert rows_hidden(yaml.safe_load(before[rel]), items) == rows_hidden(yaml.safe_load(after[rel]), items), rel
        old_lines = [ln for ln in before[rel].decode().splitlines() if "source_rows" not in ln]
        new_lines = [ln for ln in after[rel].decode().splitlines() if "source_rows" not in ln]
        assert old_lines == new_lines, rel
    assert "errata.yaml" in changed  # its rows follow the page's new order
    n = len(changed) - 1  # all but framework.yaml
    assert f"imported 183 rows (markdown form); {n + 3} file(s) changed\n" in out
    assert f"files changed:\n  sources/aws-page.md\n  framework.yaml\n  sources/aws-page.txt (removed)\nsource rows renumbered in {n} file(s)" in out
    assert "README" not in out  # the README names the snapshot through framework.yaml: nothing to update
    assert main(["validate", str(catalog_copy)]) == 0

    # And back to the text form: the catalogue is what it was, byte for byte.
    assert main(["import-aws-page", str(TEXT_PAGE), "--catalog", str(catalog_copy)]) == 0
    assert snapshot_tree(catalog_copy) == before


@pytest.mark.slow  # imports into a copy of the real catalogue: about 1 s of CPU
def test_a_readme_naming_the_old_snapshot_is_pointed_out(catalog_copy, capsys):
    readme = catalog_copy / "sources" / "README.md"
    readme.write_text("# Source\n\n`aws-page.txt` is AWS's page.\n", encoding="utf-8")
    assert main(["import-aws-page", str(MD_PAGE), "--catalog", str(catalog_copy)]) == 0
    out = capsys.readouterr().out
    assert "note: sources/README.md names aws-page.txt, which aws-page.md replaces; update it\n" in out
    assert readme.read_text(encoding="utf-8") == "# Source\n\n`aws-page.txt` is AWS's page.\n"


def test_the_real_readme_names_the_snapshot_through_framework_yaml():
    text = (CATALOG / "sources" / "README.md").read_text(encoding="utf-8")
    assert "`source.snapshot`" in text and "aws-page.md" in text and "aws-page.txt" in text
