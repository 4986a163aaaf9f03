"""Test helper: the one builder of fixture catalogues for a test, and `conformap validate` run on one.

A test gets its catalogue as a copy (under its tmp_path) of a catalogue under tests/fixtures/ - by default
tests/fixtures/mini - with the files of an overlay folder (tests/fixtures/bad/<case>/, .../hardening/<case>/)
and any bytes of its own laid over it: :func:`catalog_copy`. The fixture folders stay hand-written files
(their point is being hand-made: bad input, expected values worked out by hand).
"""

from __future__ import annotations

import contextlib
import io
import shutil
import subprocess
import sys
from pathlib import Path

from conformap.cli import main
from conformap.diagnostics import Diagnostic
from conformap.load import loader

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
MINI = FIXTURES / "mini"

# A rule that is valid on its own, for the mini catalogue (bytes-level tests damage a copy of it).
DELTA = (
    b"id: delta-rule\n"
    b"kind: managed\n"
    b"identifier: DELTA_RULE\n"
    b"guidance: Delta guidance.\n"
    b"mappings:\n"
    b"  - control: M-1\n"
    b"    statement: M-1.desc\n"
    b"    rationale: Contributed for the tests.\n"
)


def catalog_copy(dest: Path, base: Path = MINI, overlay: Path | None = None, files: dict[str, bytes] | None = None) -> Path:
    """``base`` copied to ``dest``, with the files of the folder ``overlay`` and then ``files`` laid over it."""
    shutil.copytree(base, dest)
    if overlay is not None:
        assert overlay.is_dir(), overlay
        shutil.copytree(overlay, dest, dirs_exist_ok=True)
    for rel, content in (files or {}).items():
        (dest / rel).write_bytes(content)
    return dest


def validate_cli(root: Path, *options: str) -> tuple[int, list[str], str]:
    """Run `conformap validate .` in a fresh process inside ``root``; return (exit code, stdout lines, stderr)."""
    proc = subprocess.run(
        [sys.executable, "-m", "conformap.cli", "validate", ".", *options], capture_output=True, text=True, cwd=root
    )
    assert "Traceback" not in proc.stdout and "Traceback" not in proc.stderr, proc.stderr[-3000:]
    return proc.returncode, proc.stdout.splitlines(), proc.stderr


def validate_in_process(root: Path, *options: str) -> tuple[int, list[str], str]:
    """:func:`validate_cli` inside this process (``conformap.cli.main``), with the same result."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.chdir(root), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["validate", ".", *options])
    assert "Traceback" not in out.getvalue() + err.getvalue()
    return code, out.getvalue().splitlines(), err.getvalue()


def found(root: Path) -> list[Diagnostic]:
    """The diagnostics of validate() for a catalogue that must not load."""
    catalog, diags = loader.validate(root.resolve())  # an absolute path: messages still name files from the cwd
    assert catalog is None
    return diags
