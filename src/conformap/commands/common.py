"""What several subcommands share: the catalogue argument, and loading a catalogue or refusing with its diagnostics."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Iterable, TextIO

from conformap import paths
from conformap.diagnostics import ConformapError, Diagnostic, errors
from conformap.load.loader import validate
from conformap.model.catalog import Catalog


def catalog_argument(p: argparse.ArgumentParser, positional: bool = False) -> None:
    """The catalogue folder, as ``--catalog DIR`` (or a positional ``CATALOG``)."""
    if positional:
        p.add_argument("catalog", nargs="?", type=Path, default=None, help=f"catalogue folder (default: {paths.DEFAULT_CATALOG})")
    else:
        p.add_argument("--catalog", type=Path, default=None, help=f"catalogue folder (default: {paths.DEFAULT_CATALOG})")


def load_catalogue(catalog: Path | None) -> Catalog:
    """The validated catalogue; a :class:`ConformapError` with every diagnostic when it has errors."""
    cat, diags = validate(catalog)
    if cat is None:
        raise ConformapError(diags, lines=[f"conformap: the catalogue has {len(errors(diags))} error(s); nothing was written"])
    return cat


def print_diagnostics(diags: Iterable[Diagnostic], fmt: str = "text", stream: TextIO | None = None) -> None:
    """Each diagnostic on its line (``--format github``: as a GitHub Actions annotation); standard output by default."""
    stream = stream if stream is not None else sys.stdout  # looked up at call time (tests swap sys.stdout)
    for d in diags:
        print(d.format_github() if fmt == "github" else d.format(), file=stream)


def non_negative(text: str) -> int:
    """An argparse type: a whole number, 0 or more."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{value} is negative")
    return value
