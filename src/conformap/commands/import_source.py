"""``conformap import-source``: snapshot another public source into the catalogue's ``sources/`` folder."""

from __future__ import annotations

import argparse
import datetime
import re
import sys
from pathlib import Path

from conformap import paths
from conformap.commands.common import catalog_argument, non_negative
from conformap.diagnostics import CommandError, ConformapError
from conformap.escape import terminal
from conformap.ingest.source_import import import_source
from conformap.ingest.source_specs import SPECS


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "import-source",
        help="snapshot another public source (Security Hub, NIST 800-53, Guard registry, AWS Config rule pages, pack scopes) into the catalogue",
    )
    p.add_argument("name", choices=sorted(paths.SOURCE_SNAPSHOTS), help="which source")
    p.add_argument("path", type=Path, help="a checkout of the source's repository at COMMIT (or, for a one-file source, that file)")
    p.add_argument("--commit", required=True, help="the full (40 hex digits) commit the checkout is at")
    p.add_argument("--commit-date", required=True, help="that commit's date, YYYY-MM-DD")
    p.add_argument(
        "--allow-removals", type=non_negative, default=0, metavar="N",
        help="accept a source that gives up to N fewer entries than the snapshot holds (default 0: such an import is refused)",
    )
    catalog_argument(p)


def _real_date(text: str) -> bool:
    try:
        return bool(re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text)) and datetime.date.fromisoformat(text) is not None
    except ValueError:
        return False


def run(args: argparse.Namespace) -> int:
    if not re.fullmatch(r"[0-9a-f]{40}", args.commit) or not _real_date(args.commit_date):
        raise CommandError("--commit takes 40 lower-case hex digits and --commit-date a date, YYYY-MM-DD", status=2)
    try:
        report = import_source(args.name, args.path, args.commit, args.commit_date, args.catalog, args.allow_removals)
    except OSError as exc:  # a file the importer does not name itself
        raise ConformapError(lines=[f"{terminal(exc.filename or args.path)}: {terminal(exc.strerror or exc)}"]) from None
    state = "written" if report.written else "unchanged"
    print(f"{report.relpath}: {report.items} entries from {SPECS[args.name].repo} at {args.commit[:12]} ({state})")
    for d in report.drift:
        print(d.format(), file=sys.stderr)
    if report.drift:
        print(f"conformap: the snapshot was written; the {len(report.drift)} error(s) above are catalogue files that now differ from the source: update them", file=sys.stderr)
    return 1 if report.drift else 0
