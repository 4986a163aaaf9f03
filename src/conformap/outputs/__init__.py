"""Outputs: plain functions from the catalogue model to the bytes of each export format.

One module per format; :data:`FORMATS` names them for ``conformap export`` and the site's downloads.
Deterministic: the same catalogue always gives the same bytes.
"""

from __future__ import annotations

from typing import Callable

from conformap.model.catalog import Catalog
from conformap.outputs import aws_text, mappings_csv, mappings_json

FORMATS: dict[str, Callable[[Catalog], str]] = {
    "aws-text": aws_text.render,
    "json": mappings_json.render,
    "csv": mappings_csv.render,
}


def render(cat: Catalog, fmt: str) -> bytes:
    """The export ``fmt`` (a key of :data:`FORMATS`) of a catalogue, as UTF-8 bytes."""
    return FORMATS[fmt](cat).encode("utf-8")
