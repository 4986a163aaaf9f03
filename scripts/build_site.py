"""Build the site into site/ atomically: a failed build leaves the previous site/ untouched.

    python scripts/build_site.py [SITE_DIR] [extra mkdocs build options]

MkDocs builds into a fresh sibling folder; only when it succeeds (``--strict``: any warning fails)
is the old site/ swapped out for the new one.

Builds take turns: each holds an exclusive lock on ``.SITE_DIR.lock`` (next to site/) from start to
swap, so two ``make build`` at once both succeed, one after the other, and site/ is never missing.
Under the lock no other build runs, so the staging folders a killed build left behind
(``.site.building-PID``, ``.site.old-PID``) are removed first. If site/ cannot be replaced (say it
is immutable), the build says so, removes its staging folder and leaves site/ as it was.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MKDOCS = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(ROOT / "mkdocs.yml")]


def _clean_stale(site_dir: Path) -> None:
    for pattern in (f".{site_dir.name}.building-*", f".{site_dir.name}.old-*"):
        for folder in site_dir.parent.glob(pattern):
            shutil.rmtree(folder, ignore_errors=True)


def _swap(staging: Path, site_dir: Path) -> None:
    """Put ``staging`` in place of ``site_dir``; on failure site_dir is as it was and OSError is raised."""
    old = site_dir.with_name(f".{site_dir.name}.old-{os.getpid()}")
    had_site = site_dir.exists()
    if had_site:
        site_dir.rename(old)
    try:
        staging.rename(site_dir)
    except OSError:
        if had_site:
            old.rename(site_dir)
        raise
    shutil.rmtree(old, ignore_errors=True)


def build(site_dir: Path, extra: list[str], command: list[str] | None = None) -> int:
    """Build with ``command`` (default: ``mkdocs build --strict``; it gets ``-d STAGING`` and ``extra``)."""
    site_dir = site_dir.resolve()
    try:
        site_dir.parent.mkdir(parents=True, exist_ok=True)
        lock = open(site_dir.with_name(f".{site_dir.name}.lock"), "a")
    except OSError as exc:
        print(f"build failed: cannot lock {site_dir.parent}: {exc.strerror or exc}; {site_dir} was left as it was", file=sys.stderr)
        return 1
    with lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # a build running at the same time finishes first
        _clean_stale(site_dir)
        staging = site_dir.with_name(f".{site_dir.name}.building-{os.getpid()}")
        proc = subprocess.run([*(command or MKDOCS), "-d", str(staging), *extra], cwd=ROOT)
        if proc.returncode != 0:
            shutil.rmtree(staging, ignore_errors=True)
            print(f"build failed; {site_dir} was left as it was", file=sys.stderr)
            return proc.returncode
        try:
            _swap(staging, site_dir)
        except OSError as exc:
            shutil.rmtree(staging, ignore_errors=True)
            print(f"build failed: cannot replace {site_dir}: {exc.strerror or exc}; it was left as it was", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    args = sys.argv[1:]
    target = Path(args.pop(0)) if args and not args[0].startswith("-") else ROOT / "site"
    sys.exit(build(target, args))
