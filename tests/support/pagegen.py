"""Test helper: write the snapshot of AWS's page that a fixture catalogue states, from its YAML files.

Fixture catalogues stand for AWS's page with a snapshot of their own; ``validate`` checks every
mapping against it. Tests that edit a fixture's rows or guidance call :func:`resnapshot` so that
the snapshot says what the edited files say. Read with PyYAML, independent of conformap's loader.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import yaml

HEADER = "Control ID Control Description AWS Config Rule Guidance"


def page_text(root: Path) -> tuple[str, int]:
    """The page in text form, and its number of rows."""
    controls = {}
    for f in (root / "controls").glob("*.yaml"):
        c = yaml.safe_load(f.read_text(encoding="utf-8"))
        controls[c["id"]] = c
    statements = {s["id"]: (cid, s["text"]) for cid, c in controls.items() for s in c.get("statements") or []}
    by_row = {}
    for f in (root / "rules").glob("*.yaml"):
        r = yaml.safe_load(f.read_text(encoding="utf-8"))
        if not isinstance(r, dict) or not isinstance(r.get("guidance"), str) or not isinstance(r.get("mappings"), list):
            continue  # a file a test broke on purpose: validate reports it; the page holds the others' rows
        for m in r["mappings"]:
            if isinstance(m, dict) and (m.get("printed_statement") or m.get("statement")) in statements:
                for n in m.get("source_rows") or []:
                    by_row[n] = (r, m)
    blocks = []
    for n in sorted(by_row):
        r, m = by_row[n]
        shown_control, text = statements[m.get("printed_statement") or m["statement"]]
        cell = r["id"] + (" (Process Check)" if r.get("kind") == "process-check" else "")
        blocks.append(f"{m['control']} {controls[shown_control]['question']} {text}\n\n{cell}\n\n{r['guidance']}")
    text = f"Fixture page\n\nA page in the source's text form, for tests.\n\n{HEADER}\n" + "\n".join(blocks) + "\n\nTemplate\n\nNo template.\n"
    return text, len(blocks)


def resnapshot(root: Path) -> None:
    """Rewrite the fixture's snapshot from its files, with its SHA-256 and row count in framework.yaml."""
    fw_file = root / "framework.yaml"
    fw = fw_file.read_text(encoding="utf-8")
    snapshot = re.search(r"snapshot: (\S+)", fw).group(1)
    text, rows = page_text(root)
    (root / snapshot).write_text(text, encoding="utf-8")
    fw = re.sub(r"sha256: [0-9a-f]{64}", "sha256: " + hashlib.sha256(text.encode("utf-8")).hexdigest(), fw, count=1)
    fw = re.sub(r"\n  rows: \d+", f"\n  rows: {rows}", fw, count=1)
    fw_file.write_text(fw, encoding="utf-8")
