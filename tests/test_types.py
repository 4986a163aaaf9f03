"""The type checker: mypy with pyproject.toml's ``[tool.mypy]`` (strict on the model, the analysis and the
outputs) finds no error in src/conformap/. Marked ``slow`` (a cold run takes several seconds of CPU): ``make test``
runs it, ``make test-fast`` does not."""

from __future__ import annotations

import pytest
from mypy import api

from conformap import paths


@pytest.mark.slow
def test_mypy_finds_no_error(monkeypatch):
    monkeypatch.chdir(paths.PROJECT_ROOT)  # mypy resolves pyproject.toml's `files` from the working directory
    stdout, stderr, status = api.run(["--config-file", "pyproject.toml", "--cache-dir", ".mypy_cache"])
    assert status == 0, stdout + stderr
    assert stdout.startswith("Success: no issues found"), stdout
