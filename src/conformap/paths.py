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
    "security-hub": "security-hub.schema.json",
    "guard-mapping": "guard-mapping.schema.json",
    "nist-800-53": "nist-800-53.schema.json",
    "rule-pages": "rule-pages.schema.json",
    "pack-scopes": "pack-scopes.schema.json",
}

# Snapshots of other public sources (conformap import-source NAME): NAME -> (file in the catalogue, kind).
# Crosswalks to other frameworks live in crosswalks/; the facts the rule files are checked against in sources/.
CROSSWALKS_DIR = "crosswalks"
SOURCE_SNAPSHOTS = {
    "security-hub-guide": (f"{CROSSWALKS_DIR}/security-hub-guide.yaml", "security-hub"),
    "security-hub-oscal": (f"{CROSSWALKS_DIR}/security-hub-oscal.yaml", "security-hub"),
    "guard-registry": (f"{CROSSWALKS_DIR}/guard-wa-security-pillar.yaml", "guard-mapping"),
    "nist-800-53": (f"{CROSSWALKS_DIR}/nist-800-53-r5.yaml", "nist-800-53"),
    "config-rule-pages": (f"{SOURCES_DIR}/config-rule-pages.yaml", "rule-pages"),
    "conformance-packs": (f"{SOURCES_DIR}/conformance-pack-scopes.yaml", "pack-scopes"),
}


def display_path(path: Path) -> str:
    """How a file is named in messages: relative to the working directory when inside it."""
    path = Path(os.path.abspath(path))
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.as_posix()
