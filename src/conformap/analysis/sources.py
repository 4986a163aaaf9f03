"""What the recorded sources say about the catalogue: the crosswalks (:class:`CrosswalkAnalysis`), their
coverage counts (:func:`summary`) and ``conformap sources check``, from the committed snapshots.

Never the network: the sources are the snapshot files ``conformap import-source`` wrote (their
``source`` blocks name repository, commit and licence). Each difference found is one of:

* ``drift`` -- the catalogue states a fact differently from a source it cites: a rule's identifier,
  description, parameters or conformance pack scope differ from the snapshot's (a rule renamed or a
  parameter changed upstream shows here after a re-import);
* ``disagreement`` -- two AWS sources say different things, or one does not corroborate a mapping:
  the Security Hub guide and the OSCAL catalog on a control's title, severity or rule; the Guard
  Rules Registry mapping a rule to other questions than ours (``lambda-inside-vpc`` lacks SEC-6
  there). These are facts of the sources, recorded as they are in the snapshots.

``conformap sources check`` (:mod:`conformap.commands.sources`) prints the report. **Exit status**: 1 when the catalogue does not validate or when there is drift (the catalogue must
catch up with its sources); 0 when every difference is a disagreement between sources, since those
are known and recorded in the committed snapshots; ``--strict`` makes disagreements fail too.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from functools import cached_property
from typing import Any

from conformap import paths
from conformap.load import fidelity
from conformap.model.catalog import Catalog
from conformap.model.crosswalk import Corroboration, GuardMapping, NistControl, NistFamily, SecurityHubControl, union_in_order
from conformap.model.mapping import Mapping


class CrosswalkAnalysis:
    """The crosswalk questions of one catalogue: which Security Hub, NIST SP 800-53 and PCI DSS controls its
    rules and questions reach, and how the Guard Rules Registry corroborates its mappings (empty answers
    without snapshots). Build one per catalogue; each answer is computed once."""

    def __init__(self, cat: Catalog) -> None:
        self.cat = cat

    @cached_property
    def _security_hub_by_rule(self) -> dict[str, tuple[SecurityHubControl, ...]]:
        by_rule: dict[str, list[SecurityHubControl]] = {}
        for c in self.cat.crosswalks.security_hub:
            for rule_id in c.config_rules:
                by_rule.setdefault(rule_id, []).append(c)
        return {r: tuple(cs) for r, cs in by_rule.items()}

    def security_hub_for_rule(self, rule_id: str) -> tuple[SecurityHubControl, ...]:
        """The Security Hub controls whose AWS Config rule is this rule, by id, per either AWS source."""
        return self._security_hub_by_rule.get(rule_id, ())

    def nist_for_rule(self, rule_id: str) -> tuple[NistControl, ...]:
        """The NIST SP 800-53 Rev. 5 controls related to the rule's Security Hub controls, in NIST order."""
        ids = {n for c in self.security_hub_for_rule(rule_id) for n in c.nist_800_53_r5}
        return tuple(n for n in self.cat.crosswalks.nist_controls if n.id in ids)

    def pci_for_rule(self, rule_id: str) -> tuple[str, ...]:
        """The PCI DSS v3.2.1 requirement ids related to the rule's Security Hub controls."""
        return union_in_order(c.pci_dss_v3_2_1 for c in self.security_hub_for_rule(rule_id))

    def rule_ids(self, rule_id: str) -> dict[str, tuple[str, ...]]:
        """The rule's crosswalk ids by export key (the keys of ``crosswalks.rules`` in mappings.json and the
        CSV's crosswalk columns): Security Hub controls, NIST SP 800-53 Rev. 5, PCI DSS v3.2.1."""
        return {
            "security_hub_controls": tuple(c.id for c in self.security_hub_for_rule(rule_id)),
            "nist_800_53_r5": tuple(n.id for n in self.nist_for_rule(rule_id)),
            "pci_dss_v3_2_1": self.pci_for_rule(rule_id),
        }

    def security_hub_for_control(self, control_id: str) -> tuple[tuple[SecurityHubControl, tuple[str, ...]], ...]:
        """The Security Hub controls the question's rules also serve, each with those rules' ids."""
        rules = [r.id for r in self.cat.rules if control_id in r.control_ids]
        return tuple((c, tuple(r for r in rules if r in c.config_rules)) for c in self.cat.crosswalks.security_hub if set(rules) & set(c.config_rules))

    def nist_for_control(self, control_id: str, family: str | None = None) -> tuple[tuple[NistControl, tuple[str, ...]], ...]:
        """The NIST controls (of one family, if given) the question's rules reach, each with those rules' ids:
        a heatmap cell SEC question x NIST family is ``nist_for_control(question, family)``."""
        reach = {r.id: {n.id for n in self.nist_for_rule(r.id)} for r in self.cat.rules if control_id in r.control_ids}
        out = ((n, tuple(r for r, ids in reach.items() if n.id in ids)) for n in self.cat.crosswalks.nist_controls if family in (None, n.family))
        return tuple((n, rules) for n, rules in out if rules)

    @cached_property
    def nist_rules(self) -> dict[str, list[str]]:
        """NIST control id -> the rules that reach it (rules by name), for every NIST control some rule reaches."""
        out: dict[str, list[str]] = {}
        for r in self.cat.rules:
            for n in self.nist_for_rule(r.id):
                out.setdefault(n.id, []).append(r.id)
        return out

    @cached_property
    def security_hub_rules(self) -> tuple[tuple[SecurityHubControl, tuple[str, ...]], ...]:
        """Every Security Hub control with a rule of the catalogue, with those rules (by name), in the sources' order."""
        ids = {r.id for r in self.cat.rules}
        out = ((c, tuple(sorted(r for r in c.config_rules if r in ids))) for c in self.cat.crosswalks.security_hub)
        return tuple((c, rules) for c, rules in out if rules)

    @cached_property
    def pci_rules(self) -> dict[str, list[str]]:
        """PCI DSS v3.2.1 requirement -> the rules related to it (rules by name), requirements in numeric order."""
        out: dict[str, list[str]] = {}
        for r in self.cat.rules:
            for p in self.pci_for_rule(r.id):
                out.setdefault(p, []).append(r.id)
        return {p: out[p] for p in sorted(out, key=lambda p: tuple(int(x) for x in p.split(".")))}

    @cached_property
    def reached_nist(self) -> tuple[NistControl, ...]:
        """The NIST controls some rule reaches, in NIST order."""
        return tuple(n for n in self.cat.crosswalks.nist_controls if n.id in self.nist_rules)

    @cached_property
    def reached_families(self) -> tuple[NistFamily, ...]:
        """The NIST families with a control some rule reaches, in NIST order."""
        families = {n.family for n in self.reached_nist}
        return tuple(f for f in self.cat.crosswalks.nist_families if f.id in families)

    def rules_reaching_family(self, rule_ids: list[str], family_id: str) -> list[str]:
        """Those of ``rule_ids`` that reach a NIST control of the family (their order kept)."""
        return [r for r in rule_ids if any(n.family == family_id for n in self.nist_for_rule(r))]

    def security_hub_without(self, field_name: str) -> tuple[SecurityHubControl, ...]:
        """The Security Hub controls of the catalogue's rules for which no snapshot states ``field_name``
        (``nist_800_53_r5``, ``pci_dss_v3_2_1``)."""
        ours = {r.id for r in self.cat.rules}
        return tuple(c for c in self.cat.crosswalks.security_hub if set(c.config_rules) & ours and not getattr(c, field_name))

    def guard_for_rule(self, rule_id: str) -> GuardMapping | None:
        return next((g for g in self.cat.crosswalks.guard if g.rule_id == rule_id), None)

    def corroboration(self, mapping: Mapping) -> Corroboration:
        """What the Guard Rules Registry says about one of our mappings (same rule, same question?)."""
        guard = self.guard_for_rule(mapping.rule_id)
        items = tuple(i for i in guard.items if i.split(".")[0] == mapping.control_id) if guard else ()
        return Corroboration(mapping=mapping, guard=guard, items=items)

    @cached_property
    def corroborations(self) -> tuple[Corroboration, ...]:
        """Every mapping's corroboration, in mapping order."""
        return tuple(self.corroboration(m) for m in self.cat.mappings)

    @cached_property
    def contradicted(self) -> tuple[Corroboration, ...]:
        """The mappings the Guard Rules Registry maps to other questions, in mapping order."""
        return tuple(c for c in self.corroborations if c.agrees is False)

    @cached_property
    def corroboration_counts(self) -> dict[str, int]:
        """How many mappings the registry corroborates (``agrees``), contradicts, and does not cover."""
        return {
            "agrees": sum(1 for c in self.corroborations if c.agrees),
            "contradicted": len(self.contradicted),
            "not_covered": sum(1 for c in self.corroborations if c.agrees is None),
        }


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


# The crosswalk ids a Security Hub control may lack in every snapshot: field -> how the report names them.
UNSTATED = {"nist_800_53_r5": "NIST SP 800-53 Rev. 5", "pci_dss_v3_2_1": "PCI DSS v3.2.1"}


@dataclass
class SourcesReport:
    sources: list[dict[str, str]] = field(default_factory=list)
    differences: list[Difference] = field(default_factory=list)
    summary: dict[str, int] = field(default_factory=dict)
    unstated: dict[str, list[str]] = field(default_factory=dict)  # field -> Security Hub controls no snapshot gives ids for
    newest: dict[str, str] | None = None  # the newest Security Hub snapshot: what "no ids in the sources" is as of

    @property
    def drift(self) -> list[Difference]:
        return [d for d in self.differences if d.kind == DRIFT]

    @property
    def counts(self) -> list[tuple[tuple[str, str], int]]:
        """(kind, source) -> number of differences, sorted."""
        return sorted(Counter((d.kind, d.source) for d in self.differences).items())

    def to_json(self) -> dict[str, Any]:
        return {
            "sources": self.sources,
            "summary": self.summary,
            "differences": [asdict(d) for d in self.differences],
            "unstated": self.unstated,
            "newest_security_hub_source": self.newest,
        }


# The message of each kind of drift (what counts as drift: :mod:`conformap.load.fidelity`).
_DRIFT_MESSAGES = {
    fidelity.IDENTIFIER: "the rule page states another identifier",
    fidelity.DESCRIPTION: "the description differs from the rule page",
    fidelity.PARAMETER_NOT_ON_PAGE: "the rule page has no such parameter",
    fidelity.PARAMETER_NOT_RECORDED: "the rule page has a parameter the rule does not record",
    fidelity.PARAMETER_DESCRIPTION: "the parameter's description differs from the rule page",
    fidelity.NOTE_NOT_RECORDED: "the rule page has a Note the rule does not record",
    fidelity.NOTE_NOT_ON_PAGE: "the rule page has no Note",
    fidelity.NOTE_DIFFERS: "the note differs from the rule page's Note",
    fidelity.SCOPE_NOT_RECORDED: "the pack templates scope the rule, which records no scope",
    fidelity.SCOPE_DIFFERS: "the pack templates scope the rule differently",
}


def _rule_drift(cat: Catalog) -> list[Difference]:
    found: list[tuple[str, str, fidelity.Drift]] = []
    pages = {p.rule_id: p for p in cat.crosswalks.rule_pages}
    for rule in cat.rules:
        page = pages.get(rule.id)
        if page is not None:
            ours = [(p.name, p.description) for p in rule.parameters]
            stated = {p.name: p.description for p in page.parameters}
            drift = fidelity.page_drift(
                rule.identifier, rule.description, ours, page.identifier, page.description, stated, note=rule.note, page_note=page.note
            )
            found += [("config-rule-pages", rule.id, d) for d in drift]
    scopes = cat.crosswalks.pack_scopes
    if scopes:
        for rule in cat.rules:
            d = fidelity.scope_drift(rule.pack_scope_resource_types, scopes.get(rule.identifier) if rule.identifier else None)
            if d is not None:
                found.append(("conformance-packs", rule.id, d))
    return [Difference(DRIFT, source, rid, d.field, d.ours, d.stated, _DRIFT_MESSAGES[d.kind]) for source, rid, d in found]


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


def _guard(cat: Catalog, x: CrosswalkAnalysis) -> list[Difference]:
    out = []
    for c in x.contradicted:
        assert c.guard is not None  # a contradicted mapping's rule is in the registry
        items = ", ".join(c.guard.items)
        out.append(Difference(DISAGREEMENT, "guard-registry", f"{c.mapping.rule_id} / {c.mapping.control_id}", "items", c.mapping.control_id, items, f"the Guard Rules Registry maps {c.mapping.rule_id} to {items}, not to {c.mapping.control_id}"))
    for g in cat.crosswalks.guard:
        extra = [q for q in g.questions if q not in cat.rule(g.rule_id).control_ids]
        for q in extra:
            items = ", ".join(i for i in g.items if i.split(".")[0] == q)
            out.append(Difference(DISAGREEMENT, "guard-registry", f"{g.rule_id} / {q}", "items", None, items, f"the Guard Rules Registry maps {g.rule_id} to {q} ({items}); the page does not"))
    return out


def summary(cat: Catalog, cw: CrosswalkAnalysis) -> dict[str, int]:
    """The coverage counts of the crosswalks (one definition, for this report and the site)."""
    x = cat.crosswalks
    counts = cw.corroboration_counts

    ours = {r.id for r in cat.rules}

    def rules_of(source: str) -> set[str]:
        return {r for c in x.security_hub for e in c.entries if e.source == source for r in e.config_rules if r in ours}

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
        "mappings_corroborated_by_guard": counts["agrees"],
        "mappings_contradicted_by_guard": counts["contradicted"],
        "mappings_guard_does_not_cover": counts["not_covered"],
    }


def check(cat: Catalog, cw: CrosswalkAnalysis | None = None) -> SourcesReport:
    """Compare a valid catalogue with every recorded source."""
    cw = cw or CrosswalkAnalysis(cat)
    sources = [{"name": s.name, "repo": s.repo, "commit": s.commit, "commit_date": s.commit_date, "license": s.license, "file": paths.SOURCE_SNAPSHOTS[s.name][0]} for s in cat.crosswalks.sources]
    diffs = sorted(_rule_drift(cat) + _security_hub(cat) + _guard(cat, cw), key=lambda d: (d.kind != DRIFT, d.source, d.subject, d.field))
    newest = cat.crosswalks.newest_security_hub_source()
    return SourcesReport(
        sources=sorted(sources, key=lambda s: s["name"]),
        differences=diffs,
        summary=summary(cat, cw) if cat.crosswalks.sources else {},
        unstated={f: [c.id for c in cw.security_hub_without(f)] for f in UNSTATED} if newest else {},
        newest=next((s for s in sources if newest and s["name"] == newest.name), None),
    )
