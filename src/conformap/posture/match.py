"""Deployed rules -> catalogue rules, by ``Source.SourceIdentifier``, never by name.

Conformance packs rename rules ``<name>-conformance-pack-<suffix>``, Security Hub ``securityhub-<name>-<suffix>``,
organisation rules ``OrgConfigRule-<name>-<suffix>``: their names say nothing reliable. A managed rule
(``Source.Owner`` AWS) is the catalogue rule with its identifier. Process checks
(``AWS_CONFIG_PROCESS_CHECK``) and custom rules (Lambda, Guard) have no identifier to match: they match
a catalogue rule by their name stripped of those prefixes and suffixes, and are marked "custom
implementation". Every other deployed rule is listed as unmatched and never counted. Each instance (a
pack's, Security Hub's, one per account and region) stays separate.

An instance whose ``InputParameters`` differ from the catalogue's pack values, or whose Description
starts with question ids other than those the catalogue's packs write (a pack deployed from an older
catalogue), gets a warning naming both values; both expected values come from
:mod:`conformap.outputs.conformance_pack`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import orjson

from conformap.model.catalog import Catalog, Rule
from conformap.outputs.conformance_pack import served_ids
from conformap.posture import status as st
from conformap.posture.bundle import RESULT_PRIORITY, SUMMARY_PRIORITY, Bundle, Definition, Evidence, Where, iso, timestamp

PROCESS_CHECK = "AWS_CONFIG_PROCESS_CHECK"
_PREFIXES = ("securityhub-", "OrgConfigRule-")
_PACK_SUFFIX = re.compile(r"^(.+)-conformance-pack-[A-Za-z0-9]+$")
_RANDOM_SUFFIX = re.compile(r"^(.+)-[A-Za-z0-9]{6,}$")


@dataclass
class Instance:
    """One deployed rule in one account and region, with what was saved about it."""

    account: str
    region: str
    name: str
    definition: Definition | None
    results: Evidence | None = None
    results_kind: str = ""
    summary: Evidence | None = None
    evaluation: dict | None = None
    packs: tuple[str, ...] = ()
    rule_ids: tuple[str, ...] = ()
    custom: bool = False
    status: str = st.NO_RESULT
    error: str = ""
    degraded: bool = False

    @property
    def sort_key(self) -> tuple[str, str, str]:
        return (self.account, self.region, self.name)

    @property
    def counts(self) -> dict[str, int]:
        return dict(self.results.counts) if self.results else {}

    @property
    def aws_count(self) -> str:
        """AWS's own count of non-compliant resources (describe-compliance-by-config-rule), ``100+`` when
        AWS capped it, "" when none was saved."""
        if self.summary is None or self.summary.capped is None:
            return ""
        return f"{self.summary.capped}+" if self.summary.cap_exceeded else str(self.summary.capped)


@dataclass
class Matched:
    instances: list[Instance] = field(default_factory=list)  # matched ones, sorted
    by_rule: dict[str, list[Instance]] = field(default_factory=dict)
    unmatched: list[tuple[Instance, str]] = field(default_factory=list)  # (instance, why)
    warnings: list[str] = field(default_factory=list)
    where_of: dict[tuple, Where] = field(default_factory=dict)  # (scope, rule name) of the bundle -> the instance's place
    by_where: dict[Where, Instance] = field(default_factory=dict)  # matched instances


def name_candidates(name: str) -> list[str]:
    """The name, then the name stripped of a Security Hub / organisation prefix, a pack suffix, a random suffix."""
    out = [name]
    n = name
    for prefix in _PREFIXES:
        if n.startswith(prefix):
            n = n[len(prefix) :]
            out.append(n)
    for pattern in (_PACK_SUFFIX, _RANDOM_SUFFIX):
        m = pattern.match(n)
        if m:
            n = m.group(1)
            out.append(n)
    return out


def _errored(evaluation: dict | None) -> str:
    """The error of an instance whose last evaluation or invocation failed (after its last success), else ""."""
    if not evaluation:
        return ""
    for failed, succeeded in (("LastFailedEvaluationTime", "LastSuccessfulEvaluationTime"), ("LastFailedInvocationTime", "LastSuccessfulInvocationTime")):
        f, s = timestamp(evaluation.get(failed)), timestamp(evaluation.get(succeeded))
        if f is not None and (s is None or f > s):
            code = evaluation.get("LastErrorCode") or "error"
            message = evaluation.get("LastErrorMessage") or ""
            return f"{code}: {message} (failed {iso(f)})" if message else f"{code} (failed {iso(f)})"
    return ""


def _place(bundle: Bundle, scope: tuple, name: str, warnings: list[str], file: str) -> tuple[str, str]:
    if scope[0] == "at":
        return scope[1], scope[2]
    folder = bundle.folders.get(scope[1], {})
    if name in folder:
        return folder[name]
    places = {(d.account, d.region) for d in bundle.definitions.values() if d.name == name}
    if len(places) == 1:
        return next(iter(places))
    warnings.append(f"{file}: rule {name}: no describe-config-rules answer in the same folder defines it; its account and region are unknown")
    return "", ""


def _definition(bundle: Bundle, where: Where, warnings: list[str]) -> Definition | None:
    d = bundle.definitions.get(where)
    if d is not None:
        return d
    same = sorted((w for w in bundle.definitions if w[2] == where[2]))
    if not same:
        return None
    d = bundle.definitions[same[0]]
    if len({(bundle.definitions[w].owner, bundle.definitions[w].source_identifier) for w in same}) == 1:
        warnings.append(
            f"rule {where[2]} in account {where[0] or '(unknown)'} region {where[1] or '(unknown)'}: no saved definition there; "
            f"matched by the definition saved for account {d.account or '(unknown)'} region {d.region or '(unknown)'}"
        )
        return d
    warnings.append(f"rule {where[2]} in account {where[0]} region {where[1]}: no saved definition there, and the other accounts' differ")
    return None


def instances(bundle: Bundle) -> tuple[list[Instance], list[str], dict[tuple, Where]]:
    """Every deployed rule instance the bundle names, with its chosen evidence; warnings; where each
    (scope, rule name) of the bundle is."""
    warnings: list[str] = []
    where_of: dict[tuple, Where] = {}
    grouped: dict[Where, dict] = {}
    for w in bundle.definitions:
        grouped.setdefault(w, {})
    for (scope, name), by_kind in bundle.evidence.items():
        first = next(iter(by_kind.values())).file
        account, region = _place(bundle, scope, name, warnings, first)
        where_of[(scope, name)] = (account, region, name)
        merged = grouped.setdefault((account, region, name), {})
        for kind, ev in by_kind.items():
            merged.setdefault(kind, ev)
    statuses: dict[Where, dict] = {}
    packs: dict[Where, set[str]] = {}
    for (scope, name), item in bundle.statuses.items():
        statuses[(*_place(bundle, scope, name, warnings, "describe-config-rule-evaluation-status"), name)] = item
    for (scope, name), names in bundle.packs.items():
        packs.setdefault((*_place(bundle, scope, name, warnings, "conformance pack answers"), name), set()).update(names)
    out = []
    for where in sorted(grouped):
        by_kind = grouped[where]
        inst = Instance(*where, definition=_definition(bundle, where, warnings) if where not in bundle.definitions else bundle.definitions[where])
        for kind in RESULT_PRIORITY:
            if kind in by_kind:
                inst.results, inst.results_kind, inst.degraded = by_kind[kind], kind.command, kind.degraded
                break
        for kind in SUMMARY_PRIORITY:
            if kind in by_kind:
                inst.summary = by_kind[kind]
                break
        if inst.results is not None:
            inst.results.failing.sort()
            inst.results.proactive.sort()
        inst.evaluation = statuses.get(where)
        inst.packs = tuple(sorted(p for p in packs.get(where, ()) if p))
        inst.error = _errored(inst.evaluation)
        summary = inst.summary.summary if inst.summary else None
        inst.status = st.instance_status(inst.counts, summary, bool(inst.error))
        out.append(inst)
    return out, warnings, where_of


def _known_ids(cat: Catalog) -> frozenset[str]:
    ids = {c.id for c in cat.controls}
    ids.update(s.best_practice.id for c in cat.controls for s in c.statements if s.best_practice is not None)
    return frozenset(ids)


def _parameters(text: str | None) -> dict[str, str] | None:
    if not text:
        return {}
    try:
        data = orjson.loads(text)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(data, dict):
        return None
    return {str(k): v if isinstance(v, str) else orjson.dumps(v).decode() for k, v in data.items()}


def _show(params: dict[str, str]) -> str:
    return "{" + ", ".join(f"{k}={v}" for k, v in sorted(params.items())) + "}" if params else "none"


def _drift(cat: Catalog, rule: Rule, inst: Instance, known: frozenset[str]) -> list[str]:
    d = inst.definition
    if d is None:  # only matched instances, which have a definition, are compared
        return []
    where = f"rule {inst.name} ({rule.id}) in account {inst.account or '(unknown)'} region {inst.region or '(unknown)'}"
    out = []
    deployed = _parameters(d.input_parameters)
    expected = dict(rule.pack_input_parameters)
    if deployed is None:
        out.append(f"{where}: InputParameters is not a JSON object: {d.input_parameters}")
    elif deployed != expected:
        out.append(f"{where}: InputParameters {_show(deployed)} differ from the catalogue's pack values {_show(expected)}")
    head, sep, _ = d.description.partition(": ")
    tokens = tuple(head.split())
    if sep and tokens and all(t in known for t in tokens):
        wanted = served_ids(cat, rule)
        if tokens != wanted:
            out.append(f"{where}: its Description names {' '.join(tokens)}; the catalogue maps the rule to {' '.join(wanted)} (a pack from another catalogue version?)")
    return out


def match(cat: Catalog, bundle: Bundle) -> Matched:
    found, warnings, where_of = instances(bundle)
    result = Matched(warnings=warnings, where_of=where_of)
    by_identifier: dict[str, list[str]] = {}
    for r in cat.rules:
        if r.identifier:
            by_identifier.setdefault(r.identifier, []).append(r.id)
    known = _known_ids(cat)
    for inst in found:
        d = inst.definition
        if d is None:
            result.unmatched.append((inst, "no describe-config-rules entry saved for it"))
            continue
        if d.owner == "AWS" and d.source_identifier != PROCESS_CHECK:
            ids = tuple(sorted(by_identifier.get(d.source_identifier, ())))
            if not ids:
                result.unmatched.append((inst, f"managed rule {d.source_identifier} is not in the catalogue"))
                continue
            inst.rule_ids = ids
            if (d.account, d.region) == (inst.account, inst.region):  # a definition borrowed from another account says nothing of this one's
                for rid in ids:
                    result.warnings.extend(_drift(cat, cat.rule(rid), inst, known))
        else:
            named = next((n for n in name_candidates(d.name) if cat.has_rule(n)), None)
            if named is None:
                what = "process check" if d.source_identifier == PROCESS_CHECK else f"{d.owner or 'custom'} rule"
                result.unmatched.append((inst, f"{what} whose name matches no catalogue rule"))
                continue
            inst.rule_ids, inst.custom = (named,), True
        result.instances.append(inst)
        result.by_where[(inst.account, inst.region, inst.name)] = inst
        for rid in inst.rule_ids:
            result.by_rule.setdefault(rid, []).append(inst)
    return result
