"""The benchmark runs end to end (its numbers are for people, not asserted: timings belong in `make bench`)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conformap import paths

pytestmark = pytest.mark.slow


def test_bench_measures_ours_and_plain_side_by_side():
    proc = subprocess.run(
        [sys.executable, str(paths.PROJECT_ROOT / "scripts" / "bench.py"), "--scales", "1,2", "--only", "site"],
        cwd=paths.PROJECT_ROOT, capture_output=True, text=True,
    )
    assert proc.returncode in (0, 2), proc.stderr[-3000:]  # 2: a target missed on this machine, still a result
    assert "ours / plain, worst scale:" in proc.stdout
    assert "ours 2x / ours 1x:" in proc.stdout
    results = json.loads((paths.PROJECT_ROOT / ".bench" / "results.json").read_text())
    assert [r["factor"] for r in results] == [1, 2]
    one, two = results
    assert two["rules"] == 2 * one["rules"] and two["pages"] > one["pages"]
    assert all(r["ours_s"] > 0 and r["plain_s"] > 0 and r["ours_peak_mb"] > 0 for r in results)
    assert "validate" in proc.stdout and "speed devices" in proc.stdout
    assert all(r["validate_s"] > 0 and set(r["devices"]) == {"record tables"} for r in results)
    assert all(d["build_without_s"] > 0 and d["validate_without_s"] > 0 for r in results for d in r["devices"].values())
    # A fair comparison: the plain build has exactly the pages of ours.
    for factor in (1, 2):
        ours = paths.PROJECT_ROOT / ".bench" / f"site-ours-{factor}x"
        plain = paths.PROJECT_ROOT / ".bench" / f"site-plain-{factor}x"
        assert sorted(p.relative_to(ours) for p in ours.rglob("*.html")) == sorted(p.relative_to(plain) for p in plain.rglob("*.html"))
