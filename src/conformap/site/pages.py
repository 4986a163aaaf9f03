"""The site as text: every generated page, from the catalogue, its analysis and a template per page kind.

:func:`render_site` returns every generated file, docs-relative path -> content (Markdown pages as
``str``, downloads as ``bytes``); :func:`edit_paths` says which catalogue file each page comes from.
Nothing here knows about MkDocs: ``scripts/gen_pages.py`` writes the result through mkdocs-gen-files,
``conformap render-site`` into a plain docs folder (:mod:`conformap.site.docs`).

Each function below gathers what one page shows and renders its template (``templates/<kind>.md.j2``);
the prose is in the templates, the numbers come from :class:`conformap.analysis.stats.Analysis`, and
the engine escapes every catalogue string (:mod:`conformap.site.render`).

Two inputs are optional, so that the pages stay a function of the catalogue: a :class:`GitHub`
repository (every rule and question page then ends with a "Suggest a change" section that links to
the YAML file to edit and to the issue form, prefilled), and the Markdown of the "Changes per
release" page, which needs git history (:func:`conformap.site.changes.changes_markdown`).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from pathlib import Path, PurePosixPath
from typing import Any

import networkx as nx

from conformap import paths
from conformap.analysis.graph import build_graph
from conformap.analysis.stats import UNSPECIFIED, Analysis
from conformap.model.catalog import Catalog, Control, Mapping, Rule
from conformap.model.crosswalk import SourceSnapshot
from conformap.analysis import sources
from conformap.outputs import columns, conformance_pack, wa_template
from conformap.outputs import downloads as published
from conformap.outputs.manifest import Entry
from conformap.site import crosswalk, search, svg
from conformap import routes
from conformap.site import github as gh
from conformap.site.github import GitHub
from conformap.site.render import render

# At most this many questions are drawn in the overlap heatmap (the table below it has them all).
HEATMAP_MAX = 40
# At most this many rules with the same question set are listed on a rule page (the list would
# otherwise grow with the square of the catalogue).
SAME_SET_MAX = 12


class _Site:
    """What every page of one build shares: the catalogue, its analysis, and the optional inputs."""

    def __init__(self, cat: Catalog, g: nx.DiGraph, github: GitHub | None, changes: bool) -> None:
        self.cat = cat
        self.a = Analysis(g)
        self.cw = sources.CrosswalkAnalysis(cat)
        self.github = github
        self.changes = changes
        self.sources = edit_paths(cat) if github else {}
        replaces: dict[str, list[str]] = defaultdict(list)
        for r in cat.rules:
            if r.deprecated:
                replaces[r.deprecated.successor].append(r.id)
        self.replaces = replaces
        printed: dict[str, list[Mapping]] = defaultdict(list)
        for m in cat.mappings:
            if m.printed_statement and m.printed_statement != m.statement_id:
                printed[cat.statement(m.printed_statement).control_id].append(m)
        self.printed_with = {c: sorted(ms, key=lambda m: (m.rule_id, m.statement_id)) for c, ms in printed.items()}
        self.rule_boosts = search.rule_boosts(r.id for r in cat.rules)

    def page(self, template: str, src: str, **context: object) -> str:
        """The page ``src`` from ``template``: its blocks end with a blank line, the page with one line break."""
        common = dict(
            src=src, cat=self.cat, fw=self.cat.framework, a=self.a, github=self.github, source=self.sources.get(src),
            unspecified=UNSPECIFIED, issue=_ISSUE,
        )
        return render(template, **common, **context).rstrip("\n") + "\n"


_ISSUE = {
    "form": gh.ISSUE_FORM, "title": gh.ISSUE_TITLE, "rule": gh.ISSUE_RULE_FIELD, "question": gh.ISSUE_QUESTION_FIELD,
    "proposal_form": gh.PROPOSAL_FORM, "proposal_title": gh.PROPOSAL_TITLE, "proposal_question": gh.PROPOSAL_QUESTION_FIELD,
}


def home(site: _Site, entries: list[Entry]) -> str:
    # Each kind of download (its format) with its files, in the Downloads page's order, the manifest last.
    kinds: dict[str, list[str]] = {}
    for e in entries:
        kinds.setdefault(e.format, []).append(published.PREFIX + e.path)
    kinds["manifest"] = [published.PREFIX + published.MANIFEST]
    return site.page(
        "home.md.j2",
        routes.HOME,
        s=site.a.summary,
        errata=len(site.cat.errata),
        unmapped=site.a.unmapped_controls,
        changes=site.changes,
        kinds=kinds,
    )


def controls_index(site: _Site) -> str:
    return site.page("controls_index.md.j2", routes.CONTROLS_INDEX, controls=site.cat.controls)


def control_detail(
    site: _Site, c: Control, files: dict[str, str] | None = None, packs: dict[str, conformance_pack.PackSummary] | None = None
) -> str:
    """A question's page; ``files``: its CSV (:func:`question_files`), linked beside its rules;
    ``packs``: every pack's summary, for the deploy blocks of the question and its best-practice statements."""
    cat = site.cat
    by_statement: dict[str, list[tuple[Rule, Mapping]]] = defaultdict(list)
    for rid in site.a.control_rules[c.id]:
        r = cat.rule(rid)
        for m in r.mappings:
            if m.control_id == c.id:
                by_statement[m.statement_id].append((r, m))
    # A note that only restates the gap ("The source page maps no ... rule") is not repeated.
    note = c.note if c.note and "maps no" not in c.note.lower() else None
    return site.page(
        "control.md.j2",
        routes.control_page(c.id),
        c=c,
        note=note,
        by_statement={s: sorted(items, key=lambda rm: rm[0].id) for s, items in by_statement.items()},
        rules_folder=_rules_folder(site.sources.get(routes.control_page(c.id))),
        printed=site.printed_with.get(c.id, []),
        errata=cat.errata_for_control(c.id),
        question_files=files,
        boost=search.QUESTION_BOOST,
        hub=site.cw.security_hub_for_control(c.id),
        nist=site.cw.nist_for_control(c.id),
        best_practices=cat.crosswalks.wa_best_practices(c.framework_question_id),
        bp_source=cat.crosswalks.source("wa-best-practices"),
        pack=_pack(packs, c.id.lower()),
        statement_packs={s.id: _pack(packs, conformance_pack.statement_pack_name(s.id)) for s in c.statements if s.best_practice is not None},
    )


def _rules_folder(control_file: str | None) -> str | None:
    """The folder of the rule files (whose ``mappings`` make a question's rules), beside the question's own file."""
    return (PurePosixPath(control_file).parent.parent / paths.RULES_DIR).as_posix() if control_file else None


def _pack(packs: dict[str, conformance_pack.PackSummary] | None, name: str) -> dict[str, Any] | None:
    return pack_context(packs[name]) if packs and name in packs else None


def rules_index(site: _Site) -> str:
    return site.page("rules_index.md.j2", routes.RULES_INDEX, rules=site.cat.rules)


def rule_detail(site: _Site, r: Rule) -> str:
    cat = site.cat
    documented = {p.name for p in r.parameters}
    questions = site.a.rule_controls[r.id]
    fields = {gh.ISSUE_RULE_FIELD: r.id, gh.ISSUE_QUESTION_FIELD: ", ".join(questions)}
    return site.page(
        "rule.md.j2",
        routes.rule_page(r.id),
        r=r,
        replaces=site.replaces.get(r.id),
        mappings=sorted(r.mappings, key=lambda m: (cat.control(m.control_id).number, m.statement_id)),
        undocumented=[(name, value) for name, value in r.pack_input_parameters.items() if name not in documented],
        errata=cat.errata_for_rule(r.id),
        source_rows=sorted({row for m in r.mappings for row in m.source_rows}),
        source_urls=gh.source_urls,
        same_set_max=SAME_SET_MAX,
        issue_fields={k: v for k, v in fields.items() if v},
        boost=site.rule_boosts[r.id],
        hub=site.cw.security_hub_for_rule(r.id),
        nist=site.cw.nist_for_rule(r.id),
        pci=site.cw.pci_for_rule(r.id),
        newest_hub=cat.crosswalks.newest_security_hub_source(),
        page_source=_page_source(cat, r),
        hub_sources=[
            s
            for name in ("security-hub-guide", "security-hub-oscal")
            if (s := cat.crosswalks.source(name)) is not None and any(name in h.stated_by for h in site.cw.security_hub_for_rule(r.id))
        ],
    )


def _page_source(cat: Catalog, r: Rule) -> SourceSnapshot | None:
    """The developer guide snapshot, when the rule's description and note are checked copies of it (it cites it)."""
    snap = cat.crosswalks.source("config-rule-pages")
    cited = snap is not None and any(s.repo == snap.repo and s.commit == snap.commit for s in r.sources)
    return snap if cited else None


def overlap_page(site: _Site) -> str:
    a = site.a
    ids = a.controls[:HEATMAP_MAX]
    counts = a.rules_by_control_count
    return site.page(
        "overlap.md.j2",
        routes.OVERLAP,
        heatmap=svg.heatmap(
            ids, [[a.matrix[x][y] for y in ids] for x in ids], cell_href=lambda x, y: "#" + routes.pair_anchor(*a.pair(x, y))
        ),
        heatmap_max=HEATMAP_MAX,
        bars=svg.bar_chart([(k, len(rules)) for k, rules in counts.items()], bar_href=lambda k: "#" + routes.questions_anchor(k)),
    )


def crosswalk_page(site: _Site) -> str:
    return site.page("crosswalk.md.j2", routes.CROSSWALK, boost=search.NIST_INDEX_BOOST, **crosswalk.context(site.cat, site.a, site.cw))


def security_hub_page(site: _Site) -> str:
    """Security Hub controls and PCI DSS requirements in reverse: each with its rules and their questions."""
    a, cat = site.a, site.cat

    def questions(rules) -> list[str]:
        return sorted({q for r in rules for q in a.rule_controls[r]}, key=lambda q: cat.control(q).number)

    hub = [(h, rules, questions(rules)) for h, rules in site.cw.security_hub_rules]
    pci = [(p, rules, questions(rules)) for p, rules in site.cw.pci_rules.items()]
    return site.page("security_hub.md.j2", routes.SECURITY_HUB, hub=hub, pci=pci, boost=search.HUB_INDEX_BOOST)


def errata_page(site: _Site) -> str:
    contradicted = site.cw.corroboration_counts["contradicted"]
    return site.page("errata.md.j2", routes.ERRATA, errata=site.cat.errata, contradicted=contradicted)


def _template_differences(cat: Catalog) -> list[wa_template.Difference] | None:
    """The whole-framework pack against AWS's WA template (None: no snapshot of the template, or no pack)."""
    if cat.crosswalks.source("wa-template") is None:
        return None
    try:
        files, _ = conformance_pack.build(cat, conformance_pack.find_scope(cat))
    except conformance_pack.PackError:
        return None
    return wa_template.compare(cat, files)


def methodology_page(site: _Site) -> str:
    report = sources.check(site.cat, site.cw)
    diffs = _template_differences(site.cat)
    return site.page(
        "methodology.md.j2",
        routes.METHODOLOGY,
        report=report,
        difference_counts=report.counts,
        template_snapshot=site.cat.crosswalks.source("wa-template"),
        template_differences=[d for d in diffs or () if d.field != "Description"],
        described=sum(d.field == "Description" for d in diffs or ()),
        description_reason=wa_template.DESCRIPTION_REASON,
    )


def pack_context(pack: conformance_pack.PackSummary) -> dict[str, Any]:
    """What the ``deploy`` macro (templates/_macros.md.j2) shows of one pack."""
    files = [(name, published.PREFIX + published.PACKS_DIR + name) for name in pack.files]
    return dict(
        label=pack.label, files=files, rules=pack.rules, mapped=pack.mapped, left_out=pack.left_out,
        parameters=pack.parameters, max_bytes=conformance_pack.MAX_TEMPLATE_BYTES,
    )


def question_files(control_id: str, files: dict[str, bytes]) -> dict[str, str] | None:
    """The downloads of one question that the site publishes beside its rules: its CSV (docs-relative); its
    conformance pack is the deploy block of ``packs``."""
    csv_path = published.PREFIX + published.question_csv(control_id)
    return {"csv": csv_path} if csv_path in files else None


def downloads_page(
    site: _Site, entries: list[Entry], files: dict[str, bytes], packs: dict[str, conformance_pack.PackSummary] | None = None
) -> str:
    manifest = published.PREFIX + published.MANIFEST
    listed: list[dict[str, Any]] = [
        dict(path=published.PREFIX + e.path, name=e.path, what=e.description, rows=e.rows, unit=e.unit, data=e.data) for e in entries
    ] + [dict(path=manifest, name=published.MANIFEST, what=None, rows=None, unit=None, data=files[manifest])]
    for f in listed:
        f["size"], f["sha256"] = len(f["data"]), hashlib.sha256(f.pop("data")).hexdigest()
    dictionary = [(table, [(c.name, c.type, columns.meaning(c)) for c in cols]) for table, cols in columns.dictionary()]
    deploy = [pack_context(p) for p in (packs or {}).values()]
    return site.page("downloads.md.j2", routes.DOWNLOADS, files=listed, dictionary=dictionary, packs=deploy)


def render_site(
    catalog: Catalog,
    *,
    github: GitHub | None = None,
    changes: str | None = None,
) -> dict[str, str | bytes]:
    """Every generated file of the site: docs-relative path -> Markdown text or file bytes.

    ``github``: the repository the catalogue is edited in; every rule and question page then links to
    its YAML file there and to the issue form. ``changes``: the Markdown of the "Changes per release"
    page (:func:`conformap.site.changes.changes_markdown`, which escapes catalogue text), written as
    ``changes.md`` and linked from the home page.
    """
    site = _Site(catalog, build_graph(catalog), github, changes is not None)
    entries = published.entries(catalog)
    files = published.download_files(catalog, entries)
    pages: dict[str, str] = {routes.HOME: home(site, entries), routes.CONTROLS_INDEX: controls_index(site), routes.RULES_INDEX: rules_index(site)}
    for r in catalog.rules:
        pages[routes.rule_page(r.id)] = rule_detail(site, r)
    pages[routes.OVERLAP] = overlap_page(site)
    pages[routes.CROSSWALK] = crosswalk_page(site)
    pages[routes.SECURITY_HUB] = security_hub_page(site)
    pages[routes.ERRATA] = errata_page(site)
    pages[routes.METHODOLOGY] = methodology_page(site)
    packs = conformance_pack.summaries(catalog)
    for c in catalog.controls:
        pages[routes.control_page(c.id)] = control_detail(site, c, question_files(c.id, files), packs)
    pages[routes.DOWNLOADS] = downloads_page(site, entries, files, packs)
    order = [routes.HOME, routes.CONTROLS_INDEX, *(routes.control_page(c.id) for c in catalog.controls), routes.RULES_INDEX]
    out: dict[str, str | bytes] = {name: pages.pop(name) for name in order}
    out.update(pages)
    out.update(files)
    if changes is not None:
        out[routes.CHANGES] = changes
    return out


def edit_button_paths(catalog: Catalog) -> dict[str, str]:
    """:func:`edit_paths` without the question pages: the theme's "edit this page" button would open a question's
    file, which holds its text but none of its rules (their mappings are in the rule files); the page's
    "Suggest a change" section says so and links to both instead."""
    questions = {routes.control_page(c.id) for c in catalog.controls}
    return {page: path for page, path in edit_paths(catalog).items() if page not in questions}


def edit_paths(catalog: Catalog) -> dict[str, str]:
    """Page -> the catalogue file it is generated from, relative to the repository root.

    Pages built from the whole catalogue (home, indexes, overlap, methodology, downloads) have no entry;
    neither has anything when the catalogue lies outside the repository.
    """
    try:
        base = Path(catalog.root).resolve().relative_to(paths.PROJECT_ROOT)
    except ValueError:
        return {}
    out = {routes.control_page(c.id): (base / paths.CONTROLS_DIR / f"{c.id}.yaml").as_posix() for c in catalog.controls}
    out |= {routes.rule_page(r.id): (base / paths.RULES_DIR / f"{r.id}.yaml").as_posix() for r in catalog.rules}
    if catalog.errata or (Path(catalog.root) / paths.ERRATA_FILE).is_file():
        out[routes.ERRATA] = (base / paths.ERRATA_FILE).as_posix()
    return out
