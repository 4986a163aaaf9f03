"""``conformap fmt``: the importer's canonical layout, comments kept, data never changed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from support.examples import examples

from conformap import cli, paths
from conformap.fmt import layout as fmt
from conformap.fmt import files as fmtfiles
from conformap.load import files
from conformap.ingest.page_import import render
from conformap.load.yamlio import read_yaml_text

REAL_FILES = fmtfiles.catalogue_files(paths.DEFAULT_CATALOG)
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "diff" / "base"


def _data(text: str | bytes):
    doc = read_yaml_text(text.encode("utf-8") if isinstance(text, str) else text, "t.yaml")
    assert doc.ok, [d.format() for d in doc.diagnostics]
    return doc.data


@pytest.mark.scenario
def test_every_catalogue_file_kind_is_covered():
    kinds = {files.entry_for(f).kind for f in REAL_FILES}
    assert kinds == {"framework", "errata", "control", "rule"}
    assert len(REAL_FILES) == 1 + 1 + 11 + 127


@pytest.mark.parametrize("file", REAL_FILES, ids=lambda f: f.relative_to(paths.DEFAULT_CATALOG).as_posix())
def test_real_file_is_already_canonical_and_agrees_with_the_importer(file):
    raw = file.read_bytes()
    entry = files.entry_for(file)
    kind, rel = entry.kind, entry.relpath
    out = fmt.format_text(raw, kind, rel, str(file))
    assert out.encode("utf-8") == raw  # fmt changes nothing
    assert fmt.format_text(out, kind, rel) == out  # idempotent
    assert _data(out) == _data(raw)  # same meaning
    assert render(_data(raw), kind, rel) == out  # the importer writes the same bytes


@pytest.mark.parametrize("file", REAL_FILES[::9], ids=lambda f: f.name)
def test_scrambled_layout_is_restored(file):
    """Keys reversed, flow style, other widths and indentation: fmt gives back the committed file."""
    entry = files.entry_for(file)
    kind, rel = entry.kind, entry.relpath
    data = _data(file.read_bytes())

    def scramble(v):
        if isinstance(v, dict):
            return {k: scramble(v[k]) for k in reversed(list(v))}
        if isinstance(v, list):
            return [scramble(x) for x in v]
        return v

    messy = yaml.safe_dump(scramble(data), sort_keys=False, default_flow_style=None, width=60, indent=4, allow_unicode=False)
    assert messy != file.read_text(encoding="utf-8")
    assert fmt.format_text(messy, kind, rel) == file.read_text(encoding="utf-8")


COMMENTED = """\
# Contributed mapping, see issue #12
id: restricted-ssh   # AWS calls it INCOMING_SSH_DISABLED
kind: managed
guidance: Not allowing ingress (or remote) traffic from 0.0.0.0/0 to port 22 on your resources help you restricting remote access.
identifier: INCOMING_SSH_DISABLED
mappings:

  # from the page
  - {control: SEC-3, statement: SEC-3.BP02, source_rows: [4]}   # row 4
  - statement: SEC-2.desc
    control: SEC-2      # contributed
    rationale: "Open SSH is remote access # not a comment"
service: Amazon VPC
# end of file
"""

COMMENTED_FORMATTED = """\
# yaml-language-server: $schema=../../schema/rule.schema.json
# Contributed mapping, see issue #12
id: restricted-ssh # AWS calls it INCOMING_SSH_DISABLED
kind: managed
identifier: INCOMING_SSH_DISABLED
service: Amazon VPC
guidance: Not allowing ingress (or remote) traffic from 0.0.0.0/0 to port 22 on your resources help you
  restricting remote access.
mappings:
  # from the page
  - control: SEC-3
    statement: SEC-3.BP02
    source_rows: [4] # row 4
  - control: SEC-2 # contributed
    statement: SEC-2.desc
    rationale: 'Open SSH is remote access # not a comment'
# end of file
"""


def test_comments_are_kept_and_moved_with_their_keys():
    out = fmt.format_text(COMMENTED, "rule", "rules/restricted-ssh.yaml")
    assert out == COMMENTED_FORMATTED
    assert fmt.format_text(out, "rule", "rules/restricted-ssh.yaml") == out
    assert _data(out) == _data(COMMENTED)


def test_comment_after_a_wrapped_value_goes_to_its_last_line():
    text = "id: x\nkind: process-check\nguidance: " + " ".join(["word"] * 30) + "  # long one\nmappings: []\n"
    out = fmt.format_text(text, "rule", "rules/x.yaml")
    lines = out.splitlines()
    assert lines[3].startswith("guidance: word") and not lines[3].endswith("# long one")
    assert lines[4] == "  " + " ".join(["word"] * 11) + " # long one"
    assert _data(out) == _data(text)


def test_block_scalar_header_comment_is_kept():
    text = "id: x\nkind: process-check\nguidance: >-  # folded\n  Two\n  lines.\nmappings: []\n"
    out = fmt.format_text(text, "rule", "rules/x.yaml")
    assert "guidance: Two lines. # folded\n" in out


_LINES = [(f, i) for f in REAL_FILES for i in range(len(f.read_text(encoding="utf-8").splitlines()))]


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(_LINES), st.sampled_from(["own", "eol"]), st.sampled_from(["# note", "#tight", "# a: b # c"]))
@pytest.mark.scenario
def test_any_comment_a_contributor_adds_survives(where, mode, comment):
    file, i = where
    entry = files.entry_for(file)
    kind, rel = entry.kind, entry.relpath
    text = file.read_text(encoding="utf-8")
    lines = text.splitlines()
    if mode == "own":
        lines.insert(i, " " * (len(lines[i]) - len(lines[i].lstrip())) + comment)
    else:
        lines[i] += "  " + comment
    commented = "\n".join(lines) + "\n"
    doc = read_yaml_text(commented.encode("utf-8"), "t.yaml")
    assume(doc.ok and doc.data == _data(text))  # a comment inside a wrapped text is not a comment
    assume(not (i == 0 and mode == "eol"))  # text after the modeline is part of the modeline comment
    out = fmt.format_text(commented, kind, rel)
    assert out.count(comment) == 1
    assert _data(out) == _data(text)
    assert fmt.format_text(out, kind, rel) == out


# --------------------------------------------------------------------------------------------
# The command.


@pytest.fixture
def catalogue(tmp_path) -> Path:
    root = tmp_path / "catalog"
    shutil.copytree(FIXTURE, root)
    return root


def test_check_passes_on_canonical_files(catalogue, capsys):
    assert cli.main(["fmt", "--check", str(catalogue)]) == 0
    assert "9 file(s) already in the canonical layout" in capsys.readouterr().err


def test_check_lists_each_non_canonical_file_and_says_how_to_fix(catalogue, capsys, monkeypatch):
    monkeypatch.chdir(catalogue.parent)
    rule = catalogue / "rules" / "restricted-ssh.yaml"
    before = rule.read_bytes()
    rule.write_text(rule.read_text().replace("kind: managed\nidentifier: INCOMING_SSH_DISABLED\n", "identifier: INCOMING_SSH_DISABLED\nkind: managed\n"))
    errata = catalogue / "errata.yaml"
    errata.write_text(errata.read_text().replace("  - id: E1", "- id: E1").replace("\n    ", "\n  "))
    changed = {rule: rule.read_bytes(), errata: errata.read_bytes()}

    assert cli.main(["fmt", "--check", "catalog"]) == 1
    captured = capsys.readouterr()
    assert captured.out == "catalog/errata.yaml: not in the canonical layout\ncatalog/rules/restricted-ssh.yaml: not in the canonical layout\n"
    assert "2 file(s) not in the canonical layout; run `conformap fmt` (or `make fmt`) to fix" in captured.err
    assert {f: f.read_bytes() for f in changed} == changed  # --check writes nothing

    assert cli.main(["fmt", "catalog"]) == 0
    captured = capsys.readouterr()
    assert captured.out == "reformatted catalog/errata.yaml\nreformatted catalog/rules/restricted-ssh.yaml\n"
    assert "2 file(s) reformatted, 7 unchanged" in captured.err
    assert rule.read_bytes() == before
    assert cli.main(["fmt", "--check", "catalog/rules/restricted-ssh.yaml", "catalog/errata.yaml"]) == 0


def test_check_with_diff_shows_the_change(catalogue, capsys):
    rule = catalogue / "rules" / "restricted-ssh.yaml"
    rule.write_text(rule.read_text().replace("source_rows: [4]", "source_rows:\n      - 4"))
    assert cli.main(["fmt", "--check", "--diff", str(catalogue / "rules")]) == 1
    out = capsys.readouterr().out
    assert "-    source_rows:\n-      - 4\n+    source_rows: [4]\n" in out


def test_files_that_do_not_parse_are_reported_not_crashed_on(catalogue, capsys, monkeypatch):
    monkeypatch.chdir(catalogue.parent)
    (catalogue / "rules" / "broken.yaml").write_text("id: broken\nmappings: [\n")
    (catalogue / "rules" / "twice.yaml").write_text("id: twice\nid: again\n")
    (catalogue / "controls" / "SEC-1.yaml").write_text((catalogue / "controls" / "SEC-1.yaml").read_text().replace("number: 1\n", "").replace("id: SEC-1\n", "id: SEC-1\nnumber: 1\n\n"))
    assert cli.main(["fmt", "catalog"]) == 1
    captured = capsys.readouterr()
    assert "catalog/rules/broken.yaml:3:1: $: malformed YAML" in captured.err
    assert "catalog/rules/twice.yaml:2:1: $.id: duplicate key 'id' (first defined on line 1)" in captured.err
    assert "Traceback" not in captured.err
    assert captured.out == "reformatted catalog/controls/SEC-1.yaml\n"  # the other files are still formatted
    assert "1 file(s) reformatted, 8 unchanged, 2 with errors" in captured.err
    assert cli.main(["fmt", "--check", "catalog"]) == 1
    assert "2 file(s) could not be formatted" in capsys.readouterr().err


@pytest.mark.scenario
def test_crlf_and_byte_order_mark_are_repaired(catalogue):
    rule = catalogue / "rules" / "restricted-ssh.yaml"
    good = rule.read_bytes()
    rule.write_bytes(b"\xef\xbb\xbf" + good.replace(b"\n", b"\r\n"))
    assert cli.main(["fmt", str(rule)]) == 0
    assert rule.read_bytes() == good


def test_missing_path_and_unknown_file(tmp_path, capsys):
    assert cli.main(["fmt", str(tmp_path / "nope")]) == 2
    assert "no such file or folder" in capsys.readouterr().err
    other = tmp_path / "notes.yaml"
    other.write_text("a: 1\n")
    assert cli.main(["fmt", "--check", str(other)]) == 1
    assert "not a catalogue file" in capsys.readouterr().err


def test_makefile_has_a_fmt_target():
    makefile = (paths.PROJECT_ROOT / "Makefile").read_text()
    assert "\nfmt: $(STAMP) ## " in makefile
    assert "$(BIN)/conformap fmt" in makefile


def test_fmt_keeps_the_file_mode(catalogue):
    rule = catalogue / "rules" / "restricted-ssh.yaml"
    rule.chmod(0o644)
    rule.write_text(rule.read_text() + "\n")
    assert cli.main(["fmt", str(rule)]) == 0
    assert rule.stat().st_mode & 0o777 == 0o644
