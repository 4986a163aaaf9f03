"""The site as text: plain functions from the catalogue model (and its graph) to pages.

:func:`render_site` returns every generated file, docs-relative path -> content (Markdown pages as
``str``, downloads as ``bytes``); :func:`edit_paths` says which catalogue file each page comes from.
Nothing here knows about MkDocs: ``scripts/gen_pages.py`` writes the result through mkdocs-gen-files,
and any other builder can do the same.

Every catalogue string reaches a page through :mod:`conformap.escape` (escaped text, checked https:
links); links between pages are relative ``.md`` links built from schema-restricted ids, so a
builder that checks links (``mkdocs build --strict``) checks every cross-reference.

Two inputs are optional, so that the pages stay a function of the catalogue: a :class:`GitHub`
repository (every rule and question page then ends with a "Suggest a change" section that links to
the YAML file to edit and to the issue form, prefilled), and the Markdown of the "Changes per
release" page, which needs git history (``scripts/gen_pages.py`` makes it with
:func:`conformap.contrib.changes.changes_markdown`).
"""

from __future__ import annotations

import hashlib
import heapq
import json
import posixpath
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

import networkx as nx
from conformap import outputs
from conformap.outputs import mappings_csv, mappings_json
from conformap import paths
from conformap.analysis import stats
from conformap.site import svg
from conformap import escape as t
from conformap.analysis.graph import build_graph
from conformap.catalog.model import Catalog, Control, Erratum, Mapping, Rule, SourceRef, Statement

_RULE_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_CONTROL_ID = re.compile(r"^[A-Z][A-Z0-9]*(?:[-.][A-Z0-9]+)*$")
_STATEMENT_ID = re.compile(r"^[A-Z][A-Z0-9]*(?:[-.][A-Z0-9]+)*\.[A-Za-z0-9]+$")
_ERRATUM_ID = re.compile(r"^E[1-9][0-9]*$")
_GITHUB_PATH = re.compile(r"^[A-Za-z0-9._-]+(?:/[A-Za-z0-9._-]+)*$")

HOME = "index.md"
CONTROLS_INDEX = "controls/index.md"
RULES_INDEX = "rules/index.md"
OVERLAP = "overlap.md"
ERRATA = "errata.md"
METHODOLOGY = "methodology.md"
DOWNLOADS = "downloads/index.md"
CHANGES = "changes.md"
CONTRIBUTING = "contributing.md"  # the repository's CONTRIBUTING.md, added by scripts/gen_pages.py
DOWNLOAD_JSON = "downloads/mappings.json"
DOWNLOAD_CSV = "downloads/mappings.csv"
DOWNLOAD_SCHEMA = "downloads/mappings.schema.json"
UNSPECIFIED = "(unspecified)"

# At most this many questions are drawn in the overlap heatmap (the table below it has them all).
HEATMAP_MAX = 40
# At most this many rules with the same question set are listed on a rule page (the list would
# otherwise grow with the square of the catalogue).
SAME_SET_MAX = 12

# The issue form that "Report a mapping problem" opens (.github/ISSUE_TEMPLATE/), the title it starts
# with, and the ids of the form fields it fills in (GitHub prefills input and textarea fields from
# query parameters named after their id). tests/test_pages.py checks them against the form itself.
ISSUE_FORM = "mapping-correction.yml"
ISSUE_TITLE = "[mapping] "
ISSUE_RULE_FIELD = "rule"
ISSUE_QUESTION_FIELD = "question"

_GITHUB_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")
_GITHUB_REPO_URL = re.compile(r"^https://github\.com/([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+?)(?:\.git)?/?$")
_EDIT_URI_BRANCH = re.compile(r"^/?(?:edit|blob|tree)/([^/?#\s]+)/")


@dataclass(frozen=True)
class GitHub:
    """The GitHub repository (and branch) the catalogue is edited in, for the "Suggest a change" links."""

    owner: str
    repo: str
    branch: str = "main"

    def __post_init__(self) -> None:
        for value in (self.owner, self.repo):
            if not _GITHUB_NAME.match(value) or value in (".", ".."):
                raise ValueError(f"{value!r} cannot name a GitHub owner or repository")
        if not self.branch or any(c.isspace() or ord(c) < 32 for c in self.branch):
            raise ValueError(f"{self.branch!r} cannot name a branch")

    @classmethod
    def from_mkdocs(cls, repo_url: object, edit_uri: object = None) -> "GitHub | None":
        """From MkDocs' ``repo_url`` and ``edit_uri`` (``edit/<branch>/docs/``); ``None`` unless a GitHub repository."""
        m = _GITHUB_REPO_URL.match(repo_url) if isinstance(repo_url, str) else None
        if m is None or m.group(2) in (".", ".."):
            return None
        b = _EDIT_URI_BRANCH.match(edit_uri) if isinstance(edit_uri, str) else None
        return cls(m.group(1), m.group(2), b.group(1) if b else "main")

    @property
    def url(self) -> str:
        return f"https://github.com/{quote(self.owner, safe='')}/{quote(self.repo, safe='')}"

    def edit_url(self, path: str) -> str:
        """GitHub's editor for a file of the repository (``path`` relative to its root)."""
        return f"{self.url}/edit/{quote(self.branch, safe='')}/{quote(path, safe='/')}"

    def issue_url(self, template: str, title: str, fields: dict[str, str]) -> str:
        """A new issue with an issue form, its title and fields (by id) filled in; every value is percent-encoded."""
        query = [("template", template), ("title", title), *fields.items()]
        return f"{self.url}/issues/new?" + "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in query)


# --------------------------------------------------------------------------- page names and links


def control_page(control_id: str) -> str:
    """``controls/sec-1.md`` for SEC-1 (served as ``controls/sec-1/``)."""
    if not _CONTROL_ID.match(control_id) or control_id.lower() == "index":
        raise ValueError(f"control id {control_id!r} cannot name a page")
    return f"controls/{control_id.lower()}.md"


def rule_page(rule_id: str) -> str:
    """``rules/<rule-name>.md`` (served as ``rules/<rule-name>/``)."""
    if not _RULE_ID.match(rule_id) or rule_id == "index":
        raise ValueError(f"rule id {rule_id!r} cannot name a page")
    return f"rules/{rule_id}.md"


def statement_anchor(statement_id: str) -> str:
    if not _STATEMENT_ID.match(statement_id):
        raise ValueError(f"statement id {statement_id!r} cannot name an anchor")
    return "s-" + statement_id.lower()


def erratum_anchor(erratum_id: str) -> str:
    if not _ERRATUM_ID.match(erratum_id):
        raise ValueError(f"erratum id {erratum_id!r} cannot name an anchor")
    return erratum_id.lower()


@lru_cache(maxsize=4096)
def _relpath(src_dir: str, dst: str) -> str:
    # posixpath.relpath without its calls to the working directory (pages are built by the thousand).
    here = [p for p in src_dir.split("/") if p]
    there = dst.split("/")
    common = 0
    while common < min(len(here), len(there) - 1) and here[common] == there[common]:
        common += 1
    return "/".join([".."] * (len(here) - common) + there[common:])


def rel(src: str, dst: str, anchor: str | None = None) -> str:
    """Relative link from page ``src`` to file ``dst`` (both docs-relative, without ``..``)."""
    return _relpath(posixpath.dirname(src), dst) + (f"#{anchor}" if anchor else "")


def _link(label_md: str, src: str, dst: str, anchor: str | None = None) -> str:
    return f"[{label_md}]({rel(src, dst, anchor)})"


def control_link(src: str, control_id: str, anchor: str | None = None) -> str:
    return _link(t.text(control_id), src, control_page(control_id), anchor)


def rule_link(src: str, rule_id: str) -> str:
    return _link(t.text(rule_id), src, rule_page(rule_id))


def erratum_link(src: str, e: Erratum, with_title: bool = True) -> str:
    label = f"{t.text(e.id)}: {t.text(e.title)}" if with_title else t.text(e.id)
    return _link(label, src, ERRATA, erratum_anchor(e.id))


def _service(name: str) -> str:
    """A service name from :mod:`conformap.analysis.stats`, which names rules without a service ``(unspecified)``."""
    return "*not stated by the source*" if name == UNSPECIFIED else t.text(name)


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def _ratio(x: float) -> str:
    return f"{x:.3f}".rstrip("0").rstrip(".") if x else "0"


def _rows(rows: tuple[int, ...]) -> str:
    return ", ".join(str(r) for r in rows)


def _cell(md: str) -> str:
    """A table cell: already-escaped Markdown, never empty."""
    return md if md.strip() else "—"


def _table(header: list[str], rows: list[list[str]], align: str | None = None) -> str:
    aligns = list(align) if align else ["l"] * len(header)
    sep = ["---:" if a == "r" else ":---:" if a == "c" else "---" for a in aligns]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(sep) + " |"]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _page(*blocks: str) -> str:
    return "\n".join(b.rstrip("\n") + "\n" for b in blocks if b is not None and b != "")


# --------------------------------------------------------------------------- facts, computed once


@dataclass
class _Facts:
    cat: Catalog
    g: nx.DiGraph
    github: GitHub | None = None
    changes: bool = False  # the site has a "Changes per release" page

    def __post_init__(self) -> None:
        g = self.g
        self.sources = edit_paths(self.cat) if self.github else {}
        self.control_ids = stats.controls(g)
        self.rule_sets = stats.control_sets(g)
        self._alongside_by_set: dict[tuple[tuple[str, ...], int], list[tuple[str, int]]] = {}
        self.control_rules = {c: stats.control_rules(g, c) for c in self.control_ids}
        self.exclusive = {c: [r for r in rs if self.rule_sets[r] == (c,)] for c, rs in self.control_rules.items()}
        self.matrix = stats.overlap_matrix(g)
        self.summary = stats.summary(g)
        by_set: dict[tuple[str, ...], list[str]] = defaultdict(list)
        for r, s in self.rule_sets.items():
            if s:
                by_set[s].append(r)
        self.by_set = by_set
        replaces: dict[str, list[str]] = defaultdict(list)
        for r in self.cat.rules:
            if r.deprecated:
                replaces[r.deprecated.successor].append(r.id)
        self.replaces = replaces
        printed: dict[str, list[Mapping]] = defaultdict(list)
        for m in self.cat.mappings:
            if m.printed_statement and m.printed_statement != m.statement_id:
                printed[self.cat.statement(m.printed_statement).control_id].append(m)
        self.printed_with = {c: sorted(ms, key=lambda m: (m.rule_id, m.statement_id)) for c, ms in printed.items()}

    def same_set(self, rule_id: str) -> list[str]:
        """:func:`stats.same_control_set`, from the rules grouped by control set."""
        return [r for r in self.by_set.get(self.rule_sets[rule_id], []) if r != rule_id]

    def alongside(self, rule_id: str, limit: int = 5) -> list[tuple[str, int]]:
        """:func:`stats.mapped_alongside`, from the precomputed rules of each control.

        Rules with the same control set share one count (the rule itself included, then dropped),
        so the work grows with the number of distinct control sets, not with the number of rules.
        """
        controls = self.rule_sets[rule_id]
        top = self._alongside_by_set.get((controls, limit))
        if top is None:
            common: Counter[str] = Counter()
            for c in controls:
                common.update(self.control_rules[c])
            top = heapq.nsmallest(limit + 1, common.items(), key=lambda kv: (-kv[1], kv[0]))
            self._alongside_by_set[(controls, limit)] = top
        return [kv for kv in top if kv[0] != rule_id][:limit]

    def jaccard(self, a: str, b: str) -> tuple[int, float]:
        """Same numbers as :func:`stats.overlap`, from the precomputed matrix."""
        shared = self.matrix[a][b]
        union = self.matrix[a][a] + self.matrix[b][b] - shared
        return shared, (round(shared / union, 3) if union else 0.0)

    def control_overlaps(self, cid: str) -> list[tuple[str, int, float]]:
        return [(o, *self.jaccard(cid, o)) for o in self.control_ids if o != cid and self.control_rules[o]]


# --------------------------------------------------------------------------- pages


def _statement_label(s: Statement) -> str:
    if s.best_practice:
        return f"{t.text(s.best_practice.title)} ({t.text(s.best_practice.id)})"
    if s.kind == "question-description":
        return "Question description"
    return "Best practice"


def _best_practice_line(s: Statement) -> str:
    bp = s.best_practice
    if bp is None:
        return ""
    label = f"{bp.id} {bp.title}"
    return f"Best practice: {t.link(label, bp.url)}"


def _source_ref(ref: SourceRef) -> str:
    parts = []
    if ref.repo:
        repo = t.text(ref.repo)
        path = t.text(ref.path or "")
        if ref.commit and ref.path and _GITHUB_PATH.match(ref.path) and ".." not in ref.path.split("/"):
            url = f"https://github.com/{ref.repo}/blob/{ref.commit}/{ref.path}"
            parts.append(f"{repo}: {t.link(ref.path, url)} at {t.code(ref.commit[:12])}")
        elif ref.commit:
            url = f"https://github.com/{ref.repo}/tree/{ref.commit}"
            parts.append(f"{t.link(ref.repo, url)}: {path} at {t.code(ref.commit[:12])}")
        else:
            parts.append(f"{repo}: {path}")
    if ref.url:
        parts.append(t.link(ref.url, ref.url))
    if ref.note:
        parts.append(f"({t.text(ref.note)})")
    return " ".join(parts)


def _mapping_note(m: Mapping, src: str, cat: Catalog) -> str:
    notes = []
    if m.source_rows:
        notes.append(("source row " if len(m.source_rows) == 1 else "source rows ") + _rows(m.source_rows))
    else:
        notes.append("contributed mapping, not in the source" + (f": {t.text(m.rationale)}" if m.rationale else ""))
    if m.printed_statement:
        shown = cat.statement(m.printed_statement)
        notes.append(
            f"the source printed this row with the text of {control_link(src, shown.control_id, statement_anchor(shown.id))}"
            f" ({t.text(shown.id)})"
        )
    return "; ".join(notes)


def _suggest_change(f: _Facts, src: str, subject: str, fields: dict[str, str], filled: str) -> str:
    """The "Suggest a change" section: the catalogue file to edit on GitHub, and the issue form, prefilled.

    ``subject`` (a rule or question id) ends the issue title; ``fields`` are the form fields to fill in,
    by id. Nothing without a :class:`GitHub` repository.
    """
    gh = f.github
    if gh is None:
        return ""
    items = []
    source = f.sources.get(src)
    if source:
        items.append(
            f"- {t.link(f'Edit {source} on GitHub', gh.edit_url(source))}, then propose the change as a pull request: "
            f"{_link('Contributing', src, CONTRIBUTING)} explains the file and the checks."
        )
    issue = gh.issue_url(ISSUE_FORM, ISSUE_TITLE + subject, {k: v for k, v in fields.items() if v})
    items.append(f"- {t.link('Report a mapping problem', issue)}: the *Mapping correction* issue form, with {filled} filled in.")
    return _page("## Suggest a change", "\n".join(items))


def _deprecated_badge(r: Rule) -> str:
    return " *(deprecated)*" if r.deprecated else ""


def home(f: _Facts) -> str:
    cat, s = f.cat, f.summary
    fw = cat.framework
    src = HOME
    tiles = [
        (s.controls, "questions", f"{s.controls_mapped} with rules"),
        (s.rules, "AWS Config rules", f"{s.services} services"),
        (s.mappings, "mappings", "rule → question statement"),
        (s.shared_rules, "shared rules", "support 2+ questions"),
        (s.exclusive_rules, "exclusive rules", "support 1 question"),
        (len(cat.errata), "errata", "errors of the source, recorded"),
    ]
    tile_html = "".join(
        f'<div class="cm-tile"><span class="cm-tile__value">{n}</span>'
        f'<span class="cm-tile__label">{t.html(label)}</span><span class="cm-tile__note">{t.html(note)}</span></div>'
        for n, label, note in tiles
    )
    unmapped = stats.unmapped_controls(f.g)
    unmapped_md = ", ".join(control_link(src, c) for c in unmapped)
    intro = (
        f"conformap maps the questions of the **{t.text(fw.title)}** ({t.text(fw.publisher)}) to "
        f"**AWS Config managed rules**, as AWS's page {t.link(fw.source.title, fw.source.url)} states them, "
        "in a validated, versioned catalogue with a page per question and per rule."
    )
    parts = [
        "# conformap",
        intro,
        t.text(fw.description) if fw.description else "",
        '!!! warning "A sample mapping, not a compliance guarantee"\n\n    '
        + ("AWS's notice on the page: “" + t.text(fw.source.notice) + "”" if fw.source.notice else "The source is a sample mapping."),
        "## In numbers",
        f'<div class="cm-tiles">{tile_html}</div>',
        (f"The source maps no rule to {unmapped_md}." if unmapped else ""),
        "## Where to start",
        "\n".join(
            line
            for line in [
                f"- **{_link('Questions', src, CONTROLS_INDEX)}**: every question, its statements and the rules that support it.",
                f"- **{_link('Rules', src, RULES_INDEX)}**: every rule, with its service, trigger, parameters and guidance.",
                f"- **{_link('Overlap', src, OVERLAP)}**: which questions share rules, and how many questions each rule supports.",
                f"- **{_link('Errata', src, ERRATA)}**: where the source is wrong or odd, and what the catalogue does about it.",
                f"- **{_link('Methodology', src, METHODOLOGY)}**: where the data comes from and how the numbers are computed.",
                (f"- **{_link('Changes', src, CHANGES)}**: what changed in the catalogue at each release." if f.changes else ""),
                f"- **{_link('Contributing', src, CONTRIBUTING)}**: how to correct or add a mapping by pull request.",
                f"- **{_link('About', src, 'about.md')}**: the project, its licence and how to correct it.",
            ]
            if line
        ),
        "## Downloads",
        "\n".join(
            [
                f"- {_link('mappings.json', src, DOWNLOAD_JSON)}: the whole catalogue, one JSON document.",
                f"- {_link('mappings.csv', src, DOWNLOAD_CSV)}: one row per mapping, for spreadsheets.",
                f"- {_link('All downloads', src, DOWNLOADS)}, with sizes, row counts and SHA-256 checksums.",
            ]
        ),
    ]
    return _page(*parts)


def controls_index(f: _Facts) -> str:
    src = CONTROLS_INDEX
    rows = []
    for c in f.cat.controls:
        n = len(f.control_rules[c.id])
        question = t.text(c.question) + ("" if n else " *(no rule mapped)*")
        rows.append([control_link(src, c.id), question, str(n), str(len(f.exclusive[c.id])), str(len(c.statements))])
    return _page(
        "# Questions",
        f"The {len(f.cat.controls)} questions of the {t.text(f.cat.framework.title)}. "
        "**Rules**: rules that support the question; **exclusive**: of those, rules that support no other question; "
        "**statements**: the description texts the source prints beside the question.",
        _table(["Question", "Text", "Rules", "Exclusive", "Statements"], rows, "llrrr"),
    )


def _rule_item(src: str, r: Rule, m: Mapping, cat: Catalog) -> str:
    service = f" · {t.text(r.service)}" if r.service else ""
    note = _mapping_note(m, src, cat)
    if r.deprecated and cat.has_rule(r.deprecated.successor):
        note += f"; deprecated, use {rule_link(src, r.deprecated.successor)}"
    return (
        f"- **{rule_link(src, r.id)}**{_deprecated_badge(r)}{service}\n\n"
        f"    {t.text(r.guidance)}\n\n"
        f'    <small class="cm-note">{note}</small>\n'
    )


def control_detail(f: _Facts, c: Control) -> str:
    cat, g = f.cat, f.g
    src = control_page(c.id)
    rules = f.control_rules[c.id]
    facts = [f"**{_plural(len(rules), 'rule')}**", f"{len(f.exclusive[c.id])} exclusive"] if rules else []
    if c.framework_question_id:
        facts.append(f"framework id {t.code(c.framework_question_id)}")
    if c.url:
        facts.append(t.link("framework page", c.url))
    line = " · ".join(facts)
    parts = [f"# {t.text(c.id)} · {t.text(c.question)}", line[:1].upper() + line[1:]]
    if c.current_question and c.current_question != c.question:
        parts.append(
            '!!! note "Current wording"\n\n'
            f"    The framework now asks: *{t.text(c.current_question)}* "
            "This site shows the question as the source prints it."
        )
    if not rules:
        # A note that only restates the gap ("The source page maps no ... rule") is not repeated.
        note = c.note if c.note and "maps no" not in c.note.lower() else None
        parts.append(
            '!!! info "No rule mapped"\n\n'
            "    The source maps no AWS Config rule to this question."
            + (f" {t.text(note)}" if note else "")
            + (f" The question in the framework: {t.link(cat.framework.title, cat.framework.url)}." if not c.url and cat.framework.url else "")
        )
    elif c.note:
        parts.append(t.text(c.note))

    # Statements, each with its rules.
    mappings_by_statement: dict[str, list[tuple[Rule, Mapping]]] = defaultdict(list)
    for rid in rules:
        r = cat.rule(rid)
        for m in r.mappings:
            if m.control_id == c.id:
                mappings_by_statement[m.statement_id].append((r, m))
    if c.statements:
        parts.append("## Statements and their rules" if rules else "## Statements")
        for s in c.statements:
            parts.append(f'### <a id="{statement_anchor(s.id)}"></a>{t.text(s.id)} · {_statement_label(s)}')
            parts.append(f"> {t.text(s.text)}")
            parts.append(_best_practice_line(s))
            items = sorted(mappings_by_statement.get(s.id, []), key=lambda rm: rm[0].id)
            if items:
                parts.append(f"{_plural(len(items), 'rule')} under this statement:")
                parts.append("\n".join(_rule_item(src, r, m, cat) for r, m in items))
            elif rules:
                parts.append("No rule is mapped to this statement.")

    if rules:
        parts.append("## Overlap with other questions")
        overlaps = f.control_overlaps(c.id)
        if overlaps:
            parts.append(
                "Rules this question shares with each other mapped question, and the Jaccard index "
                f"(shared rules ÷ rules of either question; see {_link('methodology', src, METHODOLOGY)})."
            )
            parts.append(
                _table(
                    ["Question", "Text", "Shared rules", "Jaccard"],
                    [[control_link(src, o), t.text(cat.control(o).question), str(n), _ratio(j)] for o, n, j in overlaps],
                    "llrr",
                )
            )
        else:
            parts.append("No other question has rules.")
        excl = f.exclusive[c.id]
        parts.append(f"## Exclusive rules ({len(excl)})")
        parts.append(
            "Rules that support this question and no other: "
            + (", ".join(rule_link(src, r) for r in excl) + "." if excl else "none.")
        )
        parts.append("## Services covered")
        parts.append(
            _table(["Service", "Rules"], [[_service(sv), str(n)] for sv, n in stats.control_services(g, c.id)], "lr")
        )
    printed = f.printed_with.get(c.id, [])
    if printed:
        parts.append("## Rows printed with this question's text")
        parts.append(
            "The source prints these rows with the text of one of this question's statements, but labels them "
            "with another question, which the catalogue maps them to (see the errata below):"
        )
        parts.append(
            "\n".join(
                f"- {rule_link(src, m.rule_id)}: printed with {_link(t.text(m.printed_statement), src, src, statement_anchor(m.printed_statement))}, "
                f"mapped to {control_link(src, m.control_id, statement_anchor(m.statement_id))}"
                for m in printed
            )
        )
    errata = cat.errata_for_control(c.id)
    if errata:
        parts.append("## Errata")
        parts.append("\n".join(f"- {erratum_link(src, e)}" for e in errata))
    parts.append(_suggest_change(f, src, c.id, {ISSUE_QUESTION_FIELD: c.id}, "this question"))
    return _page(*parts)


def rules_index(f: _Facts) -> str:
    src = RULES_INDEX
    rows = []
    for r in f.cat.rules:
        ctrls = ", ".join(control_link(src, c) for c in f.rule_sets[r.id]) or "none"
        name = rule_link(src, r.id) + _deprecated_badge(r) + (" *(process check)*" if r.kind == "process-check" else "")
        rows.append([name, t.text(r.service or ""), t.text(r.trigger or ""), ctrls])
    return _page(
        "# Rules",
        f"{len(f.cat.rules)} rules, by name. Each supports the questions listed; "
        f"{_link('Overlap', src, OVERLAP)} counts them by service and by number of questions.",
        _table(["Rule", "Service", "Trigger", "Questions"], rows),
    )


def _parameters(r: Rule) -> str:
    rows, notes = [], []
    documented = {p.name for p in r.parameters}
    for p in r.parameters:
        pack = r.pack_input_parameters.get(p.name)
        rows.append(
            [
                t.code(p.name),
                t.text(p.type),
                "yes" if p.optional else "no",
                t.code(p.default) if p.default is not None else "none",
                t.code(pack) if pack is not None else "not set",
            ]
        )
        if p.description:
            notes.append(f"- {t.code(p.name)}: {t.text_with_code(p.description)}")
    for name, value in r.pack_input_parameters.items():
        if name not in documented:
            rows.append([t.code(name), "", "", "", t.code(value)])
            notes.append(f"- {t.code(name)}: set by the conformance pack, not in the rule's documentation.")
    if not rows:
        return "The rule takes no parameters (none documented, none set by the conformance pack)."
    return _page(_table(["Name", "Type", "Optional", "Default", "Conformance pack value"], rows), "\n".join(notes))


def rule_detail(f: _Facts, r: Rule) -> str:
    cat = f.cat
    src = rule_page(r.id)
    parts = [f"# {t.text(r.id)}"]
    if r.deprecated:
        parts.append(
            '!!! warning "Deprecated"\n\n'
            f"    Use {rule_link(src, r.deprecated.successor) if cat.has_rule(r.deprecated.successor) else t.code(r.deprecated.successor)} instead. "
            + t.text(r.deprecated.reason)
        )
    replaced = f.replaces.get(r.id)
    if replaced:
        parts.append(
            '!!! tip "Replaces"\n\n'
            f"    This rule replaces {', '.join(rule_link(src, o) for o in replaced)} (deprecated)."
        )
    if r.description:
        parts.append(t.text_with_code(r.description))
    if r.resource_types:
        resources = ", ".join(t.code(x) for x in r.resource_types)
    elif r.resource_types_current_docs:
        resources = "not stated by the source; the current AWS documentation lists " + ", ".join(
            t.code(x) for x in r.resource_types_current_docs
        )
    else:
        resources = "not stated by the source"
    facts = [
        ("Kind", "AWS Config managed rule" if r.kind == "managed" else "process check (a manual check, not an AWS Config rule)"),
        ("Identifier", t.code(r.identifier) if r.identifier else "none"),
        ("Documentation", t.link("AWS Config Developer Guide", r.documentation_url) if r.documentation_url else "not stated by the source"),
        ("Service", t.text(r.service) if r.service else "not stated by the source"),
        ("Trigger", t.text(r.trigger) if r.trigger else "not stated by the source"),
        ("Resource types", resources),
    ]
    if r.pack_scope_resource_types:
        facts.append(("Conformance pack scope", ", ".join(t.code(x) for x in r.pack_scope_resource_types)))
    if r.regions_note:
        facts.append(("Regions", t.text(r.regions_note)))
    parts.append("\n".join(f"- **{k}:** {v}" for k, v in facts))
    parts.append("## Questions it supports")
    if r.mappings:
        items = []
        for m in sorted(r.mappings, key=lambda m: (cat.control(m.control_id).number, m.statement_id)):
            c = cat.control(m.control_id)
            s = cat.statement(m.statement_id)
            stmt = _link(t.text(s.id), src, control_page(c.id), statement_anchor(s.id))
            items.append(
                f"- **{control_link(src, c.id)}** · {t.text(c.question)}\n\n"
                f'    <small class="cm-note">Statement {stmt}: {_statement_label(s)}; {_mapping_note(m, src, cat)}</small>\n'
            )
        parts.append("\n".join(items))
    else:
        parts.append("The catalogue maps this rule to no question.")

    parts.append("## Guidance")
    parts.append(t.text(r.guidance))
    parts.append("## Parameters")
    parts.append(_parameters(r))

    parts.append("## Overlap")
    n = len(f.rule_sets[r.id])
    same = f.same_set(r.id)
    along = f.alongside(r.id)
    lines = [f"- Supports {_plural(n, 'question')}" + (" (exclusive)." if n == 1 else ".")]
    if n:
        shown = ", ".join(rule_link(src, o) for o in same[:SAME_SET_MAX])
        if len(same) > SAME_SET_MAX:
            shown += f" and {len(same) - SAME_SET_MAX} more (see the questions' pages)"
        lines.append(
            f"- Rules supporting exactly the same questions ({len(same)}): {shown}."
            if same
            else "- Rules supporting exactly the same questions: none."
        )
        lines.append(
            "- Most often mapped alongside: "
            + (", ".join(f"{rule_link(src, o)} ({_plural(k, 'question')} in common)" for o, k in along) + "." if along else "no other rule.")
        )
    parts.append("\n".join(lines))

    errata = cat.errata_for_rule(r.id)
    if errata:
        parts.append("## Errata")
        parts.append("\n".join(f"- {erratum_link(src, e)}" for e in errata))

    parts.append("## Sources")
    rows = sorted({row for m in r.mappings for row in m.source_rows})
    src_lines = []
    if rows:
        src_lines.append(
            f"- {'Row' if len(rows) == 1 else 'Rows'} {_rows(tuple(rows))} of "
            f"{t.link(cat.framework.source.title, cat.framework.source.url)}."
        )
    src_lines += [f"- {_source_ref(ref)}" for ref in r.sources]
    parts.append("\n".join(src_lines) if src_lines else "No source recorded.")

    questions = f.rule_sets[r.id]
    filled = "this rule" + (" and its question" if len(questions) == 1 else " and its questions" if questions else "")
    parts.append(_suggest_change(f, src, r.id, {ISSUE_RULE_FIELD: r.id, ISSUE_QUESTION_FIELD: ", ".join(questions)}, filled))
    return _page(*parts)


def _heatmap(f: _Facts) -> str:
    ids = f.control_ids[:HEATMAP_MAX]
    matrix = [[f.matrix[a][b] for b in ids] for a in ids]

    def title(i: int, j: int, v: int) -> str:
        if i == j:
            return f"{ids[i]}: {_plural(v, 'rule')}"
        return f"{ids[i]} and {ids[j]}: {_plural(v, 'rule')} in common"

    label = (
        "Heatmap of the rules shared by each pair of questions"
        + (f" ({ids[0]} to {ids[-1]})" if ids else "")
        + "; the diagonal gives each question's own number of rules. The table below lists every value."
    )
    chart = svg.heatmap(ids, matrix, label=label, cell_title=title)
    caption = (
        "Rules in common between two questions: the stronger the shade, the more rules. The outlined diagonal "
        "is each question's own number of rules. Each cell's value is also in its tooltip and in the table below."
    )
    more = "" if len(f.control_ids) <= HEATMAP_MAX else f" Only the first {HEATMAP_MAX} questions are drawn."
    return f'<figure class="cm-figure">{chart}<figcaption>{t.html(caption + more)}</figcaption></figure>'


def overlap_page(f: _Facts) -> str:
    cat, g = f.cat, f.g
    src = OVERLAP
    ids = f.control_ids
    matrix_rows = [[control_link(src, a)] + [str(f.matrix[a][b]) for b in ids] for a in ids]
    matrix_table = _table(["Question"] + [t.text(b) for b in ids], matrix_rows, "l" + "r" * len(ids))
    pairs = []
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            shared, jac = f.jaccard(a, b)
            if shared:
                pairs.append((jac, shared, a, b))
    pairs.sort(key=lambda p: (-p[0], -p[1], cat.control(p[2]).number, cat.control(p[3]).number))
    pair_rows = [[control_link(src, a), control_link(src, b), str(n), _ratio(j)] for j, n, a, b in pairs]

    dist = stats.rules_by_control_count(g)
    counts = sorted(dist)
    bars = svg.bar_chart(
        [str(k) for k in counts],
        [len(dist[k]) for k in counts],
        label="Bar chart of the number of rules by how many questions each supports: "
        + "; ".join(f"{_plural(k, 'question')}: {_plural(len(dist[k]), 'rule')}" for k in counts)
        + ".",
        bar_title=lambda i, v: f"{_plural(v, 'rule')} support {_plural(counts[i], 'question')}",
        x_label="questions supported",
        y_label="rules",
    )
    dist_rows = []
    for k in counts:
        members = dist[k]
        if len(members) <= 20:
            which = ", ".join(rule_link(src, r) for r in members)
        elif k == 1:
            which = f"each question's page lists its exclusive rules ({_link('Questions', src, CONTROLS_INDEX)})"
        else:
            which = f"listed with their questions on the {_link('rules index', src, RULES_INDEX)}"
        dist_rows.append([str(k), str(len(members)), which])

    service_rows = [
        [_service(sv), str(n), ", ".join(control_link(src, c) for c in ctrls) or "none"]
        for sv, n, ctrls in stats.coverage_by_service(g)
    ]
    return _page(
        "# Overlap",
        "How the questions share rules. A rule *supports* a question when it is mapped to at least one of the "
        f"question's statements; the {_link('methodology', src, METHODOLOGY)} defines every number.",
        "## Questions sharing rules",
        _heatmap(f),
        '<details class="cm-details" markdown="1">\n<summary>The same numbers as a table</summary>\n\n'
        "Rules in common between the question of the row and the question of the column; "
        "the diagonal is the question's own number of rules.\n\n" + matrix_table + "\n</details>",
        "### Pairs of questions that share rules",
        (
            "Sorted by Jaccard index (shared rules ÷ rules of either question).\n\n"
            + _table(["Question", "Question", "Shared rules", "Jaccard"], pair_rows, "llrr")
            if pair_rows
            else "No two questions share a rule."
        ),
        "## Rules by number of questions",
        f'<figure class="cm-figure">{bars}<figcaption>Number of rules that support one question, two questions, and so on. '
        "The table below has the same numbers.</figcaption></figure>",
        _table(["Questions supported", "Rules", "Which"], dist_rows, "rrl"),
        "## Coverage by service",
        "For each AWS service, how many of its rules are mapped and which questions they support (the "
        f"{_link('rules index', src, RULES_INDEX)} names each rule's service).",
        _table(["Service", "Rules", "Questions"], service_rows, "lrl"),
    )


def errata_page(f: _Facts) -> str:
    cat = f.cat
    src = ERRATA
    parts = [
        "# Errata",
        f"Errors and oddities of {t.link(cat.framework.source.title, cat.framework.source.url)}, "
        "recorded rather than silently fixed: what the source shows, what the catalogue does, and why.",
    ]
    if not cat.errata:
        parts.append("No erratum is recorded.")
    for e in cat.errata:
        parts.append(f'## <a id="{erratum_anchor(e.id)}"></a>{t.text(e.id)}: {t.text(e.title)}')
        facts = [f"- **Kind:** {t.text(e.kind)}"]
        if e.source_rows:
            facts.append(f"- **Source rows:** {_rows(e.source_rows)}")
        if e.rules:
            facts.append("- **Rules:** " + ", ".join(rule_link(src, r) for r in e.rules))
        if e.controls:
            facts.append("- **Questions:** " + ", ".join(control_link(src, c) for c in e.controls))
        parts.append("\n".join(facts))
        parts.append(f"**The source shows:** {t.text(e.source_shows)}")
        parts.append(f"**The catalogue:** {t.text(e.catalogue_does)}")
        parts.append(f"**Why:** {t.text(e.reason)}")
    return _page(*parts)


def methodology_page(f: _Facts) -> str:
    cat = f.cat
    fw, source = cat.framework, cat.framework.source
    src = METHODOLOGY
    origin = [
        f"- **The source:** {t.link(source.title, source.url)}"
        + (f", a table of {source.rows} rows" if source.rows is not None else "")
        + ". Each row names a question, one of its description texts (the *statement*), a rule and a guidance paragraph.",
        f"- **The snapshot:** the catalogue keeps a copy of the page ({t.code(source.snapshot)}, "
        f"{'text' if source.form == 'text' else 'Markdown'} form) with its SHA-256 {t.code(source.sha256)}; "
        "`conformap validate` checks the hash.",
    ]
    if source.template_url:
        origin.append(
            f"- **The conformance pack template:** {t.link('the matching AWS template', source.template_url)} "
            "gives each rule's parameter values and scope; it has no question ids."
        )
    origin.append(
        "- **Rule metadata** (identifier, service, trigger, resource types, parameters, regions) comes from the "
        "AWS Config Developer Guide; each rule page lists its sources with the commit they were read at."
    )
    if fw.url:
        origin.append(f"- **The framework:** {t.link(fw.title, fw.url)}, for the questions' current wording and best practices.")
    if source.license:
        origin.append(f"- **Reuse:** {t.text(source.license)}")
    triggers = " ".join(t.code(c) for c in ("=", "+", "-", "@")) + " (or their full-width forms), a tab or a carriage return, possibly after spaces,"
    return _page(
        "# Methodology",
        "## Where the data comes from",
        "\n".join(origin),
        "The catalogue has one YAML file per question and per rule; a rule file lists the questions (and the "
        "statement of each) it supports, with the source rows that state it. Every file is checked against a JSON "
        "Schema and every reference across files is checked before the site is built. Where the source is wrong, "
        f"the catalogue records an {_link('erratum', src, ERRATA)} instead of silently fixing it; a repeated "
        "source row becomes one mapping that lists both rows.",
        "## How the numbers are computed",
        "\n".join(
            [
                "- a rule **supports** a question when it has at least one mapping to one of the question's statements; "
                "duplicate source rows count once;",
                "- a rule is **exclusive** to a question when that is the only question it supports, and **shared** otherwise;",
                "- the **overlap** of two questions is the number of rules that support both; their **Jaccard index** is "
                "overlap ÷ number of rules supporting either (0 when neither has rules);",
                "- rules **mapped alongside** a rule are the other rules that support at least one of its questions, "
                "ranked by how many questions they have in common, then by name;",
                "- a **mapping** is one rule mapped to one statement of one question; the headline count is the number "
                "of distinct mappings.",
            ]
        ),
        "Every list is sorted (questions by number, rules and services by name), so the same catalogue always "
        "gives the same pages and the same downloads.",
        "## Downloads",
        f"The {_link('downloads', src, DOWNLOADS)} are generated from the same catalogue at each build. "
        "`mappings.json` holds everything and is described by `mappings.schema.json` (JSON Schema 2020-12). "
        "`mappings.csv` has one row per mapping (UTF-8 without a byte-order mark, a header row, RFC 4180 quoting, "
        "CRLF line ends; in Excel, open it with *Data › From Text/CSV* and choose UTF-8 so that curly apostrophes "
        "show correctly). "
        f"A CSV cell that starts with {triggers} would be run as a formula by a spreadsheet, so it is written with "
        "an apostrophe in front (OWASP's advice): spreadsheets then show the cell as text, and a reader of the raw "
        "file sees the apostrophe as its first character.",
        "## Text from the catalogue",
        "Every text from the catalogue is shown literally: HTML and Markdown in it are escaped, and a link is made "
        "only from an `https://` address.",
    )


def _download_files(cat: Catalog) -> dict[str, bytes]:
    files = {
        DOWNLOAD_JSON: outputs.render(cat, "json"),
        DOWNLOAD_CSV: outputs.render(cat, "csv"),
    }
    files[DOWNLOAD_SCHEMA] = mappings_json.json_schema().encode("utf-8")
    return files


def downloads_page(cat: Catalog, files: dict[str, bytes]) -> str:
    src = DOWNLOADS
    descriptions = {
        DOWNLOAD_JSON: ("The whole catalogue: framework, questions with statements, rules, mappings, errata.", "mappings"),
        DOWNLOAD_CSV: ("One row per mapping, with the question, statement, rule and guidance (UTF-8, CRLF).", "rows"),
        DOWNLOAD_SCHEMA: ("JSON Schema (2020-12) of mappings.json.", None),
    }
    counts = {
        DOWNLOAD_JSON: len(json.loads(files[DOWNLOAD_JSON])["mappings"]),
        DOWNLOAD_CSV: len(mappings_csv.csv_rows(cat)),
    }
    rows = []
    for name, data in files.items():
        what, unit = descriptions[name]
        count = f"{counts[name]} {unit}" if unit else "—"
        rows.append(
            [_link(posixpath.basename(name), src, name), what, count, str(len(data)), f'<code class="cm-hash">{hashlib.sha256(data).hexdigest()}</code>']
        )
    return _page(
        "# Downloads",
        "Generated from the catalogue at each build of this site; the same catalogue always gives the same bytes. "
        f"How they are made: {_link('methodology', src, METHODOLOGY, 'downloads')}.",
        _table(["File", "Contents", "Rows", "Bytes", "SHA-256"], rows, "llrrl"),
        "The mapping is AWS's sample mapping, not a compliance guarantee.",
    )


# --------------------------------------------------------------------------- entry points


def render_site(
    catalog: Catalog,
    graph: nx.DiGraph | None = None,
    *,
    github: GitHub | None = None,
    changes: str | None = None,
) -> dict[str, str | bytes]:
    """Every generated file of the site: docs-relative path -> Markdown text or file bytes.

    ``github``: the repository the catalogue is edited in; every rule and question page then links to
    its YAML file there and to the issue form. ``changes``: the Markdown of the "Changes per release"
    page (:func:`conformap.contrib.changes.changes_markdown`, which escapes catalogue text), written as
    ``changes.md`` and linked from the home page.
    """
    f = _Facts(catalog, graph if graph is not None else build_graph(catalog), github, changes is not None)
    out: dict[str, str | bytes] = {HOME: home(f), CONTROLS_INDEX: controls_index(f)}
    for c in catalog.controls:
        out[control_page(c.id)] = control_detail(f, c)
    out[RULES_INDEX] = rules_index(f)
    for r in catalog.rules:
        out[rule_page(r.id)] = rule_detail(f, r)
    out[OVERLAP] = overlap_page(f)
    out[ERRATA] = errata_page(f)
    out[METHODOLOGY] = methodology_page(f)
    files = _download_files(catalog)
    out[DOWNLOADS] = downloads_page(catalog, files)
    out.update(files)
    if changes is not None:
        out[CHANGES] = changes
    return out


def edit_paths(catalog: Catalog) -> dict[str, str]:
    """Page -> the catalogue file it is generated from, relative to the repository root.

    Pages built from the whole catalogue (home, indexes, overlap, methodology, downloads) have no entry;
    neither has anything when the catalogue lies outside the repository.
    """
    try:
        base = Path(catalog.root).resolve().relative_to(paths.PROJECT_ROOT)
    except ValueError:
        return {}
    out = {control_page(c.id): (base / paths.CONTROLS_DIR / f"{c.id}.yaml").as_posix() for c in catalog.controls}
    out |= {rule_page(r.id): (base / paths.RULES_DIR / f"{r.id}.yaml").as_posix() for r in catalog.rules}
    if catalog.errata or (Path(catalog.root) / paths.ERRATA_FILE).is_file():
        out[ERRATA] = (base / paths.ERRATA_FILE).as_posix()
    return out
