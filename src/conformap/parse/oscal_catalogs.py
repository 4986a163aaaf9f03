"""OSCAL catalogs: AWS's Security Hub catalog (``awslabs/oscal-content-for-aws-services``: per control its
severity, statement and ``TechnicalControlId`` of ``class: config-rule``) and NIST's SP 800-53 Rev. 5 catalog
(``usnistgov/oscal-content``: families and controls with their printed ids).
"""

from __future__ import annotations

from typing import Any, Iterator


def _walk_controls(node: dict) -> Iterator[tuple[dict, dict | None]]:
    """Every control of an OSCAL catalog (or group), enhancements included, with its group."""
    for group in node.get("groups") or ():
        for ctl, _ in _walk_controls(group):
            yield ctl, group
    for ctl in node.get("controls") or ():
        yield ctl, None
        yield from _walk_controls({"controls": ctl.get("controls") or ()})


_PROPS = {"type": "array", "items": {"type": "object", "properties": {"name": {"type": "string"}, "value": {"type": "string"}, "class": {"type": "string"}}}}
_PARTS = {"type": "array", "items": {"type": "object", "properties": {"name": {"type": "string"}, "prose": {"type": "string"}, "props": _PROPS}}}


def _oscal_shape(control: dict[str, Any]) -> dict[str, Any]:
    """The JSON Schema of the part of an OSCAL catalog a parser reads, its controls described by ``control``."""
    return {
        "type": "object",
        "required": ["catalog"],
        "properties": {"catalog": {"$ref": "#/$defs/group"}},
        "$defs": {
            "group": {
                "type": "object",
                "properties": {"id": {"type": "string"}, "title": {"type": "string"}, "groups": {"type": "array", "items": {"$ref": "#/$defs/group"}},
                               "controls": {"type": "array", "items": {"$ref": "#/$defs/control"}}},
            },
            "control": {**control, "properties": {**control["properties"], "controls": {"type": "array", "items": {"$ref": "#/$defs/control"}}}},
        },
    }


# What each OSCAL catalog's parser reads, and of which type (the input of :func:`~conformap.parse.reading.read_json`).
SECURITY_HUB_OSCAL_SHAPE = _oscal_shape(
    {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}, "title": {"type": "string"}, "parts": _PARTS, "props": _PROPS}}
)
NIST_SHAPE = _oscal_shape({"type": "object", "required": ["title"], "properties": {"title": {"type": "string"}, "props": _PROPS}})
NIST_SHAPE["$defs"]["group"]["required"] = ["id", "title"]
NIST_SHAPE["properties"]["catalog"] = {"type": "object", "properties": {"groups": {"type": "array", "items": {"$ref": "#/$defs/group"}}}}
def oscal_security_hub(data: dict) -> Iterator[dict[str, Any]]:
    """Each control of AWS's OSCAL Security Hub catalog: id, title (its statement), severity, config rules."""
    for ctl, _ in _walk_controls(data["catalog"]):
        parts = {p.get("name"): p for p in ctl.get("parts") or ()}
        props = {p.get("name"): p.get("value") for p in ctl.get("props") or ()}
        rules = [
            p["value"]
            for part in ctl.get("parts") or ()
            for p in part.get("props") or ()
            if p.get("name") == "TechnicalControlId" and p.get("class") == "config-rule"
        ]
        out: dict[str, Any] = {"id": ctl["id"], "title": (parts.get("statement") or {}).get("prose", ctl.get("title", ""))}
        if props.get("SeverityLabel"):
            out["severity"] = props["SeverityLabel"]
        out["config_rules"] = list(dict.fromkeys(rules))
        yield out


def nist_catalog(data: dict) -> tuple[list[dict], list[dict]]:
    """(families, controls) of NIST's SP 800-53 catalog: ids as printed (``AC-2(1)``), titles, family ids."""
    families = [{"id": g["id"].upper(), "title": g["title"]} for g in data["catalog"].get("groups") or ()]
    controls = []
    for ctl, group in _walk_controls(data["catalog"]):
        label = next((p["value"] for p in ctl.get("props") or () if p.get("name") == "label"), None)
        if label is None or group is None:
            continue
        controls.append({"id": label, "title": ctl["title"], "family": group["id"].upper()})
    return families, controls
