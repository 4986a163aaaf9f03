"""The layers of src/conformap/ are checked, not only drawn: the import-linter contract of pyproject.toml
(``[tool.importlinter]``) holds, a planted forbidden import breaks it, and an import inside a function is
there only with its measured reason (a comment saying "lazy")."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conformap import paths

SRC = paths.PROJECT_ROOT / "src" / "conformap"
PYPROJECT = paths.PROJECT_ROOT / "pyproject.toml"



def lint_imports(project: Path, src: Path) -> subprocess.CompletedProcess[str]:
    """``lint-imports`` with ``project``'s pyproject.toml, on the conformap package found in ``src``."""
    env = dict(os.environ, PYTHONPATH=str(src))
    code = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"
    return subprocess.run(
        [sys.executable, "-c", code, "--config", str(project / "pyproject.toml"), "--no-cache"],
        cwd=project, env=env, capture_output=True, text=True, check=False,
    )


@pytest.mark.scenario
def test_the_import_contract_is_kept():
    result = lint_imports(paths.PROJECT_ROOT, paths.PROJECT_ROOT / "src")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.fixture
def planted(tmp_path):
    """A copy of the project's package and pyproject.toml in which a test plants imports (``plant``)."""
    shutil.copy(PYPROJECT, tmp_path / "pyproject.toml")
    package = tmp_path / "src" / "conformap"
    shutil.copytree(SRC, package, ignore=shutil.ignore_patterns("__pycache__"))

    def plant(module: str, text: str) -> None:
        file = package / module
        file.parent.mkdir(parents=True, exist_ok=True)
        with file.open("a", encoding="utf-8") as f:
            f.write("\n\n" + text + "\n")

    def run() -> str:
        result = lint_imports(tmp_path, tmp_path / "src")
        assert result.returncode != 0, result.stdout
        return " ".join(result.stdout.split())  # the report wraps long lines

    plant.run = run
    return plant


def test_planted_crossings_break_the_contract(planted):
    # upward, and hidden in a function: the model reaching the site
    planted("model/mapping.py", "def _planted():\n    from conformap.site import pages\n\n    return pages")
    # between independent siblings: an export reaching the compare engine
    planted("outputs/aws_text.py", "from conformap.compare import engine as _planted")
    # a cycle for a type hint only, inside one package
    planted("load/fidelity.py", "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from conformap.load import loader")
    # a template engine outside the site
    planted("analysis/graph.py", "import jinja2 as _planted")
    out = planted.run()
    assert "conformap.model.mapping -> conformap.site.pages" in out
    assert "conformap.outputs.aws_text -> conformap.compare.engine" in out
    assert "No cycles are allowed in conformap.load" in out
    assert "conformap.analysis is not allowed to import jinja2" in out
    assert "4 broken" in out


def test_a_new_top_level_module_needs_a_layer(planted):
    planted("helpers.py", '"""A module no layer lists."""')
    assert "conformap.helpers" in planted.run()


def _function_imports(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for inner in ast.walk(node):
                if isinstance(inner, (ast.Import, ast.ImportFrom)):
                    yield inner


@pytest.mark.scenario
def test_imports_inside_functions_say_why():
    """Each import inside a function is lazy for a measured cost, said on its line or the comment above it."""
    unexplained = []
    for file in sorted(SRC.rglob("*.py")):
        rel = file.relative_to(SRC).as_posix()
        lines = file.read_text(encoding="utf-8").splitlines()
        for node in _function_imports(ast.parse("\n".join(lines))):
            above = node.lineno - 2
            comment = [lines[node.lineno - 1]]
            while above >= 0 and lines[above].strip().startswith("#"):
                comment.append(lines[above])
                above -= 1
            if "lazy" not in " ".join(comment).lower():
                unexplained.append(f"{rel}:{node.lineno}: {lines[node.lineno - 1].strip()}")
    assert not unexplained, "imports inside functions without a measured reason:\n" + "\n".join(unexplained)
