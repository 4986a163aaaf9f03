"""Locations inside the project, resolved from this file, never from the current directory."""

from __future__ import annotations

import importlib.metadata
import os
import tomllib
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SCHEMA_DIR = PROJECT_ROOT / "schema"
if not SCHEMA_DIR.is_dir():  # installed from a wheel: the schemas ship as the package data conformap.schema
    SCHEMA_DIR = Path(__file__).resolve().parent / "schema"

# The catalogue a command reads when given none (``--catalog DIR`` always wins), never ./catalog:
# * in a clone of the project (this file is src/conformap/paths.py beside the pyproject.toml of the
#   project named conformap), the clone's own catalog/, the one its contributors edit;
# * installed from a wheel, the catalogue of the package's version, which the wheel carries as the
#   package data conformap/catalog_data (pyproject.toml maps catalog/ there). It is read from its folder on
#   disk, so an installation that keeps the package in a zip file has none (see ``catalog_problem``).


def _is_clone(root: Path) -> bool:
    if Path(__file__).resolve().parent != root / "src" / "conformap":
        return False
    try:
        with open(root / "pyproject.toml", "rb") as f:
            return tomllib.load(f).get("project", {}).get("name") == "conformap"
    except (OSError, tomllib.TOMLDecodeError, AttributeError):
        return False


IN_CLONE = _is_clone(PROJECT_ROOT)
PACKAGED_CATALOG = Path(__file__).resolve().parent / "catalog_data"
DEFAULT_CATALOG = PROJECT_ROOT / "catalog" if IN_CLONE else PACKAGED_CATALOG

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
    "pack-template": "pack-template.schema.json",
    "wa-best-practices": "wa-best-practices.schema.json",
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
    "wa-template": (f"{SOURCES_DIR}/wa-conformance-pack.yaml", "pack-template"),
    "wa-best-practices": (f"{SOURCES_DIR}/wa-best-practices.yaml", "wa-best-practices"),
}
# The licence and notice texts of each snapshot's source, byte for byte as pinned in its license_files:
# LICENSES_DIR/<snapshot name>/<path in the source repository> (written by import-source, shipped with the downloads).
LICENSES_DIR = f"{SOURCES_DIR}/licenses"


def notice_file() -> Path | None:
    """conformap's NOTICE.md (where the catalogue's content comes from, and each source's terms): the clone's own,
    or, installed from a wheel, the copy in the distribution's ``.dist-info/licenses/`` (pyproject's
    ``license-files``); ``None`` when neither is there. A function: looking up the distribution costs every
    command that does not publish the notice."""
    if IN_CLONE:
        return PROJECT_ROOT / "NOTICE.md"
    try:
        dist = importlib.metadata.distribution("conformap")
    except importlib.metadata.PackageNotFoundError:
        return None
    for f in dist.files or ():
        if f.name == "NOTICE.md" and f.parent.name == "licenses" and f.parent.parent.name.endswith(".dist-info"):
            found = Path(str(dist.locate_file(f)))
            return found if found.is_file() else None
    return None


def license_copy(name: str, path: str) -> str:
    """Where the catalogue keeps the licence file ``path`` of snapshot ``name``."""
    return f"{LICENSES_DIR}/{name}/{path}"


# AWS's Well-Architected Security Pillar conformance pack template, in awslabs/aws-config-rules.
WA_TEMPLATE_PATH = "aws-config-conformance-packs/Operational-Best-Practices-for-AWS-Well-Architected-Security-Pillar.yaml"


def catalog_problem() -> str | None:
    """Why there is no default catalogue to read (``None``: there is one; in a clone, the loader names
    whatever its catalog/ lacks)."""
    if IN_CLONE or DEFAULT_CATALOG.is_dir():
        return None
    return (
        f"{DEFAULT_CATALOG}: this installation of conformap carries no catalogue (an incomplete installation, "
        "or one kept in a zip file); reinstall it (pip install --force-reinstall conformap) or give a catalogue "
        "folder with --catalog DIR"
    )


def display_path(path: Path) -> str:
    """How a file is named in messages: relative to the working directory when inside it."""
    path = Path(os.path.abspath(path))
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.as_posix()
