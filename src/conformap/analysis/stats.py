"""Overlap statistics, as plain functions of the catalogue graph (:func:`conformap.analysis.graph.build_graph`).

Definitions (also stated on the site's methodology page):

* a rule **supports** a control when it has at least one mapping to one of the control's statements;
  duplicate source rows count once;
* a rule is **exclusive** to a control when that is the only control it supports, and **shared** otherwise;
* the **overlap** of two controls is the number of rules that support both; their **Jaccard index** is
  overlap / number of rules supporting either (0 when neither has rules);
* rules **mapped alongside** a rule are the other rules that support at least one of its controls,
  ranked by how many controls they have in common, then by name.

Every list is sorted (controls by number, rules and services by name) so output is deterministic.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

import networkx as nx

from conformap.analysis.graph import key, nodes_of


def _rel(g: nx.DiGraph, u: str, v: str) -> str:
    return g.edges[u, v]["rel"]


def _control_order(g: nx.DiGraph):
    return lambda cid: (g.nodes[key("control", cid)]["number"], cid)


def controls(g: nx.DiGraph) -> list[str]:
    return sorted(nodes_of(g, "control"), key=_control_order(g))


def rules(g: nx.DiGraph) -> list[str]:
    return sorted(nodes_of(g, "rule"))


def rule_statements(g: nx.DiGraph, rule_id: str) -> list[str]:
    rk = key("rule", rule_id)
    return sorted(g.nodes[v]["id"] for v in g.successors(rk) if _rel(g, rk, v) == "supports")


def rule_controls(g: nx.DiGraph, rule_id: str) -> list[str]:
    rk = key("rule", rule_id)
    found = {g.edges[rk, v]["control"] for v in g.successors(rk) if _rel(g, rk, v) == "supports"}
    return sorted(found, key=_control_order(g))


def control_statements(g: nx.DiGraph, control_id: str) -> list[str]:
    ck = key("control", control_id)
    return [g.nodes[u]["id"] for u in g.predecessors(ck) if _rel(g, u, ck) == "statement_of"]


def statement_rules(g: nx.DiGraph, statement_id: str) -> list[str]:
    sk = key("statement", statement_id)
    return sorted(g.nodes[u]["id"] for u in g.predecessors(sk) if _rel(g, u, sk) == "supports")


def control_rules(g: nx.DiGraph, control_id: str) -> list[str]:
    found: set[str] = set()
    for sid in control_statements(g, control_id):
        sk = key("statement", sid)
        found.update(g.nodes[u]["id"] for u in g.predecessors(sk) if _rel(g, u, sk) == "supports" and g.edges[u, sk]["control"] == control_id)
    # Mappings whose statement belongs to another control (not valid in a catalogue) are ignored.
    return sorted(found)


def exclusive_rules(g: nx.DiGraph, control_id: str) -> list[str]:
    return [r for r in control_rules(g, control_id) if rule_controls(g, r) == [control_id]]


def shared_rules(g: nx.DiGraph, control_id: str) -> list[str]:
    return [r for r in control_rules(g, control_id) if len(rule_controls(g, r)) > 1]


def overlap(g: nx.DiGraph, a: str, b: str) -> tuple[int, float]:
    """(number of rules supporting both controls, Jaccard index rounded to 3 places)."""
    ra, rb = set(control_rules(g, a)), set(control_rules(g, b))
    union = ra | rb
    shared = len(ra & rb)
    return shared, (round(shared / len(union), 3) if union else 0.0)


def overlap_matrix(g: nx.DiGraph) -> dict[str, dict[str, int]]:
    """control × control: shared rule counts; the diagonal holds each control's own rule count."""
    ids = controls(g)
    sets = {c: set(control_rules(g, c)) for c in ids}
    return {a: {b: len(sets[a] & sets[b]) for b in ids} for a in ids}


def control_overlaps(g: nx.DiGraph, control_id: str) -> list[tuple[str, int, float]]:
    """For one control: (other control, shared rules, Jaccard) for every other mapped control."""
    out = []
    for other in controls(g):
        if other == control_id or not control_rules(g, other):
            continue
        shared, jac = overlap(g, control_id, other)
        out.append((other, shared, jac))
    return out


def control_services(g: nx.DiGraph, control_id: str) -> list[tuple[str, int]]:
    """Services covered by a control's rules, with how many of its rules each has."""
    counts = Counter(g.nodes[key("rule", r)]["service"] or "(unspecified)" for r in control_rules(g, control_id))
    return sorted(counts.items())


def control_sets(g: nx.DiGraph) -> dict[str, tuple[str, ...]]:
    """Each rule's supported controls, in one pass."""
    return {r: tuple(rule_controls(g, r)) for r in rules(g)}


def same_control_set(g: nx.DiGraph, rule_id: str, sets: dict[str, tuple[str, ...]] | None = None) -> list[str]:
    """Other rules that support exactly the same controls (pass ``sets`` from :func:`control_sets` to reuse it)."""
    sets = sets if sets is not None else control_sets(g)
    mine = sets[rule_id]
    return [r for r, s in sets.items() if r != rule_id and s == mine and mine]


def mapped_alongside(g: nx.DiGraph, rule_id: str, limit: int = 5) -> list[tuple[str, int]]:
    """Rules most often mapped alongside this one: (rule, controls in common), best first."""
    common: Counter[str] = Counter()
    for c in rule_controls(g, rule_id):
        for r in control_rules(g, c):
            if r != rule_id:
                common[r] += 1
    return sorted(common.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]


def rules_by_control_count(g: nx.DiGraph) -> dict[int, list[str]]:
    """Number of controls supported → the rules supporting that many (0 included when it occurs)."""
    out: dict[int, list[str]] = defaultdict(list)
    for r in rules(g):
        out[len(rule_controls(g, r))].append(r)
    return dict(sorted(out.items()))


def coverage_by_service(g: nx.DiGraph) -> list[tuple[str, int, list[str]]]:
    """(service, number of rules, controls those rules support), by service name."""
    by_service: dict[str, list[str]] = defaultdict(list)
    for r in rules(g):
        by_service[g.nodes[key("rule", r)]["service"] or "(unspecified)"].append(r)
    out = []
    for service in sorted(by_service):
        ctrls = {c for r in by_service[service] for c in rule_controls(g, r)}
        out.append((service, len(by_service[service]), sorted(ctrls, key=_control_order(g))))
    return out


def unmapped_controls(g: nx.DiGraph) -> list[str]:
    return [c for c in controls(g) if not control_rules(g, c)]


def mapping_count(g: nx.DiGraph) -> int:
    return sum(1 for _, _, d in g.edges(data=True) if d["rel"] == "supports")


@dataclass(frozen=True)
class Summary:
    controls: int
    controls_mapped: int
    rules: int
    mappings: int
    services: int
    shared_rules: int
    exclusive_rules: int


def summary(g: nx.DiGraph) -> Summary:
    sets = control_sets(g)
    return Summary(
        controls=len(controls(g)),
        controls_mapped=len(controls(g)) - len(unmapped_controls(g)),
        rules=len(sets),
        mappings=mapping_count(g),
        services=len(nodes_of(g, "service")),
        shared_rules=sum(1 for s in sets.values() if len(s) > 1),
        exclusive_rules=sum(1 for s in sets.values() if len(s) == 1),
    )
