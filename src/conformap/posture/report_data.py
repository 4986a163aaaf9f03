"""The posture of each question and best-practice statement, computed once for every report format.

:func:`assess` turns a catalogue and a read bundle into a :class:`Posture`; the JSON report is
:func:`json_bytes` (its contract: ``schema/posture.schema.json``), the Markdown and HTML reports are
templates over the same object, the CSV and OSCAL reports read it too. Failing resources are produced
lazily, question by question, from each instance's own list: nothing holds a row per evaluation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Iterator

import orjson

from conformap.model.catalog import Catalog, Rule, natural_key
from conformap.posture import status as st
from conformap.posture.bundle import Bundle, iso
from conformap.posture.match import Instance, Matched, match

SCHEMA_VERSION = "1.0"
NOTICE = (
    "The catalogue is AWS's sample mapping of AWS Config rules to the questions, not a compliance guarantee: "
    "a PASS says that the deployed rules mapped to a question found no non-compliant resource, never that the "
    "question is answered or that an account complies with it."
)


@dataclass
class RuleResult:
    rule: Rule
    status: str
    instances: list[Instance]


@dataclass
class Group:
    """A question (``statement`` None) or a best-practice statement, with its mapped rules."""

    id: str
    title: str
    status: str
    counts: st.Counts
    rules: list[RuleResult]
    best_practice: str = ""
    statements: list["Group"] = field(default_factory=list)

    @property
    def coverage(self) -> str:
        """``PASS on 3 of 29 rules`` (``of 1 rule``): the status with the rules evaluated of those mapped."""
        return f"{self.status} on {self.counts.evaluated} of {self.counts.mapped} rule{'' if self.counts.mapped == 1 else 's'}"

    def failing(self) -> Iterator[tuple[RuleResult, Instance, tuple[str, str, str, str], str]]:
        """(rule, instance, (type, id, annotation, time), region shown) per failing resource of each instance,
        a global resource once per deployed rule name and account."""
        for rr in self.rules:
            seen: set[tuple] = set()
            for inst in rr.instances:
                if inst.results is None:
                    continue
                for row in inst.results.failing:
                    key = (inst.name, *st.resource_key(inst.account, inst.region, row[0], row[1]))
                    if key in seen:
                        continue
                    seen.add(key)
                    yield rr, inst, row, key[2]

    def distinct_failing(self) -> int:
        keys: set[tuple] = set()
        for rr in self.rules:
            for inst in rr.instances:
                if inst.results is not None:
                    keys.update(st.resource_key(inst.account, inst.region, t, i) for t, i, _, _ in inst.results.failing)
        return len(keys)


@dataclass
class Posture:
    catalogue: Catalog
    as_of: str
    newest: str
    oldest: str
    accounts: list[str]
    regions: list[str]
    files: list[tuple[str, str, bool]]  # (label, kind, degraded)
    questions: list[Group]
    matched: Matched

    @property
    def degraded(self) -> bool:
        return any(d for _, _, d in self.files)

    @property
    def catalogue_version(self) -> str:
        return self.catalogue.framework.version or "unversioned"

    @property
    def notice(self) -> str:
        return NOTICE

    @property
    def unmatched(self) -> list[tuple[Instance, str]]:
        return self.matched.unmatched

    @property
    def warnings(self) -> list[str]:
        return self.matched.warnings

    def proactive(self) -> Iterator[tuple[Instance, tuple[str, str, str, str]]]:
        for inst in self.matched.instances:
            if inst.results is not None:
                for row in inst.results.proactive:
                    yield inst, row


def _group(id_: str, title: str, rule_ids: list[str], by_rule: dict[str, RuleResult], best_practice: str = "") -> Group:
    counts = st.Counts()
    rules = [by_rule[r] for r in sorted(set(rule_ids))]
    for rr in rules:
        counts.add(rr.status)
    return Group(id_, title, st.question_status(counts), counts, rules, best_practice)


def assess(cat: Catalog, bundle: Bundle, as_of: str | None = None) -> Posture:
    matched = match(cat, bundle)
    by_rule = {}
    for r in cat.rules:
        insts = matched.by_rule.get(r.id, [])
        by_rule[r.id] = RuleResult(r, st.rule_status([i.status for i in insts]), insts)
    mappings = cat.mappings
    questions = []
    for c in cat.controls:
        ms = [m for m in mappings if m.control_id == c.id]
        q = _group(c.id, c.question, [m.rule_id for m in ms], by_rule)
        for s in c.statements:
            sms = [m.rule_id for m in ms if m.statement_id == s.id]
            if sms:
                q.statements.append(_group(s.id, s.best_practice.title if s.best_practice else s.text, sms, by_rule, s.best_practice.id if s.best_practice else ""))
        questions.append(q)
    times = [t for inst in matched.instances + [i for i, _ in matched.unmatched] for ev in (inst.results, inst.summary) if ev for t in (ev.newest, ev.oldest) if t]
    newest: datetime | None = max(times, default=None)
    oldest: datetime | None = min(times, default=None)
    every = matched.instances + [i for i, _ in matched.unmatched]
    return Posture(
        catalogue=cat,
        as_of=as_of or (newest.date().isoformat() if newest else "unknown"),
        newest=iso(newest),
        oldest=iso(oldest),
        accounts=sorted({i.account for i in every if i.account}),
        regions=sorted({i.region for i in every if i.region}),
        files=[(label, kind.command, kind.degraded) for label, kind in bundle.files],
        questions=sorted(questions, key=lambda g: natural_key(g.id)),
        matched=matched,
    )


# --------------------------------------------------------------------------- JSON


def _instance(inst: Instance) -> dict:
    return {
        "config_rule_name": inst.name,
        "account": inst.account,
        "region": inst.region,
        "status": inst.status,
        "custom_implementation": inst.custom,
        "results": {k: inst.counts[k] for k in sorted(inst.counts)},
        "source": inst.results_kind,
        "aws_summary": inst.summary.summary or "" if inst.summary else "",
        "aws_non_compliant_count": inst.aws_count,
        "conformance_packs": list(inst.packs),
        "error": inst.error,
    }


def _failing_row(rr: RuleResult, inst: Instance, row: tuple, region: str) -> dict:
    rtype, rid, annotation, recorded = row
    return {
        "rule": rr.rule.id,
        "config_rule_name": inst.name,
        "resource_type": rtype,
        "resource_id": rid,
        "account": inst.account,
        "region": region,
        "annotation": annotation,
        "recorded": recorded,
    }


def _group_head(g: Group) -> dict:
    out: dict[str, Any] = {"id": g.id}
    if g.best_practice:
        out["best_practice"] = g.best_practice
    out.update(status=g.status, coverage=g.coverage, rules=g.counts.as_dict(), distinct_failing_resources=g.distinct_failing())
    return out


class _Stream:
    """Rows written one compact item per line as they are produced (failing resources: rows, not a tree)."""

    def __init__(self, rows: Iterator[dict]):
        self.rows = rows


def document(p: Posture) -> dict:
    questions = []
    for q in p.questions:
        d = _group_head(q)
        d["title"] = q.title
        d["rule_statuses"] = [
            {"rule": rr.rule.id, "status": rr.status, "instances": [_instance(i) for i in rr.instances]} for rr in q.rules
        ]
        d["failing_resources"] = _Stream(_failing_row(*f) for f in q.failing())
        d["statements"] = [_group_head(s) for s in q.statements]
        questions.append(d)
    return {
        "schema_version": SCHEMA_VERSION,
        "catalogue_version": p.catalogue_version,
        "as_of": p.as_of,
        "notice": p.notice,
        "evidence": {
            "degraded": p.degraded,
            "accounts": p.accounts,
            "regions": p.regions,
            "oldest": p.oldest,
            "newest": p.newest,
            "files": [{"file": f, "kind": k, "degraded": d} for f, k, d in p.files],
        },
        "questions": questions,
        "unmatched_rules": [
            {
                "config_rule_name": i.name,
                "account": i.account,
                "region": i.region,
                "owner": i.definition.owner if i.definition else "",
                "source_identifier": i.definition.source_identifier if i.definition else "",
                "reason": why,
            }
            for i, why in p.unmatched
        ],
        "proactive_results": [
            {"config_rule_name": i.name, "account": i.account, "region": i.region, "resource_type": t, "resource_id": r, "compliance": c, "recorded": when}
            for i, (t, r, c, when) in p.proactive()
        ],
        "warnings": list(p.warnings),
    }


def _write(value, indent: str, out: bytearray) -> None:
    """``value`` as indented JSON into ``out`` (a bytearray: orjson's small results are copied, not kept)."""
    if isinstance(value, _Stream):
        prefix = (indent + "  ").encode()
        first = True
        for row in value.rows:
            out += b"[\n" if first else b",\n"
            out += prefix
            out += orjson.dumps(row)
            first = False
        out += b"[]" if first else f"\n{indent}]".encode()
    elif isinstance(value, dict) and value:
        inner = indent + "  "
        out += b"{\n"
        for n, (k, v) in enumerate(value.items()):
            out += inner.encode()
            out += orjson.dumps(k)
            out += b": "
            _write(v, inner, out)
            out += b",\n" if n < len(value) - 1 else b"\n"
        out += f"{indent}}}".encode()
    elif isinstance(value, list) and value:
        inner = indent + "  "
        out += b"[\n"
        for n, v in enumerate(value):
            out += inner.encode()
            _write(v, inner, out)
            out += b",\n" if n < len(value) - 1 else b"\n"
        out += f"{indent}]".encode()
    else:
        out += orjson.dumps(value)


def json_bytes(p: Posture) -> bytes:
    """The JSON report: indented by two spaces, each failing resource on one line."""
    out = bytearray()
    _write(document(p), "", out)
    out += b"\n"
    return bytes(out)
