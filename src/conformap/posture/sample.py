"""The site's sample posture report: the Markdown report of a fixture bundle with fictional account ids
(``tests/fixtures/posture/collected``), rendered at build time against the catalogue being built. Only
the report page is published: the bundle never goes into the site or its downloads."""

from __future__ import annotations

from conformap import paths
from conformap.model.catalog import Catalog
from conformap.diagnostics import errors
from conformap.posture import bundle, render
from conformap.posture.report import render as report

PAGE = "posture-sample.md"
SAMPLE_BUNDLE = paths.PROJECT_ROOT / "tests" / "fixtures" / "posture" / "collected"


def files(cat: Catalog) -> dict[str, str]:
    """``{PAGE: markdown}``: the sample report, or (outside a checkout) a page saying where it comes from."""
    if SAMPLE_BUNDLE.is_dir():
        b = bundle.read([SAMPLE_BUNDLE])
        if not errors(b.diagnostics):
            return {PAGE: bytes(report(cat, b, "md")).decode("utf-8")}
    return {PAGE: render.page("sample_missing.md.j2", bundle=SAMPLE_BUNDLE.relative_to(paths.PROJECT_ROOT).as_posix())}
