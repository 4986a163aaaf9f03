"""Validation in one process: every bad catalogue of tests/test_validate_bad_input.py, validated in-process.

tests/test_validate_bad_input.py runs `conformap validate` in a fresh process for each bad catalogue and
compares its output with hand-written lines. Here the same tests, with the same expected lines, run
`conformap.cli.main(["validate", "."])` inside this process, one after the other: validation must give
the same answers when the process has already validated other catalogues (``make serve`` and
gen-files validate repeatedly in one process), and these fast runs are what `make mutate` needs to see
the loader's and the YAML reader's mutants (a subprocess never imports the mutant).
"""

from __future__ import annotations

import contextlib
import inspect
import io
from pathlib import Path

import pytest
import test_validate_bad_input as bad

from conformap.cli import main


def validate_in_process(root: Path, *options: str) -> tuple[int, list[str], str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.chdir(root), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["validate", ".", *options])
    assert "Traceback" not in out.getvalue() + err.getvalue()
    return code, out.getvalue().splitlines(), err.getvalue()


# The tests of test_validate_bad_input.py that need nothing but a temporary folder and run `validate` through
# validate_cli (the others check things only a fresh process shows, like memory or exit status).
TESTS = {
    name: fn
    for name, fn in vars(bad).items()
    if name.startswith("test_")
    and list(inspect.signature(fn).parameters) == ["tmp_path"]
    and ("validate_cli(" in inspect.getsource(fn) or "expect_errors(" in inspect.getsource(fn))
}


def test_most_bad_input_tests_run_here_too():
    assert len(TESTS) >= 30


@pytest.mark.parametrize("name", sorted(TESTS))
def test_bad_input_validated_in_process(name, tmp_path, monkeypatch):
    monkeypatch.setattr(bad, "validate_cli", validate_in_process)
    TESTS[name](tmp_path)
