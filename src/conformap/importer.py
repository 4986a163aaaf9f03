"""``conformap import-aws-page``: turn AWS's page into catalogue files, or bring them up to date.

What the page carries is (re)written: control question texts and statements, each rule's
guidance, and the mappings the page states (with their row numbers). Everything else in the
catalogue is curated and kept: rule metadata, best-practice crosswalks, errata, mappings
contributed beyond the source (those without ``source_rows``), rationales.

Files are rewritten only when their content changes, so importing the same page twice
changes nothing, and importing a changed page leaves a ``git diff`` of exactly what changed.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from . import catalogio, paths
from .diagnostics import Diagnostic
from .pageparse import Row, parse_page
from .yamlio import read_yaml


class ImportFailure(Exception):
    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = diagnostics
        super().__init__("\n".join(d.format() for d in diagnostics))


@dataclass
class ImportReport:
    form: str = "text"
    rows: int = 0
    written: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _natural(text: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", text))


def _read_existing(root: Path, sub: str) -> dict[str, dict]:
    out: dict[str, dict] = {}
    problems: list[Diagnostic] = []
    folder = root / sub
    if folder.is_dir():
        for file in sorted(folder.glob("*.yaml")):
            doc = read_yaml(file, paths.display_path(file))
            if not doc.ok or not isinstance(doc.data, dict):
                problems.extend(doc.diagnostics or [Diagnostic(doc.file, 1, 1, "$", "not a YAML mapping")])
                continue
            out[file.stem] = doc.data
    if problems:
        raise ImportFailure(problems)
    return out


def _statement_suffix(index: int, count: int) -> str:
    return "desc" if count == 1 and index == 0 else f"S{index + 1}"


def _plan_controls(rows: list[Row], existing: dict[str, dict], report: ImportReport):
    """Return (controls by id, statement id per row number, printed statement per row number)."""
    by_control: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        by_control[r.control_id].append(r)

    question_of: dict[str, str] = {}
    for cid, rs in by_control.items():
        counts = Counter(r.question for r in rs)
        top = max(counts.values())
        question_of[cid] = next(r.question for r in rs if counts[r.question] == top)

    controls: dict[str, dict] = {}
    statement_by_text: dict[tuple[str, str], str] = {}
    for cid in sorted(by_control, key=_natural):
        old = existing.get(cid, {})
        texts: list[str] = []
        for r in by_control[cid]:
            if r.question == question_of[cid] and r.description not in texts:
                texts.append(r.description)
        old_statements = list(old.get("statements") or [])
        by_old_text = {s.get("text"): s for s in old_statements}
        used_ids = {s.get("id") for s in old_statements}
        statements = []
        for i, text in enumerate(texts):
            if text in by_old_text:
                st = dict(by_old_text[text])
            elif len(texts) == 1 and len(old_statements) == 1:
                st = dict(old_statements[0], text=text)  # the one description was reworded
                report.notes.append(f"{cid}: statement {st['id']} text changed")
            else:
                suffix = _statement_suffix(i, len(texts))
                sid = f"{cid}.{suffix}"
                n = i + 1
                while sid in used_ids:
                    n += 1
                    sid = f"{cid}.S{n}"
                used_ids.add(sid)
                st = {"id": sid, "kind": "question-description" if len(texts) == 1 else "best-practice", "text": text}
                report.notes.append(f"{cid}: new statement {sid}")
            statements.append(st)
            statement_by_text[(cid, text)] = st["id"]
        number = old.get("number") or int(re.findall(r"\d+", cid)[-1])
        control = dict(old)
        control.update({"id": cid, "number": number, "question": question_of[cid], "in_source": True, "statements": statements})
        controls[cid] = control

    for cid, old in existing.items():
        if cid not in controls:
            control = dict(old)
            if control.get("in_source"):
                control["in_source"] = False
                report.notes.append(f"{cid}: no longer mapped by the page; in_source set to false")
            controls[cid] = control

    statement_of: dict[int, str] = {}
    printed_of: dict[int, str] = {}
    for r in rows:
        key = (r.control_id, r.description)
        if r.question == question_of[r.control_id]:
            statement_of[r.number] = statement_by_text[key]
            continue
        # The row prints another control's question: find whose.
        owner = next((c for c, q in question_of.items() if q == r.question and (c, r.description) in statement_by_text), None)
        own_statements = controls[r.control_id]["statements"]
        statement_of[r.number] = own_statements[0]["id"]
        if owner is not None:
            printed_of[r.number] = statement_by_text[(owner, r.description)]
            report.notes.append(f"row {r.number} ({r.rule}): labelled {r.control_id} but prints the question of {owner}")
        else:
            report.notes.append(f"row {r.number} ({r.rule}): question text differs from {r.control_id}'s; mapped to {statement_of[r.number]}")
    return controls, statement_of, printed_of


def _plan_rules(rows: list[Row], existing: dict[str, dict], statement_of: dict[int, str], printed_of: dict[int, str], report: ImportReport):
    page_mappings: dict[str, dict[tuple[str, str], dict]] = defaultdict(dict)
    guidance: dict[str, str] = {}
    process: dict[str, bool] = {}
    seen_rows: dict[tuple, int] = {}
    for r in rows:
        key = (r.control_id, statement_of[r.number])
        m = page_mappings[r.rule].get(key)
        if m is None:
            m = {"control": r.control_id, "statement": key[1], "source_rows": []}
            page_mappings[r.rule][key] = m
        m["source_rows"].append(r.number)
        if r.number in printed_of:
            m["printed_statement"] = printed_of[r.number]
        if r.rule in guidance and guidance[r.rule] != r.guidance:
            report.notes.append(f"row {r.number} ({r.rule}): guidance differs from the rule's earlier row; keeping the first")
        guidance.setdefault(r.rule, r.guidance)
        process[r.rule] = process.get(r.rule, False) or r.process_check
        full = (r.control_id, r.question, r.description, r.rule, r.guidance)
        if full in seen_rows:
            report.notes.append(f"row {r.number} repeats row {seen_rows[full]} verbatim ({r.control_id}, {r.rule})")
        seen_rows.setdefault(full, r.number)

    rules: dict[str, dict] = {}
    new_rules: list[str] = []
    for rid in sorted(set(existing) | set(page_mappings)):
        old = existing.get(rid, {})
        rule = dict(old)
        new_maps = page_mappings.get(rid, {})
        old_maps = [dict(m) for m in old.get("mappings") or []]
        merged = []
        for key, m in new_maps.items():
            prev = next((o for o in old_maps if (o.get("control"), o.get("statement")) == key), None)
            if prev and prev.get("rationale"):
                m["rationale"] = prev["rationale"]
            merged.append(m)
        contributed = [o for o in old_maps if not o.get("source_rows") and (o.get("control"), o.get("statement")) not in new_maps]
        if rid not in page_mappings and old_maps and any(o.get("source_rows") for o in old_maps):
            report.notes.append(f"{rid}: no longer on the page; its page mappings were removed")
        rule["mappings"] = merged + contributed
        rule["id"] = rid
        if rid in guidance:
            rule["guidance"] = guidance[rid]
            rule.setdefault("kind", "process-check" if process[rid] else "managed")
        if not old:
            new_rules.append(rid)
        rules[rid] = rule
    if new_rules:
        report.notes.append(
            f"{len(new_rules)} new rule(s): {', '.join(new_rules)}; add their identifier, service, trigger and documentation_url"
        )
    return rules


def import_page(page: Path, catalog_dir: Path | None = None) -> ImportReport:
    """Import ``page`` into ``catalog_dir`` (default: the project's catalogue)."""
    root = Path(catalog_dir) if catalog_dir is not None else paths.DEFAULT_CATALOG
    raw = page.read_bytes()
    text = raw.decode("utf-8")
    form, rows = parse_page(text)
    report = ImportReport(form=form, rows=len(rows))

    existing_controls = _read_existing(root, paths.CONTROLS_DIR)
    existing_rules = _read_existing(root, paths.RULES_DIR)
    fw_file = root / paths.FRAMEWORK_FILE
    framework = {}
    if fw_file.is_file():
        doc = read_yaml(fw_file, paths.display_path(fw_file))
        if not doc.ok:
            raise ImportFailure(doc.diagnostics)
        framework = doc.data

    controls, statement_of, printed_of = _plan_controls(rows, existing_controls, report)
    rules = _plan_rules(rows, existing_rules, statement_of, printed_of, report)

    snapshot = f"{paths.SOURCES_DIR}/aws-page.{'md' if form == 'markdown' else 'txt'}"
    old_source = dict(framework.get("source") or {})
    old_snapshot = old_source.get("snapshot")
    title_line = next((ln.strip().lstrip("# ") for ln in text.splitlines() if ln.strip()), page.stem)
    source = dict(old_source)
    source.update({"snapshot": snapshot, "sha256": hashlib.sha256(raw).hexdigest(), "form": form, "rows": len(rows)})
    source.setdefault("title", re.sub(r"\s+-\s+AWS Config$", "", title_line))
    source.setdefault("url", "https://docs.aws.amazon.com/config/latest/developerguide/")
    fw = dict(framework)
    fw.setdefault("id", "framework")
    fw.setdefault("title", source["title"])
    fw.setdefault("publisher", "Amazon Web Services")
    fw["source"] = source

    def put(rel: str, content: str | bytes) -> None:
        target = root / rel
        data = content.encode("utf-8") if isinstance(content, str) else content
        if target.is_file() and target.read_bytes() == data:
            return
        catalogio.write_atomic(target, data)
        report.written.append(rel)

    put(snapshot, raw)
    if old_snapshot and old_snapshot != snapshot and (root / old_snapshot).is_file():
        (root / old_snapshot).unlink()
        report.written.append(f"{old_snapshot} (removed)")
    put(paths.FRAMEWORK_FILE, render(fw, "framework", paths.FRAMEWORK_FILE))
    for cid, control in controls.items():
        rel = f"{paths.CONTROLS_DIR}/{cid}.yaml"
        put(rel, render(control, "control", rel))
    for rid, rule in rules.items():
        rel = f"{paths.RULES_DIR}/{rid}.yaml"
        put(rel, render(rule, "rule", rel))
    return report


def render(data: dict, kind: str, relpath: str) -> str:
    """A catalogue file's canonical text, with its schema modeline."""
    return catalogio.dump(data, kind, header=catalogio.modeline(kind, relpath))
