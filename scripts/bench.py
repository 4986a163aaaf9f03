"""Benchmark: site build time and memory at 1x, 5x and 25x the real catalogue (``make bench``).

For each scale it measures, each build in a fresh process:

* **ours** — ``mkdocs build`` of the project (gen-files loads, validates and renders the catalogue),
  with the document cache of a catalogue validated once before (as the pre-commit hook does);
* **plain** — a plain mkdocs-material build of the same pages written as static Markdown files
  (same theme and nav, no gen-files), i.e. what MkDocs costs without conformap;
* load + validate time of the catalogue alone, peak memory (max RSS) of each build, bytes per page.

It prints them side by side with the ratios the project targets: ours / plain <= 1.3 at every scale,
and ours at 25x <= 30 x ours at 1x (build time must grow linearly with the catalogue). Then
``conformap validate`` as a whole process (it runs in the pre-commit hook at every commit), median of
several runs: cold (no document cache) and warm (every file already read and validated once), against its
targets: at most 0.25 s for the real catalogue and 2 s for the 25x one, warm.
Results also go to .bench/results.json. Work files live in .bench/ (git-ignored). Exit status: 0 when
the targets are met, 2 when one is missed, 1 when a build fails.

The posture row (``--only posture`` runs it alone): ``conformap posture report --format json`` of
synthetic organisations (``scripts/synth_posture.py``: 20 accounts x 2 regions x 300 rule instances) of
100,000 and 1,000,000 evaluation results, each run in a fresh process, best of ``--repeat``: targets
1M in at most 30 s with a peak memory of at most 1 GB, and 1M / 100k time at most 12 (linear).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / ".bench"
SCALES = (1, 5, 25)
TARGET_PLAIN_RATIO = 1.3
TARGET_SCALE_RATIO = 30.0
TARGET_VALIDATE_S = {1: 0.25, 25: 2.0}  # warm `conformap validate`, whole process
VALIDATE_RUNS = 5
POSTURE_SIZES = (100_000, 1_000_000)
TARGET_POSTURE_S = 30.0
TARGET_POSTURE_MB = 1024
TARGET_POSTURE_RATIO = 12.0


def validate_process(catalog: Path, cache: Path, runs: int = VALIDATE_RUNS) -> tuple[float, float]:
    """Median wall time of `conformap validate CATALOG` in a fresh process: (cold, warm) document cache."""
    import statistics

    def once(env: dict[str, str]) -> float:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "conformap.cli", "validate", str(catalog)], env=env, capture_output=True, check=False)
        return time.perf_counter() - start

    cold = dict(os.environ, CONFORMAP_CACHE_DIR="off")
    warm = dict(os.environ, CONFORMAP_CACHE_DIR=str(cache))
    once(warm)  # fills the cache
    return statistics.median(once(cold) for _ in range(runs)), statistics.median(once(warm) for _ in range(runs))


def child(config: str, site_dir: str) -> None:
    """Run one build in this process and print its wall time, CPU time and peak memory as JSON."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    start = time.perf_counter()
    cfg = load_config(config, site_dir=site_dir)
    build(cfg)
    seconds = time.perf_counter() - start
    usage, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = usage.ru_utime + usage.ru_stime + children.ru_utime + children.ru_stime  # with the forked downloads and git
    print(json.dumps({"seconds": seconds, "cpu_s": cpu, "max_rss_kb": usage.ru_maxrss}))


def _build_once(config: Path, site_dir: Path, env: dict[str, str]) -> dict:
    shutil.rmtree(site_dir, ignore_errors=True)
    proc = subprocess.run([sys.executable, __file__, "--child", str(config), str(site_dir)], env=env, cwd=ROOT, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr[-4000:])
        raise SystemExit(f"build failed: {config}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run_builds(builds: dict[str, tuple[Path, Path, dict[str, str]]], repeat: int) -> dict[str, dict]:
    """Each build (name -> config, site folder, extra environment) ``repeat`` times, the builds taking
    turns (ours, plain, ours, plain, ...) so that a slower spell of a shared machine falls on both
    alike; the fastest run of each counts (its wall time; CPU time and peak memory of that run)."""
    best: dict[str, dict] = {}
    for _ in range(repeat):
        for name, (config, site_dir, extra) in builds.items():
            result = _build_once(config, site_dir, dict(os.environ, **extra))
            if name not in best or result["seconds"] < best[name]["seconds"]:
                best[name] = result
    return best


def site_stats(site_dir: Path) -> tuple[int, int]:
    pages = [p for p in site_dir.rglob("index.html")]
    total = sum(p.stat().st_size for p in pages)
    return len(pages), total


def plain_project(catalog_dir: Path, dest: Path) -> Path:
    """Static copy of the generated pages plus the hand-written docs, built with the same theme."""
    from conformap import load
    from conformap.site.changes import changes_markdown
    from conformap.posture import sample as posture_sample
    from conformap.site.docs import github_from_mkdocs, site_files

    shutil.rmtree(dest, ignore_errors=True)
    docs = dest / "docs"
    shutil.copytree(ROOT / "docs", docs)
    # The same files scripts/gen_pages.py generates: with the "Suggest a change" sections, the Changes
    # page and CONTRIBUTING.md as the Contributing page.
    cat = load(catalog_dir)
    site = site_files(cat, github=github_from_mkdocs(ROOT / "mkdocs.yml"), changes=changes_markdown(catalog_dir=catalog_dir, current=cat))
    site |= posture_sample.files(cat)  # as gen_pages.py: the sample report of the "Check your account" page
    for rel, content in site.items():
        target = docs / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    if (ROOT / "overrides").is_dir():
        shutil.copytree(ROOT / "overrides", dest / "overrides")
    config = dest / "mkdocs.yml"
    config.write_text(
        # Same configuration minus gen-files; nothing to watch (the catalogue is not part of a plain build).
        f"INHERIT: {ROOT / 'mkdocs.yml'}\ndocs_dir: docs\nplugins:\n  - search\nwatch: []\n",
        encoding="utf-8",
    )
    return config


def posture_child(bundle: str, out: str) -> None:
    """Run one posture report in this process and print its wall time, CPU time and peak memory as JSON."""
    start, before = time.perf_counter(), os.times()
    from conformap.cli import main as cli

    code = cli(["posture", "report", bundle, "--format", "json", "--out", out])
    after = os.times()
    cpu = sum(getattr(after, f) - getattr(before, f) for f in ("user", "system"))  # one process: the report reads every file itself
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"code": code, "seconds": time.perf_counter() - start, "cpu_s": cpu, "max_rss_kb": peak}))


def posture_rows(repeat: int) -> tuple[list[dict], bool]:
    """The posture row: each synthetic size reported in a fresh process, best of ``repeat``."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from synth_posture import synthesize

    rows = []
    for size in POSTURE_SIZES:
        bundle = WORK / f"posture-{size}"
        marker = bundle / ".complete"
        if not marker.exists():  # generated once; the generator is deterministic
            synthesize(bundle, size)
            marker.write_text("synth_posture.py defaults\n", encoding="utf-8")
        runs = []
        for _ in range(max(repeat, 1)):
            proc = subprocess.run(
                [sys.executable, __file__, "--posture-child", str(bundle), str(WORK / f"posture-{size}.json")],
                capture_output=True, text=True, check=True,
            )
            runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        best = min(runs, key=lambda r: r["seconds"])
        if best["code"] != 0:
            raise SystemExit(f"posture report of {bundle} failed")
        report = json.loads((WORK / f"posture-{size}.json").read_bytes())
        instances = {(i["account"], i["region"], i["config_rule_name"]): sum(i["results"].values())
                     for q in report["questions"] for r in q["rule_statuses"] for i in r["instances"]}
        rows.append({"results": size, "counted": sum(instances.values()), "instances": len(instances) + len(report["unmatched_rules"]),
                     "seconds": best["seconds"], "cpu_s": best["cpu_s"], "peak_mb": best["max_rss_kb"] / 1024})
    print(f"\n{'posture':>9} {'instances':>10} {'counted':>9} {'time':>8} {'CPU':>8} {'peak':>8}")
    for r in rows:
        print(f"{r['results']:>9,} {r['instances']:>10,} {r['counted']:>9,} {r['seconds']:>7.1f}s {r['cpu_s']:>7.1f}s {r['peak_mb']:>6.0f}MB")
    big, small = rows[-1], rows[0]
    ratio = big["seconds"] / small["seconds"]
    ok = big["seconds"] <= TARGET_POSTURE_S and big["peak_mb"] <= TARGET_POSTURE_MB and ratio <= TARGET_POSTURE_RATIO
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (wall time on a shared machine; CPU: the report's one process, user + system)")
    print(
        f"posture 1M: {big['seconds']:.1f} s (target <= {TARGET_POSTURE_S:.0f}), {big['peak_mb']:.0f} MB (target <= {TARGET_POSTURE_MB}), "
        f"1M / 100k: {ratio:.1f} (target <= {TARGET_POSTURE_RATIO:.0f})  {'OK' if ok else 'MISSED'}"
    )
    return rows, ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--child", nargs=2, metavar=("CONFIG", "SITE_DIR"), help=argparse.SUPPRESS)
    parser.add_argument("--posture-child", nargs=2, metavar=("BUNDLE", "OUT"), help=argparse.SUPPRESS)
    parser.add_argument("--only", choices=("all", "site", "posture"), default="all", help="run only the site builds or only the posture row")
    parser.add_argument("--scales", default=",".join(map(str, SCALES)), help="comma-separated factors (default 1,5,25)")
    parser.add_argument("--repeat", type=int, default=1, help="builds per measurement; the fastest counts")
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return 0
    if args.posture_child:
        posture_child(*args.posture_child)
        return 0
    WORK.mkdir(exist_ok=True)
    if args.only == "posture":
        rows, ok = posture_rows(args.repeat)
        (WORK / "posture-results.json").write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
        return 0 if ok else 2

    sys.path.insert(0, str(ROOT / "scripts"))
    from synth_catalog import synthesize

    from conformap import paths, validate
    from conformap.analysis.stats import Analysis

    WORK.mkdir(exist_ok=True)
    results = []
    for factor in (int(s) for s in args.scales.split(",")):
        catalog = paths.DEFAULT_CATALOG if factor == 1 else synthesize(factor, WORK / f"catalog-{factor}x")
        t0 = time.perf_counter()
        cat, _ = validate(catalog)
        load_s = time.perf_counter() - t0
        assert cat is not None, f"synthetic catalogue {factor}x does not validate"
        counts = Analysis.of(cat).summary
        # The document cache as after a first build or `validate` (the pre-commit hook): the bench's own,
        # never the user's, so that every run measures the same thing.
        cache = WORK / f"doc-cache-{factor}x"
        shutil.rmtree(cache, ignore_errors=True)
        ours_env = {"CONFORMAP_CATALOG": str(catalog), "CONFORMAP_CACHE_DIR": str(cache)}
        subprocess.run([sys.executable, "-m", "conformap.cli", "validate", str(catalog)], env=dict(os.environ, **ours_env), capture_output=True, check=True)
        plain_cfg = plain_project(catalog, WORK / f"plain-{factor}x")
        best = run_builds(
            {"ours": (ROOT / "mkdocs.yml", WORK / f"site-ours-{factor}x", ours_env), "plain": (plain_cfg, WORK / f"site-plain-{factor}x", {})},
            args.repeat,
        )
        ours, plain = best["ours"], best["plain"]
        pages, size = site_stats(WORK / f"site-ours-{factor}x")
        cold_s, warm_s = validate_process(catalog, WORK / f"validate-cache-{factor}x")
        results.append({
            "validate_cold_s": cold_s, "validate_warm_s": warm_s,
            "factor": factor, "rules": counts.rules, "mappings": counts.mappings, "pages": pages,
            "load_validate_s": load_s, "ours_s": ours["seconds"], "plain_s": plain["seconds"],
            "ours_cpu_s": ours["cpu_s"], "plain_cpu_s": plain["cpu_s"],
            "ours_peak_mb": ours["max_rss_kb"] / 1024, "plain_peak_mb": plain["max_rss_kb"] / 1024,
            "bytes_per_page": size // max(pages, 1),
        })
        print(f"  measured {factor}x ({counts.rules} rules, {pages} pages)", file=sys.stderr)

    head = (
        f"{'scale':>5} {'rules':>6} {'pages':>6} {'load+validate':>14} {'ours':>8} {'plain':>8} {'ours/plain':>10} "
        f"{'CPU ours/plain':>14} {'peak ours':>10} {'peak plain':>10} {'bytes/page':>10}"
    )
    print(head)
    print("-" * len(head))
    for r in results:
        print(
            f"{str(r['factor']) + 'x':>5} {r['rules']:>6} {r['pages']:>6} {r['load_validate_s']:>13.2f}s {r['ours_s']:>7.1f}s "
            f"{r['plain_s']:>7.1f}s {r['ours_s'] / r['plain_s']:>10.2f} {r['ours_cpu_s'] / r['plain_cpu_s']:>14.2f} "
            f"{r['ours_peak_mb']:>8.0f}MB {r['plain_peak_mb']:>8.0f}MB {r['bytes_per_page']:>10}"
        )
    ok = True
    worst = max(r["ours_s"] / r["plain_s"] for r in results)
    ok &= worst <= TARGET_PLAIN_RATIO
    print(f"\nours / plain, worst scale: {worst:.2f} (target <= {TARGET_PLAIN_RATIO})  {'OK' if worst <= TARGET_PLAIN_RATIO else 'MISSED'}")
    by = {r["factor"]: r for r in results}
    if 1 in by and max(by) > 1:
        top = max(by)
        ratio = by[top]["ours_s"] / by[1]["ours_s"]
        limit = TARGET_SCALE_RATIO * top / 25
        ok &= ratio <= limit
        print(f"ours {top}x / ours 1x: {ratio:.1f} (target <= {limit:.0f} for {top}x the rules)  {'OK' if ratio <= limit else 'MISSED'}")
    print(f"\n{'scale':>5} {'validate (cold)':>16} {'validate (warm)':>16} {'target (warm)':>14}")
    for r in results:
        target = TARGET_VALIDATE_S.get(r["factor"])
        verdict = "" if target is None else ("OK" if r["validate_warm_s"] <= target else "MISSED")
        ok &= target is None or r["validate_warm_s"] <= target
        print(f"{str(r['factor']) + 'x':>5} {r['validate_cold_s']:>15.2f}s {r['validate_warm_s']:>15.2f}s {'' if target is None else f'<= {target:.2f}s':>14} {verdict}")
    (WORK / "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    if args.only == "all":
        rows, posture_ok = posture_rows(args.repeat)
        ok &= posture_ok
        (WORK / "posture-results.json").write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    return 0 if ok else 2  # 1 is a failed build


if __name__ == "__main__":
    sys.exit(main())
