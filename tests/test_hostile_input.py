"""Issue 10 ("Hardening, round 2"): one regression test per class of hostile input, each with its own
fixture under tests/fixtures/hardening/ (laid over tests/fixtures/mini, like test_validate_bad_input.py's).

Class 2 (whole pages), 3 (size limits), 4 (no traceback), 7 (inert terminal output), 8 (typed values),
9 (output paths) and 12 (Unicode) are here; class 11 (concurrent builds) and the fault injection are in
test_fault_injection.py. Expected messages are written out by hand. `conformap validate` runs in this
process (conformap.cli.main, support.catalogs.validate_in_process), except where only a fresh process
can show the behaviour (a full standard output).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import jsonschema
import pytest
from support.catalogs import DELTA, FIXTURES, MINI, catalog_copy, validate_in_process

from conformap import paths
from conformap.parse import aws_page as awspage
from conformap.load import yamlio
from conformap.ingest.page_import import PageReadError, import_page
from conformap.load.loader import validate
from conformap.cli import main
from conformap.diagnostics import Diagnostic

HARD = FIXTURES / "hardening"
PAGES = HARD / "pages"


def overlay(tmp_path: Path, fixture: str | None = None, files: dict[str, bytes] | None = None) -> Path:
    """The mini catalogue with tests/fixtures/hardening/<fixture>/ and ``files`` laid over it."""
    return catalog_copy(tmp_path / "catalog", overlay=HARD / fixture if fixture is not None else None, files=files)


def tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*")) if p.is_file()}


def expect(tmp_path, expected: list[str], fixture=None, files=None) -> None:
    code, lines, err = validate_in_process(overlay(tmp_path, fixture, files))
    assert lines == expected
    assert err == f"{len(expected)} error(s), 0 warning(s)\n"
    assert code == 1


def test_every_hardening_fixture_has_a_test():
    here = Path(__file__).parent
    source = (here / "test_hostile_input.py").read_text(encoding="utf-8") + (here / "test_fault_injection.py").read_text(encoding="utf-8")
    for p in HARD.iterdir():
        assert f'"{p.name}"' in source, p.name
    for p in PAGES.iterdir():
        assert f'"{p.name}"' in source, p.name


# --- class 2: a page must be whole to be imported ---------------------------------------------------

INCOMPLETE = {
    "cut-after-row.txt": [
        "25: the page ends with the table (after row 4); AWS's page goes on with its 'Template' section, so this page was cut",
    ],
    "cut-mid-sentence.txt": [
        "25: the last row's guidance ends mid-sentence ('Gamma guidance for a'); the page was cut",
        "25: the page ends with the table (after row 4); AWS's page goes on with its 'Template' section, so this page was cut",
    ],
    "furniture-at-end.txt": [
        "27: the table stops here ('Next topic: Operational Best Practices for AWS Well-Archi...' is not a row) instead of"
        " at the 'Template' section; the page is cut or has a stray line",
    ],
    "stray-line.txt": [
        "16: the table stops here ('Was this page helpful? Yes No' is not a row), yet a row follows on line 17; remove the stray line",
    ],
    "stray-line.md": [
        "10: the table stops here ('Did this page help you? Yes | No' is not a row), yet a row follows on line 12; remove the stray line",
    ],
}


@pytest.mark.parametrize("name", sorted(INCOMPLETE))
def test_an_incomplete_page_is_refused_with_the_line_where_the_table_stopped(tmp_path, capsys, name):
    root = overlay(tmp_path)
    before = tree(root)
    page = PAGES / name
    assert main(["import-aws-page", str(page), "--catalog", str(root), "--allow-removals", "4"]) == 1
    out, err = capsys.readouterr()
    assert (out, err.splitlines()) == ("", [f"{page}:{line}" for line in INCOMPLETE[name]])
    assert tree(root) == before


def test_the_real_page_and_its_markdown_form_are_whole():
    for page in (paths.DEFAULT_CATALOG / "sources" / "aws-page.txt", FIXTURES / "pages" / "aws-page.md"):
        text = page.read_text(encoding="utf-8")
        form, rows = awspage.parse_page(text)
        assert len(rows) == 183
        awspage.check_complete(text, form, rows)
    # The real page: what follows its table, and how its last guidance ends.
    text = (paths.DEFAULT_CATALOG / "sources" / "aws-page.txt").read_text(encoding="utf-8")
    rows = awspage.parse_page(text)[1]
    assert text.endswith("\n\nTemplate\n\nThe template is available on GitHub: Operational Best Practices for AWS Well-Architected Security Pillar.")
    assert rows[-1].guidance.endswith("within your AWS Cloud environment.")


def test_removals_are_refused_unless_allowed_and_listed_first(tmp_path, capsys):
    root = overlay(tmp_path)
    before = tree(root)
    page = PAGES / "row-dropped.txt"
    assert main(["import-aws-page", str(page), "--catalog", str(root)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [
        "mappings removed (1):",
        "  beta-rule → M-2 / M-2.BP02 (source rows 3)",
        f"{page}: the import would remove the 1 mapping(s) above (the page has 3 rows, 4 before); nothing was written."
        " If the page really drops them, import again with --allow-removals 1",
    ]
    assert tree(root) == before
    assert main(["import-aws-page", str(page), "--catalog", str(root), "--allow-removals", "1"]) == 0
    out, _ = capsys.readouterr()
    report = out.split("file(s) changed\n", 1)[1]
    assert report.startswith("mappings removed (1):\n  beta-rule → M-2 / M-2.BP02 (source rows 3)\n")


@pytest.mark.scenario
def test_a_sharp_drop_in_rows_is_refused(tmp_path, capsys):
    """The real page cut after row 100 and given its Template section back: whole-looking, but 83 rows fewer."""
    root = tmp_path / "catalog"
    shutil.copytree(paths.DEFAULT_CATALOG, root)
    before = tree(root)
    text = (root / "sources" / "aws-page.txt").read_text(encoding="utf-8")
    rows = awspage.parse_page(text)[1]
    lines = text.split("\n")
    page = tmp_path / "aws-page.txt"
    page.write_text("\n".join(lines[: rows[100].line - 1] + ["", "Template", "", "The template."]), encoding="utf-8")
    assert main(["import-aws-page", str(page), "--catalog", str(root)]) == 1
    err = capsys.readouterr().err
    assert "(the page has 100 rows, 183 before); nothing was written" in err
    assert err.startswith("mappings removed (")
    assert tree(root) == before


# --- class 3: size and resource limits ---------------------------------------------------------------


def test_an_endless_page_is_refused_fast_with_bounded_memory(tmp_path):
    big = tmp_path / "big.txt"
    with open(big, "wb") as fh:
        fh.truncate(100 * 1024 * 1024)  # 100 MB (sparse)
    for page in (Path("/dev/zero"), big):
        if not page.exists():
            continue
        tracemalloc.start()
        start = time.process_time()
        with pytest.raises(PageReadError) as info:
            import_page(page, tmp_path / "catalog")
        elapsed = time.process_time() - start
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert info.value.reason == f"the page is longer than {awspage.MAX_PAGE_BYTES} bytes (the limit for a page); it was not read further"
        assert elapsed < 5
        assert peak < 3 * awspage.MAX_PAGE_BYTES
    assert not (tmp_path / "catalog").exists()


def mini_rows(n: int, same: bool = False) -> str:
    row = "M-1 How do you do the first thing? The first thing’s description.\n\n{rule}\n\nGuidance.\n"
    body = "".join(row.format(rule="alpha-rule" if same else f"rule-{i}") for i in range(n))
    return "Page\n\nControl ID Control Description AWS Config Rule Guidance\n" + body + "\nTemplate\n\nNone.\n"


def test_repeated_and_too_many_rows_are_refused():
    assert (awspage.MAX_ROWS, awspage.MAX_ROW_REPEATS) == (5000, 3)
    assert len(awspage.parse_page(mini_rows(3, same=True))[1]) == 3
    with pytest.raises(awspage.PageError) as info:
        awspage.parse_page(mini_rows(4, same=True))
    assert info.value.problems == [(19, "this row appears more than 3 times (the limit for a repeated row)")]
    assert len(awspage.parse_page(mini_rows(5000))[1]) == 5000
    with pytest.raises(awspage.PageError) as info:
        awspage.parse_page(mini_rows(5001))
    assert info.value.problems == [(25009, "the table has more than 5000 rows (the limit for a page)")]


def test_a_list_past_its_length_limit(tmp_path):
    expect(tmp_path, ["rules/delta-rule.yaml:6:3: $.resource_types: has 1001 items; the limit is 1000"], fixture="long-list")


def timed_validate(root: Path) -> tuple[float, list[Diagnostic]]:
    start = time.process_time()
    _, diags = validate(root)
    return time.process_time() - start, diags


@pytest.mark.slow  # large inputs, validated repeatedly: about 0.8 s of CPU
def test_pathological_files_just_under_each_limit_validate_in_under_5_seconds(tmp_path):
    """Explicit resource-limit test: the worst file under each limit costs seconds, not minutes.

    Time is the process's CPU time, so a machine busy with other work does not fail the test.
    """
    assert yamlio.MAX_FILE_BYTES == 262_144 and yamlio.MAX_DEPTH == 32
    # Lists of distinct items of mixed types (stock uniqueItems compares every pair of them): as many lists
    # of 1000 items (the schemas' limit) as fit in a file, and one list as long as fits in a file.
    head = DELTA.decode().split("mappings:\n")[0] + "mappings:\n"

    def mixed(n: int) -> str:
        return "[" + ", ".join(str(i) if i % 2 else f"[{i}]" for i in range(n)) + "]"

    def fill(mapping: str) -> bytes:
        return (head + mapping * ((yamlio.MAX_FILE_BYTES - len(head)) // len(mapping))).encode()

    many_lists = fill(f"  - control: M-1\n    statement: M-1.desc\n    source_rows: {mixed(1000)}\n")
    one_list = (head + "  - control: M-1\n    statement: M-1.desc\n    source_rows: ").encode()
    one_list += mixed(40_000).encode()[: yamlio.MAX_FILE_BYTES - len(one_list) - 10].rsplit(b",", 1)[0] + b"]\n"
    for content in (many_lists, one_list):
        assert yamlio.MAX_FILE_BYTES - 8000 < len(content) <= yamlio.MAX_FILE_BYTES
    deep = DELTA + b"parameters:\n  - name: " + b"[" * (yamlio.MAX_DEPTH - 3) + b"x" + b"]" * (yamlio.MAX_DEPTH - 3) + b"\n"
    longest = DELTA.replace(b"Delta guidance.", b"y" * yamlio.MAX_STRING_CHARS)
    cases = (("many-lists", many_lists, False), ("one-list", one_list, False), ("deep", deep, False), ("long-string", longest, True))
    for name, content, valid in cases:
        root = overlay(tmp_path / name, files={"rules/delta-rule.yaml": content})
        elapsed, diags = timed_validate(root)
        assert elapsed < 5, (name, elapsed)
        assert (diags == []) is valid, name


@pytest.mark.slow  # large inputs, validated repeatedly: about 0.8 s of CPU
def test_duplicates_are_found_in_linear_time():
    from conformap.load.strictschema import StrictValidator, find_duplicate

    assert find_duplicate([1, "1", True, [1], {"a": 1}, 1.0]) == (0, 5)  # 1 == 1.0 in JSON Schema; true is not 1
    assert find_duplicate([{"a": [1, {}]}, {"a": [1, {}]}]) == (0, 1)
    assert find_duplicate(list(range(100_000)) + [[i] for i in range(100_000)]) is None
    errs = list(StrictValidator({"uniqueItems": True}).iter_errors([[1], "x", [1]]))
    assert [e.message for e in errs] == ["[1] appears twice (items 0 and 2); items must be unique"]


# --- class 4: no traceback, ever -----------------------------------------------------------------------


def test_yaml_tags_with_impossible_values(tmp_path):
    expect(tmp_path, [
        "rules/delta-rule.yaml:3:13: $.identifier: 'maybe' is not true or false",
        "rules/delta-rule.yaml:4:11: $.guidance: 'abc' is not a number",
        "rules/delta-rule.yaml:9:19: $.mappings[0].source_rows[0]: 'abc' is not an integer",
    ], fixture="impossible-tags")


def test_an_integer_past_pythons_digit_limit(tmp_path):
    control = (MINI / "controls" / "M-3.yaml").read_bytes().replace(b"number: 3\n", b"number: " + b"9" * 5000 + b"\n")
    expect(tmp_path, [
        "controls/M-3.yaml:2:9: $.number: '9999999999999999999999999999999999999...' has more digits than an integer may (5000 characters)",
    ], files={"controls/M-3.yaml": control})


def test_unreadable_folder_and_snapshot(tmp_path, monkeypatch, capsys):
    """Tests run as root, where permissions do not deny: the operating system's refusal is simulated."""
    root = overlay(tmp_path)
    real_iterdir, real_read_bytes = Path.iterdir, Path.read_bytes

    def iterdir(self):
        if self.name == "rules":
            raise PermissionError(13, "Permission denied", str(self))
        return real_iterdir(self)

    def read_bytes(self):
        if self.name == "aws-page.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return real_read_bytes(self)

    monkeypatch.setattr(Path, "iterdir", iterdir)
    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    monkeypatch.chdir(root)
    assert main(["validate", "."]) == 1
    out, err = capsys.readouterr()
    assert "rules: $: cannot read folder 'rules/': Permission denied" in out.splitlines()
    assert "framework.yaml:8:13: $.source.snapshot: cannot read the snapshot file 'sources/aws-page.txt': Permission denied" in out.splitlines()
    assert "Traceback" not in out + err


@pytest.mark.scenario
def test_a_full_standard_output_is_an_error_not_a_traceback():
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full on this system")
    with open("/dev/full", "wb") as full:  # standard output only: never a target of --out
        proc = subprocess.run(
            [sys.executable, "-m", "conformap.cli", "export", "--format", "json", "--catalog", str(MINI)],
            stdout=full, stderr=subprocess.PIPE, text=True,
        )
    assert (proc.returncode, proc.stderr) == (1, "conformap: cannot write to standard output: No space left on device\n")


def test_the_backstop_turns_an_unexpected_exception_into_exit_3(monkeypatch, capsys):
    def boom(path):
        raise RuntimeError("unexpected \x1b[31m")

    monkeypatch.setattr("conformap.commands.validate.validate", boom)
    assert main(["validate", str(MINI)]) == 3
    out, err = capsys.readouterr()
    assert err == "conformap: internal error: RuntimeError: unexpected \\x1b[31m (please report)\n"


# --- class 7: terminal and CI output is inert ----------------------------------------------------------


def test_control_characters_in_keys_are_escaped_in_text_and_github_output(tmp_path):
    root = overlay(tmp_path, "control-chars")
    expected = [
        "rules/delta-rule.yaml:5:1: $: key '\\x1b[2J\\x1b[31mred\\x07': control character U+001B (written as an escape) is not allowed in catalogue keys",
        "rules/delta-rule.yaml:6:1: $: key 'x\\r\\n::error file=framework.yaml,line=1::forged': carriage return (use LF line endings)"
        " (written as an escape) is not allowed in catalogue keys",
    ]
    code, lines, err = validate_in_process(root)
    assert (code, lines) == (1, expected)
    code, lines, err = validate_in_process(root, "--format", "github")
    assert code == 1 and len(lines) == 2
    assert all(line.startswith("::error file=rules/delta-rule.yaml,line=") for line in lines)
    assert not any(ch in "\n".join(lines) + err for ch in "\x1b\x07\r")


def test_terminal_escapes_every_control_and_bidi_character():
    from conformap.escape import terminal

    assert terminal("a\x1b[31m\x07\r\n\t\x85\u2028\u202e\u2066\u200bz") == "a\\x1b[31m\\x07\\r\\n\\t\\x85\\u2028\\u202e\\u2066\\u200bz"
    assert terminal("plain text, curly ’ and é") == "plain text, curly ’ and é"
    forged = Diagnostic("a.yaml", 1, 1, "$", "x\n::error file=b.yaml::forged\x1b]0;title\x07")
    assert forged.format() == "a.yaml:1:1: $: x\\n::error file=b.yaml::forged\\x1b]0;title\\x07"
    assert forged.format_github() == "::error file=a.yaml,line=1,col=1,title=$::x\\n::error file=b.yaml::forged\\x1b]0;title\\x07"


# --- class 8: typed values stay typed -------------------------------------------------------------------


def test_integer_valued_floats_are_not_integers(tmp_path):
    expect(tmp_path, [
        "controls/M-3.yaml:2:9: $.number: expected integer, got a number 3.0",
        "rules/gamma-check.yaml:7:19: $.mappings[0].source_rows[0]: expected integer, got a number 4.0",
    ], fixture="float-integers")


def test_the_export_schema_refuses_integer_valued_floats(capsys):
    from conformap.load.strictschema import for_document

    assert main(["export", "--format", "json", "--catalog", str(MINI)]) == 0
    data = json.loads(capsys.readouterr().out)
    from conformap.outputs import mappings_json

    schema = json.loads(mappings_json.json_schema())  # the published schema, references inlined
    assert list(for_document(schema).iter_errors(data)) == []
    data["controls"][0]["number"] = 1.0
    assert jsonschema.Draft202012Validator(schema).is_valid(data)  # why the strict validator exists
    assert [e.message for e in for_document(schema).iter_errors(data)] == ["1.0 is not of type 'integer'"]


# --- class 9: output paths ----------------------------------------------------------------------------


def special_targets(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    target = tmp_path / "target.json"
    target.write_text("keep me\n")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    out = {"fifo": (fifo, "a FIFO (named pipe)"), "link": (link, "a symbolic link")}
    if os.geteuid() == 0:  # only root may create a device node; this one lives in tmp_path
        dev = tmp_path / "full"
        os.mknod(dev, stat.S_IFCHR | 0o600, os.makedev(1, 7))
        out["device"] = (dev, "a character device")
    return out


@pytest.mark.scenario
def test_export_refuses_links_fifos_and_devices(tmp_path, capsys):
    for name, (path, kind) in special_targets(tmp_path).items():
        mode = os.lstat(path).st_mode
        for fmt in ("json", "xlsx", "conformance-pack"):  # a text, a binary and a multi-file format: one wording
            assert main(["export", "--format", fmt, "--catalog", str(MINI), "--out", str(path)]) == 1, (name, fmt)
            out, err = capsys.readouterr()
            assert err.splitlines()[-1] == f"{path}: cannot write: is {kind}, not a regular file (give a file path, or - for standard output); nothing was written"
            assert os.lstat(path).st_mode == mode
    assert (tmp_path / "target.json").read_text() == "keep me\n"
    assert main(["export", "--format", "json", "--catalog", str(MINI), "--out", "-"]) == 0
    assert json.loads(capsys.readouterr().out)["framework"]


# --- class 12: Unicode ---------------------------------------------------------------------------------


def test_bidi_zero_width_and_non_nfc_text_is_refused(tmp_path):
    expect(tmp_path, [
        "controls/M-3.yaml:3:29: $: bidirectional control U+2067 is not allowed in catalogue files",
        "rules/delta-rule.yaml:4:10: $.service: zero-width character U+200B (written as an escape) is not allowed in catalogue text",
        "rules/delta-rule.yaml:5:11: $.guidance: bidirectional control U+202E (written as an escape) is not allowed in catalogue text",
        "rules/delta-rule.yaml:9:16: $.mappings[0].rationale: text is not in Unicode NFC form (a character written as a"
        " letter plus combining marks); save it NFC-normalised",
    ], fixture="unicode-tricks")


# --- round 2 classes (1, 5, 6, 10): the lead's; class 5 is still open -------------------------------------


def test_an_id_the_pages_reserve_is_refused(tmp_path):
    """Class 6, fixed by the lead (one id definition); kept as a regression test."""
    root = overlay(tmp_path, files={"rules/index.yaml": DELTA.replace(b"delta-rule", b"index")})
    _, diags = validate(root)
    assert any("index" in d.message for d in diags)


def test_an_errata_file_that_is_a_folder_is_an_error(tmp_path):
    """Class 10, fixed by the lead's walker (files.top_entry); kept as its regression test."""
    root = overlay(tmp_path)
    (root / "errata.yaml").unlink()
    (root / "errata.yaml").mkdir()
    _, diags = validate(root)
    assert any(d.file.endswith("errata.yaml") for d in diags)
