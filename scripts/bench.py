"""Benchmark: site build time and memory at 1x, 5x and 25x the real catalogue (``make bench``).

For each scale it measures, each build in a fresh process:

* **ours** — ``mkdocs build`` of the project (gen-files loads, validates and renders the catalogue);
* **plain** — a plain mkdocs-material build of the same pages written as static Markdown files
  (same theme and nav, no gen-files), i.e. what MkDocs costs without conformap;
* **ours without** each speed device of :data:`DEVICES` (the same build with that device turned off in
  the build's process), to show what each one saves;
* load + validate time of the catalogue alone, peak memory (max RSS) of each build, bytes per page.

It prints them side by side with the ratios the project targets: ours / plain <= 1.3 at every scale,
and ours at 25x <= 30 x ours at 1x (build time must grow linearly with the catalogue). Then
``conformap validate`` as a whole process (it runs in the pre-commit hook at every commit; it reads
and checks every file every time: nothing is cached between runs), median of several runs, wall and
CPU time, against its targets: at most 0.5 s for the real catalogue and 5 s for the 25x one; and the
same with each speed device turned off. A speed device stays in the code only while it saves at least
10 % of a build or of ``validate`` (README, Performance).
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
TARGET_VALIDATE_S = {1: 0.5, 25: 5.0}  # `conformap validate`, whole process, median wall time
VALIDATE_RUNS = 5
POSTURE_SIZES = (100_000, 1_000_000)
TARGET_POSTURE_S = 30.0
TARGET_POSTURE_MB = 1024
TARGET_POSTURE_RATIO = 12.0
TARGET_DEVICE_SAVING = 0.10  # a speed device stays only while turning it off costs at least this much more


def _without_record_tables() -> None:
    from conformap.model import records

    for name in ("_fields", "_loaders", "_parent_fields"):
        setattr(records, name, getattr(records, name).__wrapped__)


# The speed devices left in the code, each with a way to turn it off inside a build's or validate's process.
DEVICES = {
    "record tables": _without_record_tables,  # conformap.model.records: each class's fields and converters, built once
}


# Every measured process runs as on a user's machine, where Python keeps the bytecode of the modules it
# imports (a shell that sets PYTHONDONTWRITEBYTECODE would make each process compile them again).
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def validate_process(catalog: Path, without: str | None = None, runs: int = VALIDATE_RUNS) -> tuple[float, float]:
    """Median wall time and CPU time of `conformap validate CATALOG` in a fresh process (``without``: a
    device of :data:`DEVICES` turned off in it)."""
    import statistics

    command = [sys.executable, "-m", "conformap.cli", "validate", str(catalog)]
    if without is not None:
        command = [sys.executable, __file__, "--validate-child", without, str(catalog)]

    def once() -> tuple[float, float]:
        start, cpu = time.perf_counter(), _cpu_of_children()
        done = subprocess.run(command, cwd=ROOT, env=CHILD_ENV, capture_output=True, check=False)
        if done.returncode != 0:  # a failed run is no measurement: say why, instead of printing its time
            raise SystemExit(f"bench: {' '.join(command[1:])} exited {done.returncode}:\n{done.stderr.decode('utf-8', 'replace')}")
        return time.perf_counter() - start, _cpu_of_children() - cpu

    times = [once() for _ in range(runs)]
    return statistics.median(t for t, _ in times), statistics.median(c for _, c in times)


def validate_child(without: str, catalog: str) -> int:
    """`conformap validate CATALOG` in this process, with the device ``without`` turned off."""
    DEVICES[without]()
    from conformap.cli import main as validate_main

    return validate_main(["validate", catalog])


def child(config: str, site_dir: str, without: str | None = None) -> None:
    """Run one build in this process and print its wall time, CPU time and peak memory as JSON."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    if without:
        DEVICES[without]()

    start = time.perf_counter()
    cfg = load_config(config, site_dir=site_dir)
    build(cfg)
    seconds = time.perf_counter() - start
    usage, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = usage.ru_utime + usage.ru_stime + children.ru_utime + children.ru_stime  # with git's (the Changes page)
    print(json.dumps({"seconds": seconds, "cpu_s": cpu, "max_rss_kb": usage.ru_maxrss}))


def _build_once(config: Path, site_dir: Path, env: dict[str, str], without: str | None) -> dict:
    shutil.rmtree(site_dir, ignore_errors=True)
    command = [sys.executable, __file__, "--child", str(config), str(site_dir), *(["--without", without] if without else [])]
    proc = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr[-4000:])
        raise SystemExit(f"build failed: {config}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run_builds(builds: dict[str, tuple[Path, Path, dict[str, str], str | None]], repeat: int) -> dict[str, dict]:
    """Each build (name -> config, site folder, extra environment, device turned off) ``repeat`` times,
    the builds taking turns (ours, plain, ours without a device, ours, plain, ...) so that a slower spell
    of a shared machine falls on all alike; the fastest run of each counts (its wall time; CPU time and
    peak memory of that run)."""
    best: dict[str, dict] = {}
    for _ in range(repeat):
        for name, (config, site_dir, extra, without) in builds.items():
            result = _build_once(config, site_dir, dict(CHILD_ENV, **extra), without)
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
    parser.add_argument("--without", choices=sorted(DEVICES), help=argparse.SUPPRESS)
    parser.add_argument("--validate-child", nargs=2, metavar=("DEVICE", "CATALOG"), help=argparse.SUPPRESS)
    parser.add_argument("--scales", default=",".join(map(str, SCALES)), help="comma-separated factors (default 1,5,25)")
    parser.add_argument("--repeat", type=int, default=1, help="builds per measurement; the fastest counts")
    args = parser.parse_args()
    if args.child:
        child(*args.child, without=args.without)
        return 0
    if args.posture_child:
        posture_child(*args.posture_child)
        return 0
    WORK.mkdir(exist_ok=True)
    if args.only == "posture":
        rows, ok = posture_rows(args.repeat)
        (WORK / "posture-results.json").write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
        return 0 if ok else 2
    if args.validate_child:
        return validate_child(*args.validate_child)

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
        ours_env = {"CONFORMAP_CATALOG": str(catalog)}
        plain_cfg = plain_project(catalog, WORK / f"plain-{factor}x")
        builds = {"ours": (ROOT / "mkdocs.yml", WORK / f"site-ours-{factor}x", ours_env, None), "plain": (plain_cfg, WORK / f"site-plain-{factor}x", {}, None)}
        for device in DEVICES:
            builds[f"ours without {device}"] = (ROOT / "mkdocs.yml", WORK / f"site-without-{factor}x", ours_env, device)
        best = run_builds(builds, args.repeat)
        ours, plain = best["ours"], best["plain"]
        pages, size = site_stats(WORK / f"site-ours-{factor}x")
        validate_s, validate_cpu_s = validate_process(catalog)
        devices = {}
        for device in DEVICES:
            without_s, without_cpu_s = validate_process(catalog, device)
            devices[device] = {
                "build_without_s": best[f"ours without {device}"]["seconds"], "build_without_cpu_s": best[f"ours without {device}"]["cpu_s"],
                "validate_without_s": without_s, "validate_without_cpu_s": without_cpu_s,
            }
        results.append({
            "validate_s": validate_s, "validate_cpu_s": validate_cpu_s, "devices": devices,
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
    print(f"\n{'scale':>5} {'validate':>9} {'CPU':>7} {'target':>9}   (`conformap validate`, whole process, median of {VALIDATE_RUNS})")
    for r in results:
        target = TARGET_VALIDATE_S.get(r["factor"])
        verdict = "" if target is None else ("OK" if r["validate_s"] <= target else "MISSED")
        ok &= target is None or r["validate_s"] <= target
        print(f"{str(r['factor']) + 'x':>5} {r['validate_s']:>8.2f}s {r['validate_cpu_s']:>6.2f}s {'' if target is None else f'<= {target:.1f}s':>9} {verdict}")
    print(f"\nspeed devices: each turned off; without / with (a device stays while one of them is >= {1 + TARGET_DEVICE_SAVING:.2f})")
    print(f"{'scale':>5} {'device':<16} {'build':>8} {'without':>8} {'ratio':>6} {'CPU ratio':>9} {'validate':>9} {'without':>8} {'ratio':>6} {'CPU ratio':>9}")
    for r in results:
        for device, d in r["devices"].items():
            print(
                f"{str(r['factor']) + 'x':>5} {device:<16} {r['ours_s']:>7.1f}s {d['build_without_s']:>7.1f}s {d['build_without_s'] / r['ours_s']:>6.2f} "
                f"{d['build_without_cpu_s'] / r['ours_cpu_s']:>9.2f} {r['validate_s']:>8.2f}s {d['validate_without_s']:>7.2f}s "
                f"{d['validate_without_s'] / r['validate_s']:>6.2f} {d['validate_without_cpu_s'] / r['validate_cpu_s']:>9.2f}"
            )
    (WORK / "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    if args.only == "all":
        rows, posture_ok = posture_rows(args.repeat)
        ok &= posture_ok
        (WORK / "posture-results.json").write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    return 0 if ok else 2  # 1 is a failed build


if __name__ == "__main__":
    sys.exit(main())
