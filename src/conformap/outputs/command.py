"""``conformap export`` for the binary and multi-file formats: conformance packs, OSCAL (catalog,
component-definition, mapping-collection) and the workbook.

``cli.py`` adds :data:`FORMATS` to its ``--format`` choices, calls :func:`add_arguments` and hands these
formats to :func:`run`. Everything is generated before anything is written; each file is written atomically.
"""

from __future__ import annotations

import sys
from pathlib import Path

from conformap.model.catalog import Catalog

FORMATS = ("conformance-pack", "oscal-catalog", "oscal-component-definition", "oscal-mapping-collection", "xlsx")


def add_arguments(p) -> None:
    g = p.add_argument_group("conformance-pack options")
    which = g.add_mutually_exclusive_group()
    which.add_argument("--control", metavar="ID", help="the pack of one question, e.g. SEC-8")
    which.add_argument("--statement", metavar="ID", help="the pack of one best-practice statement, e.g. SEC-3.BP07")
    which.add_argument("--all", action="store_true", help="every pack (per question, per best practice, whole framework) into the --out folder")
    g.add_argument("--controls-key", action="store_true", help="add AWS's non-standard Controls key (question and best-practice ids) to each rule")
    g.add_argument("--include-deprecated", action="store_true", help="deploy deprecated rules too (left out by default)")


def _err(message: str) -> int:
    print(f"conformap export: {message}", file=sys.stderr)
    return 1


def _packs(cat: Catalog, args) -> tuple[dict[str, bytes], list[str]]:
    from conformap.outputs import conformance_pack

    options = conformance_pack.PackOptions(controls_key=args.controls_key, include_deprecated=args.include_deprecated)
    if args.all:
        return conformance_pack.all_packs(cat, options)
    scope = conformance_pack.find_scope(cat, control=args.control, statement=args.statement)
    return conformance_pack.build(cat, scope, options)


def _write(files: dict[str, bytes], out: Path) -> int:
    from conformap.load.files import write_atomic

    try:
        for path, data in files.items():
            write_atomic(out / path if path else out, data)
    except OSError as exc:
        reason = "part of its path is a file, not a folder" if isinstance(exc, (FileExistsError, NotADirectoryError)) else (exc.strerror or str(exc))
        return _err(f"{out}: cannot write: {reason}")
    return 0


def run(cat: Catalog, args) -> int:
    """Generate ``args.format`` and write it to ``args.out`` (a file, or a folder for several packs)."""
    if args.format != "conformance-pack" and (args.control or args.statement or args.all or args.controls_key or args.include_deprecated):
        return _err("--control, --statement, --all, --controls-key and --include-deprecated apply to --format conformance-pack only")
    from conformap.outputs import conformance_pack, oscal, oscal_mapping, xlsx

    out = None if args.out in (None, "-") else Path(args.out)
    if args.format == "conformance-pack":
        try:
            files, notes = _packs(cat, args)
        except conformance_pack.PackError as exc:
            return _err(str(exc))
        for note in notes:
            print(f"note: {note}", file=sys.stderr)
        if len(files) == 1 and not (out is not None and out.is_dir()):
            data = next(iter(files.values()))
            return _write({"": data}, out) if out is not None else _stdout(data)
        if out is None:
            return _err(f"{len(files)} pack files ({', '.join(files)}): give a folder with --out")
        if out.exists() and not out.is_dir():
            return _err(f"{out}: is a file; {len(files)} pack files need a folder")
        if out.suffix in (".yaml", ".yml") and not out.exists():
            return _err(f"the pack is split into {len(files)} files ({', '.join(files)}); give a folder with --out, not {out}")
        return _write(files, out)
    render = {
        "oscal-catalog": oscal.catalog_json,
        "oscal-component-definition": oscal.component_definition_json,
        "oscal-mapping-collection": oscal_mapping.mapping_collection_json,
        "xlsx": xlsx.workbook_bytes,
    }[args.format]
    try:
        data = render(cat)
    except oscal_mapping.NoCrosswalk as exc:
        return _err(str(exc))
    if out is None:
        if args.format == "xlsx" and sys.stdout.isatty():
            return _err("the workbook is binary; give a file with --out")
        return _stdout(data)
    if out.is_dir():
        return _err(f"{out}: is a folder; give the file to write")
    return _write({"": data}, out)


def _stdout(data: bytes) -> int:
    sys.stdout.buffer.write(data)
    sys.stdout.flush()
    return 0
