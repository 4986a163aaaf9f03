"""The command line: one module per subcommand, one place that prints failures, and exit statuses that a
closed standard output (``conformap validate BAD | head``) cannot turn into success."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conformap import cli
from conformap.cli import build_parser, main

FIXTURES = Path(__file__).resolve().parent / "fixtures"
MINI = FIXTURES / "mini"
BAD = FIXTURES / "bad" / "many-errors"


def test_every_subcommand_is_a_module_with_add_parser_and_run():
    names = set(build_parser()._subparsers._group_actions[0].choices)  # noqa: SLF001 - argparse has no public accessor
    assert names == {"validate", "import-aws-page", "export", "fmt", "diff", "render-site", "import-source", "sources", "posture"}
    for module in cli.COMMANDS:
        assert module.__name__.startswith("conformap.commands.")
        assert callable(module.add_parser) and callable(module.run)


def test_a_refusal_is_printed_once_after_the_command_name(capsys):
    assert main(["validate", str(MINI), "--catalog", str(BAD)]) == 2
    out, err = capsys.readouterr()
    assert (out, err) == ("", "conformap validate: give the catalogue once (CATALOG or --catalog)\n")


def run_with_closed_stdout(*args: str) -> subprocess.CompletedProcess:
    """Run ``conformap ARGS`` with a standard output whose reader has gone (as ``| head`` does once it has its lines)."""
    read, write = os.pipe()
    os.close(read)
    try:
        return subprocess.run([sys.executable, "-m", "conformap.cli", *args], stdout=write, stderr=subprocess.PIPE, text=True, check=False)
    finally:
        os.close(write)


@pytest.mark.scenario
def test_a_failing_check_keeps_its_status_when_stdout_is_closed():
    proc = run_with_closed_stdout("validate", str(BAD))
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.endswith("error(s), 0 warning(s)\n") and "Traceback" not in proc.stderr

    proc = run_with_closed_stdout("fmt", "--check", str(MINI))  # its files have no modeline: not the canonical layout
    assert proc.returncode == 1, proc.stderr
    assert "8 file(s) not in the canonical layout" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.scenario
def test_a_successful_command_stays_successful_when_stdout_is_closed():
    assert run_with_closed_stdout("validate", str(MINI)).returncode == 0
    proc = run_with_closed_stdout("export", "--format", "json", "--catalog", str(MINI))
    assert (proc.returncode, proc.stderr) == (0, "")


@pytest.mark.parametrize("argv, status", [
    (["validate", str(BAD)], 1),
    (["validate", str(MINI)], 0),
])
def test_the_status_is_the_same_with_stdout_open(argv, status, capsys):
    assert main(argv) == status


@pytest.mark.scenario
def test_export_formats_and_downloads_come_from_the_one_exporter_table(real_catalog):
    from conformap.outputs import EXPORTERS
    from conformap.outputs.downloads import entries

    export = build_parser()._subparsers._group_actions[0].choices["export"]  # noqa: SLF001
    formats = next(a for a in export._actions if a.dest == "format").choices  # noqa: SLF001
    assert list(formats) == list(EXPORTERS)
    published: dict[str, set[str]] = {}
    for e in entries(real_catalog):
        published.setdefault(e.format, set()).add(e.path)
    for name, exporter in EXPORTERS.items():
        if exporter.kind == "files":
            assert all(path.startswith(exporter.file_name) for path in published[name])
        else:
            assert exporter.file_name in published.get(name, {exporter.file_name}), name
    assert set(published) <= set(EXPORTERS) | {"json-schema", "license"}  # a schema and licence texts: files, not exports
