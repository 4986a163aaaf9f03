"""``conformap import-aws-page``: create or update the catalogue from AWS's page, and report what changed."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from conformap import paths
from conformap.commands.common import catalog_argument, non_negative, print_diagnostics
from conformap.diagnostics import ConformapError, errors
from conformap.ingest.page_import import import_page


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("import-aws-page", help="create or update the catalogue from AWS's page (text or Markdown form)")
    p.add_argument("page", help="the page, saved as text or Markdown")
    p.add_argument(
        "--allow-removals", type=non_negative, default=0, metavar="N",
        help="allow the import to remove up to N of the catalogue's page mappings (default 0: an import that removes any is refused)",
    )
    catalog_argument(p)


def run(args: argparse.Namespace) -> int:
    try:
        report = import_page(Path(args.page), args.catalog, allow_removals=args.allow_removals)
    except OSError as exc:  # not expected: the importer names the page or the catalogue itself
        where = exc.filename or args.catalog or paths.DEFAULT_CATALOG
        raise ConformapError(lines=[f"{where}: {exc.strerror or exc}"]) from None
    for note in report.notes:
        print(f"note: {note}")
    print(f"imported {report.rows} rows ({report.form} form); {len(report.written)} file(s) changed")
    # What changed first (removals before anything else); then the files whose only change is renumbered source rows.
    if report.first_import:
        if report.mappings_added:
            print(f"mappings added: {len(report.mappings_added)} (a new catalogue)")
    else:
        for title, items in (
            ("mappings removed", report.mappings_removed),
            ("mappings added", report.mappings_added),
            ("mappings changed", report.mappings_changed),
        ):
            if items:
                print(f"{title} ({len(items)}):")
                for item in items:
                    print(f"  {item}")
    others = report.other_changes
    if others:
        print("files changed:")
    for rel in others:
        print(f"  {rel}")
    if report.renumbered:
        rows = f"the page has {report.rows} rows"
        if report.rows_before is not None:
            rows += ", as before" if report.rows_before == report.rows else f", {report.rows_before} before"
        print(f"source rows renumbered in {len(report.renumbered)} file(s), with no other change ({rows}):")
        for rel in report.renumbered:
            print(f"  {rel}")
    if errors(report.diagnostics):
        print_diagnostics(report.diagnostics, "text", sys.stderr)
        print("conformap: the imported catalogue does not validate yet; complete the files named above", file=sys.stderr)
        return 1
    return 0
