"""Every statistic of a catalogue, computed once from its graph (:func:`conformap.analysis.graph.build_graph`).

``Analysis(graph)`` is built once per catalogue graph; the pages, the exports, ``conformap diff`` and the
benchmark read their numbers from it, so each number has one definition.

Definitions (also stated on the site's methodology page):

* a rule **supports** a control when it has at least one mapping to one of the control's statements;
  duplicate source rows count once;
* a rule is **exclusive** to a control when that is the only control it supports, and **shared** otherwise;
* the **overlap** of two controls is the number of rules that support both; their **Jaccard index** is
  overlap / number of rules supporting either (0 when neither has rules);
* rules **mapped alongside** a rule are the other rules that support at least one of its controls,
  ranked by how many controls they have in common, then by name.

The overlap is the weighted projection, onto the controls, of the bipartite graph of rules and the
controls they support (:func:`networkx.algorithms.bipartite.weighted_projected_graph`); the diagonal of
the matrix is each control's own number of rules.

Counts of mappings come from here too: ``mapping_count`` (all), ``rule_mapping_count`` and
``control_mapping_count`` (per rule, per control), for the workbook and the downloads.

Two counts of controls are easy to confuse, so they have two names: ``controls_with_rules`` (controls
at least one rule supports, the home page's "with rules") and ``controls_in_source`` (controls the source
lists, ``in_source: true``; the JSON download's ``counts.controls_mapped``).

Every list is sorted (controls by number, rules and services by name) so output is deterministic.
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cached_property

import networkx as nx
from networkx.algorithms import bipartite

from conformap.analysis.graph import build_graph, key
from conformap.model.catalog import Catalog

# The service of a rule that names none, in :meth:`Analysis.coverage_by_service` and :meth:`Analysis.control_services`.
UNSPECIFIED = "(unspecified)"


@dataclass(frozen=True)
class Summary:
    controls: int
    controls_with_rules: int
    controls_in_source: int
    rules: int
    mappings: int
    services: int
    shared_rules: int
    exclusive_rules: int


class Analysis:
    """The statistics of one catalogue graph. Cheap to build; each statistic is computed on first use."""

    def __init__(self, graph: nx.DiGraph[str]) -> None:
        self.graph = g = graph
        controls, rules, services = [], [], []
        statement_rules: dict[str, set[str]] = defaultdict(set)
        supports: dict[str, set[str]] = defaultdict(set)  # rule -> controls
        rule_mappings: Counter[str] = Counter()
        control_mappings: Counter[str] = Counter()
        self.mapping_count = 0
        for _, d in g.nodes(data=True):
            kind = d["kind"]
            if kind == "control":
                controls.append(d)
            elif kind == "rule":
                rules.append(d["id"])
            elif kind == "service":
                services.append(d["id"])
        for u, v, d in g.edges(data=True):
            if d["rel"] != "supports":
                continue
            self.mapping_count += 1
            rule, statement = g.nodes[u]["id"], g.nodes[v]
            rule_mappings[rule] += 1
            control_mappings[d["control"]] += 1
            statement_rules[statement["id"]].add(rule)
            # A mapping whose statement belongs to another control (not valid in a catalogue) is ignored.
            if statement["control"] == d["control"]:
                supports[rule].add(d["control"])
        controls.sort(key=lambda d: (d["number"], d["id"]))
        self.controls: list[str] = [d["id"] for d in controls]
        self.controls_in_source: list[str] = [d["id"] for d in controls if d["in_source"]]
        self.rules: list[str] = sorted(rules)
        self.services: list[str] = sorted(services)
        self.rule_mapping_count: dict[str, int] = {r: rule_mappings[r] for r in self.rules}
        self.control_mapping_count: dict[str, int] = {c: control_mappings[c] for c in self.controls}
        order = {c: i for i, c in enumerate(self.controls)}
        self.rule_controls: dict[str, tuple[str, ...]] = {r: tuple(sorted(supports[r], key=order.__getitem__)) for r in self.rules}
        self.control_rules: dict[str, list[str]] = {c: [] for c in self.controls}
        for r in self.rules:
            for c in self.rule_controls[r]:
                self.control_rules[c].append(r)
        self.control_rule_count: dict[str, int] = {c: len(rs) for c, rs in self.control_rules.items()}
        self._statement_rules = statement_rules
        self._alongside: dict[tuple[tuple[str, ...], int], list[tuple[str, int]]] = {}

    @classmethod
    def of(cls, catalog: Catalog) -> "Analysis":
        """The analysis of a catalogue (its graph built here; pass a graph to :class:`Analysis` to share one)."""
        return cls(build_graph(catalog))

    # ----------------------------------------------------------------- rules and controls

    def service(self, rule_id: str) -> str:
        return self.graph.nodes[key("rule", rule_id)]["service"] or UNSPECIFIED

    def statement_rules(self, statement_id: str) -> list[str]:
        return sorted(self._statement_rules.get(statement_id, ()))

    def exclusive_rules(self, control_id: str) -> list[str]:
        return self._exclusive[control_id]

    def shared_rules(self, control_id: str) -> list[str]:
        return [r for r in self.control_rules[control_id] if len(self.rule_controls[r]) > 1]

    @cached_property
    def _exclusive(self) -> dict[str, list[str]]:
        return {c: [r for r in rs if self.rule_controls[r] == (c,)] for c, rs in self.control_rules.items()}

    @cached_property
    def unmapped_controls(self) -> list[str]:
        """Controls no rule supports."""
        return [c for c in self.controls if not self.control_rules[c]]

    @cached_property
    def controls_with_rules(self) -> list[str]:
        """Controls at least one rule supports."""
        return [c for c in self.controls if self.control_rules[c]]

    # ----------------------------------------------------------------- overlap

    @cached_property
    def overlap_graph(self) -> nx.Graph[str]:
        """Controls, joined by an edge whose ``weight`` is the number of rules supporting both.

        Each node's ``rules`` attribute is the control's own number of rules.
        """
        b: nx.Graph[str] = nx.Graph()
        b.add_nodes_from(self.controls, bipartite=0)
        b.add_nodes_from((key("rule", r) for r in self.rules), bipartite=1)
        b.add_edges_from((key("rule", r), c) for r, cs in self.rule_controls.items() for c in cs)
        projected = bipartite.weighted_projected_graph(b, self.controls)
        for c in self.controls:
            projected.nodes[c]["rules"] = b.degree(c)
        return projected

    @cached_property
    def matrix(self) -> dict[str, dict[str, int]]:
        """control × control: shared rule counts; the diagonal holds each control's own rule count."""
        p = self.overlap_graph
        return {
            a: {b: p.nodes[a]["rules"] if a == b else (p[a][b]["weight"] if p.has_edge(a, b) else 0) for b in self.controls}
            for a in self.controls
        }

    def overlap(self, a: str, b: str) -> tuple[int, float]:
        """(number of rules supporting both controls, Jaccard index rounded to 3 places)."""
        m = self.matrix
        shared = m[a][b]
        union = m[a][a] + m[b][b] - shared
        return shared, (round(shared / union, 3) if union else 0.0)

    def control_overlaps(self, control_id: str) -> list[tuple[str, int, float]]:
        """For one control: (other control, shared rules, Jaccard) for every other control with rules."""
        return [(o, *self.overlap(control_id, o)) for o in self.controls_with_rules if o != control_id]

    def pair(self, a: str, b: str) -> tuple[str, str]:
        """The two controls in catalogue order (the overlap page's pair sections are named this way)."""
        return (a, b) if self.controls.index(a) <= self.controls.index(b) else (b, a)

    def pair_rules(self, a: str, b: str) -> list[str]:
        """The rules supporting both controls, by name (as many as ``matrix[a][b]``)."""
        return [r for r in self.control_rules[a] if b in self.rule_controls[r]]

    def overlapping_pairs(self) -> list[tuple[str, str, int, float]]:
        """(control, control, shared rules, Jaccard) for every pair sharing a rule, most similar first."""
        pairs = []
        for i, a in enumerate(self.controls):
            for j in range(i + 1, len(self.controls)):
                shared, jac = self.overlap(a, self.controls[j])
                if shared:
                    pairs.append((-jac, -shared, i, j))
        pairs.sort()
        return [(self.controls[i], self.controls[j], -n, -jac) for jac, n, i, j in pairs]

    def most_shared_pair(self) -> tuple[str, str, int] | None:
        """The pair of controls sharing the most rules (the first in control order on a tie), or None."""
        best = None
        for a, b, n, _ in self.overlapping_pairs():
            key = (-n, self.controls.index(a), self.controls.index(b))
            if best is None or key < best[0]:
                best = (key, (a, b, n))
        return best[1] if best else None

    # ----------------------------------------------------------------- rules with rules

    @cached_property
    def rules_by_control_set(self) -> dict[tuple[str, ...], list[str]]:
        """Each non-empty set of controls -> the rules supporting exactly those controls, by name."""
        out: dict[tuple[str, ...], list[str]] = defaultdict(list)
        for r, s in self.rule_controls.items():
            if s:
                out[s].append(r)
        return dict(out)

    def same_control_set(self, rule_id: str) -> list[str]:
        """Other rules that support exactly the same controls (none for a rule that supports none)."""
        return [r for r in self.rules_by_control_set.get(self.rule_controls[rule_id], []) if r != rule_id]

    def mapped_alongside(self, rule_id: str, limit: int = 5) -> list[tuple[str, int]]:
        """Rules most often mapped alongside this one: (rule, controls in common), best first.

        Rules with the same control set share one count (the rule itself included, then dropped),
        so the work grows with the number of distinct control sets, not with the number of rules.
        """
        controls = self.rule_controls[rule_id]
        top = self._alongside.get((controls, limit))
        if top is None:
            common: Counter[str] = Counter()
            for c in controls:
                common.update(self.control_rules[c])
            top = heapq.nsmallest(limit + 1, common.items(), key=lambda kv: (-kv[1], kv[0]))
            self._alongside[(controls, limit)] = top
        return [kv for kv in top if kv[0] != rule_id][:limit]

    @cached_property
    def rules_by_control_count(self) -> dict[int, list[str]]:
        """Number of controls supported → the rules supporting that many (0 included when it occurs)."""
        out: dict[int, list[str]] = defaultdict(list)
        for r in self.rules:
            out[len(self.rule_controls[r])].append(r)
        return dict(sorted(out.items()))

    @cached_property
    def most_controls_per_rule(self) -> int:
        """The most controls one rule supports (0 when no rule supports any)."""
        return max(self.rules_by_control_count, default=0)

    # ----------------------------------------------------------------- services

    @cached_property
    def coverage_by_service(self) -> list[tuple[str, int, list[str]]]:
        """(service, number of rules, controls those rules support), by service name."""
        by_service: dict[str, list[str]] = defaultdict(list)
        for r in self.rules:
            by_service[self.service(r)].append(r)
        order = {c: i for i, c in enumerate(self.controls)}
        out = []
        for service in sorted(by_service):
            ctrls = {c for r in by_service[service] for c in self.rule_controls[r]}
            out.append((service, len(by_service[service]), sorted(ctrls, key=order.__getitem__)))
        return out

    def control_services(self, control_id: str) -> list[tuple[str, int]]:
        """Services covered by a control's rules, with how many of its rules each has."""
        return sorted(Counter(self.service(r) for r in self.control_rules[control_id]).items())

    # ----------------------------------------------------------------- headline

    @cached_property
    def summary(self) -> Summary:
        sets = self.rule_controls.values()
        return Summary(
            controls=len(self.controls),
            controls_with_rules=len(self.controls_with_rules),
            controls_in_source=len(self.controls_in_source),
            rules=len(self.rules),
            mappings=self.mapping_count,
            services=len(self.services),
            shared_rules=sum(1 for s in sets if len(s) > 1),
            exclusive_rules=sum(1 for s in sets if len(s) == 1),
        )
