"""Shared fixtures. Nothing here reads ../shared or the network: the real catalogue lives in the repository."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import conformap
from conformap import paths

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def real_catalog() -> conformap.Catalog:
    """The project's catalogue, loaded once per test session."""
    return conformap.load(paths.DEFAULT_CATALOG)


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


def build_site(catalog_dir: Path, site_dir: Path) -> subprocess.CompletedProcess:
    """Build the site for one catalogue with the project's mkdocs.yml (strict), into ``site_dir``."""
    env = dict(os.environ, CONFORMAP_CATALOG=str(catalog_dir), NO_MKDOCS_2_WARNING="1", DISABLE_MKDOCS_2_WARNING="true")
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(paths.PROJECT_ROOT / "mkdocs.yml"), "-d", str(site_dir)],
        env=env, cwd=paths.PROJECT_ROOT, capture_output=True, text=True,
    )


@pytest.fixture(scope="session")
def real_site(tmp_path_factory) -> Path:
    """The real catalogue's site, built once per session."""
    out = tmp_path_factory.mktemp("real-site") / "site"
    proc = build_site(paths.DEFAULT_CATALOG, out)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory) -> Path:
    """The site of tests/fixtures/hostile (every text field tries to inject markup), built once."""
    out = tmp_path_factory.mktemp("hostile-site") / "site"
    proc = build_site(FIXTURES / "hostile", out)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out
