"""The catalogue as a networkx graph.

Nodes are keyed ``"<kind>:<id>"`` and carry ``kind`` and ``id`` attributes plus the entity's facts:

====================  =======================================================
node kind             attributes
====================  =======================================================
``framework``         title, publisher
``control``           number, question, in_source
``statement``         control, kind (question-description / best-practice), text
``rule``              service, trigger, identifier, deprecated_successor
``service``           (name only)
====================  =======================================================

Edges (directed) and their ``rel`` attribute:

* statement → control ``statement_of``; control → framework ``control_of``;
* rule → statement ``supports``, carrying the mapping: ``control``, ``guidance``, ``source_rows``,
  ``printed_statement``, ``rationale``;
* rule → service ``in_service``; rule → rule ``succeeded_by`` (deprecated rule to its successor).

Statistics (:mod:`conformap.analysis.stats`) read only this graph.
"""

from __future__ import annotations

import networkx as nx

from conformap.model.catalog import Catalog


def key(kind: str, ident: str) -> str:
    return f"{kind}:{ident}"


def build_graph(cat: Catalog) -> nx.DiGraph[str]:
    g: nx.DiGraph[str] = nx.DiGraph(framework=cat.framework.id)
    fw = key("framework", cat.framework.id)
    g.add_node(fw, kind="framework", id=cat.framework.id, title=cat.framework.title, publisher=cat.framework.publisher)
    for c in cat.controls:
        ck = key("control", c.id)
        g.add_node(ck, kind="control", id=c.id, number=c.number, question=c.question, in_source=c.in_source)
        g.add_edge(ck, fw, rel="control_of")
        for s in c.statements:
            sk = key("statement", s.id)
            g.add_node(sk, kind="statement", id=s.id, control=c.id, statement_kind=s.kind, text=s.text)
            g.add_edge(sk, ck, rel="statement_of")
    for r in cat.rules:
        rk = key("rule", r.id)
        g.add_node(
            rk,
            kind="rule",
            id=r.id,
            service=r.service,
            trigger=r.trigger,
            identifier=r.identifier,
            deprecated_successor=r.deprecated.successor if r.deprecated else None,
        )
        if r.service:
            sv = key("service", r.service)
            g.add_node(sv, kind="service", id=r.service)
            g.add_edge(rk, sv, rel="in_service")
    for r in cat.rules:
        rk = key("rule", r.id)
        if r.deprecated and cat.has_rule(r.deprecated.successor):
            g.add_edge(rk, key("rule", r.deprecated.successor), rel="succeeded_by")
        for m in r.mappings:
            g.add_edge(
                rk,
                key("statement", m.statement_id),
                rel="supports",
                control=m.control_id,
                guidance=r.guidance,
                source_rows=m.source_rows,
                printed_statement=m.printed_statement,
                rationale=m.rationale,
            )
    return g
