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
    # The cell with the most rules (the first in table order on a tie), for the sentence that ends the heatmap
    busiest = None
    for q in questions:
        for f in families:
            if cells[q][f.id] and (busiest is None or len(cells[q][f.id]) > len(busiest[2])):
                busiest = (q, f, cells[q][f.id])
    # A base control's section names its enhancements that the rules reach too (the search ranks it first for
    # "SC-8" thanks to them: mkdocs.yml's separator)
    enhancements: dict[str, list[str]] = {}
    for n in cw.reached_nist:
        if n.base != n.id:
            enhancements.setdefault(n.base, []).append(n.id)
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
        busiest=busiest,
        nist=nist,
        enhancements=enhancements,
        contradicted=cw.contradicted,
        agree=counts["agrees"],
        not_covered=counts["not_covered"],
        guard=cat.crosswalks.source("guard-registry"),
        sources=[s for name in ("security-hub-guide", "security-hub-oscal", "nist-800-53") if (s := cat.crosswalks.source(name)) is not None],
    )
