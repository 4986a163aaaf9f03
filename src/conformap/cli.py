"""The ``conformap`` command line."""

from __future__ import annotations

import argparse
import errno
import os
import sys
from pathlib import Path
from typing import Sequence

from conformap import paths
from conformap.catalog.loader import validate
from conformap.diagnostics import Severity, errors
from conformap.escape import terminal


def _print_diagnostics(diags, fmt: str, stream=None) -> None:
    stream = stream if stream is not None else sys.stdout  # looked up at call time (tests swap sys.stdout)
    for d in diags:
        print(d.format_github() if fmt == "github" else d.format(), file=stream)


def _load_or_report(catalog: Path | None, fmt: str = "text"):
    cat, diags = validate(catalog)
    if cat is None:
        _print_diagnostics(diags, fmt, sys.stderr)
        n = len(errors(diags))
        print(f"conformap: the catalogue has {n} error(s); nothing was written", file=sys.stderr)
    return cat


def cmd_validate(args) -> int:
    if args.catalog is not None and args.catalog_option is not None and args.catalog != args.catalog_option:
        print("conformap validate: give the catalogue once (CATALOG or --catalog)", file=sys.stderr)
        return 2
    cat, diags = validate(args.catalog if args.catalog is not None else args.catalog_option)
    _print_diagnostics(diags, args.format)
    n_err = len(errors(diags))
    n_warn = sum(1 for d in diags if d.severity is Severity.WARNING)
    if args.format != "github" or n_err:
        summary = f"{n_err} error(s), {n_warn} warning(s)"
        if cat is not None:
            summary += f" in {len(cat.controls)} controls, {len(cat.rules)} rules, {len(cat.mappings)} mappings"
        print(summary, file=sys.stderr)
    return 1 if n_err else 0


def cmd_import(args) -> int:
    from conformap.catalog.awspage import PageError
    from conformap.catalog.importer import (
        CatalogPathError,
        ImportFailure,
        ImportRejected,
        PageReadError,
        RemovalsRefused,
        import_page,
    )

    page = Path(args.page)
    shown = terminal(page)
    try:
        report = import_page(page, args.catalog, allow_removals=args.allow_removals)
    except PageReadError as exc:
        print(f"{shown}: cannot read: {terminal(exc.reason)}", file=sys.stderr)
        return 1
    except UnicodeDecodeError as exc:
        print(f"{shown}: not UTF-8 text ({exc.reason} at byte {exc.start})", file=sys.stderr)
        return 1
    except PageError as exc:
        for line, message in exc.problems:
            print(f"{shown}:{line}: {terminal(message)}", file=sys.stderr)
        return 1
    except RemovalsRefused as exc:
        removed = exc.report.mappings_removed
        print(f"mappings removed ({len(removed)}):", file=sys.stderr)
        for item in removed:
            print(f"  {terminal(item)}", file=sys.stderr)
        before = f", {exc.report.rows_before} before" if exc.report.rows_before is not None else ""
        print(
            f"{shown}: the import would remove the {len(removed)} mapping(s) above (the page has {exc.report.rows} rows{before}); "
            f"nothing was written. If the page really drops them, import again with --allow-removals {len(removed)}",
            file=sys.stderr,
        )
        return 1
    except CatalogPathError as exc:
        print(exc.format(), file=sys.stderr)
        return 1
    except ImportFailure as exc:
        _print_diagnostics(exc.diagnostics, "text", sys.stderr)
        print("conformap: fix the catalogue files above before importing", file=sys.stderr)
        return 1
    except ImportRejected as exc:
        for note in exc.report.notes:
            print(f"note: {note}")
        _print_diagnostics(exc.diagnostics, "text", sys.stderr)
        print(
            f"conformap: the import would add the {len(exc.diagnostics)} error(s) above to the catalogue (they name the files "
            "as the import would write them); nothing was written. A new rule needs its curated fields first: create "
            "rules/ID.yaml with id, kind, identifier, service, trigger and documentation_url, then import again",
            file=sys.stderr,
        )
        return 1
    except OSError as exc:  # not expected: the importer names the page or the catalogue itself
        where = exc.filename or args.catalog or paths.DEFAULT_CATALOG
        print(f"{where}: {exc.strerror or exc}", file=sys.stderr)
        return 1
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
        _print_diagnostics(report.diagnostics, "text", sys.stderr)
        print("conformap: the imported catalogue does not validate yet; complete the files named above", file=sys.stderr)
        return 1
    return 0


def cmd_export(args) -> int:
    from conformap import outputs

    cat = _load_or_report(args.catalog)
    if cat is None:
        return 1
    from conformap.outputs import command

    if args.format in command.FORMATS or args.control or args.statement or args.all or args.controls_key or args.include_deprecated:
        return command.run(cat, args)
    data = outputs.render(cat, args.format)
    if args.out in (None, "-"):
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        from conformap.catalog.files import write_atomic

        out = Path(args.out)
        if out.is_dir():
            print(f"{out}: is a folder; give the file to write, e.g. {out / ('mappings.' + args.format.replace('aws-text', 'txt'))}", file=sys.stderr)
            return 1
        try:
            write_atomic(out, data)
        except OSError as exc:
            reason = "part of its path is a file, not a folder" if isinstance(exc, (FileExistsError, NotADirectoryError)) else (exc.strerror or str(exc))
            print(f"{terminal(out)}: cannot write: {reason}; nothing was written", file=sys.stderr)
            return 1
    return 0


def cmd_render_site(args) -> int:
    from conformap.contrib.changes import changes_markdown
    from conformap.site.docs import FolderError, github_from_mkdocs, site_files, write_folder

    cat = _load_or_report(args.catalog)
    if cat is None:
        return 1
    from conformap.posture import sample as posture_sample

    files = site_files(cat, github=github_from_mkdocs(), changes=changes_markdown(catalog_dir=Path(cat.root), current=cat)) | posture_sample.files(cat)
    try:
        write_folder(files, args.out_dir)
    except FolderError as exc:
        print(f"conformap render-site: {exc}", file=sys.stderr)
        return 1
    return 0


def cmd_fmt(args) -> int:
    from conformap.catalog.fmtfiles import run

    return run(args.paths, check=args.check, show_diff=args.diff)


def cmd_diff(args) -> int:
    from conformap.contrib.compare import compare
    from conformap.contrib.gitsource import DiffError, Reader
    from conformap.contrib.report import render_json, render_markdown

    try:
        with Reader(args.catalog) as reader:
            base = reader.side(args.base)
            head = reader.side(args.head)
            result = compare(base.catalog, head.catalog, base.label, head.label)
    except DiffError as exc:
        print(f"conformap diff: {exc}", file=sys.stderr)
        return 2
    text = render_json(result) if args.format == "json" else render_markdown(result)
    sys.stdout.write(text)
    sys.stdout.flush()
    return 0


def _non_negative(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{value} is negative")
    return value


def cmd_import_source(args) -> int:
    from conformap.catalog import srcimport

    return srcimport.run_command(args)


def cmd_sources_check(args) -> int:
    from conformap.contrib import sources_check

    return sources_check.run_command(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="conformap",
        description="Validate, format, import, export and compare a conformap catalogue (YAML files mapping framework questions to AWS Config rules).",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    def catalog_arg(p, positional=False):
        if positional:
            p.add_argument("catalog", nargs="?", type=Path, default=None, help=f"catalogue folder (default: {paths.DEFAULT_CATALOG})")
        else:
            p.add_argument("--catalog", type=Path, default=None, help=f"catalogue folder (default: {paths.DEFAULT_CATALOG})")

    p = sub.add_parser("validate", help="check every catalogue file and print each problem as file:line:col: path: message")
    catalog_arg(p, positional=True)
    # --catalog as well, like the other commands.
    p.add_argument("--catalog", dest="catalog_option", type=Path, default=None, help="the same as CATALOG")
    p.add_argument("--format", choices=["text", "github"], default="text", help="github: ::error annotations for GitHub Actions")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("import-aws-page", help="create or update the catalogue from AWS's page (text or Markdown form)")
    p.add_argument("page", help="the page, saved as text or Markdown")
    p.add_argument(
        "--allow-removals", type=_non_negative, default=0, metavar="N",
        help="allow the import to remove up to N of the catalogue's page mappings (default 0: an import that removes any is refused)",
    )
    catalog_arg(p)
    p.set_defaults(func=cmd_import)

    from conformap.outputs import FORMATS
    from conformap.outputs import command as export_command

    p = sub.add_parser("export", help="write the catalogue in an exchange format")
    p.add_argument("--format", choices=sorted(FORMATS) + list(export_command.FORMATS), required=True)
    p.add_argument("--out", default=None, help="output file, or folder for several packs (default: standard output); written atomically")
    catalog_arg(p)
    export_command.add_arguments(p)
    p.set_defaults(func=cmd_export)

    p = sub.add_parser(
        "fmt",
        help="rewrite catalogue files into the canonical layout (keeps comments); --check only reports",
        description="Rewrite catalogue files into the one canonical layout without changing their data, keeping comments.",
    )
    p.add_argument("paths", nargs="*", type=Path, help=f"files or catalogue folders (default: {paths.DEFAULT_CATALOG})")
    p.add_argument("--check", action="store_true", help="change nothing; exit 1 listing each file that is not in the canonical layout")
    p.add_argument("--diff", action="store_true", help="also print what would change (or changed) as a unified diff")
    p.set_defaults(func=cmd_fmt)

    p = sub.add_parser(
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
    p.set_defaults(func=cmd_diff)

    p = sub.add_parser(
        "render-site",
        help="write every generated page and download into a plain docs folder, for any site builder (replaces only its own earlier output)",
    )
    p.add_argument("out_dir", type=Path, metavar="OUT_DIR", help="a new or empty folder, or one an earlier render-site wrote")
    catalog_arg(p)
    p.set_defaults(func=cmd_render_site)

    p = sub.add_parser(
        "import-source",
        help="snapshot another public source (Security Hub, NIST 800-53, Guard registry, AWS Config rule pages, pack scopes) into the catalogue",
    )
    p.add_argument("name", choices=sorted(paths.SOURCE_SNAPSHOTS), help="which source")
    p.add_argument("path", type=Path, help="a checkout of the source's repository at COMMIT (or, for a one-file source, that file)")
    p.add_argument("--commit", required=True, help="the full (40 hex digits) commit the checkout is at")
    p.add_argument("--commit-date", required=True, help="that commit's date, YYYY-MM-DD")
    catalog_arg(p)
    p.set_defaults(func=cmd_import_source)

    p = sub.add_parser("sources", help="compare the catalogue with the other sources it records (committed snapshots only)")
    inner = p.add_subparsers(dest="sources_command", required=True)
    c = inner.add_parser("check", help="print what differs between the catalogue and its recorded sources; exit 1 on drift")
    catalog_arg(c)
    c.add_argument("--format", choices=["text", "json"], default="text")
    c.add_argument("--strict", action="store_true", help="also exit 1 when sources disagree with each other or with a mapping")
    c.set_defaults(func=cmd_sources_check)

    from conformap.posture import command as posture_command

    posture_command.add_parser(sub)
    return parser


def _silence_stdout() -> None:
    """Point stdout at /dev/null so that the interpreter's final flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code = args.func(args)
        sys.stdout.flush()
        return code
    except KeyboardInterrupt:  # pragma: no cover
        return 130
    except BrokenPipeError:  # e.g. `conformap export ... | head`
        _silence_stdout()
        return 0
    except OSError as exc:
        if exc.filename is None and exc.errno in _OUTPUT_ERRNOS:  # e.g. `conformap export ... > /dev/full`
            print(f"conformap: cannot write to standard output: {exc.strerror or exc}", file=sys.stderr)
            _silence_stdout()
            return 1
        return _internal_error(exc)
    except Exception as exc:  # the backstop: every expected failure has its own message above
        return _internal_error(exc)


# Errors of a write that names no file: every file the commands write is named in their own messages,
# so these come from standard output (the disk is full, a quota is reached, the device failed).
_OUTPUT_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO})


def _internal_error(exc: BaseException) -> int:
    print(f"conformap: internal error: {type(exc).__name__}: {terminal(exc)} (please report)", file=sys.stderr)
    return 3


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
