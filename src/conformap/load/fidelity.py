"""Rule files against the facts snapshots of their sources: texts in full, scopes recorded.

A rule file cites where its facts come from (``sources``). When the catalogue holds a snapshot of
that source (``conformap import-source``) at the commit the rule cites, the rule must say what the
snapshot says:

* citing its AWS Config Developer Guide page (``sources/config-rule-pages.yaml``): ``identifier``,
  ``description`` (every paragraph, not the first one only) and each parameter's ``description``
  (every line) equal the page's;
* citing the conformance pack templates' scopes (``aws-config-conformance-packs/*.yaml
  (Scope.ComplianceResourceTypes, union)``, ``sources/conformance-pack-scopes.yaml``):
  ``conformance_pack.scope_resource_types`` records the templates' union for its identifier.

A rule citing another commit than the snapshot's gets a warning (its facts are not compared).
"""

from __future__ import annotations

from conformap import paths
from conformap.load.checks import _first_difference
from conformap.load.yamlio import YamlDocument
from conformap.diagnostics import Diagnostic, Severity

PACK_SCOPES_PATH = "aws-config-conformance-packs/*.yaml"


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


def check(rule_docs: list[YamlDocument], snapshots: dict[str, YamlDocument]) -> list[Diagnostic]:
    """Every rule file against the facts snapshots present in the catalogue."""
    out: list[Diagnostic] = []
    pages_doc = snapshots.get("config-rule-pages")
    scopes_doc = snapshots.get("conformance-packs")
    pages = {r["id"]: r for r in pages_doc.data["rules"]} if pages_doc else {}
    scopes = {s["identifier"]: s["resource_types"] for s in scopes_doc.data["scopes"]} if scopes_doc else {}
    for doc in rule_docs:
        if pages_doc is not None:
            out += _check_page(doc, pages_doc, pages)
        if scopes_doc is not None:
            out += _check_scope(doc, scopes_doc, scopes)
    return out
