"""The import plan: from the rows of AWS's page and the catalogue as it is, every file's new data.

What the page carries is (re)written: control question texts and statements, each rule's guidance
and the mappings the page states (with their row numbers); everything else is curated and kept.
Order is stable: a control's statements and a rule's mappings keep their places and what is new is
appended, so the same page in its other form changes only row numbers. Each function returns plain
data and appends what a maintainer should know to ``notes``.
"""

from __future__ import annotations

import copy
import re
from collections import Counter, defaultdict

from conformap import paths
from conformap.parse.aws_page import Row, question_number
from conformap.model.catalog import natural_key


def _statement_suffix(index: int, count: int) -> str:
    return "desc" if count == 1 and index == 0 else f"S{index + 1}"


def plan_controls(rows: list[Row], existing: dict[str, dict], notes: list[str]):
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
    for cid in sorted(by_control, key=natural_key):
        old = existing.get(cid, {})
        texts: list[str] = []
        for r in by_control[cid]:
            if r.question == question_of[cid] and r.description not in texts:
                texts.append(r.description)
        listed = old.get("statements")
        # Statements are the page's: entries that are not statements are not kept.
        old_statements = [s for s in listed if isinstance(s, dict)] if isinstance(listed, list) else []
        by_old_text = {s.get("text"): s for s in old_statements}
        used_ids = {s.get("id") for s in old_statements}
        statements = []
        for i, text in enumerate(texts):
            if text in by_old_text:
                st = dict(by_old_text[text])
            elif len(texts) == 1 and len(old_statements) == 1:
                st = dict(old_statements[0], text=text)  # the one description was reworded
                notes.append(f"{cid}: statement {st['id']} text changed")
            else:
                suffix = _statement_suffix(i, len(texts))
                sid = f"{cid}.{suffix}"
                n = i + 1
                while sid in used_ids:
                    n += 1
                    sid = f"{cid}.S{n}"
                used_ids.add(sid)
                st = {"id": sid, "kind": "question-description" if len(texts) == 1 else "best-practice", "text": text}
                notes.append(f"{cid}: new statement {sid}")
            statements.append(st)
            statement_by_text[(cid, text)] = st["id"]
        # Stable order: the statements the control had keep their places; new ones follow, in page order.
        old_index = {s.get("id"): i for i, s in enumerate(old_statements)}
        statements.sort(key=lambda st: old_index.get(st["id"], len(old_statements)))
        number = old.get("number") or question_number(cid)
        control = dict(old)
        control.update({"id": cid, "number": number, "question": question_of[cid], "in_source": True, "statements": statements})
        controls[cid] = control

    for cid, old in existing.items():
        if cid not in controls:
            control = dict(old)
            if control.get("in_source"):
                control["in_source"] = False
                notes.append(f"{cid}: no longer mapped by the page; in_source set to false")
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
            notes.append(f"row {r.number} ({r.rule}): labelled {r.control_id} but prints the question of {owner}")
        else:
            notes.append(f"row {r.number} ({r.rule}): question text differs from {r.control_id}'s; mapped to {statement_of[r.number]}")
    return controls, statement_of, printed_of


def plan_rules(rows: list[Row], existing: dict[str, dict], statement_of: dict[int, str], printed_of: dict[int, str], notes: list[str]):
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
            notes.append(f"row {r.number} ({r.rule}): guidance differs from the rule's earlier row; keeping the first")
        guidance.setdefault(r.rule, r.guidance)
        process[r.rule] = process.get(r.rule) or r.process_check
        full = (r.control_id, r.question, r.description, r.rule, r.guidance)
        if full in seen_rows:
            notes.append(f"row {r.number} repeats row {seen_rows[full]} verbatim ({r.control_id}, {r.rule})")
        seen_rows.setdefault(full, r.number)

    rules: dict[str, dict] = {}
    new_rules: list[str] = []
    for rid in sorted(set(existing) | set(page_mappings)):
        old = existing.get(rid, {})
        rule = dict(old)
        new_maps = page_mappings.get(rid, {})
        listed = old.get("mappings")
        # An entry that is not a mapping keeps its place, for the validation to report before and after.
        old_maps = listed if isinstance(listed, list) else []  # read, never changed: kept entries are the catalogue's own
        # Stable order: the mappings the rule had keep their places (a page mapping the page no longer
        # states is dropped, a contributed one is kept); mappings new to the rule follow its last page
        # mapping, in page order.
        merged: list[dict] = []
        placed: set[tuple] = set()
        for o in old_maps:
            if not isinstance(o, dict):
                merged.append(o)
                continue
            old_key = (o.get("control"), o.get("statement"))
            if old_key in new_maps and old_key not in placed:
                m = new_maps[old_key]
                if o.get("rationale"):
                    m["rationale"] = o["rationale"]
                merged.append(m)
                placed.add(old_key)
            elif not o.get("source_rows") and old_key not in new_maps:
                merged.append(o)
        fresh = [m for key, m in new_maps.items() if key not in placed]
        if fresh:
            at = max((i + 1 for i, m in enumerate(merged) if isinstance(m, dict) and m.get("source_rows")), default=0)
            merged[at:at] = fresh
        if rid not in page_mappings and any(isinstance(o, dict) and o.get("source_rows") for o in old_maps):
            notes.append(f"{rid}: no longer on the page; its page mappings were removed")
        rule["mappings"] = merged
        rule["id"] = rid
        if rid in guidance:
            rule["guidance"] = guidance[rid]
            rule.setdefault("kind", "process-check" if process[rid] else "managed")
        if not old:
            new_rules.append(rid)
        rules[rid] = rule
    if new_rules:
        notes.append(
            f"{len(new_rules)} new rule(s): {', '.join(new_rules)}; add their identifier, service, trigger and documentation_url"
        )
    return rules


def _rows_by_mapping(rules: dict[str, dict]) -> dict[tuple, list[int]]:
    out: dict[tuple, list[int]] = defaultdict(list)
    for rid, rule in rules.items():
        for m in rule.get("mappings") or []:
            if not isinstance(m, dict) or not isinstance(m.get("source_rows"), list):
                continue
            out[(rid, m.get("control"), m.get("statement"))].extend(n for n in m["source_rows"] if isinstance(n, int) and not isinstance(n, bool))
    return out


def row_moves(old_rules: dict[str, dict], new_rules: dict[str, dict]) -> dict[int, int]:
    """Old row number -> new row number, for every row that still states the same mapping.

    A row is known by the mapping it states (rule, control, statement); when several rows state one
    mapping (a repeated row), they are paired in order.
    """
    new = _rows_by_mapping(new_rules)
    moves: dict[int, int] = {}
    for key, olds in _rows_by_mapping(old_rules).items():
        for o, n in zip(sorted(olds), sorted(new.get(key, []))):
            moves[o] = n
    return moves


def plan_errata(errata: dict | None, moves: dict[int, int], notes: list[str]) -> dict | None:
    """The errata with their source rows following the rows' new numbers; ``None`` if nothing moves."""
    if errata is None:
        return None
    out = copy.deepcopy(errata)
    changed = False
    for e in out["errata"]:
        rows = e.get("source_rows") if isinstance(e, dict) else None
        if not isinstance(rows, list) or not rows or not all(isinstance(r, int) and not isinstance(r, bool) for r in rows):
            continue
        if all(moves.get(r) == r for r in rows):
            continue
        eid = e.get("id", "?")
        gone = [r for r in rows if r not in moves]
        new_rows = sorted({moves[r] for r in rows if r in moves})
        if new_rows:
            e["source_rows"] = new_rows
        else:
            del e["source_rows"]
        changed = True
        if gone:
            notes.append(
                f"{paths.ERRATA_FILE}: {eid}: source row(s) {', '.join(map(str, gone))} no longer state its mappings; "
                "removed from the erratum; review it"
            )
        moved = {r for r in rows if r in moves and moves[r] != r}
        text = " ".join(str(e.get(k) or "") for k in ("title", "source_shows", "catalogue_does", "reason"))
        quoted = sorted(r for r in moved if re.search(rf"(?<![\d.]){r}(?![\d])", text))
        if quoted:
            notes.append(
                f"{paths.ERRATA_FILE}: {eid}: source rows renumbered ({', '.join(map(str, rows))} → "
                f"{', '.join(map(str, new_rows))}); its text quotes row(s) {', '.join(map(str, quoted))}, check it"
            )
    return out if changed else None
