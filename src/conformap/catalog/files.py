"""Writing catalogue files: one canonical layout, written atomically.

The canonical layout is what the importer writes and what ``conformap fmt`` produces:
a ``yaml-language-server`` modeline, keys in the order their JSON Schema lists them,
two-space indentation with indented sequences, integer lists in flow style
(``source_rows: [12, 40]``), text wrapped at 100 columns, UTF-8 with curly quotes
kept as they are, and LF line endings.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

import yaml

from conformap import paths
from conformap.catalog import schema

WIDTH = 100


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False):  # noqa: D401 - PyYAML API
        return super().increase_indent(flow, False)


def _represent_list(dumper: yaml.SafeDumper, data: list):
    flow = bool(data) and all(isinstance(x, int) and not isinstance(x, bool) for x in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


_Dumper.add_representer(list, _represent_list)


def modeline(kind: str, relpath: str) -> str:
    """The ``# yaml-language-server: $schema=`` line for a file at ``relpath`` inside the catalogue.

    The path assumes the catalogue folder sits beside ``schema/``, as in this repository.
    """
    depth = relpath.count("/") + 1
    return f"# yaml-language-server: $schema={'../' * depth}schema/{paths.SCHEMAS[kind]}\n"


def dump(data: dict, kind: str, header: str = "") -> str:
    """Canonical text of a catalogue document of the given kind."""
    body = yaml.dump(
        schema.ordered(data, kind),
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=WIDTH,
        default_flow_style=False,
        indent=2,
    )
    return header + body


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def write_atomic(path: Path, text: str | bytes) -> None:
    """Write a file so that readers see either the old or the new content, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8") if isinstance(text, str) else text
    try:
        mode = stat.S_IMODE(path.stat().st_mode)  # an existing file keeps its permissions
    except FileNotFoundError:
        mode = 0o666 & ~_umask()  # a new file gets what open() would give it (mkstemp's is 0600)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
