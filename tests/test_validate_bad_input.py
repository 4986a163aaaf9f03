"""One test per class of bad input: `conformap validate DIR` names the file, line, column and problem,
exits 1, and never prints a traceback.

Each bad catalogue is tests/fixtures/mini (a small valid catalogue) plus one defect: either the
files under tests/fixtures/bad/<class>/ (copied over the mini catalogue; line numbers below refer to
them), or, for defects a text editor would not show (bytes, sizes), the bytes written in the test.
Expected output is written out by hand, in the format ``path:line:col: $.json.path: message``.
"""

from __future__ import annotations

import hashlib
import inspect
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest
from support.catalogs import DELTA, FIXTURES, MINI, catalog_copy, validate_cli, validate_in_process

import conformap
from conformap.load import yamlio

BAD = FIXTURES / "bad"

def build(tmp_path: Path, fixture: str | None = None, files: dict[str, bytes] | None = None) -> Path:
    """The mini catalogue, with the files of tests/fixtures/bad/<fixture>/ and ``files`` laid over it."""
    return catalog_copy(tmp_path / "catalog", overlay=BAD / fixture if fixture is not None else None, files=files)


def expect_errors(tmp_path, expected: list[str], fixture=None, files=None) -> None:
    code, lines, err = validate_cli(build(tmp_path, fixture, files))
    assert lines == expected
    assert err == f"{len(expected)} error(s), 0 warning(s)\n"
    assert code == 1


# --- the baseline -------------------------------------------------------------------------------


def test_mini_catalogue_is_valid(tmp_path):
    code, lines, err = validate_cli(build(tmp_path))
    assert (code, lines, err) == (0, [], "0 error(s), 0 warning(s) in 3 controls, 3 rules, 4 mappings\n")


def test_mini_snapshot_hash_matches():
    assert hashlib.sha256((MINI / "sources" / "aws-page.txt").read_bytes()).hexdigest() == (
        "1b2fce6927bba7072c2268f29c26a0246cbf2c22b50dad00c2b9e0527e9941f1"
    )
    assert "sha256: 1b2fce6927bba7072c2268f29c26a0246cbf2c22b50dad00c2b9e0527e9941f1\n" in (MINI / "framework.yaml").read_text()


def test_delta_rule_is_valid_on_its_own(tmp_path):
    code, lines, _ = validate_cli(build(tmp_path, files={"rules/delta-rule.yaml": DELTA}))
    assert (code, lines) == (0, [])


# --- file hygiene -------------------------------------------------------------------------------


def test_invalid_utf8(tmp_path):
    latin1 = DELTA.replace(b"guidance: Delta guidance.", b"guidance: Caf\xe9 guidance, saved as Latin-1.")
    expect_errors(tmp_path, [
        "rules/delta-rule.yaml:4:14: $: invalid UTF-8 (byte 0xe9); save the file as UTF-8",
    ], files={"rules/delta-rule.yaml": latin1})


def test_byte_order_mark(tmp_path):
    expect_errors(tmp_path, [
        "rules/delta-rule.yaml:1:1: $: file starts with a UTF-8 byte-order mark; save it as UTF-8 without BOM",
    ], files={"rules/delta-rule.yaml": b"\xef\xbb\xbf" + DELTA})


def test_empty_file(tmp_path):
    expect_errors(tmp_path, [
        "rules/delta-rule.yaml:1:1: $: file is empty; a catalogue file must hold one YAML mapping",
        "rules/epsilon-rule.yaml:1:1: $: file is empty; a catalogue file must hold one YAML mapping",
    ], files={"rules/delta-rule.yaml": b"", "rules/epsilon-rule.yaml": b"# only a comment\n\n"})


def test_tab_and_control_characters(tmp_path):
    raw = DELTA.replace(b"identifier:", b"\tidentifier:").replace(b"Delta guidance.", b"Bell \x07 rings.")
    escaped = DELTA.replace(b"guidance: Delta guidance.", b'guidance: "Red \\e[31m text"')
    windows = DELTA.replace(b"delta-rule\n", b"zeta-rule\r\n")
    expect_errors(tmp_path, [
        "rules/delta-rule.yaml:3:1: $: tab is not allowed in catalogue files",
        "rules/delta-rule.yaml:4:16: $: control character U+0007 is not allowed in catalogue files",
        "rules/epsilon-rule.yaml:4:11: $.guidance: control character U+001B (written as an escape) is not allowed in catalogue text",
        "rules/zeta-rule.yaml:1:14: $: carriage return (use LF line endings) is not allowed in catalogue files",
    ], files={
        "rules/delta-rule.yaml": raw,
        "rules/epsilon-rule.yaml": escaped.replace(b"delta-rule", b"epsilon-rule"),
        "rules/zeta-rule.yaml": windows,
    })


def padded(content: bytes, size: int) -> bytes:
    """``content`` followed by comment lines, ``size`` bytes in all."""
    line = b"# " + b"x" * 97 + b"\n"  # 100 bytes
    out = content + line * ((size - len(content)) // 100)
    return out + b"#" * (size - len(out) - 1) + b"\n"


def test_file_beyond_size_limit(tmp_path):
    assert yamlio.MAX_FILE_BYTES == 262_144  # the message below spells the limit out
    at_limit = padded(DELTA, 262_144)
    beyond = padded(DELTA.replace(b"delta-rule", b"epsilon-rule"), 262_145)
    assert (len(at_limit), len(beyond)) == (262_144, 262_145)
    expect_errors(tmp_path, [
        "rules/epsilon-rule.yaml:1:1: $: file is 262145 bytes; the limit is 262144 bytes (split the content)",
    ], files={"rules/delta-rule.yaml": at_limit, "rules/epsilon-rule.yaml": beyond})


def test_string_beyond_length_limit(tmp_path):
    assert yamlio.MAX_STRING_CHARS == 20_000
    at_limit = DELTA.replace(b"Delta guidance.", b"y" * 20_000)
    beyond = DELTA.replace(b"delta-rule", b"epsilon-rule").replace(b"Delta guidance.", b"z" * 20_001)
    expect_errors(tmp_path, [
        "rules/epsilon-rule.yaml:4:11: $.guidance: string is 20001 characters; the limit is 20000",
    ], files={"rules/delta-rule.yaml": at_limit, "rules/epsilon-rule.yaml": beyond})


def test_file_name_that_is_not_an_id(tmp_path):
    # tests/fixtures/bad/bad-file-name/rules/{Bad Name,con}.yaml
    expect_errors(tmp_path, [
        "rules/Bad Name.yaml:1:1: $: file name 'Bad Name.yaml' is not a valid catalogue id (letters, digits, '-' and '.')",
        "rules/con.yaml:1:1: $: file name 'con.yaml' is a reserved device name on Windows; choose another id",
    ], fixture="bad-file-name")


# --- YAML syntax --------------------------------------------------------------------------------


def test_malformed_yaml(tmp_path):
    # The flow sequence opened on line 7 is never closed; the parser notices at line 8's colon.
    expect_errors(tmp_path, [
        "rules/delta-rule.yaml:8:14: $: malformed YAML: while parsing a flow sequence did not find expected ',' or ']'",
    ], fixture="malformed-yaml")


def test_duplicate_key(tmp_path):
    expect_errors(tmp_path, [
        "rules/delta-rule.yaml:9:1: $.guidance: duplicate key 'guidance' (first defined on line 4)",
    ], fixture="duplicate-key")


def test_anchor_and_alias(tmp_path):
    expect_errors(tmp_path, [
        "rules/delta-rule.yaml:4:11: $: anchor '&text' is not allowed; write the value out in full",
        "rules/delta-rule.yaml:8:16: $: alias '*text' is not allowed; write the value out in full",
    ], fixture="anchor-alias")


def test_billion_laughs_is_refused_without_expanding(tmp_path):
    # Fully expanded, tests/fixtures/bad/billion-laughs/rules/delta-rule.yaml would hold 10^10 strings.
    root = build(tmp_path, "billion-laughs")
    tracemalloc.start()
    try:
        cat, diags = conformap.validate(root)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert cat is None
    assert peak < 5 * 1024 * 1024  # well under a megabyte in practice; the expansion would need hundreds of GB

    code, lines, err = validate_cli(root)
    assert code == 1
    assert lines[:4] == [
        "rules/delta-rule.yaml:5:4: $: anchor '&a' is not allowed; write the value out in full",
        "rules/delta-rule.yaml:6:4: $: anchor '&b' is not allowed; write the value out in full",
        "rules/delta-rule.yaml:6:8: $: alias '*a' is not allowed; write the value out in full",
        "rules/delta-rule.yaml:6:12: $: alias '*a' is not allowed; write the value out in full",
    ]
    # Reporting stops after 50 findings in one file, however many aliases the document holds.
    assert len(lines) == 50
    assert all(line.startswith("rules/delta-rule.yaml:") and "is not allowed; write the value out in full" in line for line in lines)
    assert err == "50 error(s), 0 warning(s)\n"


def test_deep_nesting_is_refused_not_crashed(tmp_path):
    # 100,000 nested lists fit in the size limit; building them crashed PyYAML's composer (segfault).
    deep = DELTA.replace(b"Delta guidance.", b"[" * 100_000 + b"]" * 100_000)
    assert len(deep) < yamlio.MAX_FILE_BYTES
    root = build(tmp_path, files={"rules/delta-rule.yaml": deep})
    proc = subprocess.run([sys.executable, "-m", "conformap.cli", "validate", str(root)], capture_output=True, text=True, cwd=root)
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert proc.stdout == "rules/delta-rule.yaml:4:42: $: nesting is deeper than 32 levels; catalogue files are shallow\n"
    assert "Traceback" not in proc.stderr


# --- schema ---------------------------------------------------------------------------------------


def test_wrong_type(tmp_path):
    expect_errors(tmp_path, [
        "rules/delta-rule.yaml:8:18: $.mappings[0].source_rows: expected array, got an integer 1",
    ], fixture="wrong-type")


def test_unknown_field(tmp_path):
    expect_errors(tmp_path, [
        "rules/delta-rule.yaml:9:5: $.mappings[0].rationle: unknown field 'rationle' (did you mean 'rationale'?); allowed fields: control,"
        " printed_statement, rationale, source_rows, statement",
    ], fixture="unknown-field")


def test_missing_required_field(tmp_path):
    expect_errors(tmp_path, [
        "rules/delta-rule.yaml:1:1: $: missing required field 'guidance'",
    ], fixture="missing-required-field")


def test_non_https_urls(tmp_path):
    expect_errors(tmp_path, [
        "rules/delta-rule.yaml:4:20: $.documentation_url: 'http://docs.aws.amazon.com/config/latest/developerguide/"
        "delta-rule.html' is not valid here: An absolute https: URL.",
        "rules/delta-rule.yaml:11:10: $.sources[0].url: 'javascript:alert(document.cookie)' is not valid here:"
        " An absolute https: URL.",
    ], fixture="non-https-url")


def test_id_does_not_match_file_name(tmp_path):
    expect_errors(tmp_path, [
        "rules/delta-rule.yaml:1:5: $.id: id 'delta-check' does not match the file name 'delta-rule.yaml';"
        " rename the file to 'delta-check.yaml' or fix the id",
    ], fixture="id-not-filename")


# --- references across files ----------------------------------------------------------------------


def test_unknown_control(tmp_path):
    expect_errors(tmp_path, [
        "rules/delta-rule.yaml:6:14: $.mappings[0].control: unknown control 'M-9' (known: M-1, M-2, M-3)",
    ], fixture="unknown-control")


def test_unknown_statement(tmp_path):
    expect_errors(tmp_path, [
        "rules/delta-rule.yaml:7:16: $.mappings[0].statement: unknown statement 'M-2.BP03' (statements of M-2: M-2.BP01, M-2.BP02)",
    ], fixture="unknown-statement")


def test_unknown_printed_statement(tmp_path):
    # Without this check validation passed and the page build crashed with a KeyError (issue 14).
    expect_errors(tmp_path, [
        "rules/delta-rule.yaml:8:24: $.mappings[0].printed_statement: unknown statement 'M-2.BP09'",
    ], fixture="unknown-printed-statement")


def test_a_catalogue_with_an_unknown_printed_statement_does_not_load(tmp_path):
    """Bug (issue 14): the check of printed_statement disabled; the page build crashed with a KeyError. Loading fails."""
    root = build(tmp_path, "unknown-printed-statement")
    with pytest.raises(conformap.CatalogError, match=r"printed_statement: unknown statement 'M-2.BP09'"):
        conformap.load(root)


def test_statement_of_another_control(tmp_path):
    expect_errors(tmp_path, [
        "rules/delta-rule.yaml:7:16: $.mappings[0].statement: statement 'M-2.BP01' belongs to control 'M-2', not 'M-1'",
    ], fixture="statement-of-another-control")


def test_duplicate_mapping_in_one_rule(tmp_path):
    expect_errors(tmp_path, [
        "rules/delta-rule.yaml:12:5: $.mappings[2]: duplicate mapping to M-1 / M-1.desc (same as mappings[0]);"
        " remove one and list both source rows in the other",
    ], fixture="duplicate-mapping")


def test_source_row_claimed_by_two_rules(tmp_path):
    # Row 2 is alpha-rule's (tests/fixtures/mini/rules/alpha-rule.yaml).
    expect_errors(tmp_path, [
        "rules/delta-rule.yaml:8:19: $.mappings[0].source_rows[0]: source row 2 is already claimed by rule 'alpha-rule'",
    ], fixture="source-row-claimed-twice")


def test_duplicate_ids_across_files(tmp_path):
    # controls/M-4.yaml reuses M-2's number and M-2's statement id.
    expect_errors(tmp_path, [
        "controls/M-4.yaml:2:9: $.number: number 2 is already used by control 'M-2'",
        "controls/M-4.yaml:6:9: $.statements[0].id: duplicate statement id 'M-2.BP01' (also in control 'M-2')",
        "controls/M-4.yaml:6:9: $.statements[0].id: statement id 'M-2.BP01' must start with the control id 'M-4.'",
    ], fixture="duplicate-ids")


def test_unknown_rule_in_erratum(tmp_path):
    expect_errors(tmp_path, [
        "errata.yaml:6:37: $.errata[0].rules[2]: unknown rule 'no-such-rule'",
    ], fixture="unknown-erratum-rule")


def test_wrong_snapshot_sha256(tmp_path):
    actual = hashlib.sha256((MINI / "sources" / "aws-page.txt").read_bytes()).hexdigest()
    assert actual == "1b2fce6927bba7072c2268f29c26a0246cbf2c22b50dad00c2b9e0527e9941f1"
    expect_errors(tmp_path, [
        f"framework.yaml:9:11: $.source.sha256: does not match the snapshot file (its SHA-256 is {actual})",
    ], fixture="wrong-snapshot-sha256")


# --- warnings, many errors at once, GitHub annotations -----------------------------------------------


def test_warnings_do_not_fail(tmp_path):
    code, lines, err = validate_cli(build(tmp_path, "warning-only"))
    assert lines == ["rules/delta-rule.yaml:5:11: $.mappings: warning: rule supports no control; add a mapping or remove the rule"]
    assert err == "0 error(s), 1 warning(s) in 3 controls, 4 rules, 4 mappings\n"
    assert code == 0


MANY_ERRORS = [
    "controls/M-4.yaml:2:9: $.number: number 2 is already used by control 'M-2'",
    "controls/M-4.yaml:6:9: $.statements[0].id: duplicate statement id 'M-2.BP01' (also in control 'M-2')",
    "controls/M-4.yaml:6:9: $.statements[0].id: statement id 'M-2.BP01' must start with the control id 'M-4.'",
    "errata.yaml:6:37: $.errata[0].rules[2]: unknown rule 'no-such-rule'",
    "framework.yaml:9:11: $.source.sha256: does not match the snapshot file"
    " (its SHA-256 is 1b2fce6927bba7072c2268f29c26a0246cbf2c22b50dad00c2b9e0527e9941f1)",
    "rules/Bad Name.yaml:1:1: $: file name 'Bad Name.yaml' is not a valid catalogue id (letters, digits, '-' and '.')",
    "rules/delta-rule.yaml:6:14: $.mappings[0].control: unknown control 'M-9' (known: M-1, M-2, M-3, M-4)",
    "rules/epsilon-rule.yaml:9:1: $.guidance: duplicate key 'guidance' (first defined on line 4)",
    "rules/eta-rule.yaml:7:16: $.mappings[0].statement: statement 'M-2.BP01' belongs to control 'M-2', not 'M-1'",
    "rules/eta-rule.yaml:8:19: $.mappings[0].source_rows[0]: source row 1 is already claimed by rule 'alpha-rule'",
    "rules/eta-rule.yaml:8:22: $.mappings[0].source_rows[1]: source row 9 is beyond the source's 4 rows (framework.yaml source.rows)",
    "rules/eta-rule.yaml:9:5: $.mappings[1]: duplicate mapping to M-1 / M-2.BP01 (same as mappings[0]);"
    " remove one and list both source rows in the other",
    "rules/eta-rule.yaml:10:16: $.mappings[1].statement: statement 'M-2.BP01' belongs to control 'M-2', not 'M-1'",
    "rules/zeta-rule.yaml:5:1: $.severity: unknown field 'severity'; allowed fields: conformance_pack, deprecated,"
    " description, documentation_url, guidance, id, identifier, kind, mappings, note, parameters, regions_note,"
    " resource_types, resource_types_current_docs, service, sources, trigger",
]


@pytest.mark.scenario
def test_many_errors_are_all_reported_in_one_run(tmp_path):
    # Every layer at once: file name, YAML, schema, references, errata, snapshot. Run as a real process.
    root = build(tmp_path, "many-errors")
    proc = subprocess.run([sys.executable, "-m", "conformap.cli", "validate", "."], capture_output=True, text=True, cwd=root)
    assert proc.stdout.splitlines() == MANY_ERRORS
    assert proc.stderr == f"{len(MANY_ERRORS)} error(s), 0 warning(s)\n"
    assert proc.returncode == 1
    assert "Traceback" not in proc.stdout + proc.stderr


def test_github_annotations(tmp_path):
    code, lines, err = validate_cli(build(tmp_path, "many-errors"), "--format", "github")
    assert code == 1
    assert len(lines) == len(MANY_ERRORS)
    assert all(line.startswith("::error file=") for line in lines)
    assert "::error file=rules/delta-rule.yaml,line=6,col=14,title=$.mappings[0].control::unknown control 'M-9' (known: M-1, M-2, M-3, M-4)" in lines
    assert "::error file=rules/Bad Name.yaml,line=1,col=1,title=$::file name 'Bad Name.yaml' is not a valid catalogue id (letters, digits, '-' and '.')" in lines
    assert "::error file=framework.yaml,line=9,col=11,title=$.source.sha256::does not match the snapshot file (its SHA-256 is 1b2fce6927bba7072c2268f29c26a0246cbf2c22b50dad00c2b9e0527e9941f1)" in lines
    assert err == f"{len(MANY_ERRORS)} error(s), 0 warning(s)\n"


def test_github_annotations_for_warnings(tmp_path):
    code, lines, err = validate_cli(build(tmp_path, "warning-only"), "--format", "github")
    assert lines == ["::warning file=rules/delta-rule.yaml,line=5,col=11,title=$.mappings::rule supports no control; add a mapping or remove the rule"]
    assert err == ""
    assert code == 0


# --- every problem once, and all of them in one run ---------------------------------------------


def test_broken_control_is_reported_once_not_by_every_rule_that_uses_it(tmp_path):
    # M-2 has an unknown field; the three mini rules that map to M-2 must not each add "unknown control".
    expect_errors(tmp_path, [
        "controls/M-2.yaml:5:1: $.owner: unknown field 'owner'; allowed fields: current_question, framework_question_id, "
        "id, in_source, note, number, question, sources, statements, url",
    ], fixture="broken-control-no-cascade")


def test_schema_error_does_not_hide_a_reference_error_in_the_same_file(tmp_path):
    expect_errors(tmp_path, [
        "rules/beta-rule.yaml:4:1: $.severity: unknown field 'severity'; allowed fields: conformance_pack, deprecated, "
        "description, documentation_url, guidance, id, identifier, kind, mappings, note, parameters, regions_note, "
        "resource_types, resource_types_current_docs, service, sources, trigger",
        "rules/beta-rule.yaml:7:14: $.mappings[0].control: unknown control 'M-9' (known: M-1, M-2, M-3)",
    ], fixture="schema-and-reference-errors")


def test_id_mismatch_does_not_hide_a_reference_error_in_the_same_file(tmp_path):
    expect_errors(tmp_path, [
        "rules/beta-rule.yaml:1:5: $.id: id 'beta-rules' does not match the file name 'beta-rule.yaml'; "
        "rename the file to 'beta-rules.yaml' or fix the id",
        "rules/beta-rule.yaml:7:16: $.mappings[0].statement: unknown statement 'M-2.BP09' (statements of M-2: M-2.BP01, M-2.BP02)",
    ], fixture="id-mismatch-and-reference-error")


def test_erratum_rows_must_be_the_rows_its_rules_cite(tmp_path):
    # Row 1 is alpha-rule's; no mapping cites row 7; rows 3 and 4 belong to two mappings, so they are no duplicate.
    expect_errors(tmp_path, [
        "errata.yaml:5:19: $.errata[0].source_rows[0]: source row 1 is cited by rule 'alpha-rule', which this "
        "erratum does not name (rules: beta-rule, gamma-check)",
        "errata.yaml:5:25: $.errata[0].source_rows[2]: no mapping cites source row 7; update this erratum's rows "
        "to the rows its rules' mappings cite",
        "errata.yaml:14:18: $.errata[1].source_rows: duplicate rows must be cited by one mapping (listing all of "
        "them); they are cited by beta-rule mappings[0], gamma-check mappings[0]",
    ], fixture="stale-erratum-rows")


def test_hidden_yaml_file_is_an_error_not_silently_skipped(tmp_path):
    expect_errors(tmp_path, [
        "rules/.delta-rule.yaml:1:1: $: a hidden file (its name starts with '.') is not read; catalogue ids start "
        "with a letter or digit",
    ], fixture="hidden-file")


def test_guidance_must_be_the_snapshots_text_verbatim(tmp_path):
    # A straight apostrophe where AWS's page prints a curly one.
    expect_errors(tmp_path, [
        "rules/alpha-rule.yaml:12:11: $.guidance: differs from the snapshot's row 1, which it must copy verbatim: "
        "at character 30, the page has ', with the rule\u2019s apostrophe.', the file \", with the rule's apostrophe.\"",
    ], fixture="guidance-not-verbatim")


def test_a_row_of_the_page_cannot_lose_its_mapping_silently(tmp_path):
    # alpha-rule's mapping of row 2 (M-2) was deleted.
    expect_errors(tmp_path, [
        "rules/alpha-rule.yaml:14:3: $.mappings: the snapshot's row 2 maps this rule to M-2, but no mapping cites it; "
        "restore the mapping with source_rows: [2], or record an erratum",
    ], fixture="page-row-not-cited")


def test_every_bad_fixture_has_a_test():
    used = {
        "malformed-yaml", "duplicate-key", "anchor-alias", "billion-laughs", "wrong-type", "unknown-field",
        "missing-required-field", "non-https-url", "id-not-filename", "bad-file-name", "unknown-control",
        "unknown-statement", "statement-of-another-control", "duplicate-mapping", "source-row-claimed-twice",
        "duplicate-ids", "unknown-erratum-rule", "wrong-snapshot-sha256", "warning-only", "many-errors",
        "broken-control-no-cascade", "schema-and-reference-errors", "id-mismatch-and-reference-error",
        "stale-erratum-rows", "hidden-file", "guidance-not-verbatim", "page-row-not-cited",
        "unknown-printed-statement",
    }
    assert {p.name for p in BAD.iterdir() if p.is_dir()} == used
    source = Path(__file__).read_text(encoding="utf-8")
    for name in used:
        assert f'"{name}"' in source.split("def test_every_bad_fixture_has_a_test")[0], name


def test_validate_takes_the_catalogue_as_argument_or_option(tmp_path, capsys):
    from conformap.cli import main

    root = build(tmp_path)
    assert main(["validate", "--catalog", str(root)]) == 0
    assert main(["validate", str(root)]) == 0
    assert main(["validate", str(root), "--catalog", str(MINI)]) == 2
    assert "give the catalogue once" in capsys.readouterr().err


# --------------------------------------------------------------------------- the same bad catalogues, in one process
# Validation in one process: every bad catalogue above, validated in-process.
#
# The tests above run `conformap validate` in a fresh process for each bad catalogue and
# compare its output with hand-written lines. Here the same tests, with the same expected lines, run
# `conformap.cli.main(["validate", "."])` inside this process, one after the other: validation must give
# the same answers when the process has already validated other catalogues (``make serve`` and
# gen-files validate repeatedly in one process), and these fast runs are what `make mutate` needs to see
# the loader's and the YAML reader's mutants (a subprocess never imports the mutant).


# The tests of this module that need nothing but a temporary folder and run `validate` through
# validate_cli (the others check things only a fresh process shows, like memory or exit status).
TESTS = {
    name: fn
    for name, fn in list(globals().items())
    if name.startswith("test_")
    and list(inspect.signature(fn).parameters) == ["tmp_path"]
    and ("validate_cli(" in inspect.getsource(fn) or "expect_errors(" in inspect.getsource(fn))
}


# Each of them runs here in-process (test-fast) and as written, in a fresh process, with `make test` only.
for _fn in TESTS.values():
    pytest.mark.slow(_fn)


def test_most_bad_input_tests_run_here_too():
    assert len(TESTS) >= 30


@pytest.mark.parametrize("name", sorted(TESTS))
def test_bad_input_validated_in_process(name, tmp_path, monkeypatch):
    monkeypatch.setattr(sys.modules[__name__], "validate_cli", validate_in_process)
    TESTS[name](tmp_path)
