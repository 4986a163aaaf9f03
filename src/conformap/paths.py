"""Locations inside the project, resolved from this file, never from the current directory."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SCHEMA_DIR = PROJECT_ROOT / "schema"
if not SCHEMA_DIR.is_dir():  # installed from a wheel: the schemas ship as the package data conformap.schema
    SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
# In a checkout, the project's catalogue. Installed as a package (e.g. by pre-commit in another
# repository), there is no project around the code: the catalogue is then ./catalog, where the
# tool is run, like any path its user types.
_IN_CHECKOUT = (PROJECT_ROOT / "pyproject.toml").is_file() and (PROJECT_ROOT / "src" / "conformap").is_dir()
DEFAULT_CATALOG = PROJECT_ROOT / "catalog" if _IN_CHECKOUT else Path("catalog")

# Catalogue layout (relative to the catalogue root).
FRAMEWORK_FILE = "framework.yaml"
ERRATA_FILE = "errata.yaml"
CONTROLS_DIR = "controls"
RULES_DIR = "rules"
SOURCES_DIR = "sources"

# File kind -> schema file name.
SCHEMAS = {
    "framework": "framework.schema.json",
    "control": "control.schema.json",
    "rule": "rule.schema.json",
    "errata": "errata.schema.json",
}


def display_path(path: Path) -> str:
    """How a file is named in messages: relative to the working directory when inside it."""
    path = Path(os.path.abspath(path))
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.as_posix()
