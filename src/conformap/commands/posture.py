"""``conformap posture report|collect``: the command line of :mod:`conformap.posture` (argparse wiring only).

``report`` reads saved AWS Config answers (:func:`conformap.posture.bundle.read`) and writes one report
(:func:`conformap.posture.report.render`) with :func:`conformap.writing.write_file`; ``collect`` saves
those answers with boto3 (:func:`conformap.posture.collect.run`).
"""

from __future__ import annotations

import argparse
import re
import sys
from datetime import date
from pathlib import Path

from conformap.commands.common import catalog_argument, load_catalogue, print_diagnostics
from conformap.diagnostics import CommandError, ConformapError, errors
from conformap.escape import terminal
from conformap.writing import refusal, write_file

FORMATS = ("md", "html", "csv", "json", "oscal-ar")
DEFAULT_OUT = {"md": "posture.md", "html": "posture.html", "csv": "posture.csv", "json": "posture.json", "oscal-ar": "posture-ar.json"}


def _date(text: str) -> str:
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text).isoformat()
    except ValueError:
        pass
    raise argparse.ArgumentTypeError(f"'{terminal(text)}' is not a date YYYY-MM-DD")


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "posture",
        help="answer each question from your own AWS Config results (report), or save them with boto3 (collect)",
        description="Which of each question's mapped AWS Config rules pass in your accounts: a sample mapping, not a compliance guarantee.",
    )
    inner = p.add_subparsers(dest="posture_command", required=True)
    r = inner.add_parser(
        "report",
        help="read saved AWS Config answers (no credentials, no network) and write the posture of every question",
        description=(
            "INPUT: files or folders of saved `aws configservice` (or boto3) JSON answers: describe-config-rules (required), "
            "describe-compliance-by-config-rule, get-compliance-details-by-config-rule, describe-config-rule-evaluation-status, "
            "describe-conformance-pack-compliance, get-conformance-pack-compliance-details, the aggregator variants, "
            "select-resource-config over AWS::Config::ResourceCompliance and AWS Config's S3 delivery (.json.gz); "
            "each is recognised by its top-level keys."
        ),
    )
    r.add_argument("inputs", nargs="+", type=Path, metavar="INPUT", help="a saved answer, or a folder of them")
    r.add_argument("--format", choices=FORMATS, default="md")
    r.add_argument("--out", default=None, help="file to write (default: standard output; - for standard output); written atomically")
    r.add_argument("--as-of", type=_date, default=None, metavar="DATE", help="the report's date (default: the newest evaluation time)")
    r.add_argument("--strict", action="store_true", help="a leftover NextToken (a truncated save) is an error, not a warning")
    catalog_argument(r)
    c = inner.add_parser(
        "collect",
        help="save every answer `posture report` reads, with boto3 (pip install conformap[aws]); writes exactly what the AWS CLI would",
    )
    c.add_argument("--profile", default=None, help="AWS profile (default: boto3's default credentials)")
    c.add_argument("--region", action="append", required=True, dest="regions", metavar="REGION", help="a region to read; repeat for several")
    c.add_argument("--aggregator", default=None, metavar="NAME", help="also save the aggregator's compliance of every account and region")
    c.add_argument("--out", type=Path, required=True, metavar="FOLDER", help="folder to write (one folder per account and region)")


def run(args: argparse.Namespace) -> int:
    if args.posture_command == "collect":
        from conformap.posture import collect  # lazy, as in _report (a few ms; boto3 only when it runs)

        return collect.run(args)
    return _report(args)


def _report(args: argparse.Namespace) -> int:
    # Lazy: the reports (outputs, networkx, Jinja2, orjson) cost about 0.13 s of `python -X importtime`
    # beyond what `conformap validate` loads, which every other command, `--help` included, would pay.
    from conformap.posture import bundle as bundle_mod
    from conformap.posture.report import render  # lazy, as above

    out = None if args.out in (None, "-") else Path(args.out)
    refused = refusal(out) if out is not None else None
    if refused is not None:
        raise CommandError(f"{terminal(out)}: {refused}; give the file to write, e.g. {DEFAULT_OUT[args.format]}")
    cat = load_catalogue(args.catalog)
    bundle = bundle_mod.read(args.inputs, strict=args.strict)
    diags = sorted(bundle.diagnostics, key=lambda d: (d.file, d.line, d.column, d.path))
    n = len(errors(diags))
    if n:
        raise ConformapError(diags, lines=[f"conformap posture: {n} error(s) in the inputs; nothing was written"])
    print_diagnostics(diags, "text", sys.stderr)
    data = render(cat, bundle, args.format, as_of=args.as_of)
    if out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return 0
    write_file(out, bytes(data) if isinstance(data, memoryview) else data)
    return 0
