"""Rule files against the facts snapshots of their sources: texts in full, scopes recorded.

A rule file cites where its facts come from (``sources``). When the catalogue holds a snapshot of
that source (``conformap import-source``) at the commit the rule cites, the rule must say what the
snapshot says:

* citing its AWS Config Developer Guide page (``sources/config-rule-pages.yaml``): ``identifier``,
  ``description`` (every paragraph, not the first one only), ``note`` (the page's **Note**, present
  exactly when the page has one) and each parameter's ``description`` (every line) equal the page's;
* citing the conformance pack templates' scopes (``aws-config-conformance-packs/*.yaml
  (Scope.ComplianceResourceTypes, union)``, ``sources/conformance-pack-scopes.yaml``):
  ``conformance_pack.scope_resource_types`` records the templates' union for its identifier.

A rule citing AWS's WA conformance pack template (``sources/wa-conformance-pack.yaml``) sets the
``conformance_pack.input_parameters`` values the template sets (the packs take the template's logical
ids, parameter names and Scope from the snapshot itself).

A ``deprecated`` claim must quote the AWS text that makes it (``deprecated.aws_text``): the quote must be in
the snapshot of the rule's (or its successor's) page, in its description or Note.

A rule citing another commit than the snapshot's gets a warning (its facts are not compared).
"""

from __future__ import annotations

from conformap import paths
from conformap.load.yamlio import YamlDocument
from conformap.diagnostics import Diagnostic, Severity

PACK_SCOPES_PATH = "aws-config-conformance-packs/*.yaml"
# Words one of which a quote must hold to state a deprecation (a Note saying what a rule does not evaluate does not).
DEPRECATION_WORDS = ("deprecated", "replaced by", "superseded", "retired", "no longer", "instead")


def _cited(doc: YamlDocument, snap: YamlDocument, name: str, match) -> tuple[int | None, list[Diagnostic]]:
    """Which of the rule's ``sources`` cites the snapshot's source (its index, or None), and a warning
    when it cites another commit than the snapshot's (its facts are then not compared)."""
    repo = snap.data["source"]["repo"]
    for k, s in enumerate(doc.data.get("sources") or ()):
        if s.get("repo") == repo and match(s.get("path") or ""):
            commit = snap.data["source"]["commit"]
            if s.get("commit") == commit:
                return k, []
            rel = paths.SOURCE_SNAPSHOTS[name][0]
            return None, [doc.error(("sources", k, "commit"), f"cites {repo} at another commit than the snapshot {rel} ({commit}); not compared", severity=Severity.WARNING)]
    return None, []


def _differ(expected: str, actual: str) -> str:
    from conformap.load.checks import _first_difference

    return _first_difference(expected, actual)


def _check_page(doc: YamlDocument, snap: YamlDocument, pages: dict[str, dict]) -> list[Diagnostic]:
    rid = doc.data["id"]
    k, warnings = _cited(doc, snap, "config-rule-pages", lambda p: p == f"doc_source/{rid}.md")
    if k is None:
        return warnings
    rel = paths.SOURCE_SNAPSHOTS["config-rule-pages"][0]
    page = pages.get(rid)
    if page is None:
        return [doc.error(("sources", k), f"cites its AWS Config Developer Guide page, but {rel} has no entry for it; re-run conformap import-source config-rule-pages")]
    out = []
    if doc.data.get("identifier") not in (None, page["identifier"]):
        out.append(doc.error(("identifier",), f"the page's Identifier is {page['identifier']} ({rel})"))
    description = doc.data.get("description")
    if description is not None and description != page["description"]:
        out.append(doc.error(("description",), f"differs from the page's full description ({rel}), which it must copy verbatim: {_differ(page['description'], description)}"))
    note, stated_note = doc.data.get("note"), page.get("note")
    if stated_note is not None and note is None:
        out.append(doc.error(("sources", k), f"the page has a Note ({rel}) the rule file must copy verbatim into note: {stated_note!r}"))
    elif note is not None and stated_note is None:
        out.append(doc.error(("note",), f"the page has no Note ({rel})"))
    elif note is not None and note != stated_note:
        out.append(doc.error(("note",), f"differs from the page's Note ({rel}), which it must copy verbatim: {_differ(stated_note, note)}"))
    stated = {p["name"]: p["description"] for p in page["parameters"]}
    for i, p in enumerate(doc.data.get("parameters") or ()):
        if p["name"] not in stated:
            out.append(doc.error(("parameters", i, "name"), f"the page has no parameter '{p['name']}' ({rel}: {', '.join(stated) or 'none'})"))
        elif p.get("description") is not None and stated[p["name"]] and p["description"] != stated[p["name"]]:
            out.append(doc.error(("parameters", i, "description"), f"differs from the page's full text ({rel}): {_differ(stated[p['name']], p['description'])}"))
    return out


def _check_scope(doc: YamlDocument, snap: YamlDocument, scopes: dict[str, list[str]]) -> list[Diagnostic]:
    k, warnings = _cited(doc, snap, "conformance-packs", lambda p: p.startswith(PACK_SCOPES_PATH))
    if k is None:
        return warnings
    rel = paths.SOURCE_SNAPSHOTS["conformance-packs"][0]
    expected = scopes.get(doc.data.get("identifier") or "")
    pack = doc.data.get("conformance_pack") or {}
    recorded = pack.get("scope_resource_types")
    if expected and recorded is None:
        return [doc.error(("sources", k), f"cites the conformance pack scopes but records none: the templates scope {doc.data.get('identifier')} to {', '.join(expected)} ({rel}); add conformance_pack.scope_resource_types")]
    if recorded is not None and sorted(recorded) != sorted(expected or ()):
        where = ("conformance_pack", "scope_resource_types")
        return [doc.error(where, f"the templates scope {doc.data.get('identifier')} to {', '.join(expected or ()) or 'nothing'} ({rel})")]
    return []


def _check_template(doc: YamlDocument, snap: YamlDocument, template: dict[str, dict]) -> list[Diagnostic]:
    """A rule citing AWS's WA template sets the input parameter values the template sets."""
    k, warnings = _cited(doc, snap, "wa-template", lambda p: p == paths.WA_TEMPLATE_PATH)
    if k is None:
        return warnings
    rel = paths.SOURCE_SNAPSHOTS["wa-template"][0]
    ident = doc.data.get("identifier")
    entry = template.get(doc.data["id"]) or next((t for t in template.values() if ident and t["identifier"] == ident), None)
    if entry is None:  # neither by name nor by SourceIdentifier (a copy of a rule under another name)
        return [doc.error(("sources", k), f"cites AWS's WA template, which deploys no rule named {doc.data['id']} or identified {ident} ({rel})")]
    expected = {p["name"]: p.get("default", p.get("value", "")) for p in entry.get("input_parameters") or ()}
    recorded = (doc.data.get("conformance_pack") or {}).get("input_parameters") or {}
    if recorded != expected:
        shown = ", ".join(f"{n}: {v!r}" for n, v in expected.items()) or "none"
        return [doc.error(("conformance_pack", "input_parameters"), f"differs from AWS's WA template ({rel}), which sets {shown}")]
    return []


def _check_deprecation(doc: YamlDocument, snap: YamlDocument | None, pages: dict[str, dict]) -> list[Diagnostic]:
    """A ``deprecated`` claim quotes AWS: the quote must be in the snapshot of the page it cites (the rule's
    or its successor's), in its description or Note; a quote of a file the snapshot does not hold is a warning
    (not verified). Without the developer guide's snapshot there is nothing to check against."""
    dep = doc.data.get("deprecated")
    cited = dep.get("aws_text") if isinstance(dep, dict) else None
    if not isinstance(cited, dict):
        return []  # the schema reports a claim without its AWS text
    where = ("deprecated", "aws_text", "quote")
    rel = paths.SOURCE_SNAPSHOTS["config-rule-pages"][0]
    names = {f"doc_source/{r}.md": r for r in (doc.data.get("id"), dep.get("successor")) if isinstance(r, str)}
    page = pages.get(names.get(cited.get("path"), ""))
    if not any(w in cited["quote"].lower() for w in DEPRECATION_WORDS):
        return [doc.error(where, f"the quote states no deprecation (it says none of: {', '.join(DEPRECATION_WORDS)}); a rule is deprecated only where AWS says so")]
    if snap is None:
        return []  # no snapshot of the developer guide: nothing to check the quote against
    if cited.get("repo") != snap.data["source"]["repo"] or cited.get("commit") != snap.data["source"]["commit"] or page is None:
        return [doc.error(where, f"not verified: the catalogue holds no snapshot of {cited.get('repo')} {cited.get('path')} at {cited.get('commit')} (it checks the rule's and its successor's developer guide pages, {rel})", severity=Severity.WARNING)]
    if cited["quote"] in page["description"] or cited["quote"] in (page.get("note") or ""):
        return []
    return [doc.error(where, f"the page {cited['path']} does not say this ({rel}: neither its description nor its Note holds the quote); a rule is deprecated only where AWS says so")]


def check(rule_docs: list[YamlDocument], snapshots: dict[str, YamlDocument]) -> list[Diagnostic]:
    """Every rule file against the facts snapshots present in the catalogue."""
    out: list[Diagnostic] = []
    pages_doc = snapshots.get("config-rule-pages")
    scopes_doc = snapshots.get("conformance-packs")
    pages = {r["id"]: r for r in pages_doc.data["rules"]} if pages_doc else {}
    scopes = {s["identifier"]: s["resource_types"] for s in scopes_doc.data["scopes"]} if scopes_doc else {}
    template_doc = snapshots.get("wa-template")
    template = {t["config_rule_name"]: t for t in template_doc.data["rules"]} if template_doc else {}
    for doc in rule_docs:
        if pages_doc is not None:
            out += _check_page(doc, pages_doc, pages)
        if scopes_doc is not None:
            out += _check_scope(doc, scopes_doc, scopes)
        if template_doc is not None:
            out += _check_template(doc, template_doc, template)
        if doc.data.get("deprecated") is not None:
            out += _check_deprecation(doc, pages_doc, pages)
    return out
