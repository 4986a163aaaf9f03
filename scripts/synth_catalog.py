"""Make a synthetic catalogue FACTOR times larger than the real one, for the benchmark.

    python scripts/synth_catalog.py FACTOR OUT_DIR

Every rule is copied FACTOR times (copy k of ``rule-name`` is ``rule-name-xk``; copy 1 keeps the
name) with the same guidance and mappings; source rows are shifted so that each is still claimed
once, and the snapshot of the page repeats its table FACTOR times with the copies' names, so that
``validate`` checks every mapping against it as it does for the real catalogue. Controls,
statements and errata are kept, so the site has the same shape with FACTOR times the rules,
mappings and rule pages.
"""

from __future__ import annotations

import hashlib
import shutil
import sys
from pathlib import Path

from conformap import paths
from conformap.parse.aws_page import TEXT_HEADER, parse_page
from conformap.ingest.page_import import render
from conformap.load.yamlio import read_yaml


def synthesize(factor: int, out: Path, source: Path = paths.DEFAULT_CATALOG) -> Path:
    if factor < 1:
        raise ValueError("factor must be at least 1")
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(source, out, ignore=shutil.ignore_patterns("rules"))
    rows = read_yaml(source / paths.FRAMEWORK_FILE).data["source"]["rows"]
    (out / paths.RULES_DIR).mkdir()
    originals = sorted((source / paths.RULES_DIR).glob("*.yaml"))
    ids = {f.stem for f in originals}
    for file in originals:
        rule = read_yaml(file).data
        for k in range(1, factor + 1):
            copy = dict(rule)
            suffix = "" if k == 1 else f"-x{k}"
            copy["id"] = rule["id"] + suffix
            copy["mappings"] = [
                dict(m, source_rows=[r + (k - 1) * rows for r in m["source_rows"]]) if m.get("source_rows") else dict(m)
                for m in rule["mappings"]
            ]
            dep = rule.get("deprecated")
            if dep and dep["successor"] in ids:
                copy["deprecated"] = dict(dep, successor=dep["successor"] + suffix)
            rel = f"{paths.RULES_DIR}/{copy['id']}.yaml"
            (out / rel).write_text(render(copy, "rule", rel), encoding="utf-8")
    fw_rel = paths.FRAMEWORK_FILE
    fw = read_yaml(out / fw_rel).data
    fw["source"]["rows"] = rows * factor
    _, page_rows = parse_page((source / fw["source"]["snapshot"]).read_text(encoding="utf-8"))
    blocks = []
    for k in range(1, factor + 1):
        suffix = "" if k == 1 else f"-x{k}"
        for r in page_rows:
            cell = r.rule + suffix + (" (Process Check)" if r.process_check else "")
            blocks.append(f"{r.control_id} {r.question} {r.description}\n\n{cell}\n\n{r.guidance}")
    page = f"Synthetic page ({factor}x)\n\n{TEXT_HEADER}\n" + "\n".join(blocks) + "\n\nTemplate\n\nNone.\n"
    (out / fw["source"]["snapshot"]).write_text(page, encoding="utf-8")
    fw["source"].update(sha256=hashlib.sha256(page.encode("utf-8")).hexdigest(), form="text")
    (out / fw_rel).write_text(render(fw, "framework", fw_rel), encoding="utf-8")
    return out


if __name__ == "__main__":
    synthesize(int(sys.argv[1]), Path(sys.argv[2]).resolve())
