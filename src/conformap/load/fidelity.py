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

What counts as a difference is decided here once (:func:`page_drift`, :func:`scope_drift`), on plain
values: validation reports it on the rules that cite the snapshot, and ``conformap sources check``
(:mod:`conformap.analysis.sources`) on every rule the snapshot covers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

from conformap import paths
from conformap.load.checks import _first_difference
from conformap.load.yamlio import YamlDocument
from conformap.diagnostics import Diagnostic, Severity

PACK_SCOPES_PATH = "aws-config-conformance-packs/*.yaml"
# Words one of which a quote must hold to state a deprecation (a Note saying what a rule does not evaluate does not).
DEPRECATION_WORDS = ("deprecated", "replaced by", "superseded", "retired", "no longer", "instead")
SCOPE_FIELD = "conformance_pack.scope_resource_types"

# The kinds of difference :func:`page_drift` and :func:`scope_drift` find.
IDENTIFIER = "identifier"
DESCRIPTION = "description"
PARAMETER_NOT_ON_PAGE = "parameter-not-on-page"
PARAMETER_NOT_RECORDED = "parameter-not-recorded"
PARAMETER_DESCRIPTION = "parameter-description"
NOTE_NOT_RECORDED = "note-not-recorded"
NOTE_NOT_ON_PAGE = "note-not-on-page"
NOTE_DIFFERS = "note-differs"
SCOPE_NOT_RECORDED = "scope-not-recorded"
SCOPE_DIFFERS = "scope-differs"


@dataclass(frozen=True)
class Drift:
    """One fact a rule states otherwise than its source: ``field`` is its path in the rule
    (``parameters.NAME.description``), ``index`` a parameter's place in the rule's list."""

    kind: str
    field: str
    ours: str | None
    stated: str | None
    index: int | None = None


def page_drift(
    identifier: str | None,
    description: str | None,
    parameters: Sequence[tuple[str, str | None]],
    page_identifier: str,
    page_description: str,
    page_parameters: Mapping[str, str],
    *,
    note: str | None,
    page_note: str | None,
) -> list[Drift]:
    """Where a rule (its identifier, description, note and (name, description) parameters) differs from its AWS
    Config Developer Guide page. A field the rule leaves out is not compared, nor a parameter the page
    states no description for; every parameter on either side must be on the other, and the rule has a
    note exactly when the page has a Note."""
    out = []
    if identifier is not None and identifier != page_identifier:
        out.append(Drift(IDENTIFIER, "identifier", identifier, page_identifier))
    if description is not None and description != page_description:
        out.append(Drift(DESCRIPTION, "description", description, page_description))
    if note != page_note:
        kind = NOTE_NOT_RECORDED if note is None else NOTE_NOT_ON_PAGE if page_note is None else NOTE_DIFFERS
        out.append(Drift(kind, "note", note, page_note))
    for i, (name, text) in enumerate(parameters):
        if name not in page_parameters:
            out.append(Drift(PARAMETER_NOT_ON_PAGE, f"parameters.{name}", name, None, i))
        elif text is not None and page_parameters[name] and text != page_parameters[name]:
            out.append(Drift(PARAMETER_DESCRIPTION, f"parameters.{name}.description", text, page_parameters[name], i))
    recorded = {name for name, _ in parameters}
    out += [Drift(PARAMETER_NOT_RECORDED, f"parameters.{name}", None, name) for name in page_parameters if name not in recorded]
    return out


def scope_drift(recorded: Sequence[str] | None, stated: Sequence[str] | None) -> Drift | None:
    """Whether a rule's recorded conformance pack scope differs from the templates' union for its
    identifier (``stated``; None or empty when no template scopes it)."""
    if stated and recorded is None:
        return Drift(SCOPE_NOT_RECORDED, SCOPE_FIELD, None, ", ".join(stated))
    if recorded is not None and sorted(recorded) != sorted(stated or ()):
        return Drift(SCOPE_DIFFERS, SCOPE_FIELD, ", ".join(recorded), ", ".join(stated or ()))
    return None


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


def _differ(expected: str | None, actual: str | None) -> str:
    return _first_difference(expected or "", actual or "")


def _check_page(doc: YamlDocument, snap: YamlDocument, pages: dict[str, dict]) -> list[Diagnostic]:
    rid = doc.data["id"]
    k, warnings = _cited(doc, snap, "config-rule-pages", lambda p: p == f"doc_source/{rid}.md")
    if k is None:
        return warnings
    rel = paths.SOURCE_SNAPSHOTS["config-rule-pages"][0]
    page = pages.get(rid)
    if page is None:
        return [doc.error(("sources", k), f"cites its AWS Config Developer Guide page, but {rel} has no entry for it; re-run conformap import-source config-rule-pages")]
    stated = {p["name"]: p["description"] for p in page["parameters"]}
    ours = [(p["name"], p.get("description")) for p in doc.data.get("parameters") or ()]
    out = []
    drift = page_drift(
        doc.data.get("identifier"), doc.data.get("description"), ours, page["identifier"], page["description"], stated,
        note=doc.data.get("note"), page_note=page.get("note"),
    )
    for d in drift:
        if d.kind == IDENTIFIER:
            out.append(doc.error(("identifier",), f"the page's Identifier is {d.stated} ({rel})"))
        elif d.kind == DESCRIPTION:
            out.append(doc.error(("description",), f"differs from the page's full description ({rel}), which it must copy verbatim: {_differ(d.stated, d.ours)}"))
        elif d.kind == NOTE_NOT_RECORDED:
            out.append(doc.error(("sources", k), f"the page has a Note ({rel}) the rule file must copy verbatim into note: {d.stated!r}"))
        elif d.kind == NOTE_NOT_ON_PAGE:
            out.append(doc.error(("note",), f"the page has no Note ({rel})"))
        elif d.kind == NOTE_DIFFERS:
            out.append(doc.error(("note",), f"differs from the page's Note ({rel}), which it must copy verbatim: {_differ(d.stated, d.ours)}"))
        elif d.kind == PARAMETER_NOT_ON_PAGE:
            assert d.index is not None  # a parameter of the rule's list
            out.append(doc.error(("parameters", d.index, "name"), f"the page has no parameter '{d.ours}' ({rel}: {', '.join(stated) or 'none'})"))
        elif d.kind == PARAMETER_DESCRIPTION:
            assert d.index is not None
            out.append(doc.error(("parameters", d.index, "description"), f"differs from the page's full text ({rel}): {_differ(d.stated, d.ours)}"))
        else:
            out.append(doc.error(("parameters",), f"the page has a parameter '{d.stated}' that the rule does not record ({rel}); add it with the page's description"))
    return out


def _check_scope(doc: YamlDocument, snap: YamlDocument, scopes: dict[str, list[str]]) -> list[Diagnostic]:
    k, warnings = _cited(doc, snap, "conformance-packs", lambda p: p.startswith(PACK_SCOPES_PATH))
    if k is None:
        return warnings
    rel = paths.SOURCE_SNAPSHOTS["conformance-packs"][0]
    identifier = doc.data.get("identifier")
    pack = doc.data.get("conformance_pack") or {}
    d = scope_drift(pack.get("scope_resource_types"), scopes.get(identifier))  # a rule without identifier: None
    if d is None:
        return []
    if d.kind == SCOPE_NOT_RECORDED:
        return [doc.error(("sources", k), f"cites the conformance pack scopes but records none: the templates scope {identifier} to {d.stated} ({rel}); add conformance_pack.scope_resource_types")]
    return [doc.error(("conformance_pack", "scope_resource_types"), f"the templates scope {identifier} to {d.stated or 'nothing'} ({rel})")]


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
    page = pages.get(names.get(str(cited.get("path")), ""))
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
