"""``conformap validate``: check every catalogue file and print each problem as ``file:line:col: path: message``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from conformap.commands.common import catalog_argument, print_diagnostics
from conformap.diagnostics import CommandError, Severity, errors
from conformap.load.loader import validate


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("validate", help="check every catalogue file and print each problem as file:line:col: path: message")
    catalog_argument(p, positional=True)
    # --catalog as well, like the other commands.
    p.add_argument("--catalog", dest="catalog_option", type=Path, default=None, help="the same as CATALOG")
    p.add_argument("--format", choices=["text", "github"], default="text", help="github: ::error annotations for GitHub Actions")


def run(args: argparse.Namespace) -> int:
    if args.catalog is not None and args.catalog_option is not None and args.catalog != args.catalog_option:
        raise CommandError("give the catalogue once (CATALOG or --catalog)", status=2)
    cat, diags = validate(args.catalog if args.catalog is not None else args.catalog_option)
    print_diagnostics(diags, args.format)
    n_err = len(errors(diags))
    n_warn = sum(1 for d in diags if d.severity is Severity.WARNING)
    if args.format != "github" or n_err:
        summary = f"{n_err} error(s), {n_warn} warning(s)"
        if cat is not None:
            summary += f" in {len(cat.controls)} controls, {len(cat.rules)} rules, {len(cat.mappings)} mappings"
        print(summary, file=sys.stderr)
    return 1 if n_err else 0
