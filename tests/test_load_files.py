"""write_atomic: readers see the old or the new file, and the new file has ordinary permissions."""

from __future__ import annotations

import os
import stat

import pytest

from conformap.load.files import write_atomic


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_new_file_gets_umask_permissions_not_mkstemp_0600(tmp_path, umask_022):
    target = tmp_path / "out.csv"
    write_atomic(target, "a,b\n")
    assert target.read_text() == "a,b\n"
    assert _mode(target) == 0o644


def test_existing_file_keeps_its_permissions(tmp_path, umask_022):
    target = tmp_path / "out.json"
    target.write_text("old")
    os.chmod(target, 0o640)
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert _mode(target) == 0o640


def test_failed_write_leaves_old_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "out.json"
    target.write_text("old")

    def boom(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        write_atomic(target, "new")
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]
