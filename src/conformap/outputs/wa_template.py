"""The conformance packs against AWS's Well-Architected Security Pillar template, rule by rule.

AWS's template (``awslabs/aws-config-rules``, kept as the snapshot ``sources/wa-conformance-pack.yaml``
by ``conformap import-source wa-template``) deploys the pillar's rules with no question ids. The packs
follow it wherever it states a value (logical id, template parameter names and defaults, Scope) and
differ where they must. :func:`compare` reads a pack back (the bytes a user downloads) and lists every
difference with its reason; a difference without a reason is a defect (``scripts/compare_wa_template.py``
exits 1, a test fails). :func:`header_lines` is the summary each pack carries as a comment.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping

import yaml

from conformap import paths
from conformap.model.catalog import Catalog, Rule
from conformap.model.crosswalk import TemplateRule

DESCRIPTION_REASON = "conformap starts each rule's Description with the question and best-practice ids it serves (AWS's template sets none)"
CONTROLS_REASON = "--controls-key adds AWS's non-standard Controls key with the ids the rule serves"


@dataclass(frozen=True)
class Difference:
    rule: str  # ConfigRuleName
    field: str  # "rule", "Description", "Controls", "LogicalId", "SourceIdentifier", "InputParameters", "Scope"
    ours: str
    aws: str
    reason: str | None  # None: unexplained, a defect

    def line(self) -> str:
        why = self.reason or "UNEXPLAINED"
        return f"{self.rule}: {self.field}: conformap {self.ours or '(none)'}; AWS's template {self.aws or '(none)'} — {why}"


def _copy_of(cat: Catalog, t: TemplateRule, deployed: Iterable[str]) -> str | None:
    """The deployed rule of the catalogue that a template rule repeats under another name (same SourceIdentifier)."""
    return next((r for r in deployed if cat.has_rule(r) and cat.rule(r).identifier == t.identifier), None)


def _missing_reason(cat: Catalog, t: TemplateRule, deployed: set[str]) -> str:
    copy = _copy_of(cat, t, deployed)
    if copy is not None and not cat.has_rule(t.config_rule_name):
        return f"a second copy of {copy} (the same SourceIdentifier {t.identifier}); conformap deploys each rule once"
    if not cat.has_rule(t.config_rule_name):
        return "not a rule of the catalogue: AWS's page maps it to no question"
    rule = cat.rule(t.config_rule_name)
    if rule.deprecated is not None:
        return f"deprecated in the catalogue (AWS: {rule.deprecated.aws_text.quote}); --include-deprecated deploys it"
    return "AWS's page does not map it to this pack's question or best practice"


def _params(resource: dict[str, Any], parameters: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """InputParameters of one of our resources: name -> (template parameter, its default)."""
    out = {}
    for name, value in (resource["Properties"].get("InputParameters") or {}).items():
        ref = value["Fn::If"][1]["Ref"]
        out[name] = (ref, str(parameters[ref]["Default"]))
    return out


def _aws_params(t: TemplateRule) -> dict[str, tuple[str, str]]:
    return {p.name: (p.parameter or "", (p.default if p.parameter else p.value) or "") for p in t.input_parameters}


def _show(params: Mapping[str, tuple[str, str]]) -> str:
    return ", ".join(f"{n}={d} ({p})" for n, (p, d) in sorted(params.items()))


def compare(cat: Catalog, files: Mapping[str, bytes]) -> list[Difference]:
    """Every difference between the packs ``files`` (one scope, possibly split in parts) and AWS's template."""
    ours: dict[str, tuple[str, dict[str, Any], dict[str, Any]]] = {}
    for body in files.values():
        doc = yaml.safe_load(body)
        for logical_id, res in doc["Resources"].items():
            ours[res["Properties"]["ConfigRuleName"]] = (logical_id, res, doc.get("Parameters") or {})
    template = {t.config_rule_name: t for t in cat.crosswalks.wa_template}
    out: list[Difference] = []
    for name in sorted(set(ours) | set(template)):
        t = template.get(name)
        if name not in ours:
            assert t is not None  # a rule of neither side is in neither list
            out.append(Difference(name, "rule", "", "deployed", _missing_reason(cat, t, set(ours))))
            continue
        logical_id, res, parameters = ours[name]
        props = res["Properties"]
        if t is None:
            out.append(Difference(name, "rule", "deployed", "", None))
            continue
        if "Description" in props:
            out.append(Difference(name, "Description", props["Description"], "", DESCRIPTION_REASON))
        if "Controls" in res:
            out.append(Difference(name, "Controls", " ".join(res["Controls"]), "", CONTROLS_REASON))
        if logical_id != t.logical_id:
            out.append(Difference(name, "LogicalId", logical_id, t.logical_id, None))
        if props["Source"]["SourceIdentifier"] != t.identifier:
            out.append(Difference(name, "SourceIdentifier", props["Source"]["SourceIdentifier"], t.identifier, None))
        mine, theirs = _params(res, parameters), _aws_params(t)
        if mine != theirs:
            out.append(Difference(name, "InputParameters", _show(mine), _show(theirs), None))
        scope = (props.get("Scope") or {}).get("ComplianceResourceTypes")
        if sorted(scope or ()) != sorted(t.scope or ()):
            out.append(Difference(name, "Scope", ", ".join(scope or ()), ", ".join(t.scope or ()), None))
    return out


def header_lines(cat: Catalog, rules: tuple[Rule, ...], label: str, controls_key: bool) -> list[str]:
    """Where and why a pack of ``rules`` differs from AWS's template: the comment at the top of the pack."""
    snap = cat.crosswalks.source("wa-template")
    if snap is None:
        return ["AWS's WA Security Pillar template is not in this catalogue (sources/wa-conformance-pack.yaml): not compared."]
    template = cat.crosswalks.wa_template
    deployed = {r.id for r in rules}
    kept = [t for t in template if t.config_rule_name in deployed]
    lines = [
        f"Compared with AWS's template {paths.WA_TEMPLATE_PATH}",
        f"({snap.repo} at {snap.commit[:12]}, {snap.commit_date}; {snap.license}), this pack differs only here:",
        f"- it deploys {len(kept)} of the template's {len(template)} rules: those AWS's page maps to {label};",
    ]
    copies = [t for t in template if not cat.has_rule(t.config_rule_name) and _copy_of(cat, t, deployed)]
    lines += [f"- {t.config_rule_name} is left out: {_missing_reason(cat, t, deployed)};" for t in copies]
    extra = sorted(deployed - {t.config_rule_name for t in template})
    if extra:
        lines.append(f"- rules the template does not deploy (mapped by the catalogue): {', '.join(extra)};")
    lines.append(f"- {DESCRIPTION_REASON};")
    if controls_key:
        lines.append(f"- {CONTROLS_REASON};")
    lines.append("- the template Description names the catalogue version (the template has none).")
    lines.append("Logical ids, parameter names and defaults, and Scope are the template's (scripts/compare_wa_template.py).")
    return lines
