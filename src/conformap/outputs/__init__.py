"""Outputs: plain functions from the catalogue model to the bytes of each export format.

One module per format; :data:`EXPORTERS` is the one table of them, for ``conformap export`` and the
site's downloads (:mod:`conformap.outputs.downloads`). Deterministic: the same catalogue always gives
the same bytes.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

from conformap.model.catalog import Catalog

TEXT = "text"  # one UTF-8 text file; may go to a terminal
BINARY = "binary"  # one binary file; not written to a terminal
FILES = "files"  # one or several files (a conformance pack split to fit AWS's limits, or every pack)

# The options of ``conformap export`` that only some formats take, in the order the command lists them
# (argparse destinations).
PACK_OPTIONS = ("control", "statement", "every", "controls_key", "include_deprecated")


@dataclass(frozen=True)
class Exporter:
    """One export format: its name, its kind, where the site's downloads publish it, the function that
    makes it and the options it accepts.

    ``function`` is ``module:name``, imported when the format is made: the command line lists the
    formats without importing XlsxWriter, networkx and the OSCAL code, which ``conformap validate``
    (run at every commit by the pre-commit hook) and ``conformap --help`` do not need; checked by
    comparing ``python -X importtime`` module lists before and after.
    """

    name: str
    kind: str
    file_name: str  # relative to the site's downloads/ folder; a folder (ending in /) for FILES
    function: str
    options: tuple[str, ...] = ()

    def make(self, cat: Catalog, **options: Any) -> Any:
        """The bytes of a TEXT or BINARY format (text as UTF-8); ``(files, notes)`` for FILES (file name -> bytes)."""
        module, _, name = self.function.partition(":")
        made = getattr(importlib.import_module(module), name)(cat, **options)
        return made.encode("utf-8") if isinstance(made, str) else made


EXPORTERS: dict[str, Exporter] = {
    e.name: e
    for e in (
        Exporter("aws-text", TEXT, "mappings.txt", "conformap.outputs.aws_text:render"),
        Exporter("csv", TEXT, "mappings.csv", "conformap.outputs.mappings_csv:render"),
        Exporter("json", TEXT, "mappings.json", "conformap.outputs.mappings_json:render"),
        Exporter("conformance-pack", FILES, "conformance-packs/", "conformap.outputs.conformance_pack:export", PACK_OPTIONS),
        Exporter("oscal-catalog", TEXT, "oscal/catalog.json", "conformap.outputs.oscal:catalog_json"),
        Exporter("oscal-component-definition", TEXT, "oscal/component-definition.json", "conformap.outputs.oscal:component_definition_json"),
        Exporter("oscal-mapping-collection", TEXT, "oscal/mapping-collection.json", "conformap.outputs.oscal_mapping:mapping_collection_json"),
        Exporter("xlsx", BINARY, "mappings.xlsx", "conformap.outputs.xlsx:workbook_bytes"),
    )
}


def render(cat: Catalog, fmt: str) -> bytes:
    """The bytes of the one-file export ``fmt`` (a TEXT or BINARY name of :data:`EXPORTERS`)."""
    exporter = EXPORTERS[fmt]
    if exporter.kind == FILES:
        raise ValueError(f"{fmt} is made of several files; use EXPORTERS[{fmt!r}].make")
    data: bytes = exporter.make(cat)
    return data
