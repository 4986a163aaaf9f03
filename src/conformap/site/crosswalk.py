"""The crosswalk page: the Security Pillar questions against NIST SP 800-53 Rev. 5, through the rules.

A rule reaches a NIST control when one of its Security Hub controls is related to it
(:meth:`conformap.model.catalog.Catalog.nist_for_rule`); a question reaches what its rules reach. The
page also lists the mappings that the Guard Rules Registry contradicts
(:meth:`conformap.model.catalog.Catalog.corroborations`). The prose is in ``templates/crosswalk.md.j2``.
"""

from __future__ import annotations

from collections import defaultdict

from conformap import routes
from conformap.analysis.stats import Analysis
from conformap.model.catalog import Catalog
from conformap.site import svg


def context(cat: Catalog, a: Analysis) -> dict[str, object]:
    """What the crosswalk page shows: the question x family table, each NIST control's questions and
    rules, and the corroboration by the Guard Rules Registry."""
    reach = {r.id: cat.nist_for_rule(r.id) for r in cat.rules}
    nist_rules: dict[str, list[str]] = defaultdict(list)
    for rid, controls in reach.items():
        for n in controls:
            nist_rules[n.id].append(rid)
    reached = [n for n in cat.crosswalks.nist_controls if n.id in nist_rules]
    families = [f for f in cat.crosswalks.nist_families if any(n.family == f.id for n in reached)]
    questions = [c.id for c in cat.controls if a.control_rules[c.id]]
    cells = {
        q: {f.id: [rid for rid in a.control_rules[q] if any(n.family == f.id for n in reach[rid])] for f in families}
        for q in questions
    }
    nist = [
        (n, sorted({q for rid in nist_rules[n.id] for q in a.rule_controls[rid]}, key=lambda q: cat.control(q).number), nist_rules[n.id])
        for n in reached
    ]
    heatmap = svg.heatmap(
        questions,
        [[len(cells[q][f.id]) for f in families] for q in questions],
        columns=[f.id for f in families],
        label="Heatmap of the rules of each question that reach each NIST SP 800-53 Rev. 5 family. The table below lists every value.",
        cell_href=lambda q, f: "#" + routes.crosswalk_cell_anchor(q, f),
    )
    corr = cat.corroborations()
    contradicted = [c for c in corr if c.agrees is False]
    return dict(
        families=families,
        heatmap=heatmap,
        questions=questions,
        cells=cells,
        nist=nist,
        contradicted=contradicted,
        agree=sum(1 for c in corr if c.agrees),
        not_covered=sum(1 for c in corr if c.agrees is None),
        guard=cat.source_snapshot("guard-registry"),
    )
