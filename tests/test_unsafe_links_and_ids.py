"""Issue 10, classes 1, 6 and 10: links anywhere in a catalogue, ids that validate but could not build,
and a missing errata.yaml are refused by every command, with a message naming the file."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest

import conformap
from conformap.load import schema
from conformap.cli import main

FIXTURES = Path(__file__).resolve().parent / "fixtures"
MINI = FIXTURES / "mini"
PAGE = MINI / "sources" / "aws-page.txt"


def tree(root: Path) -> dict[str, str]:
    """Every file below ``root`` (links as their target text) with its SHA-256."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        for name in dirnames + filenames:
            p = Path(dirpath) / name
            if p.is_symlink():
                out[str(p.relative_to(root))] = "link:" + os.readlink(p)
            elif p.is_file():
                out[str(p.relative_to(root))] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


@pytest.fixture
def cat(tmp_path) -> Path:
    root = tmp_path / "catalog"
    shutil.copytree(MINI, root)
    return root


def messages(root: Path) -> list[str]:
    _, diags = conformap.validate(root)
    return [f"{Path(d.file).name}: {d.message}" for d in diags if d.severity.name == "ERROR"]


# --- class 1: links ------------------------------------------------------------------------------


def test_a_linked_rule_file_is_refused_by_validate_fmt_and_import(cat, tmp_path, capsys):
    outside = tmp_path / "outside.yaml"
    shutil.move(cat / "rules" / "beta-rule.yaml", outside)
    (cat / "rules" / "beta-rule.yaml").symlink_to(outside)
    assert "beta-rule.yaml: symlinks are not allowed" in messages(cat)
    assert main(["fmt", str(cat)]) == 2
    assert "beta-rule.yaml: symlinks are not allowed" in capsys.readouterr().err
    before, outside_before = tree(cat), outside.read_bytes()
    assert main(["import-aws-page", str(PAGE), "--catalog", str(cat)]) == 1
    err = capsys.readouterr().err
    assert "rules/beta-rule.yaml: $: symlinks are not allowed" in err and "Traceback" not in err
    assert tree(cat) == before and outside.read_bytes() == outside_before


def test_a_linked_folder_is_never_written_through(cat, tmp_path, capsys):
    real_rules = tmp_path / "elsewhere"
    shutil.move(cat / "rules", real_rules)
    (cat / "rules").symlink_to(real_rules, target_is_directory=True)
    page = tmp_path / "page.txt"
    page.write_text(PAGE.read_text(encoding="utf-8").replace("Beta guidance.", "Beta guidance, changed."), encoding="utf-8")
    before, elsewhere = tree(cat), tree(real_rules)
    assert main(["import-aws-page", str(page), "--catalog", str(cat)]) == 1
    assert "symlinks are not allowed" in capsys.readouterr().err
    assert tree(cat) == before and tree(real_rules) == elsewhere  # nothing written, here or behind the link
    assert any(m.endswith("rules: symlinks are not allowed") for m in messages(cat))


def test_a_committed_link_is_an_error_for_diff(cat, tmp_path, monkeypatch, capsys):
    for var in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        monkeypatch.delenv(var, raising=False)
    env = dict(os.environ, HOME=str(tmp_path), GIT_CONFIG_NOSYSTEM="1", GIT_AUTHOR_NAME="T", GIT_AUTHOR_EMAIL="t@e.x", GIT_COMMITTER_NAME="T", GIT_COMMITTER_EMAIL="t@e.x")
    repo = cat.parent

    def git(*args):
        subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, env=env)

    git("init", "-q")
    git("add", "-A")
    git("commit", "-q", "-m", "one")
    (cat / "rules" / "copy.yaml").symlink_to("beta-rule.yaml")
    git("add", "-A")
    git("commit", "-q", "-m", "a link")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert main(["diff", "HEAD~1", "HEAD", "--catalog", str(cat)]) == 2
    assert "rules/copy.yaml at " in capsys.readouterr().err


# --- class 6: ids that would not build -------------------------------------------------------------


@pytest.mark.parametrize("kind, value", [("rule_id", "index"), ("control_id", "INDEX"), ("rule_id", "alpha-rule\n"), ("control_id", "M-1\n"), ("statement_id", "M-1.desc\n")])
def test_ids_the_pages_cannot_use_are_refused(kind, value):
    assert not schema.is_id(kind, value)
    assert schema.is_id(kind, value.strip().replace("index", "index-page").replace("INDEX", "INDEX-1"))


def test_a_rule_named_index_is_refused(cat):
    text = (cat / "rules" / "beta-rule.yaml").read_text(encoding="utf-8").replace("id: beta-rule", "id: index")
    (cat / "rules" / "beta-rule.yaml").unlink()
    (cat / "rules" / "index.yaml").write_text(text, encoding="utf-8")
    assert any(m.startswith("index.yaml: 'index' is not valid here") for m in messages(cat))


def test_windows_device_names_with_an_extension_are_refused(cat):
    shutil.copy(cat / "controls" / "M-3.yaml", cat / "controls" / "CON.1.yaml")
    assert "CON.1.yaml: file name 'CON.1.yaml' is a reserved device name on Windows; choose another id" in messages(cat)


def test_statement_ids_that_differ_only_in_case_are_refused(cat):
    f = cat / "controls" / "M-2.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("id: M-2.BP02", "id: M-2.bp01"), encoding="utf-8")
    assert "M-2.yaml: statement id 'M-2.bp01' differs from 'M-2.BP01' only in case; the two would share one page anchor" in messages(cat)


# --- class 10: errata.yaml ---------------------------------------------------------------------------


def test_a_missing_errata_file_is_an_error_not_no_errata(cat):
    (cat / "errata.yaml").unlink()
    assert "errata.yaml: missing errata.yaml; a catalogue without errata has one that says 'errata: []'" in messages(cat)


def test_an_errata_folder_or_loop_is_an_error(cat):
    (cat / "errata.yaml").unlink()
    (cat / "errata.yaml").mkdir()
    assert "errata.yaml: errata.yaml must be a regular file, not a folder" in messages(cat)
    (cat / "errata.yaml").rmdir()
    (cat / "errata.yaml").symlink_to("errata.yaml")  # a link to itself
    assert "errata.yaml: symlinks are not allowed" in messages(cat)
