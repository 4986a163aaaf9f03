"""`conformap import-aws-page`: idempotent on the real page, order-blind on its Markdown rendition,
minimal on a changed page, and clear (page:line: message, exit 1) on a page it cannot read.

Expected values come from the page files and the YAML files read with PyYAML, never from conformap.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pytest
import yaml

from conformap import paths
from conformap.cli import main
from conformap.importer import import_page
from conformap.pageparse import PageError

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


def test_importing_the_snapshot_changes_nothing(catalog_copy):
    before = snapshot_tree(catalog_copy)
    report = import_page(TEXT_PAGE, catalog_copy)
    assert report.written == []
    assert report.form == "text"
    assert report.rows == 183
    assert snapshot_tree(catalog_copy) == before


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

    assert set(md_controls) == set(text_controls)
    for cid, control in md_controls.items():
        old = text_controls[cid]
        assert {k: v for k, v in control.items() if k != "statements"} == {k: v for k, v in old.items() if k != "statements"}
        # Statements (ids, texts and best-practice crosswalks) are the same; only their order follows the page.
        key = lambda s: s["id"]  # noqa: E731
        assert sorted(control["statements"], key=key) == sorted(old["statements"], key=key), cid

    framework = yaml.safe_load((catalog_copy / "framework.yaml").read_text(encoding="utf-8"))
    assert framework["source"]["snapshot"] == "sources/aws-page.md"
    assert framework["source"]["form"] == "markdown"
    assert framework["source"]["sha256"] == hashlib.sha256(MD_PAGE.read_bytes()).hexdigest()
    assert (catalog_copy / "sources" / "aws-page.md").read_bytes() == MD_PAGE.read_bytes()
    assert not (catalog_copy / "sources" / "aws-page.txt").exists()


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

    report = import_page(page, catalog_copy)
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
