"""One comparison engine: what differs between two catalogues, as a JSON-ready dictionary.

:func:`compare` serves ``conformap diff``, the Changes page and the importer's report. The
comparison is made on the model, so layout changes (``conformap fmt``) never show. What it reports:

* rules and controls added or removed; a rule whose id changed while its identifier (or, failing
  that, its guidance) stayed the same is reported as **renamed**, and compared with its old self;
* mappings added, removed and changed (source rows, printed statement, rationale);
* **renumbered source rows** apart: when the page gains or loses rows, every later row moves, so a
  re-import shifts the ``source_rows`` of many mappings (and errata) that say the same thing as
  before. A mapping or erratum whose only change is its ``source_rows``, with as many rows as
  before, is not listed as changed: it is counted under ``renumbered`` (with a one-line summary);
* guidance changed, as a word-level diff;
* rule metadata, control, erratum and framework fields changed (``field: old → new``);
* errata added or removed;
* the statistics that move (:mod:`conformap.analysis`): rules per question, overlaps between
  questions, exclusive rules, rules by number of questions, totals.
"""

from __future__ import annotations

import difflib
from functools import lru_cache
from typing import Any

from conformap.model import records

from conformap.load import schema
from conformap.model.catalog import Catalog, Mapping, Rule, natural_key

ARROW = "→"


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"

def _fields(obj: Any, *reported_apart: str) -> dict[str, Any]:
    """A record's fields as ``path -> value`` (:func:`conformap.model.records.flatten`), less those reported apart."""
    return records.flatten({k: v for k, v in records.to_record(obj).items() if k not in reported_apart})


def _field_changes(old: dict[str, Any], new: dict[str, Any]) -> dict[str, dict[str, Any]]:
    keys = list(new) + [k for k in old if k not in new]
    return {k: {"old": old.get(k), "new": new.get(k)} for k in keys if old.get(k) != new.get(k)}


def word_diff(old: str, new: str) -> list[list[str]]:
    """Word-level diff: a list of ``[op, text]`` with op ``=`` (kept), ``-`` (removed) or ``+`` (added)."""
    a, b = old.split(), new.split()
    ops: list[list[str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            ops.append(["=", " ".join(a[i1:i2])])
            continue
        if i2 > i1:
            ops.append(["-", " ".join(a[i1:i2])])
        if j2 > j1:
            ops.append(["+", " ".join(b[j1:j2])])
    return ops


_MAPPING_KEY = ("rule", "control", "statement")


@lru_cache(maxsize=1)
def _mapping_fields() -> dict[str, Any]:
    """A mapping's fields, in the rule schema's order, each with its value when absent (``[]`` for a list)."""
    props = schema.properties_of(schema.subschema("rule", schema.MAPPING_POINTER))
    return {k: [] if v.get("type") == "array" else None for k, v in props.items()}


def _mapping_record(m: Mapping) -> dict[str, Any]:
    """A mapping as the report lists it: its rule, then every field of its record (absent facts as null)."""
    rec = records.to_record(m)
    return {"rule": m.rule_id, **{k: rec.get(k, absent) for k, absent in _mapping_fields().items()}}


def _renames(old: dict[str, Rule], new: dict[str, Rule], added: list[str], removed: list[str]) -> list[dict[str, str]]:
    out = []
    free = list(removed)
    for rid in added:
        r = new[rid]
        match: str | None = None
        by = ""  # set with match
        if r.identifier:
            cands = [o for o in free if old[o].identifier == r.identifier]
            if len(cands) == 1:
                match, by = cands[0], "identifier"
        if match is None:
            cands = [o for o in free if old[o].guidance == r.guidance]
            if len(cands) == 1:
                match, by = cands[0], "guidance"
        if match is not None:
            free.remove(match)
            out.append({"old": match, "new": rid, "by": by})
    return out


def _empty_stats() -> dict[str, Any]:
    return {"totals": {}, "rules_per_control": {}, "overlap": {}, "exclusive": {}, "by_count": {}, "numbers": {}}


def _stats(cat: Catalog | None) -> dict[str, Any]:
    # Lazy: analysis imports networkx (python -X importtime: 105-115 ms after `import conformap.cli`), which
    # `conformap import-aws-page` (compare_mappings, no statistics) would otherwise load for nothing.
    from conformap.analysis.stats import Analysis

    if cat is None:
        return _empty_stats()
    a = Analysis.of(cat)
    s = a.summary
    return {
        "totals": {
            "controls": s.controls,
            "controls_mapped": s.controls_with_rules,
            "rules": s.rules,
            "mappings": s.mappings,
            "services": s.services,
            "shared_rules": s.shared_rules,
            "exclusive_rules": s.exclusive_rules,
        },
        "rules_per_control": {c: len(rs) for c, rs in a.control_rules.items()},
        "overlap": {(x, y): n for x, row in a.matrix.items() for y, n in row.items()},
        "exclusive": {c: a.exclusive_rules(c) for c in a.controls},
        "by_count": {n: len(rs) for n, rs in a.rules_by_control_count.items()},
        "numbers": {c.id: c.number for c in cat.controls},
    }


def _stat_changes(old: Catalog | None, new: Catalog | None, renamed: dict[str, str] | None = None) -> dict[str, Any]:
    """Statistics that differ; ``renamed`` (old id -> new id) keeps a renamed rule from counting as gained and lost."""
    a, b = _stats(old), _stats(new)
    renamed = renamed or {}
    numbers = {**a["numbers"], **b["numbers"]}
    order = sorted(numbers, key=lambda c: (numbers[c], natural_key(c)))
    totals = {k: {"old": a["totals"].get(k, 0), "new": b["totals"].get(k, 0)} for k in (b["totals"] or a["totals"])}
    per_control = {}
    for c in order:
        x, y = a["rules_per_control"].get(c, 0), b["rules_per_control"].get(c, 0)
        if x != y:
            per_control[c] = {"old": x, "new": y}
    overlap = {}
    for i, c1 in enumerate(order):
        for c2 in order[i + 1 :]:
            x, y = a["overlap"].get((c1, c2), 0), b["overlap"].get((c1, c2), 0)
            if x != y:
                overlap[f"{c1}/{c2}"] = {"old": x, "new": y}
    exclusive = {}
    for c in order:
        x, y = [renamed.get(r, r) for r in a["exclusive"].get(c, [])], b["exclusive"].get(c, [])
        if sorted(x) != sorted(y):
            exclusive[c] = {"old": len(x), "new": len(y), "gained": sorted(set(y) - set(x)), "lost": sorted(set(x) - set(y))}
    by_count = {}
    for n in sorted(set(a["by_count"]) | set(b["by_count"])):
        x, y = a["by_count"].get(n, 0), b["by_count"].get(n, 0)
        if x != y:
            by_count[str(n)] = {"old": x, "new": y}
    return {
        "totals": {k: v for k, v in totals.items() if v["old"] != v["new"]},
        "rules_per_control": per_control,
        "overlap": overlap,
        "exclusive_rules": exclusive,
        "rules_by_question_count": by_count,
    }


def _mkey(m: dict[str, Any]) -> tuple:
    return (m["rule"], natural_key(m["control"]), m["statement"])


def compare_mappings(
    removed: dict[str, tuple[Mapping, ...]],
    added: dict[str, tuple[Mapping, ...]],
    pairs: list[tuple[tuple[Mapping, ...], tuple[Mapping, ...], str]],
) -> dict[str, list[dict[str, Any]]]:
    """Mappings added, removed, changed and only renumbered.

    ``removed`` and ``added``: the mappings of rules that left or joined the catalogue; ``pairs``: the
    (old, new) mappings of each rule on both sides, with the rule's id as the new side names it. A
    mapping is known by its control and statement; a change of its ``source_rows`` alone, to as many
    rows, is a renumbering, not a change.
    """
    out: dict[str, list[dict[str, Any]]] = {"added": [], "removed": [], "changed": [], "renumbered": []}
    for ms in removed.values():
        out["removed"].extend(_mapping_record(m) for m in ms)
    for ms in added.values():
        out["added"].extend(_mapping_record(m) for m in ms)
    for old_ms, new_ms, rid in pairs:
        om = {(m.control_id, m.statement_id): m for m in old_ms}
        nm = {(m.control_id, m.statement_id): m for m in new_ms}
        out["removed"].extend(_mapping_record(om[k]) for k in om if k not in nm)
        out["added"].extend(_mapping_record(nm[k]) for k in nm if k not in om)
        for k in [k for k in nm if k in om]:
            a, b = _mapping_record(om[k]), _mapping_record(nm[k])
            ch = _field_changes({f: v for f, v in a.items() if f not in _MAPPING_KEY}, {f: v for f, v in b.items() if f not in _MAPPING_KEY})
            if _renumbered_only(ch):
                out["renumbered"].append({"rule": rid, "control": k[0], "statement": k[1], "source_rows": ch["source_rows"]})
            elif ch:
                out["changed"].append({"rule": rid, "control": k[0], "statement": k[1], "changes": ch})
    return {k: sorted(v, key=_mkey) for k, v in out.items()}


def compare(old: Catalog | None, new: Catalog | None, base: str = "base", head: str = "head") -> dict[str, Any]:
    """Everything that differs between two catalogues, as a JSON-ready dictionary."""
    o_rules = {r.id: r for r in old.rules} if old else {}
    n_rules = {r.id: r for r in new.rules} if new else {}
    o_ctrl = {c.id: c for c in old.controls} if old else {}
    n_ctrl = {c.id: c for c in new.controls} if new else {}

    added = sorted(set(n_rules) - set(o_rules))
    removed = sorted(set(o_rules) - set(n_rules))
    renamed = _renames(o_rules, n_rules, added, removed)
    added = [r for r in added if r not in {x["new"] for x in renamed}]
    removed = [r for r in removed if r not in {x["old"] for x in renamed}]
    pairs = [(rid, rid) for rid in sorted(set(o_rules) & set(n_rules))] + [(x["old"], x["new"]) for x in renamed]
    pairs.sort(key=lambda p: p[1])

    mappings = compare_mappings(
        {rid: o_rules[rid].mappings for rid in removed},
        {rid: n_rules[rid].mappings for rid in added},
        [(o_rules[oid].mappings, n_rules[nid].mappings, nid) for oid, nid in pairs],
    )
    guidance, metadata = [], []
    for oid, nid in pairs:
        o, n = o_rules[oid], n_rules[nid]
        if o.guidance != n.guidance:
            guidance.append({"rule": nid, "old": o.guidance, "new": n.guidance, "words": word_diff(o.guidance, n.guidance)})
        ch = _field_changes(_fields(o, "id", "guidance", "mappings"), _fields(n, "id", "guidance", "mappings"))
        if ch:
            metadata.append({"rule": nid, "changes": ch})

    c_changed = []
    for cid in sorted(set(o_ctrl) & set(n_ctrl), key=lambda c: (n_ctrl[c].number, natural_key(c))):
        ch = _field_changes(_fields(o_ctrl[cid], "id"), _fields(n_ctrl[cid], "id"))
        if ch:
            c_changed.append({"id": cid, "changes": ch})

    o_err = {e.id: e for e in old.errata} if old else {}
    n_err = {e.id: e for e in new.errata} if new else {}
    e_changed, e_renumbered = [], []
    for eid in sorted(set(o_err) & set(n_err), key=natural_key):
        ch = _field_changes(_fields(o_err[eid], "id"), _fields(n_err[eid], "id"))
        if _renumbered_only(ch):
            e_renumbered.append({"id": eid, "source_rows": ch["source_rows"]})
        elif ch:
            e_changed.append({"id": eid, "changes": ch})

    framework = _field_changes(_fields(old.framework) if old else {}, _fields(new.framework) if new else {})
    statistics = _stat_changes(old, new, {x["old"]: x["new"] for x in renamed})

    result = {
        "base": base,
        "head": head,
        "initial": old is None and new is not None,
        "controls": {
            "added": [{"id": c, "question": n_ctrl[c].question} for c in sorted(set(n_ctrl) - set(o_ctrl), key=lambda c: (n_ctrl[c].number, natural_key(c)))],
            "removed": [{"id": c, "question": o_ctrl[c].question} for c in sorted(set(o_ctrl) - set(n_ctrl), key=lambda c: (o_ctrl[c].number, natural_key(c)))],
            "changed": c_changed,
        },
        "rules": {"added": added, "removed": removed, "renamed": renamed},
        "mappings": {k: mappings[k] for k in ("added", "removed", "changed")},
        "guidance": guidance,
        "rule_metadata": metadata,
        "errata": {
            "added": [{"id": e, "title": n_err[e].title} for e in sorted(set(n_err) - set(o_err), key=natural_key)],
            "removed": [{"id": e, "title": o_err[e].title} for e in sorted(set(o_err) - set(n_err), key=natural_key)],
            "changed": e_changed,
        },
        "framework": framework,
        "renumbered": {
            "summary": _renumbered_summary(len(mappings["renumbered"]), len(e_renumbered), old, new),
            "mappings": mappings["renumbered"],
            "errata": e_renumbered,
        },
        "statistics": statistics,
    }
    result["changed"] = _has_changes(result)
    return result


def _renumbered_only(changes: dict[str, dict[str, Any]]) -> bool:
    """True for a change of ``source_rows`` alone, to as many rows: the rows moved on the page."""
    if set(changes) != {"source_rows"}:
        return False
    a, b = changes["source_rows"]["old"], changes["source_rows"]["new"]
    return bool(a) and bool(b) and len(a) == len(b)


def _renumbered_summary(n_mappings: int, n_errata: int, old: Catalog | None, new: Catalog | None) -> str | None:
    if not n_mappings and not n_errata:
        return None
    what = " and ".join(
        x for x in (plural(n_mappings, "mapping") if n_mappings else "", f"{n_errata} {'erratum' if n_errata == 1 else 'errata'}" if n_errata else "") if x
    )
    # Rows are renumbered only between two catalogues: past the return above, neither is None.
    a, b = old.framework.source.rows, new.framework.source.rows  # type: ignore[union-attr]
    if isinstance(a, int) and isinstance(b, int) and a != b:
        why = f"the page {'lost' if b < a else 'gained'} {plural(abs(a - b), 'row')}: {a} {ARROW} {b}"
    elif isinstance(a, int) and a == b:
        why = f"rows moved on the page, which has {plural(b, 'row')} as before"
    else:
        why = "rows moved on the page"
    return f"source rows renumbered in {what} ({why})"


def _has_changes(result: dict[str, Any]) -> bool:
    return bool(
        any(result["controls"].values())
        or any(result["rules"].values())
        or any(result["mappings"].values())
        or result["guidance"]
        or result["rule_metadata"]
        or any(result["errata"].values())
        or result["framework"]
        or result["renumbered"]["mappings"]
        or result["renumbered"]["errata"]
        or any(result["statistics"].values())
    )
