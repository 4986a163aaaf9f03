"""Shared fixtures. Nothing here reads ../shared or the network: the real catalogue lives in the repository."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import settings
from support.browser import CHROMIUM, LAUNCH_ARGS, serve, watched
from support.catalogs import FIXTURES, catalog_copy

import conformap
from conformap import paths

# `make test-fast` runs the property-based tests with a fifth of their examples (support.examples).
settings.register_profile("fast", max_examples=20)


@pytest.fixture(scope="session")
def real_catalog() -> conformap.Catalog:
    """The project's catalogue, loaded once per test session."""
    return conformap.load(paths.DEFAULT_CATALOG)


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture
def root(tmp_path, monkeypatch) -> Path:
    """A copy of the mini catalogue at tmp_path/catalog, with tmp_path as the working directory
    (modules that need another catalogue as ``root`` define their own)."""
    monkeypatch.chdir(tmp_path)
    return catalog_copy(tmp_path / "catalog")


# mkdocs-material and properdocs print MkDocs-2 banners to stderr, outside MkDocs' logging.
QUIET = {"NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}


# The one warning a build with the placeholder repository address prints (scripts/gen_pages.py; issue 20).
PLACEHOLDER_WARNING = re.compile(r"^WARNING -  conformap: repo_url \S+ is a placeholder \(mkdocs.yml: extra.repository.published is false\).*$", re.M)


def other_warnings(stderr: str) -> list[str]:
    """The warning lines of a build's output, but the placeholder address's."""
    return [line for line in PLACEHOLDER_WARNING.sub("", stderr).splitlines() if "WARNING" in line]


def build_site(catalog_dir: Path, site_dir: Path, **extra_env: str) -> subprocess.CompletedProcess:
    """Build the site for one catalogue with the project's mkdocs.yml (strict), into ``site_dir``."""
    env = dict(os.environ, CONFORMAP_CATALOG=str(catalog_dir), **QUIET, **extra_env)
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(paths.PROJECT_ROOT / "mkdocs.yml"), "--site-dir", str(site_dir)],
        env=env,
        cwd=site_dir.parent,  # not the project: the build must not depend on the working directory
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="session")
def real_site_build(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    """The real catalogue's site, built once per session, with the build's output."""
    out = tmp_path_factory.mktemp("real-site") / "site"
    return out, build_site(paths.DEFAULT_CATALOG, out)


@pytest.fixture(scope="session")
def real_site(real_site_build) -> Path:
    out, proc = real_site_build
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory) -> Path:
    """The site of tests/fixtures/hostile (every text field tries to inject markup), built once."""
    out = tmp_path_factory.mktemp("hostile-site") / "site"
    proc = build_site(FIXTURES / "hostile", out)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out


# --------------------------------------------------------------------------- browser tests (tests/support/browser.py)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CONFORMAP_REQUIRE_BROWSER") == "1":
            pytest.fail(f"Chromium not found at {CHROMIUM}; install it with 'apt-get install chromium'")
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def real_url(real_site):
    server, url = serve(real_site)
    yield url
    server.shutdown()


@pytest.fixture(scope="session")
def hostile_url(hostile_site):
    server, url = serve(hostile_site)
    yield url
    server.shutdown()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield watched(context)
    context.close()
