"""``conformap diff``: what changed in the catalogue between two git revisions or folders (Markdown or JSON)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from conformap import paths
from conformap.compare.engine import compare
from conformap.compare.gitsource import Reader
from conformap.compare.report import render_json, render_markdown


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "diff",
        help="what changed in the catalogue between two git revisions or folders (Markdown or JSON)",
        description=(
            "Compare the catalogue at BASE with HEAD. Each is a catalogue folder or a git revision of the project; "
            "HEAD defaults to the working tree."
        ),
    )
    p.add_argument("base", help="git revision (main, origin/main, v1.0, a commit) or catalogue folder")
    p.add_argument("head", nargs="?", default=None, help="git revision or catalogue folder (default: the working tree)")
    p.add_argument("--format", choices=["markdown", "json"], default="markdown")
    p.add_argument(
        "--catalog", type=Path, default=None, help=f"the catalogue folder, for the working tree and revisions (default: {paths.DEFAULT_CATALOG})"
    )


def run(args: argparse.Namespace) -> int:
    with Reader(args.catalog) as reader:  # a side that cannot be read raises DiffError (exit status 2)
        base = reader.side(args.base)
        head = reader.side(args.head)
        result = compare(base.catalog, head.catalog, base.label, head.label)
    text = render_json(result) if args.format == "json" else render_markdown(result)
    sys.stdout.write(text)
    sys.stdout.flush()
    return 0
