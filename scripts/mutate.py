"""Mutation testing of the modules that decide correctness (``make mutate``; not part of ``make test``).

For each module listed in ``mutation.toml`` (the one list), in turn:

1. mirror the project into ``build/mutation/<module>/`` (files git knows of, plus untracked ones it
   does not ignore), so the working tree is never touched and an interrupted run leaves nothing behind;
2. write a ``[tool.mutmut]`` section for that module and its fast tests into the mirror's pyproject.toml
   and run ``mutmut run`` there from scratch (mutmut mutates a copy in ``mutants/``, records which tests
   call each function, and runs only those tests against each mutant, in forked processes);
3. read ``mutmut results``: a mutant is *killed* when a test failed (or timed out), *survived*
   otherwise. Surviving mutants listed in the reviewed equivalents file (``mutant :: mutated line ::
   reason``) are reported as equivalent and left out of the score; every other survivor is printed
   with its diff (from ``mutmut show``).

Prints one score per module, killed / (mutants - reviewed equivalents), a summary table, and the modules of
``src/conformap/`` that ``mutation.toml`` does not list (not measured: what a bug there would go unnoticed by). Exit
status: 0 when every module reaches the threshold of mutation.toml, 1 otherwise, 2 on a setup error.
Usage: ``scripts/mutate.py [--module SUBSTRING ...] [--jobs N]``.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "mutation.toml"
WORK = ROOT / "build" / "mutation"
MUTMUT = Path(sys.executable).parent / "mutmut"
KILLED = {"killed", "timeout", "segfault", "caught by type check"}
SKIP_DIRS = {".git", ".venv", "build", "site", ".bench", ".hypothesis", ".pytest_cache", "__pycache__", "mutants"}


@dataclass
class Module:
    path: str
    tests: list[str]
    functions: list[str] = field(default_factory=list)

    @property
    def dotted(self) -> str:
        """The module's import name, as mutmut names mutants: src/conformap/escape.py -> conformap.escape."""
        return ".".join(Path(self.path).relative_to("src").with_suffix("").parts)

    @property
    def patterns(self) -> list[str]:
        """mutmut name patterns of the mutants to run: the listed functions (none listed: every function)."""
        return [f"{self.dotted}.x{sep}{f}__mutmut_*" for f in self.functions for sep in ("_", "ǁ*ǁ")]


@dataclass
class Result:
    module: Module
    statuses: dict[str, str]
    equivalent: dict[str, str]  # mutant -> reason
    diffs: dict[str, str]
    seconds: float
    stale: list[str]

    @property
    def killed(self) -> int:
        return sum(1 for s in self.statuses.values() if s in KILLED)

    @property
    def survivors(self) -> list[str]:
        return sorted(n for n, s in self.statuses.items() if s not in KILLED and n not in self.equivalent)

    @property
    def score(self) -> float:
        scored = len(self.statuses) - len(self.equivalent)
        return 100.0 * self.killed / scored if scored else 100.0


def load_config(path: Path = CONFIG) -> tuple[float, Path, list[Module]]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    modules = [Module(m["path"], list(m["tests"]), list(m.get("functions", []))) for m in data["module"]]
    return float(data["threshold"]), ROOT / data["equivalents"], modules


def load_equivalents(path: Path) -> dict[str, tuple[str, str]]:
    """mutant name -> (mutated line, reason), from lines ``name :: mutated line :: reason``."""
    out: dict[str, tuple[str, str]] = {}
    if not path.is_file():
        return out
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.split(" :: ")]
        if len(parts) != 3 or not all(parts):
            raise SystemExit(f"{path.relative_to(ROOT)}:{n}: expected 'mutant :: mutated line :: reason'")
        out[parts[0]] = (parts[1], parts[2])
    return out


def unmeasured(modules: list[Module], root: Path = ROOT) -> list[str]:
    """The package's modules (``__init__.py`` files aside) that no entry of the module list names."""
    listed = {m.path for m in modules}
    found = (p.relative_to(root).as_posix() for p in (root / "src" / "conformap").rglob("*.py") if p.name != "__init__.py")
    return sorted(p for p in found if p not in listed)


def project_files() -> list[Path]:
    """The project's files, relative to ROOT: git's tracked and not-ignored files, or a walk without git."""
    proc = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT, capture_output=True
    )
    if proc.returncode == 0:
        names = [Path(p) for p in proc.stdout.decode().split("\0") if p]
        return [p for p in names if (ROOT / p).is_file()]
    out = []
    for dirpath, dirnames, filenames in os.walk(ROOT):
        dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS]
        out += [Path(dirpath, f).relative_to(ROOT) for f in filenames]
    return out


def mirror(dest: Path, files: list[Path]) -> None:
    """Make ``dest`` a copy of the project's files (fresh: no mutants or results of an earlier run)."""
    if dest.exists():
        shutil.rmtree(dest)
    for rel in files:
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, target)


def mutmut_section(m: Module, files: list[Path]) -> str:
    """The [tool.mutmut] section for one module: its tests, and every other file copied along."""
    top = sorted({rel.parts[0] for rel in files} - {"src", "tests", "pyproject.toml"})
    select = [*m.tests, "-m", "not slow and not browser", "-p", "no:cacheprovider"]
    return (
        "\n[tool.mutmut]\n"
        f'source_paths = ["src/"]\n'
        f"only_mutate = [{_toml(m.path)}]\n"
        f"also_copy = [{', '.join(_toml(t) for t in top)}]\n"
        f"pytest_add_cli_args_test_selection = [{', '.join(_toml(s) for s in select)}]\n"
    )


def _toml(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def mutmut(cwd: Path, *args: str, log: Path | None = None) -> str:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", DISABLE_MKDOCS_2_WARNING="true", PYTHONDONTWRITEBYTECODE="1")
    if log is not None:
        with log.open("wb") as out:
            proc = subprocess.run([str(MUTMUT), *args], cwd=cwd, stdout=out, stderr=subprocess.STDOUT, env=env)
        if proc.returncode != 0:
            tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
            raise SystemExit(f"mutmut {args[0]} failed in {cwd} (exit {proc.returncode}); end of {log}:\n{tail}")
        return ""
    return subprocess.run([str(MUTMUT), *args], cwd=cwd, capture_output=True, text=True, env=env, check=True).stdout


# `mutmut show NAME` prints one mutant's diff; this does the same for many names in one process.
_SHOW = """
import json, sys
from mutmut.__main__ import find_mutant, get_diff_for_mutant
print(json.dumps({n: get_diff_for_mutant(n, path=find_mutant(n).path) for n in json.load(sys.stdin)}))
"""


def show(cwd: Path, names: list[str]) -> dict[str, str]:
    """Each mutant's diff against the original code."""
    if not names:
        return {}
    proc = subprocess.run(
        [sys.executable, "-c", _SHOW], cwd=cwd, input=json.dumps(names), capture_output=True, text=True, check=True
    )
    return json.loads(proc.stdout.splitlines()[-1])


def mutated_line(diff: str) -> str:
    """The first added line of a mutant's diff, stripped: what the equivalents file quotes."""
    for line in diff.splitlines():
        if line.startswith("+") and not line.startswith("+++"):
            return line[1:].strip()
    return ""


def run_module(m: Module, files: list[Path], equivalents: dict[str, tuple[str, str]], jobs: int) -> Result:
    work = WORK / re.sub(r"[^A-Za-z0-9]+", "-", m.dotted)
    mirror(work, files)
    with (work / "pyproject.toml").open("a", encoding="utf-8") as f:
        f.write(mutmut_section(m, files))
    start = time.monotonic()
    mutmut(work, "run", "--max-children", str(jobs), *m.patterns, log=work / "mutmut.log")
    seconds = time.monotonic() - start
    statuses = {}
    for line in mutmut(work, "results", "--all", "true").splitlines():
        name, _, status = line.strip().rpartition(": ")
        if name.startswith(m.dotted + ".") and (not m.patterns or any(fnmatch.fnmatchcase(name, p) for p in m.patterns)):
            statuses[name] = status
    diffs = show(work, [n for n, s in statuses.items() if s not in KILLED])
    equivalent, stale = {}, []
    for name, (line, reason) in equivalents.items():
        if not name.startswith(m.dotted + "."):
            continue
        if name in diffs and mutated_line(diffs[name]) == line:
            equivalent[name] = reason
        else:
            stale.append(name)
    return Result(m, statuses, equivalent, diffs, seconds, stale)


def report(r: Result, threshold: float) -> None:
    total = len(r.statuses)
    verdict = "ok" if r.score >= threshold else f"BELOW {threshold:g} %"
    print(
        f"\n== {r.module.path}: {r.score:.1f} % killed ({r.killed} of {total - len(r.equivalent)}; "
        f"{len(r.equivalent)} reviewed equivalent; {len(r.survivors)} surviving) in {r.seconds:.0f} s: {verdict}"
    )
    for name in r.survivors:
        print(f"-- survived: {name} ({r.statuses[name]})")
        print("\n".join("   " + ln for ln in r.diffs[name].splitlines() if ln.startswith(("-", "+")) and ln[:3] not in ("---", "+++")))
    for name in r.stale:
        print(f"-- stale entry in the equivalents file (killed, gone, or its line changed): {name}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--module", action="append", default=[], help="run only modules whose path contains this")
    parser.add_argument("--config", type=Path, default=CONFIG, help="the module list (default: mutation.toml)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="mutants tested in parallel")
    args = parser.parse_args(argv)
    if not MUTMUT.is_file():
        print(f"mutmut is not installed in {sys.prefix} (make install installs requirements.lock)", file=sys.stderr)
        return 2
    threshold, equivalents_file, modules = load_config(args.config)
    equivalents = load_equivalents(equivalents_file)
    chosen = [m for m in modules if not args.module or any(s in m.path for s in args.module)]
    if not chosen:
        print(f"no module of mutation.toml matches {args.module}", file=sys.stderr)
        return 2
    for m in chosen:
        for p in [m.path, *(t.split("::")[0] for t in m.tests)]:
            if not (ROOT / p).is_file():
                print(f"{args.config.name}: {p}: no such file (did the module or its tests move?)", file=sys.stderr)
                return 2
    files = project_files()
    results = []
    for m in chosen:
        print(f"mutating {m.path} against {', '.join(m.tests)} ...", flush=True)
        results.append(run_module(m, files, equivalents, args.jobs))
        report(results[-1], threshold)
    print("\nmodule                                   score   killed  equiv  survived  time")
    for r in results:
        print(
            f"{r.module.path:40} {r.score:5.1f} %  {r.killed:5}  {len(r.equivalent):5}  {len(r.survivors):8}  {r.seconds:4.0f} s"
        )
    print(f"total time {sum(r.seconds for r in results):.0f} s with {args.jobs} parallel job(s)")
    rest = unmeasured(modules)
    print(f"\nnot measured (not in {args.config.name}): {len(rest)} module(s)" + "".join(f"\n  {p}" for p in rest))
    return 0 if all(r.score >= threshold and not r.stale for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
