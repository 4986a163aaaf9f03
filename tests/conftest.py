"""Shared fixtures. Nothing here reads ../shared or the network: the real catalogue lives in the repository."""

from __future__ import annotations

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
