"""``conformap fmt``: rewrite catalogue files into the canonical layout (keeping comments); ``--check`` only reports."""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

from conformap import paths
from conformap.diagnostics import ConformapError
from conformap.fmt.files import expand, format_file

FIX_HINT = "run `conformap fmt` (or `make fmt`) to fix"


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "fmt",
        help="rewrite catalogue files into the canonical layout (keeps comments); --check only reports",
        description="Rewrite catalogue files into the one canonical layout without changing their data, keeping comments.",
    )
    p.add_argument("paths", nargs="*", type=Path, help=f"files or catalogue folders (default: {paths.DEFAULT_CATALOG})")
    p.add_argument("--check", action="store_true", help="change nothing; exit 1 listing each file that is not in the canonical layout")
    p.add_argument("--diff", action="store_true", help="also print what would change (or changed) as a unified diff")


def run(args: argparse.Namespace) -> int:
    check, out, err = args.check, sys.stdout, sys.stderr
    files, missing = expand(args.paths or [paths.DEFAULT_CATALOG])
    if missing:
        raise ConformapError(lines=[f"conformap fmt: {m}" for m in missing], status=2)
    results = [format_file(f, write=not check) for f in files]
    failed = [r for r in results if r.diagnostics]
    changed = [r for r in results if r.changed]
    for r in failed:
        for d in r.diagnostics:
            print(d.format(), file=err)
    for r in changed:
        if check:
            print(f"{r.shown}: not in the canonical layout", file=out)
        else:
            print(f"reformatted {r.shown}", file=out)
        if args.diff and r.old_text is not None and r.new_text is not None:
            out.writelines(
                difflib.unified_diff(r.old_text.splitlines(True), r.new_text.splitlines(True), r.shown, f"{r.shown} (formatted)")
            )
    ok = len(results) - len(changed) - len(failed)
    if check:
        if changed:
            print(f"{len(changed)} file(s) not in the canonical layout; {FIX_HINT}", file=err)
        if failed:
            print(f"{len(failed)} file(s) could not be formatted; fix the errors above", file=err)
        if not changed and not failed:
            print(f"{len(results)} file(s) already in the canonical layout", file=err)
        return 1 if changed or failed else 0
    print(f"{len(changed)} file(s) reformatted, {ok} unchanged" + (f", {len(failed)} with errors" if failed else ""), file=err)
    return 1 if failed else 0
