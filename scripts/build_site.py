"""Build the site into site/ atomically: a failed build leaves the previous site/ untouched.

    python scripts/build_site.py [SITE_DIR] [extra mkdocs build options]

MkDocs builds into a fresh sibling folder; only when it succeeds (``--strict``: any warning fails)
is the old site/ swapped out for the new one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def build(site_dir: Path, extra: list[str]) -> int:
    site_dir = site_dir.resolve()
    staging = site_dir.with_name(f".{site_dir.name}.building-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(ROOT / "mkdocs.yml"), "-d", str(staging), *extra]
    proc = subprocess.run(cmd, cwd=ROOT)
    if proc.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        print(f"build failed; {site_dir} was left as it was", file=sys.stderr)
        return proc.returncode
    old = site_dir.with_name(f".{site_dir.name}.old-{os.getpid()}")
    if site_dir.exists():
        site_dir.rename(old)
    staging.rename(site_dir)
    shutil.rmtree(old, ignore_errors=True)
    return 0


if __name__ == "__main__":
    args = sys.argv[1:]
    target = Path(args.pop(0)) if args and not args[0].startswith("-") else ROOT / "site"
    sys.exit(build(target, args))
