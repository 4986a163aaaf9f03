"""``conformap export``: write the catalogue in one of the formats of :data:`conformap.outputs.EXPORTERS`.

Arguments are checked before the catalogue is read; everything is generated before anything is
written, and every file is written with :func:`conformap.writing.write_file` (a refused or failed
write leaves nothing behind).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from conformap.commands.common import catalog_argument, load_catalogue
from conformap.diagnostics import CommandError
from conformap.outputs import BINARY, EXPORTERS, FILES
from conformap.writing import write_file, write_files

# The options only some formats take (the exporters' ``options``): argparse destination -> flag, settings.
# The first three choose which pack, so at most one of them may be given.
_OPTIONS: dict[str, tuple[str, dict[str, Any]]] = {
    "control": ("--control", {"metavar": "ID", "help": "the pack of one question, e.g. SEC-8"}),
    "statement": ("--statement", {"metavar": "ID", "help": "the pack of one best-practice statement, e.g. SEC-3.BP07"}),
    "every": ("--all", {"action": "store_true", "help": "every pack (per question, per best practice, whole framework) into the --out folder"}),
    "controls_key": ("--controls-key", {"action": "store_true", "help": "add AWS's non-standard Controls key (question and best-practice ids) to each rule"}),
    "include_deprecated": ("--include-deprecated", {"action": "store_true", "help": "deploy deprecated rules too (left out by default)"}),
}
_CHOOSERS = ("control", "statement", "every")
_ID_OF = {"control": "a question id, e.g. SEC-8", "statement": "a best-practice statement id, e.g. SEC-3.BP07"}


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("export", help="write the catalogue in an exchange format")
    p.add_argument("--format", choices=list(EXPORTERS), required=True)
    p.add_argument("--out", default=None, help="output file, or folder for several packs (default: standard output); written atomically")
    catalog_argument(p)
    g = p.add_argument_group("conformance-pack options")
    which = g.add_mutually_exclusive_group()
    for dest, (flag, settings) in _OPTIONS.items():
        (which if dest in _CHOOSERS else g).add_argument(flag, dest=dest, **settings)


def _check_options(args: argparse.Namespace) -> dict[str, Any]:
    """The format's options as given; refuse those its format does not take, and empty ids."""
    exporter = EXPORTERS[args.format]
    given = {dest: getattr(args, dest) for dest in _OPTIONS if getattr(args, dest) not in (None, False)}
    if any(dest not in exporter.options for dest in given):
        flags = [flag for flag, _ in _OPTIONS.values()]
        takers = [e.name for e in EXPORTERS.values() if e.options]
        raise CommandError(f"{', '.join(flags[:-1])} and {flags[-1]} apply to --format {', '.join(takers)} only")
    for dest, what in _ID_OF.items():
        if dest in given and not given[dest].strip():
            raise CommandError(f"{_OPTIONS[dest][0]} needs {what}; it was given an empty one")
    return {dest: getattr(args, dest) for dest in exporter.options}


def run(args: argparse.Namespace) -> int:
    options = _check_options(args)
    exporter = EXPORTERS[args.format]
    cat = load_catalogue(args.catalog)
    out = None if args.out in (None, "-") else Path(args.out)
    if exporter.kind == FILES:
        files, notes = exporter.make(cat, **options)
        _write_pack(files, out)
        for note in notes:  # after the write, so that a refusal is the only line
            print(f"note: {note}", file=sys.stderr)
        return 0
    data = exporter.make(cat)
    if out is not None:
        write_file(out, data)
        return 0
    if exporter.kind == BINARY and sys.stdout.isatty():
        raise CommandError(f"--format {exporter.name} is binary; give a file with --out")
    return _stdout(data)


def _write_pack(files: dict[str, bytes], out: Path | None) -> None:
    """One pack file to ``out`` (or standard output); several into the folder ``out``."""
    if len(files) == 1 and not (out is not None and out.is_dir()):
        data = next(iter(files.values()))
        if out is None:
            _stdout(data)
        else:
            write_file(out, data)
        return
    if out is None:
        raise CommandError(f"{len(files)} pack files ({', '.join(files)}): give a folder with --out")
    if out.exists() and not out.is_dir():
        raise CommandError(f"{out}: is a file; {len(files)} pack files need a folder")
    if out.suffix in (".yaml", ".yml") and not out.exists():
        raise CommandError(f"the pack is split into {len(files)} files ({', '.join(files)}); give a folder with --out, not {out}")
    write_files(out, files)


def _stdout(data: bytes) -> int:
    sys.stdout.buffer.write(data)
    sys.stdout.flush()
    return 0
