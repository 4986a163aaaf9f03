"""OSCAL 1.2.1 mapping-collection: the framework's questions (the controls of ``oscal/catalog.json``) to NIST
SP 800-53 Rev. 5 controls, through shared rules.

A question and a NIST control are mapped when an AWS Config rule that the source maps to the question is the
AWS Config rule of a Security Hub control whose related requirements list the NIST control
(:meth:`~conformap.analysis.sources.CrosswalkAnalysis.nist_for_control`). Each pair is one ``map``, ``intersects-with``
(the rule evidences part of each, neither contains the other), with the shared rules and their Security Hub
controls as props; the collection's provenance says how it was made: ``automation``, matching rationale
``functional`` (the two meet in what the same check evidences), status ``draft``.

The target is NIST's OSCAL catalog at the commit the NIST snapshot records; its control ids follow NIST's
OSCAL convention (``AC-2(1)`` is ``ac-2.1``). Deterministic like :mod:`conformap.outputs.oscal`: uuid5 of
stable names, dates from the catalogue.
"""

from __future__ import annotations

from typing import Any

from conformap.diagnostics import CommandError
from conformap.model.crosswalk import NistControl, SecurityHubControl, SourceSnapshot
from conformap.analysis.sources import CrosswalkAnalysis
from conformap.model.catalog import Catalog
from conformap.outputs.crosswalk import SOURCES
from conformap.escape import single_line
from conformap.outputs.oscal import CONFORMAP_NS, control_id, metadata, prop, stable_uuid, to_bytes

RELATIONSHIP = "intersects-with"
PROVENANCE = {"method": "automation", "matching-rationale": "functional", "status": "draft"}
NIST_SNAPSHOT = "nist-800-53"


class NoCrosswalk(CommandError):
    """The catalogue has no NIST SP 800-53 crosswalk, so there is nothing to map (OSCAL requires a map)."""


def nist_oscal_id(nist_id: str) -> str:
    """``AC-2`` -> ``ac-2``, ``AC-2(1)`` -> ``ac-2.1``: the control's id in NIST's OSCAL catalog."""
    base, _, enhancement = nist_id.lower().partition("(")
    return f"{base}.{enhancement.rstrip(')')}" if enhancement else base


def _tree(s: SourceSnapshot) -> str:
    return f"https://github.com/{s.repo}/tree/{s.commit}"


def _raw(s: SourceSnapshot, path: str) -> str:
    return f"https://raw.githubusercontent.com/{s.repo}/{s.commit}/{path}"


def pairs(cat: Catalog, cw: CrosswalkAnalysis | None = None) -> list[tuple[str, NistControl, tuple[str, ...]]]:
    """(question id, NIST control, shared rule ids) for every pair mapped, questions in framework order,
    NIST controls in NIST's order."""
    cw = cw or CrosswalkAnalysis(cat)
    return [(c.id, n, rules) for c in cat.controls for n, rules in cw.nist_for_control(c.id)]


def _map(cat: Catalog, hubs: dict[str, tuple[SecurityHubControl, ...]], question: str, nist: NistControl, rules: tuple[str, ...]) -> dict[str, Any]:
    props = []
    serves = []
    for r in rules:
        hub = [h.id for h in hubs[r] if nist.id in h.nist_800_53_r5]
        props.append(prop("shared-rule", r, CONFORMAP_NS))
        props += [prop("security-hub-control", h, CONFORMAP_NS, remarks=r) for h in hub]
        serves.append(f"{r} (Security Hub {', '.join(hub)})")
    return {
        "uuid": stable_uuid(cat.framework.id, "mapping-collection", question, nist.id),
        "relationship": RELATIONSHIP,
        "sources": [{"type": "control", "id-ref": control_id(cat.control(question))}],
        "targets": [{"type": "control", "id-ref": nist_oscal_id(nist.id), "remarks": f"{nist.id}: {nist.title}"}],
        "props": props,
        "remarks": f"AWS Config rules mapped to {question} whose Security Hub controls list {nist.id} as a related requirement: {'; '.join(serves)}.",
    }


def _source_links(cat: Catalog) -> list[dict[str, str]]:
    return [
        {"href": _tree(s), "rel": "reference", "text": single_line(f"{s.title} ({s.repo} at {s.commit[:7]}, {s.commit_date}; {s.license})")}
        for name in SOURCES
        if (s := cat.crosswalks.source(name)) is not None and name != "guard-registry"
    ]


def mapping_collection_data(cat: Catalog, catalog_href: str = "catalog.json") -> dict[str, Any]:
    """The mapping-collection document; :class:`NoCrosswalk` when no question reaches a NIST control."""
    cw = CrosswalkAnalysis(cat)
    found = pairs(cat, cw)
    nist = cat.crosswalks.source(NIST_SNAPSHOT)
    if not found or nist is None:
        raise NoCrosswalk("the catalogue has no NIST SP 800-53 crosswalk (catalog/crosswalks/): no question reaches a NIST control, so there is no mapping-collection")
    fw = cat.framework
    hubs = {r: cw.security_hub_for_rule(r) for r in {r for _, _, rules in found for r in rules}}
    target = _raw(nist, nist.files[0].path)
    description = (
        f"{single_line(fw.title)} questions mapped to NIST SP 800-53 Rev. 5 controls through shared evidence: a question and a NIST "
        "control are mapped when an AWS Config rule that the source maps to the question is the AWS Config rule of an AWS Security "
        "Hub control whose related requirements list the NIST control (AWS Security Hub user guide; AWS's OSCAL Security Hub "
        "catalog). Generated, not reviewed: the relationship says the two overlap in what the rule checks, no more."
    )
    return {
        "mapping-collection": {
            "uuid": stable_uuid(fw.id, "mapping-collection"),
            "metadata": metadata(cat, f"{fw.title} to NIST SP 800-53 Rev. 5, through AWS Config rules"),
            "provenance": {**PROVENANCE, "mapping-description": description, "links": _source_links(cat)},
            "mappings": [
                {
                    "uuid": stable_uuid(fw.id, "mapping-collection", "mapping"),
                    "source-resource": {"type": "catalog", "href": catalog_href, "remarks": single_line(fw.title)},
                    "target-resource": {"type": "catalog", "href": target, "remarks": single_line(nist.title)},
                    "maps": [_map(cat, hubs, q, n, rules) for q, n, rules in found],
                }
            ],
        }
    }


def mapping_collection_json(cat: Catalog) -> bytes:
    return to_bytes(mapping_collection_data(cat))
