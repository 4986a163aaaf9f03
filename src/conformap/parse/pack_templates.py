"""AWS's conformance pack templates (``awslabs/aws-config-rules`` ``aws-config-conformance-packs/*.yaml``):
each managed rule's ``Scope.ComplianceResourceTypes``, and a whole template's rules with their parameters.
"""

from __future__ import annotations

from typing import Any

import yaml

from conformap.parse.reading import MAX_DEPTH, SourceFormatError


class _CfnLoader(yaml.SafeLoader):
    """YAML with CloudFormation's short-form tags (!Ref, !Sub ...), which are read as null."""


_CfnLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


def _mapping(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def pack_scopes(text: str) -> dict[str, list[str]]:
    """SourceIdentifier -> Scope.ComplianceResourceTypes of each AWS-owned rule of one pack template."""
    depth = 0
    for event in yaml.parse(text, Loader=_CfnLoader):  # events only: nothing is built before the checks
        line = event.start_mark.line + 1 if event.start_mark else 0
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                raise SourceFormatError([(line, f"nesting is deeper than {MAX_DEPTH} levels (the limit for a source file)")])
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            depth -= 1
        elif isinstance(event, yaml.AliasEvent):  # an alias can multiply a small file into a huge one
            raise SourceFormatError([(line, f"alias '*{event.anchor}': templates write their values out")])
    data = yaml.load(text, Loader=_CfnLoader)  # noqa: S506 - a SafeLoader subclass
    out: dict[str, list[str]] = {}
    resources = data.get("Resources") if isinstance(data, dict) else None
    for res in (resources if isinstance(resources, dict) else {}).values():
        if not isinstance(res, dict) or res.get("Type") != "AWS::Config::ConfigRule":
            continue
        props = _mapping(res.get("Properties"))
        source = _mapping(props.get("Source"))
        ident = source.get("SourceIdentifier") if source.get("Owner") == "AWS" else None
        scope = _mapping(props.get("Scope")).get("ComplianceResourceTypes")
        if isinstance(ident, str) and isinstance(scope, list):
            out.setdefault(ident, [])
            out[ident] += [t for t in scope if isinstance(t, str) and t not in out[ident]]
    return out


def pack_template(text: str) -> list[dict[str, Any]]:
    """Each ``AWS::Config::ConfigRule`` of one pack template, in template order: ``config_rule_name``,
    ``logical_id``, ``identifier``, ``input_parameters`` (name, the template ``parameter`` it refers to,
    that parameter's ``default``; or the ``value`` when it is written in place) and ``scope`` (absent: none)."""
    data = yaml.load(text, Loader=_RefLoader)  # noqa: S506 - a SafeLoader subclass
    if not isinstance(data, dict) or not isinstance(data.get("Resources"), dict):
        raise SourceFormatError([(0, "no Resources mapping: not a conformance pack template")])
    defaults = {k: v.get("Default") for k, v in (data.get("Parameters") or {}).items() if isinstance(v, dict)}
    out = []
    for logical_id, res in data["Resources"].items():
        if not isinstance(res, dict) or res.get("Type") != "AWS::Config::ConfigRule":
            continue
        props = res.get("Properties") or {}
        entry: dict[str, Any] = {
            "config_rule_name": str(props.get("ConfigRuleName", "")),
            "logical_id": str(logical_id),
            "identifier": str((props.get("Source") or {}).get("SourceIdentifier", "")),
        }
        params = []
        for name, value in (props.get("InputParameters") or {}).items():
            ref = _param_ref(value)
            if ref is not None:
                params.append({"name": str(name), "parameter": ref, "default": str(defaults.get(ref, ""))})
            else:
                params.append({"name": str(name), "value": str(value)})
        if params:
            entry["input_parameters"] = params
        scope = (props.get("Scope") or {}).get("ComplianceResourceTypes")
        if isinstance(scope, list):
            entry["scope"] = [str(t) for t in scope]
        out.append(entry)
    return out


class _RefLoader(yaml.SafeLoader):
    """YAML with CloudFormation's short-form tags read as their long form (``!Ref X`` -> ``{"Ref": "X"}``)."""


def _long_form(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    """``!Ref X`` -> ``{"Ref": "X"}``, ``!If [c, a, b]`` -> ``{"Fn::If": [c, a, b]}`` (the node's own value: constructing
    the tagged node itself again would recurse)."""
    value: Any
    if isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    elif isinstance(node, yaml.MappingNode):
        value = loader.construct_mapping(node, deep=True)
    else:
        assert isinstance(node, yaml.ScalarNode)  # YAML has no fourth kind of node
        value = loader.construct_scalar(node)
    return {"Ref" if suffix == "Ref" else "Fn::" + suffix: value}


_RefLoader.add_multi_constructor("!", _long_form)


def _param_ref(value: Any) -> str | None:
    """The template parameter an input parameter takes: ``{Ref: P}`` or AWS's ``Fn::If [cond, {Ref: P}, NoValue]``."""
    if isinstance(value, dict) and isinstance(value.get("Ref"), str):
        return value["Ref"]
    branches = value.get("Fn::If") if isinstance(value, dict) else None
    if isinstance(branches, list) and len(branches) == 3:
        return _param_ref(branches[1])
    return None
