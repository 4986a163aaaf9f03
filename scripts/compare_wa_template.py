"""Compare conformap's conformance packs with AWS's Well-Architected Security Pillar template, rule by rule.

    python scripts/compare_wa_template.py [--catalog DIR] [--control SEC-N] [--include-descriptions]

Builds the whole-framework pack (or one question's) exactly as ``conformap export --format
conformance-pack`` writes it, reads it back and compares every rule with the snapshot of AWS's template
(``catalog/sources/wa-conformance-pack.yaml``, ``conformap import-source wa-template``): presence,
logical id, SourceIdentifier, input parameters (template parameter names and defaults), Scope. Prints
each difference with its reason (the added Descriptions, one line per rule, only with
``--include-descriptions``); exits 1 when a difference has no reason. The Methodology page shows the
same comparison.
"""

from __future__ import annotations

import argparse
import sys

import conformap
from conformap.outputs import conformance_pack as cp
from conformap.outputs import wa_template


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--catalog", help="catalogue folder (default: the project's)")
    ap.add_argument("--control", help="compare one question's pack (SEC-8) instead of the whole framework's")
    ap.add_argument("--include-descriptions", action="store_true", help="list each rule's added Description too")
    args = ap.parse_args(argv)
    cat = conformap.load(args.catalog) if args.catalog else conformap.load()
    snap = cat.crosswalks.source("wa-template")
    if snap is None:
        print("no snapshot of AWS's template in this catalogue: run conformap import-source wa-template", file=sys.stderr)
        return 1
    files, _ = cp.build(cat, cp.find_scope(cat, control=args.control))
    diffs = wa_template.compare(cat, files)
    print(f"conformap {cat.framework.version} packs ({', '.join(sorted(files))}) vs AWS's template at {snap.repo}@{snap.commit[:12]}:")
    shown = [d for d in diffs if args.include_descriptions or d.field != "Description"]
    for d in shown:
        print(f"- {d.line()}")
    described = sum(d.field == "Description" for d in diffs)
    if described and not args.include_descriptions:
        print(f"- {described} rules: Description: {wa_template.DESCRIPTION_REASON}")
    unexplained = [d for d in diffs if d.reason is None]
    print(f"{len(diffs)} difference(s), {len(unexplained)} unexplained; everything else is identical.")
    return 1 if unexplained else 0


if __name__ == "__main__":
    sys.exit(main())
