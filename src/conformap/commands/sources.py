"""``conformap sources check``: compare the catalogue with the other sources it records (committed snapshots only).

The comparison is :func:`conformap.analysis.sources.check`; this module prints it (text or JSON) and
sets the exit status: 1 on drift, and with ``--strict`` on any difference.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, TextIO

from conformap.commands.common import catalog_argument
from conformap.diagnostics import ConformapError, errors
from conformap.load.loader import validate

if TYPE_CHECKING:
    from conformap.analysis.sources import SourcesReport


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("sources", help="compare the catalogue with the other sources it records (committed snapshots only)")
    inner = p.add_subparsers(dest="sources_command", required=True)
    c = inner.add_parser("check", help="print what differs between the catalogue and its recorded sources; exit 1 on drift")
    catalog_argument(c)
    c.add_argument("--format", choices=["text", "json"], default="text")
    c.add_argument("--strict", action="store_true", help="also exit 1 when sources disagree with each other or with a mapping")


def run(args: argparse.Namespace) -> int:
    # Lazy: conformap.analysis imports networkx, about 0.25 s of `python -X importtime` that
    # `conformap validate` (the pre-commit hook) and `conformap --help` would otherwise pay.
    from conformap.analysis.sources import check

    cat, diags = validate(args.catalog)
    if cat is None:
        raise ConformapError(errors(diags), lines=["conformap sources check: the catalogue does not validate; fix it first"])
    report = check(cat)
    if args.format == "json":
        sys.stdout.write(json.dumps(report.to_json(), indent=2, ensure_ascii=False, sort_keys=False) + "\n")
    else:
        _text(report, sys.stdout)
    if report.drift or (args.strict and report.differences):
        return 1
    return 0


def _text(report: SourcesReport, out: TextIO) -> None:
    from conformap.analysis.sources import DISAGREEMENT, DRIFT  # lazy, as in run()

    print(f"sources recorded: {len(report.sources)}", file=out)
    for s in report.sources:
        print(f"  {s['name']}: {s['repo']} at {s['commit'][:12]} ({s['commit_date']}); {s['license']}", file=out)
    for k, v in report.summary.items():
        print(f"{k.replace('_', ' ')}: {v}", file=out)
    for kind in (DRIFT, DISAGREEMENT):
        items = [d for d in report.differences if d.kind == kind]
        print(f"{kind}: {len(items)}", file=out)
        for d in items:
            detail = f" (catalogue: {d.catalogue!r}; source: {d.stated!r})" if kind == DRIFT else f" (guide: {d.catalogue!r}; OSCAL: {d.stated!r})" if d.source == "security-hub-oscal" else ""
            print(f"  [{d.source}] {d.subject}: {d.field}: {d.message}{detail}", file=out)
