"""``--format oscal-ar``: an OSCAL 1.2.1 assessment-results document of the posture.

* one ``result`` whose ``reviewed-controls`` are the catalogue's questions (``sec-8``), from the oldest to
  the newest evaluation time;
* ``findings``: one per question (target ``sec-8_smt``) and per best-practice statement (``sec-3_smt.bp07``),
  the statement ids of the catalog this project publishes (:func:`conformap.outputs.oscal.part_id`);
  ``satisfied`` only under the PASS rule of :mod:`conformap.posture.status`, ``not-satisfied`` otherwise
  (the status and coverage are in the finding's props and description);
* ``observations``: one per deployed rule instance, carrying ``Rule_Id`` as the component-definition does,
  with the instance's failing resources as subjects;
* ``inventory-items``: one per distinct failing resource;
* ``import-ap`` points to a back-matter resource (there is no assessment plan: the catalogue is the plan).

Deterministic: every uuid is a uuid5 of the inputs' digest and stable names; dates come from the data.
"""

from __future__ import annotations

from typing import Any

from conformap.escape import single_line, terminal
from conformap.outputs import oscal
from conformap.posture import status as st
from conformap.posture.bundle import Bundle
from conformap.posture.match import Instance
from conformap.posture.report_data import Group, Posture

CONFORMAP_NS = oscal.CONFORMAP_NS


def _text(value: str) -> str:
    """Untrusted text (a resource id, a rule name) as an OSCAL single-line value: escapes for control, bidi and
    zero-width characters (:func:`conformap.escape.terminal`), never empty."""
    return single_line(terminal(value)) or "unknown"


def _uuid(digest: str, *names: str) -> str:
    return oscal.stable_uuid("posture", digest, *names)


def _datetime(p: Posture, which: str) -> str:
    """The oldest (start) or newest (end) evaluation time; without any, the report's date (or the epoch)."""
    value = p.oldest if which == "start" else p.newest
    if value:
        return value
    return f"{p.as_of if p.as_of != 'unknown' else oscal.EPOCH}T00:00:00Z"


def _target(p: Posture, g: Group, q: Group | None) -> str:
    """The catalog statement id a finding targets: ``sec-8_smt`` for a question, ``sec-3_smt.bp07`` for a statement."""
    if q is None:
        return f"{oscal.control_id(p.catalogue.control(g.id))}_smt"
    return oscal.part_id(p.catalogue.statement(g.id))


def _finding(p: Posture, digest: str, g: Group, q: Group | None, observations: dict[tuple, str]) -> dict[str, Any]:
    c = g.counts.as_dict()
    related = [observations[i.sort_key] for rr in g.rules for i in rr.instances if i.sort_key in observations]
    finding: dict[str, Any] = {
        "uuid": _uuid(digest, "finding", g.id),
        "title": f"{g.id}: {g.coverage}",
        "description": (
            f"{g.id}: {g.status} ({g.coverage}); mapped {c['mapped']}, deployed {c['deployed']}, compliant {c['compliant']}, "
            f"non-compliant {c['non_compliant']}, error {c['error']}, insufficient data {c['insufficient_data']}, "
            f"no result {c['no_result']}, not deployed {c['not_deployed']}; {g.distinct_failing()} distinct failing resource(s). {p.notice}"
        ),
        "props": [
            oscal.prop("posture-status", g.status, CONFORMAP_NS),
            oscal.prop("rules-evaluated", str(g.counts.evaluated), CONFORMAP_NS),
            oscal.prop("rules-mapped", str(g.counts.mapped), CONFORMAP_NS),
        ],
        "target": {
            "type": "statement-id",
            "target-id": _target(p, g, q),
            "status": {"state": "satisfied" if g.status == st.PASS else "not-satisfied"},
        },
    }
    if related:
        finding["related-observations"] = [{"observation-uuid": u} for u in related]
    return finding


def _observation(digest: str, inst: Instance, inventory: dict[tuple, str]) -> dict[str, Any]:
    props = [oscal.prop("Rule_Id", r, oscal.TRESTLE_NS) for r in inst.rule_ids]
    props.append(oscal.prop("config-rule-name", _text(inst.name), CONFORMAP_NS))
    props.append(oscal.prop("instance-status", inst.status, CONFORMAP_NS))
    if inst.account:
        props.append(oscal.prop("account", _text(inst.account), CONFORMAP_NS))
    if inst.region:
        props.append(oscal.prop("region", _text(inst.region), CONFORMAP_NS))
    if inst.custom:
        props.append(oscal.prop("custom-implementation", "true", CONFORMAP_NS))
    counts = inst.counts
    summary = ", ".join(f"{k} {counts[k]}" for k in sorted(counts)) or "no result saved"
    ev = inst.results
    obs: dict[str, Any] = {
        "uuid": _uuid(digest, "observation", *inst.sort_key),
        "description": f"AWS Config rule {_text(inst.name)} in account {_text(inst.account)} region {_text(inst.region)}: {inst.status} ({summary}).",
        "props": props,
        "methods": ["TEST"],
        "types": ["finding"] if inst.status == st.NON_COMPLIANT else ["control-objective"],
    }
    subjects = []
    if ev is not None:
        seen = set()
        for rtype, rid, _, _ in ev.failing:
            key = st.resource_key(inst.account, inst.region, rtype, rid)
            if key not in seen:
                seen.add(key)
                subjects.append({"subject-uuid": inventory[key], "type": "inventory-item", "title": f"{_text(rtype)} {_text(rid)}"})
    if subjects:
        obs["subjects"] = subjects
    obs["collected"] = (ev.newest.strftime("%Y-%m-%dT%H:%M:%SZ") if ev is not None and ev.newest else None) or "1970-01-01T00:00:00Z"
    return obs


def data(p: Posture, bundle: Bundle) -> dict[str, Any]:
    digest = bundle.digest
    instances = p.matched.instances
    inventory: dict[tuple, str] = {}
    items = []
    for inst in instances:
        if inst.results is None:
            continue
        for rtype, rid, _, _ in inst.results.failing:
            key = st.resource_key(inst.account, inst.region, rtype, rid)
            if key in inventory:
                continue
            inventory[key] = _uuid(digest, "inventory", *key)
            props = [oscal.prop("resource-type", _text(rtype), CONFORMAP_NS), oscal.prop("resource-id", _text(rid), CONFORMAP_NS)]
            if key[0]:
                props.append(oscal.prop("account", _text(key[0]), CONFORMAP_NS))
            if key[1]:
                props.append(oscal.prop("region", _text(key[1]), CONFORMAP_NS))
            items.append({"uuid": inventory[key], "description": f"{_text(rtype)} {_text(rid)}", "props": props})
    observations = {i.sort_key: _uuid(digest, "observation", *i.sort_key) for i in instances}
    findings = []
    for q in p.questions:
        findings.append(_finding(p, digest, q, None, observations))
        findings.extend(_finding(p, digest, s, q, observations) for s in q.statements)
    result: dict[str, Any] = {
        "uuid": _uuid(digest, "result"),
        "title": f"Posture against {single_line(p.catalogue.framework.title)}, {p.as_of}",
        "description": single_line(
            f"AWS Config results of accounts {', '.join(map(_text, p.accounts)) or 'unknown'} in regions {', '.join(map(_text, p.regions)) or 'unknown'}, "
            f"read from {len(p.files)} saved file(s){' (degraded inputs among them)' if p.degraded else ''}. {p.notice}"
        ),
        "start": _datetime(p, "start"),
        "end": _datetime(p, "end"),
        "reviewed-controls": {"control-selections": [{"include-controls": [{"control-id": oscal.control_id(c)} for c in p.catalogue.controls]}]},
    }
    if items:
        result["local-definitions"] = {"inventory-items": items}
    if instances:
        result["observations"] = [_observation(digest, i, inventory) for i in instances]
    result["findings"] = findings
    metadata = oscal.metadata(p.catalogue, f"Posture against {p.catalogue.framework.title}")
    metadata["last-modified"] = _datetime(p, "end")
    metadata["remarks"] = f"{metadata['remarks']}\n\n{p.notice}"
    plan = _uuid(digest, "assessment-plan")
    return {
        "assessment-results": {
            "uuid": _uuid(digest, "assessment-results"),
            "metadata": metadata,
            "import-ap": {"href": f"#{plan}"},
            "results": [result],
            "back-matter": {
                "resources": [
                    {
                        "uuid": plan,
                        "title": "Assessment plan: the conformap catalogue",
                        "description": (
                            f"No separate assessment plan: the plan is the conformap catalogue version {p.catalogue_version} "
                            "(its OSCAL catalog, oscal/catalog.json, and component-definition) applied to saved AWS Config results."
                        ),
                        "rlinks": [{"href": "oscal/component-definition.json"}],
                    }
                ]
            },
        }
    }


def render(p: Posture, bundle: Bundle) -> bytes:
    return oscal.to_bytes(data(p, bundle))
