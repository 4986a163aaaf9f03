"""The document cache: files whose bytes already passed their schema are neither parsed nor checked again.

``conformap validate`` runs in the pre-commit hook at every commit, and every site build loads the
catalogue (and the Changes page loads the last release's too). Most files have not changed since the
previous run, so :class:`DocCache` keeps, for each document that was read without a problem and passed
its kind's schema, the parsed data under the SHA-256 of its bytes: one small JSON file per document,
``<folder>/docs-<fingerprint>/<kind>-<digest>.json``. Reading such a file again costs one hash and one
JSON decode instead of two YAML passes and a schema validation.

What it must never change, and why it cannot:

* the key is the file's bytes and kind, and the fingerprint covers every schema file and the code that
  reads and checks documents (this module, :mod:`~conformap.load.yamlio`,
  :mod:`~conformap.load.schema`, :mod:`~conformap.load.strictschema` and :mod:`conformap.escape`,
  whose character classes yamlio refuses): change any of them and nothing cached counts;
* only success is cached: a file with any problem is parsed and checked in full every time;
* positions are not stored: a cached document that a later (referential) check reports on is parsed
  again, so its diagnostics carry the same ``line:col`` as without the cache.

The folder is ``$CONFORMAP_CACHE_DIR``, else ``$XDG_CACHE_HOME/conformap``, else ``~/.cache/conformap``;
``CONFORMAP_CACHE_DIR=off`` turns the cache off. A cache that cannot be read or written is simply not
used. Deleting the folder is always safe.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from conformap import paths
from conformap.load.yamlio import MAX_FILE_BYTES, YamlDocument, read_yaml, read_yaml_text

_CODE = ("load/cache.py", "load/yamlio.py", "load/schema.py", "load/strictschema.py", "escape.py")


@dataclass
class CachedDocument(YamlDocument):
    """A document whose data came from the cache; its positions are found (by parsing) when first asked for."""

    raw: bytes = b""

    def mark(self, path, *, key: bool = False) -> tuple[int, int]:
        if not self.value_marks:
            parsed = read_yaml_text(self.raw, self.file)
            self.value_marks, self.key_marks = parsed.value_marks, parsed.key_marks
        return super().mark(path, key=key)


def folder() -> Path | None:
    """Where this code's entries live (``None``: the cache is off or the code cannot be fingerprinted)."""
    where = os.environ.get("CONFORMAP_CACHE_DIR") or ""
    if where == "off":
        return None
    if not where:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        where = os.path.join(base, "conformap")
    h = hashlib.sha256()
    package = Path(__file__).parents[1]
    for file in sorted(paths.SCHEMA_DIR.glob("*.schema.json")) + [package / name for name in _CODE]:
        try:
            h.update(file.read_bytes())
        except OSError:
            return None
    return Path(where) / f"docs-{h.hexdigest()[:20]}"


class DocCache:
    """The documents of earlier runs (see the module's docstring). Use :meth:`read` to read a catalogue
    file, :meth:`has` / :meth:`add` around its schema check, and :meth:`save` once at the end."""

    def __init__(self) -> None:
        self.folder = folder()
        self.valid: set[str] = set()  # "kind-digest" of the documents known to have passed their schema
        self.new: dict[str, Any] = {}  # "kind-digest" -> data, learnt in this run

    def _file(self, key: str) -> Path:
        assert self.folder is not None
        return self.folder / f"{key}.json"

    def read(self, path: Path, kind: str, shown: str) -> YamlDocument:
        """The file's document, from the cache when its bytes passed ``kind``'s schema before."""
        try:
            raw = path.read_bytes() if self.folder is not None and path.stat().st_size <= MAX_FILE_BYTES else None
        except OSError:
            raw = None
        if raw is None:
            return read_yaml(path, shown)  # no cache, or a file too big or unreadable: it reports the problem
        digest = hashlib.sha256(raw).hexdigest()
        key = f"{kind}-{digest}"
        try:
            data = json.loads(self._file(key).read_bytes())
        except (OSError, ValueError):
            return read_yaml_text(raw, shown)
        self.valid.add(key)
        return CachedDocument(shown, data=data, digest=digest, raw=raw)

    def has(self, kind: str, digest: str) -> bool:
        """Whether this run read the document with that digest from the cache (so it passed ``kind``'s schema)."""
        return f"{kind}-{digest}" in self.valid

    def add(self, kind: str, doc: YamlDocument) -> None:
        """Remember a document that was read without a problem and passed ``kind``'s schema."""
        self.new[f"{kind}-{doc.digest}"] = doc.data

    def save(self) -> None:
        """Write what this run learnt, each entry atomically; any failure leaves the cache as it was."""
        if self.folder is None:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            return
        for key, data in self.new.items():
            target = self._file(key)
            tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
            try:
                tmp.write_bytes(json.dumps(data).encode())
                os.replace(tmp, target)
            except OSError:
                tmp.unlink(missing_ok=True)
                return
        self.new.clear()
