"""`conformap import-source` under hostile input (issue 22, class 1): it has the guarantees `import-aws-page` has.

The trial run never follows a link in the catalogue; links in the upstream checkout are refused, not followed;
a source giving fewer entries than the snapshot holds is refused unless ``--allow-removals N`` covers them; an
import whose result does not validate writes nothing; fields of the wrong type are named by file and JSON path;
``--commit-date`` is a real date; size, heading-count and nesting limits hold before a file is parsed. Every
failing case leaves the catalogue's bytes as they were. The checkouts are the fixture ones
(tests/fixtures/sources/checkouts/), changed in tmp_path.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from conformap.cli import main
from conformap.ingest.page_import import ImportFailure, ImportRejected
from conformap.ingest.source_import import SourceInputError, SourceRemovalsRefused, import_source
from conformap.parse import upstream

from test_ingest_source_import import CHECKOUTS, DATE, FIXTURES, OTHER_COMMIT, run, tree_hash

GUARD_FILE = "mappings/rule_set_wa-Security-Pillar.json"
NIST_FILE = "nist.gov/SP800-53/rev5/json/NIST_SP-800-53_rev5_catalog.json"


@pytest.fixture
def cat(tmp_path) -> Path:
    root = tmp_path / "catalog"
    shutil.copytree(FIXTURES / "catalog", root)
    return root


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
    with pytest.raises(upstream.SourceFormatError, match="its folder via is a symbolic link"):
        upstream.read_file(tmp_path, "via/f.md")
    os.mkfifo(tmp_path / "fifo")
    with pytest.raises(upstream.SourceFormatError, match="not a regular file"):
        upstream.read_file(tmp_path, "fifo")  # refused before it is opened: opening a FIFO would block


def _guide_without(tmp_path: Path, edit) -> Path:
    source = checkout(tmp_path, "security-hub-guide")
    md = source / "doc_source" / "s3-controls.md"
    md.write_text(edit(md.read_text(encoding="utf-8")), encoding="utf-8")
    return source


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
        fh.truncate(upstream.MAX_FILE_BYTES + 1)  # sparse: no disk, and the reader stops at the limit
    reads: list[int] = []
    real_read = upstream.read_limited

    def counting(fh, limit):
        out = real_read(fh, limit)
        reads.append(fh.tell())
        return out

    monkeypatch.setattr(upstream, "read_limited", counting)
    with pytest.raises(SourceInputError) as err:
        run("guard-registry", cat, source)
    assert err.value.problems[0][1] == f"the file is longer than {upstream.MAX_FILE_BYTES} bytes (the limit for a source file); it was not read further"
    assert reads and reads[0] <= upstream.MAX_FILE_BYTES + 64 * 1024


def test_json_nested_beyond_the_limit_is_refused_before_it_is_parsed(cat, tmp_path):
    source = checkout(tmp_path, "guard-registry")
    (source / GUARD_FILE).write_text('{"mappings": ' + "[" * 200_000 + "]" * 200_000 + "}", encoding="utf-8")
    with pytest.raises(SourceInputError) as err:
        run("guard-registry", cat, source)
    assert err.value.problems == [(f"{GUARD_FILE}:1", f"nesting is deeper than {upstream.MAX_DEPTH} levels (the limit for a source file)")]


def test_a_template_nested_beyond_the_limit_is_refused(cat, tmp_path):
    source = checkout(tmp_path, "conformance-packs")
    (source / "aws-config-conformance-packs" / "Deep.yaml").write_text("a: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    with pytest.raises(SourceInputError) as err:
        run("conformance-packs", cat, source)
    assert err.value.problems == [("aws-config-conformance-packs/Deep.yaml:1", f"nesting is deeper than {upstream.MAX_DEPTH} levels (the limit for a source file)")]


def test_a_page_with_too_many_headings_is_refused(cat, tmp_path):
    source = _guide_without(tmp_path, lambda t: t + "## x\n" * (upstream.MAX_HEADINGS + 1))
    with pytest.raises(SourceInputError) as err:
        run("security-hub-guide", cat, source)
    (where, message), = err.value.problems
    assert where.startswith("doc_source/s3-controls.md:") and message == f"more than {upstream.MAX_HEADINGS} headings (the limit for a page)"
