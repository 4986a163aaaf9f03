"""``conformap sources check``: the catalogue against every source it records, from the committed snapshots.

Never the network: the sources are the snapshot files ``conformap import-source`` wrote (their
``source`` blocks name repository, commit and licence). Each difference found is one of:

* ``drift`` -- the catalogue states a fact differently from a source it cites: a rule's identifier,
  description, parameters or conformance pack scope differ from the snapshot's (a rule renamed or a
  parameter changed upstream shows here after a re-import);
* ``disagreement`` -- two AWS sources say different things, or one does not corroborate a mapping:
  the Security Hub guide and the OSCAL catalog on a control's title, severity or rule; the Guard
  Rules Registry mapping a rule to other questions than ours (``lambda-inside-vpc`` lacks SEC-6
  there). These are facts of the sources, recorded as they are in the snapshots.

**Exit status**: 1 when the catalogue does not validate or when there is drift (the catalogue must
catch up with its sources); 0 when every difference is a disagreement between sources, since those
are known and recorded in the committed snapshots; ``--strict`` makes disagreements fail too.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict, dataclass, field
from typing import Any, TextIO

from conformap import paths
from conformap.diagnostics import errors
from conformap.load.loader import validate
from conformap.model.catalog import Catalog

DRIFT = "drift"
DISAGREEMENT = "disagreement"


@dataclass(frozen=True, order=True)
class Difference:
    """One difference. For Security Hub disagreements ``catalogue`` holds the user guide's value and
    ``stated`` the OSCAL catalog's; for Guard ones, our question and the registry's items."""

    kind: str
    source: str  # snapshot name (paths.SOURCE_SNAPSHOTS)
    subject: str  # rule id, Security Hub control id, or "rule / question"
    field: str
    catalogue: str | None
    stated: str | None
    message: str


@dataclass
class SourcesReport:
    sources: list[dict[str, str]] = field(default_factory=list)
    differences: list[Difference] = field(default_factory=list)
    summary: dict[str, int] = field(default_factory=dict)

    @property
    def drift(self) -> list[Difference]:
        return [d for d in self.differences if d.kind == DRIFT]

    def to_json(self) -> dict[str, Any]:
        return {"sources": self.sources, "summary": self.summary, "differences": [asdict(d) for d in self.differences]}


def _rule_drift(cat: Catalog) -> list[Difference]:
    out = []
    pages = {p.rule_id: p for p in cat.crosswalks.rule_pages}
    for rule in cat.rules:
        page = pages.get(rule.id)
        if page is None:
            continue
        if rule.identifier and rule.identifier != page.identifier:
            out.append(Difference(DRIFT, "config-rule-pages", rule.id, "identifier", rule.identifier, page.identifier, "the rule page states another identifier"))
        if rule.description is not None and rule.description != page.description:
            out.append(Difference(DRIFT, "config-rule-pages", rule.id, "description", rule.description, page.description, "the description differs from the rule page"))
        ours = {p.name: p.description for p in rule.parameters}
        stated = {p.name: p.description for p in page.parameters}
        for name in sorted(set(ours) | set(stated)):
            if name not in stated:
                out.append(Difference(DRIFT, "config-rule-pages", rule.id, f"parameters.{name}", name, None, "the rule page has no such parameter"))
            elif name not in ours:
                out.append(Difference(DRIFT, "config-rule-pages", rule.id, f"parameters.{name}", None, name, "the rule page has a parameter the rule does not record"))
            elif ours[name] is not None and stated[name] and ours[name] != stated[name]:
                out.append(Difference(DRIFT, "config-rule-pages", rule.id, f"parameters.{name}.description", ours[name], stated[name], "the parameter's description differs from the rule page"))
    scopes = cat.crosswalks.pack_scopes
    if scopes:
        for rule in cat.rules:
            stated_scope = scopes.get(rule.identifier or "")
            ours_scope = rule.pack_scope_resource_types
            if stated_scope and ours_scope is not None and sorted(ours_scope) != sorted(stated_scope):
                out.append(Difference(DRIFT, "conformance-packs", rule.id, "conformance_pack.scope_resource_types", ", ".join(ours_scope), ", ".join(stated_scope), "the pack templates scope the rule differently"))
    return out


def _security_hub(cat: Catalog) -> list[Difference]:
    out = []
    for ctl in cat.crosswalks.security_hub:
        by = {e.source: e for e in ctl.entries}
        guide, oscal = by.get("security-hub-guide"), by.get("security-hub-oscal")
        if guide is None or oscal is None:
            only = "security-hub-guide" if guide is not None else "security-hub-oscal"
            other = "the OSCAL catalog" if guide is not None else "the user guide"
            rules = ", ".join(ctl.config_rules)
            out.append(Difference(DISAGREEMENT, only, ctl.id, "config_rules", None, rules, f"only one AWS source ties this control to {rules}: {other} does not"))
            continue
        for name in ctl.differences:
            a, b = getattr(guide, name), getattr(oscal, name)
            out.append(Difference(DISAGREEMENT, "security-hub-oscal", ctl.id, name, _shown(a), _shown(b), f"the user guide and the OSCAL catalog state the {name.replace('_', ' ')} differently"))
    return out


def _shown(value: str | tuple[str, ...] | None) -> str | None:
    return ", ".join(value) if isinstance(value, tuple) else value


def _guard(cat: Catalog) -> list[Difference]:
    out = []
    for c in cat.corroborations():
        if c.guard is not None and c.agrees is False:  # disagrees: the registry maps the rule elsewhere
            items = ", ".join(c.guard.items)
            out.append(Difference(DISAGREEMENT, "guard-registry", f"{c.mapping.rule_id} / {c.mapping.control_id}", "items", c.mapping.control_id, items, f"the Guard Rules Registry maps {c.mapping.rule_id} to {items}, not to {c.mapping.control_id}"))
    for g in cat.crosswalks.guard:
        extra = [q for q in g.questions if q not in cat.rule(g.rule_id).control_ids]
        for q in extra:
            items = ", ".join(i for i in g.items if i.split(".")[0] == q)
            out.append(Difference(DISAGREEMENT, "guard-registry", f"{g.rule_id} / {q}", "items", None, items, f"the Guard Rules Registry maps {g.rule_id} to {q} ({items}); the page does not"))
    return out


def summary(cat: Catalog) -> dict[str, int]:
    """The coverage counts of the crosswalks (one definition, for this report and the site)."""
    x = cat.crosswalks

    ours = {r.id for r in cat.rules}

    def rules_of(source: str) -> set[str]:
        return {r for c in x.security_hub for e in c.entries if e.source == source for r in e.config_rules if r in ours}

    corr = cat.corroborations()
    guard_rules = [g for g in x.guard]
    return {
        "rules": len(cat.rules),
        "mappings": len(cat.mappings),
        "rules_in_security_hub_guide": len(rules_of("security-hub-guide")),
        "rules_in_security_hub_oscal": len(rules_of("security-hub-oscal")),
        "rules_in_either_security_hub_source": len(rules_of("security-hub-guide") | rules_of("security-hub-oscal")),
        "security_hub_controls": len(x.security_hub),
        "nist_800_53_r5_controls": len(x.nist_controls),
        "pci_dss_v3_2_1_requirements": len({p for c in x.security_hub for p in c.pci_dss_v3_2_1}),
        "rules_in_guard_map": len(guard_rules),
        "rules_guard_agrees_with_at_question_level": sum(1 for g in guard_rules if set(cat.rule(g.rule_id).control_ids) <= set(g.questions)),
        "mappings_corroborated_by_guard": sum(1 for c in corr if c.agrees),
        "mappings_contradicted_by_guard": sum(1 for c in corr if c.agrees is False),
        "mappings_guard_does_not_cover": sum(1 for c in corr if c.agrees is None),
    }


def check(cat: Catalog) -> SourcesReport:
    """Compare a valid catalogue with every recorded source."""
    sources = [{"name": s.name, "repo": s.repo, "commit": s.commit, "commit_date": s.commit_date, "license": s.license, "file": paths.SOURCE_SNAPSHOTS[s.name][0]} for s in cat.crosswalks.sources]
    diffs = sorted(_rule_drift(cat) + _security_hub(cat) + _guard(cat), key=lambda d: (d.kind != DRIFT, d.source, d.subject, d.field))
    return SourcesReport(sources=sorted(sources, key=lambda s: s["name"]), differences=diffs, summary=summary(cat) if cat.crosswalks.sources else {})


def _text(report: SourcesReport, out: TextIO) -> None:
    print(f"sources recorded: {len(report.sources)}", file=out)
    for s in report.sources:
        print(f"  {s['name']}: {s['repo']} at {s['commit'][:12]} ({s['commit_date']}); {s['license']}", file=out)
    for k, v in report.summary.items():
        print(f"{k.replace('_', ' ')}: {v}", file=out)
    for kind in (DRIFT, DISAGREEMENT):
        items = [d for d in report.differences if d.kind == kind]
        print(f"{kind}: {len(items)}", file=out)
        for d in items:
            detail = f" (catalogue: {d.catalogue!r}; source: {d.stated!r})" if kind == DRIFT else f" (guide: {d.catalogue!r}; OSCAL: {d.stated!r})" if d.source == "security-hub-oscal" else ""
            print(f"  [{d.source}] {d.subject}: {d.field}: {d.message}{detail}", file=out)


def run_command(args: argparse.Namespace) -> int:
    cat, diags = validate(args.catalog)
    if cat is None:
        for d in errors(diags):
            print(d.format(), file=sys.stderr)
        print("conformap sources check: the catalogue does not validate; fix it first", file=sys.stderr)
        return 1
    report = check(cat)
    if args.format == "json":
        sys.stdout.write(json.dumps(report.to_json(), indent=2, ensure_ascii=False, sort_keys=False) + "\n")
    else:
        _text(report, sys.stdout)
    if report.drift or (args.strict and report.differences):
        return 1
    return 0
