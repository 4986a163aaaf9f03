"""Catalogue files: which files a catalogue holds (the one walker) and their canonical layout (written with :func:`conformap.writing.write_file`).

:func:`walk` lists the files of a catalogue folder the same way for every command (``validate``,
``fmt``, ``import-aws-page``, ``diff``): ``framework.yaml``, ``errata.yaml``, ``controls/*.yaml`` and
``rules/*.yaml``. An entry that is not a plain, regular, safely named ``.yaml`` file carries the
problem that keeps it from being read (a hidden YAML file, a link, a folder, another extension, a
file name that is not an id or is a Windows device name); ``README.md`` files and other hidden
files are not catalogue files and are passed over.

The canonical layout is what the importer writes and what ``conformap fmt`` produces:
a ``yaml-language-server`` modeline, keys in the order their JSON Schema lists them,
two-space indentation with indented sequences, integer lists in flow style
(``source_rows: [12, 40]``), text wrapped at 100 columns, UTF-8 with curly quotes
kept as they are, and LF line endings.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from conformap import paths
from conformap.load import schema

WIDTH = 100
SYMLINK_PROBLEM = "symlinks are not allowed"
_RESERVED_NAMES = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
_SAFE_STEM = re.compile(r"[A-Za-z0-9][A-Za-z0-9.-]{0,127}")
KIND_OF_FOLDER = {paths.CONTROLS_DIR: "control", paths.RULES_DIR: "rule"}
KIND_OF_FILE = {paths.FRAMEWORK_FILE: "framework", paths.ERRATA_FILE: "errata"}


@dataclass(frozen=True)
class Entry:
    """A file of a catalogue folder: its kind, its path relative to the catalogue, and why it cannot be read."""

    path: Path
    kind: str  # framework, errata, control, rule
    relpath: str
    problem: str | None = None  # None: a catalogue file to read
    at: tuple[int, int] = (0, 0)  # line and column the problem is reported at

    @property
    def stem(self) -> str:
        return self.path.name[: -len(".yaml")] if self.path.name.endswith(".yaml") else self.path.stem


def _stem_problem(name: str) -> str | None:
    stem = name[: -len(".yaml")]
    if not _SAFE_STEM.fullmatch(stem) or ".." in stem:
        return f"file name '{name}' is not a valid catalogue id (letters, digits, '-' and '.')"
    if stem.split(".")[0].lower() in _RESERVED_NAMES:
        return f"file name '{name}' is a reserved device name on Windows; choose another id"
    return None


def folder_entries(root: Path, sub: str) -> list[Entry]:
    """The entries of ``controls/`` or ``rules/`` (``sub``), sorted by name; hidden non-YAML files and READMEs are passed over."""
    kind = KIND_OF_FOLDER[sub]
    out = []
    try:
        listing = sorted((root / sub).iterdir())
    except OSError as exc:  # the folder itself is the entry that cannot be read
        return [Entry(root / sub, kind, sub, f"cannot read folder '{sub}/': {exc.strerror or exc}")]
    for file in listing:
        name, rel = file.name, f"{sub}/{file.name}"
        if name.startswith(".") and name.endswith((".yaml", ".yml")):
            problem = "a hidden file (its name starts with '.') is not read; catalogue ids start with a letter or digit"
            out.append(Entry(file, kind, rel, problem, (1, 1)))
        elif name.startswith(".") or name == "README.md":
            continue
        elif file.is_symlink():
            out.append(Entry(file, kind, rel, SYMLINK_PROBLEM))
        elif not file.is_file():
            out.append(Entry(file, kind, rel, "only regular .yaml files belong here (no folders)"))
        elif not name.endswith(".yaml"):
            out.append(Entry(file, kind, rel, f"unexpected file; catalogue files end in .yaml (rename to '{file.stem}.yaml')"))
        else:
            stem_problem = _stem_problem(name)
            out.append(Entry(file, kind, rel, stem_problem, (1, 1)) if stem_problem else Entry(file, kind, rel))
    return out


def top_entry(root: Path, name: str) -> Entry | None:
    """``framework.yaml`` or ``errata.yaml`` of a catalogue, ``None`` when absent."""
    file = root / name
    if not os.path.lexists(file):
        return None
    if file.is_symlink():
        return Entry(file, KIND_OF_FILE[name], name, SYMLINK_PROBLEM)
    if not file.is_file():
        return Entry(file, KIND_OF_FILE[name], name, f"{name} must be a regular file, not a folder")
    return Entry(file, KIND_OF_FILE[name], name)


def symlinks(root: Path) -> list[Path]:
    """Every link inside a catalogue folder (the folder itself included), links to folders not followed.

    Links are refused everywhere in a catalogue: a link can point a read, a trial copy or a write at a
    file outside it.
    """
    root = Path(root)
    found = [root] if root.is_symlink() else []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        for name in sorted(dirnames + filenames):
            path = Path(dirpath) / name
            if path.is_symlink():
                found.append(path)
    return sorted(found)


def walk(root: Path) -> list[Entry]:
    """Every entry of a catalogue folder: framework.yaml, errata.yaml, then controls/ and rules/ by name."""
    out = [e for e in (top_entry(root, n) for n in KIND_OF_FILE) if e is not None]
    for sub in KIND_OF_FOLDER:
        if (root / sub).is_dir() and not (root / sub).is_symlink():
            out.extend(folder_entries(root, sub))
    return out


def entry_for(path: Path) -> Entry | None:
    """The entry of one file named on a command line (its kind from its name and folder), or ``None``."""
    name = path.name
    if name in KIND_OF_FILE:
        return top_entry(path.parent, name)
    if name in KIND_OF_FOLDER:  # the entry folder_entries gives a folder it cannot list
        return next((e for e in folder_entries(path.parent, name) if e.path == path), None)
    sub = path.parent.name
    if sub in KIND_OF_FOLDER and name.endswith(".yaml"):
        return next((e for e in folder_entries(path.parent.parent, sub) if e.path.name == name), None)
    return None


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
