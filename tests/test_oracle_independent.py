"""The oracle (tests/oracle/) shares no code with what it checks: none of its modules imports conformap."""

from __future__ import annotations

import ast
from pathlib import Path

ORACLE = Path(__file__).resolve().parent / "oracle"


def imported_modules(path: Path) -> set[str]:
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "__import__":
            out |= {a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)}
    return out


def test_the_oracle_never_imports_conformap():
    files = sorted(ORACLE.glob("*.py"))
    assert {f.name for f in files} >= {"__init__.py", "page.py", "crosswalk.py", "derive.py", "synth.py"}
    for f in files:
        mods = imported_modules(f)
        assert not any(m == "conformap" or m.startswith("conformap.") for m in mods), f"{f.name} imports {sorted(mods)}"
        assert "importlib" not in mods, f"{f.name}: no dynamic imports in the oracle"


def test_the_check_sees_an_import(tmp_path):
    planted = tmp_path / "x.py"
    planted.write_text("from conformap.analysis import stats\nimport conformap.cli as c\n", encoding="utf-8")
    assert imported_modules(planted) == {"conformap.analysis", "conformap.cli"}
