"""``conformap render-site OUT_DIR``: every generated page and download in a plain docs folder, for any site builder."""

from __future__ import annotations

import argparse
from pathlib import Path

from conformap.commands.common import catalog_argument, load_catalogue


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "render-site",
        help="write every generated page and download into a plain docs folder, for any site builder (replaces only its own earlier output)",
    )
    p.add_argument("out_dir", type=Path, metavar="OUT_DIR", help="a new or empty folder, or one an earlier render-site wrote")
    catalog_argument(p)


def run(args: argparse.Namespace) -> int:
    # Lazy: the site (Jinja2, networkx, every page) costs more to import than `conformap validate` takes
    # to run, and every other command, `--help` included, would pay it (python -X importtime).
    from conformap.site.changes import changes_markdown
    from conformap.site.docs import github_from_mkdocs, site_files, write_folder  # lazy, as above
    from conformap.posture import sample as posture_sample  # lazy, as above (the sample report reads a bundle)

    cat = load_catalogue(args.catalog)
    files: dict[str, str | bytes] = site_files(cat, github=github_from_mkdocs(), changes=changes_markdown(catalog_dir=Path(cat.root), current=cat))
    files.update(posture_sample.files(cat))  # the "Check your account" page's sample report
    write_folder(files, args.out_dir)
    return 0
