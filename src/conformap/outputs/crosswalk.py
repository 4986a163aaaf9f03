"""The ``crosswalks`` section of mappings.json (Security Hub controls with what each AWS source states, NIST SP
800-53 Rev. 5 controls and families, the Guard Rules Registry's map and each mapping's corroboration).

Every record is the model's (:mod:`conformap.model.records`): the shape its snapshot file holds, keys in
its schema's order. A catalogue without snapshots gives empty lists.
"""

from __future__ import annotations

from typing import Any

from conformap.analysis.sources import CrosswalkAnalysis
from conformap.model import records

from conformap.load import schema
from conformap.model.crosswalk import Corroboration, SecurityHubControl
from conformap.load.crosswalks import SECURITY_HUB_SOURCES
from conformap.model.catalog import Catalog

# The snapshots the section draws on (their provenance is listed in ``crosswalks.sources``).
SOURCES = (*SECURITY_HUB_SOURCES, "nist-800-53", "guard-registry")
SECURITY_HUB_ITEM = ("security-hub.schema.json", "/properties/controls/items")
NIST_ITEM = ("nist-800-53.schema.json", "/properties/controls/items")
NIST_FAMILY_ITEM = ("nist-800-53.schema.json", "/properties/families/items")
GUARD_ITEM = ("guard-mapping.schema.json", "/properties/mappings/items")
SNAPSHOT = ("security-hub.schema.json", "")  # every snapshot schema opens with the same id, title, source


def _record(obj: Any, where: tuple[str, str]) -> dict[str, Any]:
    return schema.ordered(records.to_record(obj), *where)


def _security_hub(c: SecurityHubControl) -> dict[str, Any]:
    out: dict[str, Any] = {"id": c.id, "title": c.title}
    if c.severity:
        out["severity"] = c.severity
    out |= {
        "config_rules": list(c.config_rules),
        "nist_800_53_r5": list(c.nist_800_53_r5),
        "pci_dss_v3_2_1": list(c.pci_dss_v3_2_1),
        "differences": list(c.differences),
        "sources": {e.source: _record(e, SECURITY_HUB_ITEM) for e in c.entries},
    }
    return out


def _corroboration(c: Corroboration) -> dict[str, Any]:
    m = c.mapping
    return {"rule": m.rule_id, "control": m.control_id, "statement": m.statement_id, "agrees": c.agrees, "guard_items": list(c.items)}


def json_section(cat: Catalog) -> dict[str, Any]:
    """``crosswalks`` of mappings.json (the per-rule ids are :meth:`CrosswalkAnalysis.rule_ids`, as in the CSV)."""
    cw = cat.crosswalks
    x = CrosswalkAnalysis(cat)
    rules = []
    for r in cat.rules:
        ids = x.rule_ids(r.id)
        if any(ids.values()):
            rules.append({"rule": r.id, **{k: list(v) for k, v in ids.items()}})
    guarded = cw.source("guard-registry") is not None
    return {
        "sources": [_record(s, SNAPSHOT) for name in SOURCES if (s := cw.source(name)) is not None],
        "security_hub_controls": [_security_hub(c) for c in cw.security_hub],
        "nist_800_53_r5_families": [_record(f, NIST_FAMILY_ITEM) for f in cw.nist_families],
        "nist_800_53_r5": [_record(n, NIST_ITEM) for n in cw.nist_controls],
        "rules": rules,
        "guard_registry": [_record(g, GUARD_ITEM) for g in cw.guard],
        "corroboration": [_corroboration(c) for c in x.corroborations] if guarded else [],
    }
