"""`make serve` shows every edit (issue 20): a rule file, a page template, a module under src/ and an asset.

Runs scripts/serve_reload.py on the mini catalogue: it starts ``mkdocs serve`` on a copy of the project,
edits one file of each kind, and waits until the server answers with the changed page; it exits 1 when an
edit is not served (within a generous bound, not a performance figure: those are in README). The times it
prints are not looked at here.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from conformap import paths

pytestmark = pytest.mark.slow

SITE_MINI = paths.PROJECT_ROOT / "tests" / "fixtures" / "site-mini"


def test_serve_shows_each_kind_of_edit():
    proc = subprocess.run(
        [sys.executable, str(paths.PROJECT_ROOT / "scripts" / "serve_reload.py"), "--catalog", str(SITE_MINI), "--rule", "alpha-check",
         "--repeat", "1", "--timeout", "240"],
        capture_output=True, text=True, timeout=900,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    served = re.findall(r"^(rule file|template|src module|asset) +round 1: ", proc.stdout, re.M)
    assert served == ["rule file", "template", "src module", "asset"], proc.stdout
