"""``json`` (mappings.json): the framework, controls, rules and errata exactly as their catalogue files
hold them (:mod:`conformap.model.records`, absent facts left out), every mapping again in one flat
list in source order, headline counts, and the crosswalks (:mod:`conformap.outputs.crosswalk`), with a
``schema_version``. Validated by
``schema/export.schema.json`` (which refers to the catalogue schemas), published with its references
inlined as ``mappings.schema.json``.
"""

from __future__ import annotations

import json
from typing import Any

from conformap.model import records

from conformap.load import schema
from conformap.model.catalog import Catalog, Mapping
from conformap.outputs import crosswalk

SCHEMA_VERSION = "2.1"
ERRATUM_POINTER = "/properties/errata/items"  # in errata.schema.json


def _record(obj: Any, kind: str, pointer: str = "") -> dict[str, Any]:
    """A catalogue object as its catalogue file holds it (:mod:`conformap.model.records`), keys in schema order."""
    return schema.ordered(records.to_record(obj), kind, pointer)


def mapping_record(m: Mapping) -> dict[str, Any]:
    """One entry of the flat mapping list: the rule, then the mapping as its rule file holds it."""
    return {"rule": m.rule_id, **_record(m, "rule", schema.MAPPING_POINTER)}


def to_json_data(cat: Catalog) -> dict[str, Any]:
    # Lazy: analysis imports networkx (python -X importtime: 105-115 ms after `import conformap.cli`), which the
    # CSV and AWS-text exports (they import this package, not the statistics) would otherwise load for nothing.
    from conformap.analysis.stats import Analysis

    s = Analysis.of(cat).summary
    return {
        "schema_version": SCHEMA_VERSION,
        "catalogue_version": cat.framework.version,
        "framework": _record(cat.framework, "framework"),
        "counts": {
            "controls": s.controls,
            "controls_in_source": s.controls_in_source,
            "controls_with_rules": s.controls_with_rules,
            "rules": s.rules,
            "mappings": s.mappings,
            "errata": len(cat.errata),
        },
        "controls": [_record(c, "control") for c in cat.controls],
        "rules": [_record(r, "rule") for r in cat.rules],
        "mappings": [mapping_record(m) for m in cat.mappings],
        "errata": [_record(e, "errata", ERRATUM_POINTER) for e in cat.errata],
        "crosswalks": crosswalk.json_section(cat),
    }


def _embedded_ids_removed(node: Any) -> Any:
    """A part of the schema without the ``$schema``/``$id`` of the files it was assembled from."""
    if isinstance(node, dict):
        return {k: _embedded_ids_removed(v) for k, v in node.items() if k not in ("$schema", "$id")}
    if isinstance(node, list):
        return [_embedded_ids_removed(v) for v in node]
    return node


def json_schema() -> str:
    """``schema/export.schema.json`` with every reference inlined: one file that validates mappings.json alone
    (one resource, one dialect: only its top level keeps a ``$schema`` and an ``$id``)."""
    inlined = schema.inlined("export.schema.json")
    return json.dumps({k: _embedded_ids_removed(v) for k, v in inlined.items()}, ensure_ascii=False, indent=2) + "\n"


def render(cat: Catalog) -> str:
    return json.dumps(to_json_data(cat), ensure_ascii=False, indent=2) + "\n"
