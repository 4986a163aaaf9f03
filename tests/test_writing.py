"""conformap.writing: readers see the old or the new file, the new file has ordinary permissions, and
links, folders and special files are refused in one wording, before anything is written."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

import conformap

from conformap.diagnostics import ConformapError
from conformap.writing import WriteError, write_file, write_files


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_new_file_gets_umask_permissions_not_mkstemp_0600(tmp_path, umask_022):
    target = tmp_path / "out.csv"
    write_file(target, "a,b\n")
    assert target.read_text() == "a,b\n"
    assert _mode(target) == 0o644


def test_existing_file_keeps_its_permissions(tmp_path, umask_022):
    target = tmp_path / "out.json"
    target.write_text("old")
    os.chmod(target, 0o640)
    write_file(target, b"new")
    assert target.read_bytes() == b"new"
    assert _mode(target) == 0o640


def test_failed_write_leaves_old_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "out.json"
    target.write_text("old")

    def boom(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(WriteError) as info:
        write_file(target, "new")
    assert isinstance(info.value, ConformapError)
    assert info.value.messages() == [f"{target}: cannot write: No space left on device; nothing was written"]
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]


def test_links_and_folders_are_refused_in_one_wording(tmp_path):
    (tmp_path / "real.json").write_text("keep")
    (tmp_path / "link.json").symlink_to(tmp_path / "real.json")
    (tmp_path / "folder").mkdir()
    for name, kind in (("link.json", "a symbolic link"), ("folder", "a folder")):
        with pytest.raises(WriteError) as info:
            write_file(tmp_path / name, "new")
        assert info.value.reason == f"is {kind}, not a regular file (give a file path, or - for standard output)"
    assert (tmp_path / "real.json").read_text() == "keep"


def test_several_files_are_refused_before_any_is_written(tmp_path):
    (tmp_path / "b.yaml").mkdir()  # an earlier output's file, now a folder
    with pytest.raises(WriteError) as info:
        write_files(tmp_path, {"a.yaml": b"a", "b.yaml": b"b"})
    assert (info.value.path, info.value.reason) == (tmp_path / "b.yaml", "is a folder, not a regular file")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.yaml"]
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "b.yaml")
    with pytest.raises(WriteError, match="is a symbolic link; give the folder itself"):
        write_files(link, {"a.yaml": b"a"})
    assert list((tmp_path / "b.yaml").iterdir()) == []


def test_files_are_replaced_in_one_place():
    """Only writing.py replaces files (the document cache, load/cache.py, keeps its own entries while it exists)."""
    src = Path(conformap.__file__).parent
    replacing = {p.relative_to(src).as_posix() for p in src.rglob("*.py") if "os.replace(" in p.read_text(encoding="utf-8")}
    assert replacing <= {"writing.py", "load/cache.py"} and "writing.py" in replacing
