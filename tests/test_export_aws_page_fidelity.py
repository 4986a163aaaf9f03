"""Fidelity: the catalogue reproduces AWS's page, character for character.

The page snapshot (catalog/sources/aws-page.txt) is parsed here by a parser written for this test,
independent of conformap.parse.aws_page, and compared with the bytes `conformap export --format aws-text`
writes. The only rows the export may leave out are the verbatim repeats the errata record.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys

import pytest
import yaml

from conformap import paths
from conformap.cli import main

CATALOG = paths.DEFAULT_CATALOG
HEADER = "Control ID Control Description AWS Config Rule Guidance"
CONTROL_LINE = re.compile(r"^SEC-[0-9]+ \S.*\?( \S.*)?$")
RULE_LINE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
APOSTROPHE = "\u2019"


def parse_rows(text: str) -> tuple[str, list[str]]:
    """Split a page in the text form into (text before the header, rows).

    A row is the five lines "control line, blank, rule name, blank, guidance" joined by LF,
    exactly as they appear; rows are returned in page order (row 1 first).
    """
    lines = text.split("\n")
    assert lines.count(HEADER) == 1, "the table header must appear exactly once"
    start = lines.index(HEADER)
    rows = []
    i = start + 1
    while i < len(lines) and CONTROL_LINE.match(lines[i]):
        block = lines[i : i + 5]
        assert len(block) == 5, f"line {i + 1}: truncated row"
        assert block[1] == "" and block[3] == "", f"line {i + 1}: rows have blank lines around the rule name"
        assert RULE_LINE.match(block[2]), f"line {i + 3}: {block[2]!r} is not a rule name"
        assert block[4] and not CONTROL_LINE.match(block[4]), f"line {i + 5}: guidance missing"
        rows.append("\n".join(block))
        i += 5
    return "\n".join(lines[:start]), rows


@pytest.fixture(scope="module")
def source_text() -> str:
    return (CATALOG / "sources" / "aws-page.txt").read_bytes().decode("utf-8")


@pytest.fixture(scope="module")
def source(source_text) -> tuple[str, list[str]]:
    return parse_rows(source_text)


@pytest.fixture(scope="module")
def export_bytes() -> bytes:
    """The bytes `conformap export --format aws-text` writes to standard output."""
    proc = subprocess.run(
        [sys.executable, "-m", "conformap.cli", "export", "--format", "aws-text", "--catalog", str(CATALOG)],
        capture_output=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
    assert proc.stderr == b""
    return proc.stdout


@pytest.fixture(scope="module")
def errata() -> list[dict]:
    return yaml.safe_load((CATALOG / "errata.yaml").read_text(encoding="utf-8"))["errata"]


def distinct(rows: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for r in rows:
        if r not in seen:
            seen.add(r)
            out.append(r)
    return out


@pytest.mark.scenario
def test_the_test_parser_reads_the_whole_table(source, source_text):
    _, rows = source
    assert len(rows) == 183
    assert len(set(rows)) == 181
    # After the last row comes the page's "Template" section, not another row.
    tail = source_text.split(rows[-1], 1)[1]
    assert tail.startswith("\n\nTemplate\n")


@pytest.mark.scenario
def test_export_is_the_source_table_without_repeated_rows(source, export_bytes):
    _, rows = source
    text = export_bytes.decode("utf-8")
    assert "\r" not in text
    expected = HEADER + "\n" + "\n".join(distinct(rows)) + "\n"
    assert text == expected


@pytest.mark.scenario
def test_every_distinct_source_row_is_exported_once_in_source_order(source, export_bytes):
    _, rows = source
    _, exported = parse_rows(export_bytes.decode("utf-8"))
    assert len(exported) == 181
    assert exported == distinct(rows)
    assert len(set(exported)) == len(exported)


@pytest.mark.scenario
def test_missing_rows_are_exactly_the_duplicate_row_errata(source, export_bytes, errata):
    _, rows = source
    _, exported = parse_rows(export_bytes.decode("utf-8"))
    # Row numbers (1-based) of the source rows that the export does not print a second time.
    position_of_first = {}
    missing = set()
    for n, r in enumerate(rows, 1):
        if r in position_of_first:
            missing.add(n)
        position_of_first.setdefault(r, n)
    assert missing == {42, 43}
    assert {r for r in exported} == set(rows)

    duplicate_errata = [e for e in errata if e["kind"] == "duplicate-row"]
    assert [e["id"] for e in duplicate_errata] == ["E1", "E2"]
    recorded = set()
    for e in duplicate_errata:
        first, *repeats = e["source_rows"]
        for n in repeats:
            assert rows[n - 1] == rows[first - 1], f"{e['id']}: row {n} does not repeat row {first}"
            assert position_of_first[rows[n - 1]] == first
        recorded.update(repeats)
        # The erratum names the rule and control the repeated row carries.
        block = rows[first - 1].split("\n")
        assert e["rules"] == [block[2]]
        assert e["controls"] == [block[0].split(" ", 1)[0]]
    assert recorded == missing


@pytest.mark.scenario
def test_curly_apostrophes_are_reproduced(source, source_text, export_bytes):
    preamble, rows = source
    assert source_text.count(APOSTROPHE) == 34
    # Two are in the page's introduction ("Amazon Web Services’", "pillar’s"), which is not a row.
    assert preamble.count(APOSTROPHE) == 2
    in_distinct_rows = sum(r.count(APOSTROPHE) for r in distinct(rows))
    assert in_distinct_rows == 32
    text = export_bytes.decode("utf-8")
    assert text.count(APOSTROPHE) == in_distinct_rows
    # No apostrophe was straightened or escaped on the way.
    assert text.count("'") == sum(r.count("'") for r in distinct(rows))
    assert "\\u2019" not in text and "&rsquo;" not in text


def test_snapshot_sha256_matches_framework():
    framework = yaml.safe_load((CATALOG / "framework.yaml").read_text(encoding="utf-8"))
    snapshot = CATALOG / framework["source"]["snapshot"]
    assert snapshot == CATALOG / "sources" / "aws-page.txt"
    assert hashlib.sha256(snapshot.read_bytes()).hexdigest() == framework["source"]["sha256"]
    assert framework["source"]["rows"] == 183
    assert framework["source"]["form"] == "text"


def test_snapshot_is_plain_lf_utf8(source_text):
    raw = (CATALOG / "sources" / "aws-page.txt").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert b"\r" not in raw
    assert raw.decode("utf-8") == source_text


@pytest.mark.scenario
def test_export_cli_writes_the_same_bytes_to_a_file(tmp_path, export_bytes):
    out = tmp_path / "page.txt"
    assert main(["export", "--format", "aws-text", "--catalog", str(CATALOG), "--out", str(out)]) == 0
    assert out.read_bytes() == export_bytes


def test_parser_rejects_what_it_should(source_text):
    # The test's own parser is strict: a damaged row is an assertion failure, not a silent skip.
    damaged = source_text.replace("\n\naccess-keys-rotated\n\n", "\naccess-keys-rotated\n\n", 1)
    with pytest.raises(AssertionError):
        parse_rows(damaged)
