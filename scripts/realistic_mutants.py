"""Realistic mutants (``make mutate-realistic``; ``make mutate`` runs them after mutmut): hand-written one-line bugs of
the kind maintainers write (a wrong field, a count of the wrong thing, a dropped filter, swapped options, another
sort key, an off-by-one in prose), each planted alone in a copy of the project, against the fast tests.

The mutants are listed in ``tests/realistic-mutants.toml``, one ``[[mutant]]`` each: ``module`` (the file, relative to
the project), ``original`` (an exact snippet of it), ``replacement``, ``user_sees`` (what a user would see), and
optionally ``tests`` (the pytest selection for this mutant instead of the file's ``tests``) and ``equivalent`` (a
reviewed reason why the mutant changes no behaviour: it is then reported but left out of the score).

For each mutant, in ``build/realistic/`` (a mirror of the project; the working tree is never touched):

1. the snippet must occur exactly once in the module, so that a mutant goes stale loudly when code changes; when the
   listed module no longer exists (code moves while mutants are written), the snippet is looked for in every file
   under ``src/`` and must occur exactly once there;
2. the module is rewritten with the replacement, the selected tests run (``-x``, not slow, not browser) with the
   mirror's ``src/`` first on the import path, and the module is restored;
3. the mutant is *killed* when the tests fail, *survived* when they pass.

Prints each survivor with what a user would see, and a table per module: mutants, killed, reviewed equivalent,
survived, score = killed / (mutants - equivalents). Exit 0 when every module reaches the threshold (``threshold`` in
the file, a percentage), 1 otherwise, 2 on a setup error (a snippet missing or not unique, a broken test selection).

Usage: ``scripts/realistic_mutants.py [--module SUBSTRING ...] [--mutant SUBSTRING ...] [--tests "PYTEST ARGS"] [--list]
[--allow-empty]``.
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from mutate import mirror, project_files  # noqa: E402  (the same mirror as make mutate)

CONFIG = ROOT / "tests" / "realistic-mutants.toml"
WORK = ROOT / "build" / "realistic"
SEARCHED = ("src",)  # where a snippet is looked for when its module moved
SUFFIXES = (".py", ".j2", ".js", ".json", ".yaml")


class SetupError(Exception):
    pass


@dataclass
class Mutant:
    module: str
    original: str
    replacement: str
    user_sees: str
    tests: list[str]
    equivalent: str = ""
    path: str = ""  # where the snippet was found (the module, or where it moved)
    status: str = ""
    seconds: float = 0.0
    output: str = field(default="", repr=False)

    @property
    def label(self) -> str:
        return f"{self.module}: {self.user_sees}"


def load(path: Path = CONFIG) -> tuple[float, list[Mutant]]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    default = list(data.get("tests", []))
    out = []
    for n, m in enumerate(data.get("mutant", []), 1):
        missing = [k for k in ("module", "original", "user_sees") if not m.get(k)] + ([] if isinstance(m.get("replacement"), str) else ["replacement"])
        if missing:
            raise SetupError(f"{path.name}: mutant {n}: missing {', '.join(missing)}")
        if m["original"] == m["replacement"]:
            raise SetupError(f"{path.name}: mutant {n} ({m['module']}): the replacement is the original")
        out.append(Mutant(m["module"], m["original"], m["replacement"], m["user_sees"], list(m.get("tests", default)), m.get("equivalent", "")))
    return float(data.get("threshold", 90)), out


def locate(root: Path, m: Mutant) -> str:
    """The file (relative to ``root``) holding the mutant's snippet exactly once."""
    listed = root / m.module
    if listed.is_file():
        n = listed.read_text(encoding="utf-8").count(m.original)
        if n != 1:
            raise SetupError(f"{m.module}: the snippet of mutant '{m.user_sees}' occurs {n} times (must be once): {m.original!r}")
        return m.module
    hits = []
    for top in SEARCHED:
        for f in sorted((root / top).rglob("*")):
            if f.is_file() and f.suffix in SUFFIXES:
                n = f.read_text(encoding="utf-8", errors="replace").count(m.original)
                if n:
                    hits.append((str(f.relative_to(root)), n))
    if len(hits) != 1 or hits[0][1] != 1:
        where = ", ".join(f"{p} ({n}x)" for p, n in hits) or "nowhere"
        raise SetupError(f"{m.module} is gone and the snippet of mutant '{m.user_sees}' is found {where} under src/ (must be once in one file)")
    return hits[0][0]


def env_for(root: Path) -> dict[str, str]:
    paths = [str(root / "src"), str(root / "tests")]
    return dict(
        os.environ,
        PYTHONPATH=os.pathsep.join(paths + ([os.environ["PYTHONPATH"]] if os.environ.get("PYTHONPATH") else [])),
        PYTHONDONTWRITEBYTECODE="1",
        NO_MKDOCS_2_WARNING="1",
        DISABLE_MKDOCS_2_WARNING="true",
    )


def check_import_path(root: Path) -> None:
    """The mirror's code, not the working tree's editable install, is what the tests import."""
    proc = subprocess.run([sys.executable, "-c", "import conformap; print(conformap.__file__)"], cwd=root, env=env_for(root), capture_output=True, text=True)
    if proc.returncode != 0 or not Path(proc.stdout.strip()).resolve().is_relative_to(root.resolve()):
        raise SetupError(f"the tests in {root} would not import the mirror's conformap: {proc.stdout.strip() or proc.stderr[-500:]}")


def run_tests(root: Path, tests: list[str]) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "pytest", "-x", "-q", "-m", "not slow and not browser", "-p", "no:cacheprovider", "-p", "no:randomly", *tests]
    return subprocess.run(cmd, cwd=root, env=env_for(root), capture_output=True, text=True)


def run(mutants: list[Mutant], root: Path) -> None:
    for m in mutants:
        m.path = locate(root, m)
    check_import_path(root)
    baseline: dict[tuple[str, ...], bool] = {}
    for i, m in enumerate(mutants, 1):
        key = tuple(m.tests)
        if key not in baseline:  # the selection must pass on the unmutated code, or no mutant can be judged
            proc = run_tests(root, m.tests)
            baseline[key] = proc.returncode == 0
            if not baseline[key]:
                raise SetupError(f"the tests {' '.join(m.tests)} fail without any mutant:\n{proc.stdout[-3000:]}{proc.stderr[-1000:]}")
        file = root / m.path
        original = file.read_text(encoding="utf-8")
        file.write_text(original.replace(m.original, m.replacement, 1), encoding="utf-8")
        start = time.monotonic()
        try:
            proc = run_tests(root, m.tests)
        finally:
            file.write_text(original, encoding="utf-8")
        m.seconds = time.monotonic() - start
        m.output = proc.stdout[-2000:]
        if proc.returncode == 1:
            m.status = "killed"
        elif proc.returncode == 0:
            m.status = "equivalent" if m.equivalent else "survived"
        else:  # an error while collecting or importing: the mutant broke the code outright, which any test shows
            m.status = "killed"
        print(f"[{i}/{len(mutants)}] {m.status:10} {m.seconds:5.1f} s  {m.label}", flush=True)


def module_of(m: Mutant) -> str:
    return m.path or m.module


def report(mutants: list[Mutant], threshold: float) -> int:
    by_module: dict[str, list[Mutant]] = {}
    for m in mutants:
        by_module.setdefault(module_of(m), []).append(m)
    survivors = [m for m in mutants if m.status == "survived"]
    if survivors:
        print("\nSurviving mutants (write a test that a user's view of the bug fails, or review it as equivalent):")
        for m in survivors:
            print(f"- {m.path}: {m.user_sees}\n    - {m.original!r}\n    + {m.replacement!r}")
    print("\n| module | mutants | killed | reviewed equivalent | survived | score |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    failed = False
    for module, ms in sorted(by_module.items()):
        killed = sum(1 for m in ms if m.status == "killed")
        eq = sum(1 for m in ms if m.status == "equivalent")
        surv = sum(1 for m in ms if m.status == "survived")
        scored = len(ms) - eq
        score = 100.0 * killed / scored if scored else 100.0
        failed |= score < threshold
        print(f"| `{module}` | {len(ms)} | {killed} | {eq} | {surv} | {score:.0f} % |")
    total = [m for m in mutants if m.status != "equivalent"]
    killed = sum(1 for m in total if m.status == "killed")
    print(f"\nall: {killed} of {len(total)} killed ({100.0 * killed / len(total) if total else 100.0:.0f} %); threshold {threshold:.0f} % per module")
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--module", action="append", default=[], help="only mutants whose module path contains this (repeatable)")
    ap.add_argument("--mutant", action="append", default=[], help="only mutants whose user_sees text contains this (repeatable)")
    ap.add_argument("--allow-empty", action="store_true", help="exit 0 when no mutant is selected (make mutate MODULE=... may name a module with none)")
    ap.add_argument("--tests", default=None, help="pytest arguments for every selected mutant instead of the file's (one string, e.g. \"tests --ignore-glob=*oracle*\")")
    ap.add_argument("--list", action="store_true", help="list the selected mutants and where each snippet is; run nothing")
    ap.add_argument("--config", type=Path, default=CONFIG, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    try:
        threshold, mutants = load(args.config)
        mutants = [m for m in mutants if (not args.module or any(s in m.module for s in args.module)) and (not args.mutant or any(s in m.user_sees for s in args.mutant))]
        if args.tests is not None:
            for m in mutants:
                m.tests = shlex.split(args.tests)
        if not mutants:
            if args.allow_empty:
                print("realistic_mutants: no realistic mutant of the selected module(s)")
                return 0
            raise SetupError("no mutant selected")
        if args.list:
            for m in mutants:
                print(f"{locate(ROOT, m)}: {m.user_sees}")
            return 0
        WORK.parent.mkdir(exist_ok=True)
        mirror(WORK, project_files())
        started = time.monotonic()
        run(mutants, WORK)
    except SetupError as exc:
        print(f"realistic_mutants: {exc}", file=sys.stderr)
        return 2
    code = report(mutants, threshold)
    print(f"{len(mutants)} mutants in {time.monotonic() - started:.0f} s")
    return code


if __name__ == "__main__":
    sys.exit(main())
