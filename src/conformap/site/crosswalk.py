"""The crosswalk page: the Security Pillar questions against NIST SP 800-53 Rev. 5, through the rules.

A rule reaches a NIST control when one of its Security Hub controls is related to it
(:meth:`conformap.analysis.sources.CrosswalkAnalysis.nist_for_rule`); a question reaches what its rules reach.
The page also lists the mappings that the Guard Rules Registry contradicts
(:attr:`~conformap.analysis.sources.CrosswalkAnalysis.contradicted`). The prose is in ``templates/crosswalk.md.j2``.
"""

from __future__ import annotations

from conformap import routes
from conformap.analysis.sources import CrosswalkAnalysis
from conformap.analysis.stats import Analysis
from conformap.model.catalog import Catalog
from conformap.site import svg


def context(cat: Catalog, a: Analysis, cw: CrosswalkAnalysis) -> dict[str, object]:
    """What the crosswalk page shows: the question x family table, each NIST control's questions and
    rules, and the corroboration by the Guard Rules Registry."""
    families = cw.reached_families
    questions = a.controls_with_rules
    cells = {q: {f.id: cw.rules_reaching_family(a.control_rules[q], f.id) for f in families} for q in questions}
    nist = [
        (n, sorted({q for rid in cw.nist_rules[n.id] for q in a.rule_controls[rid]}, key=lambda q: cat.control(q).number), cw.nist_rules[n.id])
        for n in cw.reached_nist
    ]
    heatmap = svg.heatmap(
        questions,
        [[len(cells[q][f.id]) for f in families] for q in questions],
        columns=[f.id for f in families],
        label="Heatmap of the rules of each question that reach each NIST SP 800-53 Rev. 5 family. The table below lists every value.",
        cell_href=lambda q, f: "#" + routes.crosswalk_cell_anchor(q, f),
    )
    counts = cw.corroboration_counts
    return dict(
        families=families,
        heatmap=heatmap,
        questions=questions,
        cells=cells,
        nist=nist,
        contradicted=cw.contradicted,
        agree=counts["agrees"],
        not_covered=counts["not_covered"],
        guard=cat.crosswalks.source("guard-registry"),
    )
