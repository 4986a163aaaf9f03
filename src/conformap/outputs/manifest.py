"""``downloads/manifest.json``: every published file with its size, SHA-256, format, rows and the catalogue
version and source capture date it was generated from, so that a downloaded file can be traced to its snapshot."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from conformap.model.catalog import Catalog

MANIFEST_VERSION = "1.0"


@dataclass(frozen=True)
class Entry:
    """One published file: its path relative to ``downloads/``, its bytes and what it is."""

    path: str
    data: bytes
    format: str
    description: str
    rows: int | None = None
    unit: str | None = None


def manifest_data(cat: Catalog, entries: list[Entry]) -> dict[str, Any]:
    fw = cat.framework
    return {
        "manifest_version": MANIFEST_VERSION,
        "catalogue_version": fw.version,
        "released": fw.released,
        "source": {"title": fw.source.title, "url": fw.source.url, "captured": fw.source.captured, "sha256": fw.source.sha256},
        "files": [
            {
                "path": e.path,
                "format": e.format,
                "description": e.description,
                "bytes": len(e.data),
                "sha256": hashlib.sha256(e.data).hexdigest(),
                "rows": e.rows,
                "unit": e.unit,
                "version": fw.version,
            }
            for e in entries
        ],
    }


def manifest_json(cat: Catalog, entries: list[Entry]) -> bytes:
    return (json.dumps(manifest_data(cat, entries), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
