"""Digest every file the project publishes, to show that a change leaves them byte-identical.

    python scripts/output_digests.py OUT.txt [--catalog DIR] [--no-site]
    diff before.txt after.txt

Writes one line per file, ``sha256  kind/path``, for:
- ``downloads/``: every download as ``conformap render-site`` writes it (JSON, CSV, workbook, packs, OSCAL,
  manifest), plus ``conformap export`` of each format with its options;
- ``pages/``: every Markdown page ``conformap render-site`` writes;
- ``html/``: every file of a strict ``mkdocs build`` of the real catalogue (unless ``--no-site``).

Restructuring work (issue 21) runs it before and after; the two files must be equal.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

EXPORTS = [
    ("json", []),
    ("csv", []),
    ("aws-text", []),
    ("xlsx", []),
    ("oscal-catalog", []),
    ("oscal-component-definition", []),
    ("oscal-mapping-collection", []),
    ("conformance-pack", ["--control", "SEC-8"]),
    ("conformance-pack", ["--statement", "SEC-3.BP07"]),
    ("conformance-pack", ["--control", "SEC-3", "--include-deprecated", "--controls-key"]),
    ("conformance-pack", ["--all"]),
]


def _digests(folder: Path, prefix: str) -> list[str]:
    lines = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        lines.append(f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {prefix}/{path.relative_to(folder).as_posix()}")
    return lines


def _run(cmd: list[str], **kw) -> None:
    subprocess.run(cmd, check=True, cwd=ROOT, **kw)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--catalog", type=Path, default=None)
    ap.add_argument("--no-site", action="store_true")
    args = ap.parse_args(argv)
    cat = ["--catalog", str(args.catalog)] if args.catalog else []
    lines: list[str] = []
    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        _run([str(BIN / "conformap"), "render-site", str(t / "render"), *cat], env=env)
        lines += _digests(t / "render", "pages")
        for i, (fmt, opts) in enumerate(EXPORTS):
            out = t / "exports" / f"{i:02d}-{fmt}"
            out.parent.mkdir(parents=True, exist_ok=True)
            _run([str(BIN / "conformap"), "export", "--format", fmt, *opts, "--out", str(out), *cat], env=env)
        lines += _digests(t / "exports", "exports")
        if not args.no_site:
            _run([str(BIN / "python"), "-m", "mkdocs", "build", "--strict", "-q", "-d", str(t / "html")], env=env)
            lines += [line for line in _digests(t / "html", "html") if not line.endswith("/sitemap.xml.gz")]
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} files digested into {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
