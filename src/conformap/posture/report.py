"""One entry point for every report format: ``render(catalogue, bundle, format) -> bytes``."""

from __future__ import annotations

import io

from conformap.model.catalog import Catalog
from conformap.posture import oscal_ar, report_csv
from conformap.posture.bundle import Bundle
from conformap.posture.report_data import assess, json_bytes


def render(cat: Catalog, bundle: Bundle, fmt: str, as_of: str | None = None) -> bytes | memoryview:
    """The report's bytes (the CSV's as a view of its buffer: a million rows are not copied once more)."""
    posture = assess(cat, bundle, as_of)
    if fmt == "json":
        return json_bytes(posture)
    if fmt == "csv":
        buf = io.BytesIO()
        report_csv.write(posture, bundle, buf)
        return buf.getbuffer()
    if fmt == "oscal-ar":
        return oscal_ar.render(posture, bundle)
    # Lazy: the templates (the site's Jinja environment) cost about 0.4 s of `python -X importtime` that the
    # json, csv and oscal-ar reports would otherwise pay.
    from conformap.posture import render as templates

    return templates.render(posture, fmt)
