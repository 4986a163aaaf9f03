"""``conformap diff``: what changed in the catalogue between two git revisions or two folders.

Both sides are loaded and validated with :func:`conformap.load`; the comparison is made on the
model, so layout changes (``conformap fmt``) never show. The result is a JSON-ready dictionary
(:func:`compare`) rendered as Markdown (:func:`render_markdown`, for pull-request summaries and
the site) or JSON (:func:`render_json`). What is reported:

* rules and controls added or removed; a rule whose id changed while its identifier (or, failing
  that, its guidance) stayed the same is reported as **renamed**, and compared with its old self;
* mappings added, removed and changed (source rows, printed statement, rationale);
* **renumbered source rows** apart: when the page gains or loses rows, every later row moves, so a
  re-import shifts the ``source_rows`` of many mappings (and errata) that say the same thing as
  before. A mapping or erratum whose only change is its ``source_rows``, with as many rows as
  before, is not listed as changed: Markdown summarises them in one line ("source rows renumbered
  in N mappings (the page lost 1 row: 183 → 182)"), JSON has the line under ``renumbered.summary``
  and each one under ``renumbered.mappings`` and ``renumbered.errata``;
* guidance changed, as a word-level diff (``~~removed~~ **added**``, text escaped for Markdown);
* rule metadata, control, erratum and framework fields changed (``field: old → new``);
* errata added or removed;
* the statistics that move (:mod:`conformap.analysis.stats` on :func:`conformap.analysis.graph.build_graph`): rules
  per question, overlaps between questions, exclusive rules, rules by number of questions, totals.

A side may be a catalogue folder, a git revision of the project (read with ``git ls-tree`` and
``git cat-file``, byte for byte as committed) or, for HEAD only, the working tree (the default).
A revision that has no catalogue folder counts as an empty catalogue.

:func:`changes_markdown` renders the changes of every release (git tag) for the site.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Iterable

from conformap import paths
from conformap.catalog.loader import validate
from conformap.catalog.model import Catalog, Control, Erratum, Rule
from conformap.diagnostics import errors

ARROW = "→"
NO_CHANGES = "No catalogue changes."
CONTEXT_WORDS = 8  # words of unchanged text kept on each side of a change in Markdown word diffs


class DiffError(Exception):
    """A side cannot be read (bad revision, missing folder, invalid catalogue)."""


# --------------------------------------------------------------------------------------------
# Reading the two sides.


@dataclass
class Side:
    label: str
    catalog: Catalog | None  # None: no catalogue (an empty one)


def _git(repo: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", "-C", str(repo), *args], input=stdin, capture_output=True, check=False)
    except FileNotFoundError as exc:  # git is not installed
        raise DiffError("git is not installed; compare two catalogue folders instead") from exc


def _toplevel(repo: Path) -> Path:
    res = _git(repo, "rev-parse", "--show-toplevel")
    if res.returncode != 0:
        raise DiffError(f"{repo} is not inside a git repository")
    return Path(res.stdout.decode().strip())


def resolve_revision(repo: Path, rev: str) -> str:
    """The commit a revision names; :class:`DiffError` if it names none."""
    if rev.startswith("-"):
        raise DiffError(f"'{rev}' is not a git revision")
    res = _git(repo, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}")
    if res.returncode != 0:
        raise DiffError(f"'{rev}' is neither a catalogue folder nor a git revision of {repo}")
    return res.stdout.decode().strip()


def extract_revision(repo: Path, commit: str, relpath: str, dest: Path) -> Path | None:
    """Write the catalogue folder ``relpath`` as committed in ``commit`` under ``dest``.

    Returns the extracted folder, or ``None`` when the commit has no such folder.
    """
    res = _git(repo, "ls-tree", "-r", "-z", "--full-tree", commit, "--", relpath)
    if res.returncode != 0:
        raise DiffError(f"cannot list {relpath} at {commit[:12]}: {res.stderr.decode(errors='replace').strip()}")
    entries = []
    for item in res.stdout.split(b"\0"):
        if not item:
            continue
        meta, _, name = item.partition(b"\t")
        mode, kind, obj = meta.decode().split()
        if kind != "blob" or mode not in ("100644", "100755"):
            continue
        rel = PurePosixPath(name.decode("utf-8", errors="surrogateescape"))
        if rel.is_absolute() or ".." in rel.parts:
            continue
        entries.append((rel, obj))
    if not entries:
        return None
    batch = _git(repo, "cat-file", "--batch", stdin=b"".join(obj.encode() + b"\n" for _, obj in entries))
    if batch.returncode != 0:
        raise DiffError(f"cannot read {relpath} at {commit[:12]}: {batch.stderr.decode(errors='replace').strip()}")
    out = batch.stdout
    pos = 0
    for rel, obj in entries:
        nl = out.index(b"\n", pos)
        header = out[pos:nl].split()
        size = int(header[2])
        data = out[nl + 1 : nl + 1 + size]
        pos = nl + 1 + size + 1
        target = dest.joinpath(*rel.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return dest.joinpath(*PurePosixPath(relpath).parts)


def _load_dir(folder: Path, shown: str, temp_prefix: Path | None = None) -> Catalog:
    catalog, diags = validate(folder)
    if catalog is None:
        lines = [d.format() for d in errors(diags)[:20]] or [d.format() for d in diags[:20]]
        if temp_prefix is not None:
            prefix = paths.display_path(temp_prefix)
            lines = [ln.replace(prefix + "/", shown.split(":", 1)[0] + ":") for ln in lines]
        more = len(errors(diags)) - 20
        raise DiffError(
            f"the catalogue at {shown} does not validate:\n  " + "\n  ".join(lines) + (f"\n  ... and {more} more" if more > 0 else "")
        )
    return catalog


class Reader:
    """Loads catalogues from folders and git revisions; extracted revisions live in a temp folder."""

    def __init__(self, catalog_dir: Path | None = None):
        self.catalog_dir = Path(catalog_dir) if catalog_dir is not None else paths.DEFAULT_CATALOG
        self._tmp: Path | None = None
        self._cache: dict[str, Catalog | None] = {}
        self._repo: tuple[Path, str] | None = None

    def __enter__(self) -> "Reader":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    def repo(self) -> tuple[Path, str]:
        """(git top level, catalogue folder relative to it)."""
        if self._repo is None:
            here = self.catalog_dir.resolve()
            probe = here
            while not probe.exists() and probe != probe.parent:
                probe = probe.parent
            top = _toplevel(probe if probe.is_dir() else probe.parent)
            try:
                rel = here.relative_to(top.resolve()).as_posix()
            except ValueError as exc:
                raise DiffError(f"{here} is not inside the git repository {top}") from exc
            self._repo = (top, rel)
        return self._repo

    def working_tree(self) -> Side:
        if not self.catalog_dir.is_dir():
            raise DiffError(f"catalogue folder {paths.display_path(self.catalog_dir)} not found")
        return Side("working tree", _load_dir(self.catalog_dir, paths.display_path(self.catalog_dir)))

    def folder(self, folder: Path) -> Side:
        shown = paths.display_path(folder)
        return Side(shown, _load_dir(folder, shown))

    def commit(self, commit: str, label: str) -> Side:
        top, rel = self.repo()
        if commit not in self._cache:
            if self._tmp is None:
                self._tmp = Path(tempfile.mkdtemp(prefix="conformap-diff-"))
            dest = self._tmp / commit
            folder = extract_revision(top, commit, rel, dest)
            self._cache[commit] = None if folder is None else _load_dir(folder, f"{label}:{rel}", dest)
        return Side(label, self._cache[commit])

    def side(self, spec: str | None) -> Side:
        """A folder if ``spec`` names one, else a git revision; ``None`` is the working tree."""
        if spec is None:
            return self.working_tree()
        if Path(spec).is_dir():
            return self.folder(Path(spec))
        top, _ = self.repo()
        commit = resolve_revision(top, spec)
        return self.commit(commit, f"{spec} ({commit[:12]})" if spec != commit else commit[:12])


# --------------------------------------------------------------------------------------------
# Comparing two models.


def _none_if_empty(value: Any) -> Any:
    return value if value not in ((), [], {}, "") else None


def _source_list(sources) -> list[dict] | None:
    out = [{k: v for k, v in vars(s).items() if v is not None} for s in sources]
    return out or None


def _rule_fields(r: Rule) -> dict[str, Any]:
    d: dict[str, Any] = {
        "kind": r.kind,
        "identifier": r.identifier,
        "service": r.service,
        "trigger": r.trigger,
        "description": r.description,
        "documentation_url": r.documentation_url,
        "resource_types": list(r.resource_types) if r.resource_types is not None else None,
        "resource_types_current_docs": list(r.resource_types_current_docs) if r.resource_types_current_docs is not None else None,
        "regions_note": r.regions_note,
    }
    for p in r.parameters:
        for f in ("type", "optional", "default", "description"):
            d[f"parameters[{p.name}].{f}"] = getattr(p, f)
    for k, v in r.pack_input_parameters.items():
        d[f"conformance_pack.input_parameters.{k}"] = v
    d["conformance_pack.scope_resource_types"] = list(r.pack_scope_resource_types) if r.pack_scope_resource_types is not None else None
    d["deprecated.successor"] = r.deprecated.successor if r.deprecated else None
    d["deprecated.reason"] = r.deprecated.reason if r.deprecated else None
    d["sources"] = _source_list(r.sources)
    return d


def _control_fields(c: Control) -> dict[str, Any]:
    d: dict[str, Any] = {
        "number": c.number,
        "question": c.question,
        "framework_question_id": c.framework_question_id,
        "current_question": c.current_question,
        "url": c.url,
        "in_source": c.in_source,
        "note": c.note,
    }
    for s in c.statements:
        d[f"statements[{s.id}].kind"] = s.kind
        d[f"statements[{s.id}].text"] = s.text
        bp = s.best_practice
        for f in ("id", "title", "url", "evidence"):
            d[f"statements[{s.id}].best_practice.{f}"] = getattr(bp, f) if bp else None
    d["sources"] = _source_list(c.sources)
    return d


def _erratum_fields(e: Erratum) -> dict[str, Any]:
    return {
        "kind": e.kind,
        "title": e.title,
        "source_rows": _none_if_empty(list(e.source_rows)),
        "rules": _none_if_empty(list(e.rules)),
        "controls": _none_if_empty(list(e.controls)),
        "source_shows": e.source_shows,
        "catalogue_does": e.catalogue_does,
        "reason": e.reason,
    }


def _framework_fields(cat: Catalog) -> dict[str, Any]:
    f = cat.framework
    d: dict[str, Any] = {"id": f.id, "title": f.title, "publisher": f.publisher, "url": f.url, "description": f.description}
    for k, v in vars(f.source).items():
        d[f"source.{k}"] = v
    return d


def _field_changes(old: dict[str, Any], new: dict[str, Any]) -> dict[str, dict[str, Any]]:
    keys = list(new) + [k for k in old if k not in new]
    return {k: {"old": old.get(k), "new": new.get(k)} for k in keys if old.get(k) != new.get(k)}


def word_diff(old: str, new: str) -> list[list[str]]:
    """Word-level diff: a list of ``[op, text]`` with op ``=`` (kept), ``-`` (removed) or ``+`` (added)."""
    a, b = old.split(), new.split()
    ops: list[list[str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            ops.append(["=", " ".join(a[i1:i2])])
            continue
        if i2 > i1:
            ops.append(["-", " ".join(a[i1:i2])])
        if j2 > j1:
            ops.append(["+", " ".join(b[j1:j2])])
    return ops


def _mapping_record(rule_id: str, m) -> dict[str, Any]:
    return {
        "rule": rule_id,
        "control": m.control_id,
        "statement": m.statement_id,
        "source_rows": list(m.source_rows),
        "printed_statement": m.printed_statement,
        "rationale": m.rationale,
    }


def _renames(old: dict[str, Rule], new: dict[str, Rule], added: list[str], removed: list[str]) -> list[dict[str, str]]:
    out = []
    free = list(removed)
    for rid in added:
        r = new[rid]
        match, by = None, None
        if r.identifier:
            cands = [o for o in free if old[o].identifier == r.identifier]
            if len(cands) == 1:
                match, by = cands[0], "identifier"
        if match is None:
            cands = [o for o in free if old[o].guidance == r.guidance]
            if len(cands) == 1:
                match, by = cands[0], "guidance"
        if match is not None:
            free.remove(match)
            out.append({"old": match, "new": rid, "by": by})
    return out


def _natural(text: str) -> tuple:
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in re.split(r"(\d+)", text) if p)


def _empty_stats() -> dict[str, Any]:
    return {"totals": {}, "rules_per_control": {}, "overlap": {}, "exclusive": {}, "by_count": {}, "numbers": {}}


def _stats(cat: Catalog | None) -> dict[str, Any]:
    from conformap.analysis.stats import Analysis

    if cat is None:
        return _empty_stats()
    a = Analysis.of(cat)
    s = a.summary
    return {
        "totals": {
            "controls": s.controls,
            "controls_mapped": s.controls_with_rules,
            "rules": s.rules,
            "mappings": s.mappings,
            "services": s.services,
            "shared_rules": s.shared_rules,
            "exclusive_rules": s.exclusive_rules,
        },
        "rules_per_control": {c: len(rs) for c, rs in a.control_rules.items()},
        "overlap": {(x, y): n for x, row in a.matrix.items() for y, n in row.items()},
        "exclusive": {c: a.exclusive_rules(c) for c in a.controls},
        "by_count": {n: len(rs) for n, rs in a.rules_by_control_count.items()},
        "numbers": {c.id: c.number for c in cat.controls},
    }


def _stat_changes(old: Catalog | None, new: Catalog | None, renamed: dict[str, str] | None = None) -> dict[str, Any]:
    """Statistics that differ; ``renamed`` (old id -> new id) keeps a renamed rule from counting as gained and lost."""
    a, b = _stats(old), _stats(new)
    renamed = renamed or {}
    numbers = {**a["numbers"], **b["numbers"]}
    order = sorted(numbers, key=lambda c: (numbers[c], _natural(c)))
    totals = {k: {"old": a["totals"].get(k, 0), "new": b["totals"].get(k, 0)} for k in (b["totals"] or a["totals"])}
    per_control = {}
    for c in order:
        x, y = a["rules_per_control"].get(c, 0), b["rules_per_control"].get(c, 0)
        if x != y:
            per_control[c] = {"old": x, "new": y}
    overlap = {}
    for i, c1 in enumerate(order):
        for c2 in order[i + 1 :]:
            x, y = a["overlap"].get((c1, c2), 0), b["overlap"].get((c1, c2), 0)
            if x != y:
                overlap[f"{c1}/{c2}"] = {"old": x, "new": y}
    exclusive = {}
    for c in order:
        x, y = [renamed.get(r, r) for r in a["exclusive"].get(c, [])], b["exclusive"].get(c, [])
        if sorted(x) != sorted(y):
            exclusive[c] = {"old": len(x), "new": len(y), "gained": sorted(set(y) - set(x)), "lost": sorted(set(x) - set(y))}
    by_count = {}
    for n in sorted(set(a["by_count"]) | set(b["by_count"])):
        x, y = a["by_count"].get(n, 0), b["by_count"].get(n, 0)
        if x != y:
            by_count[str(n)] = {"old": x, "new": y}
    return {
        "totals": {k: v for k, v in totals.items() if v["old"] != v["new"]},
        "rules_per_control": per_control,
        "overlap": overlap,
        "exclusive_rules": exclusive,
        "rules_by_question_count": by_count,
    }


def compare(old: Catalog | None, new: Catalog | None, base: str = "base", head: str = "head") -> dict[str, Any]:
    """Everything that differs between two catalogues, as a JSON-ready dictionary."""
    o_rules = {r.id: r for r in old.rules} if old else {}
    n_rules = {r.id: r for r in new.rules} if new else {}
    o_ctrl = {c.id: c for c in old.controls} if old else {}
    n_ctrl = {c.id: c for c in new.controls} if new else {}

    added = sorted(set(n_rules) - set(o_rules))
    removed = sorted(set(o_rules) - set(n_rules))
    renamed = _renames(o_rules, n_rules, added, removed)
    added = [r for r in added if r not in {x["new"] for x in renamed}]
    removed = [r for r in removed if r not in {x["old"] for x in renamed}]
    pairs = [(rid, rid) for rid in sorted(set(o_rules) & set(n_rules))] + [(x["old"], x["new"]) for x in renamed]
    pairs.sort(key=lambda p: p[1])

    m_added, m_removed, m_changed, m_renumbered, guidance, metadata = [], [], [], [], [], []
    for rid in removed:
        m_removed.extend(_mapping_record(rid, m) for m in o_rules[rid].mappings)
    for rid in added:
        m_added.extend(_mapping_record(rid, m) for m in n_rules[rid].mappings)
    for oid, nid in pairs:
        o, n = o_rules[oid], n_rules[nid]
        om = {(m.control_id, m.statement_id): m for m in o.mappings}
        nm = {(m.control_id, m.statement_id): m for m in n.mappings}
        for k in [k for k in om if k not in nm]:
            m_removed.append(_mapping_record(oid, om[k]))
        for k in [k for k in nm if k not in om]:
            m_added.append(_mapping_record(nid, nm[k]))
        for k in [k for k in nm if k in om]:
            a, b = _mapping_record(nid, om[k]), _mapping_record(nid, nm[k])
            ch = _field_changes(
                {f: a[f] for f in ("source_rows", "printed_statement", "rationale")},
                {f: b[f] for f in ("source_rows", "printed_statement", "rationale")},
            )
            if _renumbered_only(ch):
                m_renumbered.append({"rule": nid, "control": k[0], "statement": k[1], "source_rows": ch["source_rows"]})
            elif ch:
                m_changed.append({"rule": nid, "control": k[0], "statement": k[1], "changes": ch})
        if o.guidance != n.guidance:
            guidance.append({"rule": nid, "old": o.guidance, "new": n.guidance, "words": word_diff(o.guidance, n.guidance)})
        ch = _field_changes(_rule_fields(o), _rule_fields(n))
        if ch:
            metadata.append({"rule": nid, "changes": ch})

    def mkey(m):
        return (m["rule"], _natural(m["control"]), m["statement"])

    c_changed = []
    for cid in sorted(set(o_ctrl) & set(n_ctrl), key=lambda c: (n_ctrl[c].number, _natural(c))):
        ch = _field_changes(_control_fields(o_ctrl[cid]), _control_fields(n_ctrl[cid]))
        if ch:
            c_changed.append({"id": cid, "changes": ch})

    o_err = {e.id: e for e in old.errata} if old else {}
    n_err = {e.id: e for e in new.errata} if new else {}
    e_changed, e_renumbered = [], []
    for eid in sorted(set(o_err) & set(n_err), key=_natural):
        ch = _field_changes(_erratum_fields(o_err[eid]), _erratum_fields(n_err[eid]))
        if _renumbered_only(ch):
            e_renumbered.append({"id": eid, "source_rows": ch["source_rows"]})
        elif ch:
            e_changed.append({"id": eid, "changes": ch})

    framework = _field_changes(_framework_fields(old) if old else {}, _framework_fields(new) if new else {})
    statistics = _stat_changes(old, new, {x["old"]: x["new"] for x in renamed})

    result = {
        "base": base,
        "head": head,
        "initial": old is None and new is not None,
        "controls": {
            "added": [{"id": c, "question": n_ctrl[c].question} for c in sorted(set(n_ctrl) - set(o_ctrl), key=lambda c: (n_ctrl[c].number, _natural(c)))],
            "removed": [{"id": c, "question": o_ctrl[c].question} for c in sorted(set(o_ctrl) - set(n_ctrl), key=lambda c: (o_ctrl[c].number, _natural(c)))],
            "changed": c_changed,
        },
        "rules": {"added": added, "removed": removed, "renamed": renamed},
        "mappings": {"added": sorted(m_added, key=mkey), "removed": sorted(m_removed, key=mkey), "changed": sorted(m_changed, key=mkey)},
        "guidance": guidance,
        "rule_metadata": metadata,
        "errata": {
            "added": [{"id": e, "title": n_err[e].title} for e in sorted(set(n_err) - set(o_err), key=_natural)],
            "removed": [{"id": e, "title": o_err[e].title} for e in sorted(set(o_err) - set(n_err), key=_natural)],
            "changed": e_changed,
        },
        "framework": framework,
        "renumbered": {
            "summary": _renumbered_summary(len(m_renumbered), len(e_renumbered), old, new),
            "mappings": sorted(m_renumbered, key=mkey),
            "errata": e_renumbered,
        },
        "statistics": statistics,
    }
    result["changed"] = _has_changes(result)
    return result


def _renumbered_only(changes: dict[str, dict[str, Any]]) -> bool:
    """True for a change of ``source_rows`` alone, to as many rows: the rows moved on the page."""
    if set(changes) != {"source_rows"}:
        return False
    a, b = changes["source_rows"]["old"], changes["source_rows"]["new"]
    return bool(a) and bool(b) and len(a) == len(b)


def _renumbered_summary(n_mappings: int, n_errata: int, old: Catalog | None, new: Catalog | None) -> str | None:
    if not n_mappings and not n_errata:
        return None
    what = " and ".join(
        x for x in (_plural(n_mappings, "mapping") if n_mappings else "", f"{n_errata} {'erratum' if n_errata == 1 else 'errata'}" if n_errata else "") if x
    )
    a = old.framework.source.rows if old is not None else None
    b = new.framework.source.rows if new is not None else None
    if isinstance(a, int) and isinstance(b, int) and a != b:
        why = f"the page {'lost' if b < a else 'gained'} {_plural(abs(a - b), 'row')}: {a} {ARROW} {b}"
    elif isinstance(a, int) and a == b:
        why = f"rows moved on the page, which has {_plural(b, 'row')} as before"
    else:
        why = "rows moved on the page"
    return f"source rows renumbered in {what} ({why})"


def _has_changes(result: dict[str, Any]) -> bool:
    return bool(
        any(result["controls"].values())
        or any(result["rules"].values())
        or any(result["mappings"].values())
        or result["guidance"]
        or result["rule_metadata"]
        or any(result["errata"].values())
        or result["framework"]
        or result["renumbered"]["mappings"]
        or result["renumbered"]["errata"]
        or any(result["statistics"].values())
    )


# --------------------------------------------------------------------------------------------
# Rendering.

_BACKSLASH = set("\\`*_{}[]#")
_ENTITIES = {"<": "&lt;", ">": "&gt;", "&": "&amp;", "|": "&#124;", "~": "&#126;"}


def md_escape(text: str) -> str:
    """Escape text so that Markdown (GitHub's and Python-Markdown's) shows it literally, on one line."""
    out = []
    for ch in " ".join(str(text).split()):
        if ch in _BACKSLASH:
            out.append("\\" + ch)
        else:
            out.append(_ENTITIES.get(ch, ch))
    return "".join(out)


def code(value: Any) -> str:
    """A value as an inline code span (``(none)`` for a missing value)."""
    if value is None:
        return "(none)"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = " ".join(text.split()) if isinstance(value, str) else text
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{fence}{pad}{text}{pad}{fence}"


_MARKS = {
    # GitHub-flavoured Markdown (pull-request summaries): strikethrough and bold.
    "markdown": (("~~", "~~"), ("**", "**")),
    # Inline HTML, for Markdown renderers without a strikethrough extension (the site's Python-Markdown).
    "html": (("<del>", "</del>"), ("<ins>", "</ins>")),
}


def render_words(ops: Iterable[list[str]], context: int | None = CONTEXT_WORDS, style: str = "markdown") -> str:
    """A word diff as Markdown: ``~~removed~~ **added**`` (``style="html"``: ``<del>``/``<ins>``).

    Every word is escaped; long unchanged runs are shortened to ``context`` words around a change, with ….
    """
    (del_open, del_close), (ins_open, ins_close) = _MARKS[style]
    ops = list(ops)
    if not any(op != "=" for op, _ in ops):
        return "(white space only)"
    parts = []
    for i, (op, text) in enumerate(ops):
        if op == "=":
            words = [md_escape(w) for w in text.split()]
            if context is not None:
                if i == 0 and len(words) > context:  # leading run: keep its end
                    words = ["…"] + words[-context:]
                elif i == len(ops) - 1 and len(words) > context:  # trailing run: keep its start
                    words = words[:context] + ["…"]
                elif 0 < i < len(ops) - 1 and len(words) > 2 * context:
                    words = words[:context] + ["…"] + words[-context:]
            parts.append(" ".join(words))
        elif op == "-":
            parts.append(f"{del_open}{md_escape(text)}{del_close}")
        else:
            parts.append(f"{ins_open}{md_escape(text)}{ins_close}")
    return " ".join(parts)


def _is_prose(old: Any, new: Any) -> bool:
    return isinstance(old, str) and isinstance(new, str) and max(len(old.split()), len(new.split())) >= 4


def _change_line(field: str, change: dict[str, Any], style: str = "markdown") -> str:
    old, new = change["old"], change["new"]
    if _is_prose(old, new):
        return f"{code(field)}: {render_words(word_diff(old, new), style=style)}"
    return f"{code(field)}: {code(old)} {ARROW} {code(new)}"


def _mapping_line(m: dict[str, Any]) -> str:
    text = f"{code(m['rule'])} {ARROW} {md_escape(m['control'])} / {code(m['statement'])}"
    if m["source_rows"]:
        text += f" (source rows {', '.join(str(r) for r in m['source_rows'])})"
    if m.get("printed_statement"):
        text += f", printed as {code(m['printed_statement'])}"
    if m["rationale"]:
        text += f"; rationale: {md_escape(m['rationale'])}"
    return text


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def render_markdown(
    result: dict[str, Any], *, title: str | None = "Catalogue changes", level: int = 2, compare_line: bool = True, style: str = "markdown"
) -> str:
    """Markdown for a :func:`compare` result. Sections use heading level ``level + 1``.

    ``style`` is how word diffs mark text: ``markdown`` (``~~removed~~ **added**``, GitHub) or ``html``
    (``<del>``/``<ins>``, for Python-Markdown without a strikethrough extension).
    """
    h = "#" * (level + 1)
    out: list[str] = []
    if title:
        out += ["#" * level + " " + md_escape(title), ""]
    if compare_line:
        out += [f"Comparing {code(result['base'])} with {code(result['head'])}.", ""]
    if not result["changed"]:
        out.append(NO_CHANGES)
        return "\n".join(out) + "\n"
    if result["initial"]:
        t = {k: v["new"] for k, v in result["statistics"]["totals"].items()}
        n_err = len(result["errata"]["added"])
        out.append(
            f"Initial catalogue: {_plural(t.get('controls', 0), 'control')} ({t.get('controls_mapped', 0)} mapped), "
            f"{_plural(t.get('rules', 0), 'rule')}, {_plural(t.get('mappings', 0), 'mapping')}, "
            f"{n_err} {'erratum' if n_err == 1 else 'errata'}."
        )
        return "\n".join(out) + "\n"

    def section(name: str, lines: list[str]) -> None:
        if lines:
            out.extend([f"{h} {name}", ""] + lines + [""])

    r = result["rules"]
    section("Rules added", [f"- {code(x)}" for x in r["added"]])
    section("Rules removed", [f"- {code(x)}" for x in r["removed"]])
    section("Rules renamed", [f"- {code(x['old'])} {ARROW} {code(x['new'])} (same {x['by']})" for x in r["renamed"]])
    m = result["mappings"]
    section("Mappings added", [f"- {_mapping_line(x)}" for x in m["added"]])
    section("Mappings removed", [f"- {_mapping_line(x)}" for x in m["removed"]])
    def nested(items: list[dict[str, Any]], head) -> list[str]:
        lines: list[str] = []
        for x in items:
            lines.append(f"- {head(x)}")
            lines += [f"  - {_change_line(f, ch, style)}" for f, ch in x["changes"].items()]
        return lines

    section("Mappings changed", nested(m["changed"], lambda x: f"{code(x['rule'])} {ARROW} {md_escape(x['control'])} / {code(x['statement'])}"))
    section("Guidance changed", [f"- {code(g['rule'])}: {render_words(g['words'], style=style)}" for g in result["guidance"]])
    section("Rule metadata changed", nested(result["rule_metadata"], lambda x: code(x["rule"])))
    c = result["controls"]
    section("Controls added", [f"- {md_escape(x['id'])}: {md_escape(x['question'])}" for x in c["added"]])
    section("Controls removed", [f"- {md_escape(x['id'])}: {md_escape(x['question'])}" for x in c["removed"]])
    section("Controls changed", nested(c["changed"], lambda x: md_escape(x["id"])))
    e = result["errata"]
    section("Errata added", [f"- {md_escape(x['id'])}: {md_escape(x['title'])}" for x in e["added"]])
    section("Errata removed", [f"- {md_escape(x['id'])}: {md_escape(x['title'])}" for x in e["removed"]])
    section("Errata changed", nested(e["changed"], lambda x: md_escape(x["id"])))
    section("Framework changed", [f"- {_change_line(f, ch, style)}" for f, ch in result["framework"].items()])
    if result["renumbered"]["summary"]:  # after the real changes, one line however many moved
        summary = result["renumbered"]["summary"]
        section("Source rows renumbered", [f"- {md_escape(summary[0].upper() + summary[1:])}; no other change in them."])

    s = result["statistics"]
    stat_lines = []

    def arrow(v: dict[str, Any]) -> str:
        return f"{v['old']} {ARROW} {v['new']}"

    if s["rules_per_control"]:
        stat_lines.append("- Rules per question: " + "; ".join(f"{md_escape(c)}: {arrow(v)}" for c, v in s["rules_per_control"].items()))
    if s["overlap"]:
        stat_lines.append("- Overlap (rules supporting both questions): " + "; ".join(f"{md_escape(p)}: {arrow(v)}" for p, v in s["overlap"].items()))
    if s["exclusive_rules"]:
        items = []
        for cid, v in s["exclusive_rules"].items():
            moves = [f"+{code(x)}" for x in v["gained"]] + [f"−{code(x)}" for x in v["lost"]]
            items.append(f"{md_escape(cid)}: {arrow(v)} ({', '.join(moves)})")
        stat_lines.append("- Rules exclusive to one question: " + "; ".join(items))
    if s["rules_by_question_count"]:
        stat_lines.append(
            "- Rules by number of questions: "
            + "; ".join(f"{_plural(int(n), 'question')}: {arrow(v)}" for n, v in s["rules_by_question_count"].items())
        )
    if s["totals"]:
        stat_lines.append("- Totals: " + "; ".join(f"{k.replace('_', ' ')}: {arrow(v)}" for k, v in s["totals"].items()))
    section("Statistics", stat_lines)
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


def render_json(result: dict[str, Any]) -> str:
    return json.dumps(result, indent=2, ensure_ascii=False) + "\n"


# --------------------------------------------------------------------------------------------
# Changes per release (for the site).

_VERSION = re.compile(r"^v?(\d+(?:\.\d+)*)(.*)$")


def _version_key(tag: str) -> tuple | None:
    m = _VERSION.match(tag)
    if not m:
        return None
    return (tuple(int(x) for x in m.group(1).split(".")), 0 if m.group(2) else 1, m.group(2))


def release_tags(project_root: Path) -> list[tuple[str, str]] | None:
    """(tag, date) for every git tag, oldest release first; ``None`` without git history."""
    try:
        res = subprocess.run(
            ["git", "-C", str(project_root), "for-each-ref", "--format=%(refname:strip=2)%00%(creatordate:short)", "refs/tags"],
            capture_output=True,
            check=False,
        )
    except FileNotFoundError:
        return None
    if res.returncode != 0:
        return None
    tags = []
    for line in res.stdout.decode("utf-8", errors="replace").splitlines():
        name, _, date = line.partition("\0")
        if name:
            tags.append((name, date))
    if tags and all(_version_key(t) is not None for t, _ in tags):
        tags.sort(key=lambda t: _version_key(t[0]))
    else:
        tags.sort(key=lambda t: (t[1], _natural(t[0])))
    return tags


def changes_markdown(project_root: str | Path | None = None, catalog_dir: str | Path | None = None) -> str:
    """The "Changes per release" page: each git tag compared with the one before (the first with nothing).

    Never raises for a missing history: without git, a repository or tags, the page says so. The tags
    are those of the repository at ``project_root``; given only ``catalog_dir``, of the repository that
    holds the catalogue (a catalogue outside any repository has no history). Every text that comes from
    a catalogue or from git is escaped.
    """
    if project_root is None and catalog_dir is not None:
        project_root = catalog_dir
    root = Path(project_root) if project_root is not None else paths.PROJECT_ROOT
    catalog = Path(catalog_dir) if catalog_dir is not None else root / paths.DEFAULT_CATALOG.name
    head = ["# Changes per release", ""]
    tags = release_tags(root)
    if tags is None:
        return "\n".join(head + ["No git history is available in this build, so the changes per release cannot be listed.", ""])
    if not tags:
        return "\n".join(head + ["No release has been tagged yet. Each release (git tag) will be listed here with what changed since the one before.", ""])
    sections: list[str] = []
    with Reader(catalog) as reader:
        try:
            top, _ = reader.repo()
        except DiffError as exc:
            return "\n".join(head + [f"The changes per release cannot be listed: {md_escape(str(exc))}.", ""])
        prev: Catalog | None = None
        prev_label = "(nothing)"
        for tag, date in tags:
            title = f"{tag} ({date})" if date else tag
            try:
                commit = resolve_revision(top, f"refs/tags/{tag}")
                side = reader.commit(commit, tag)
            except DiffError as exc:
                # The message quotes catalogue files (diagnostics): escaped text, a list item per diagnostic,
                # never a code fence that a line of the message could close.
                first, *rest = [line for line in str(exc).splitlines() if line.strip()] or [""]
                sections.append(
                    "\n".join(
                        ["## " + md_escape(title), "", f"The catalogue at this release cannot be read, so its changes are not listed: {md_escape(first)}", ""]
                        + [f"- {md_escape(line)}" for line in rest]
                        + [""]
                    )
                )
                continue
            result = compare(prev, side.catalog, prev_label, tag)
            sections.append(render_markdown(result, title=title, level=2, compare_line=prev is not None, style="html"))
            prev, prev_label = side.catalog, tag
    intro = "Each release (git tag), newest first, with what changed in the catalogue since the release before it."
    return "\n".join(head + [intro, "", ""]) + "\n".join(reversed(sections))


# --------------------------------------------------------------------------------------------
# The command.


def cmd_diff(args: argparse.Namespace) -> int:
    try:
        with Reader(args.catalog) as reader:
            base = reader.side(args.base)
            head = reader.side(args.head)
            result = compare(base.catalog, head.catalog, base.label, head.label)
    except DiffError as exc:
        print(f"conformap diff: {exc}", file=sys.stderr)
        return 2
    text = render_json(result) if args.format == "json" else render_markdown(result)
    sys.stdout.write(text)
    sys.stdout.flush()
    return 0


def add_parser(sub) -> None:
    p = sub.add_parser(
        "diff",
        help="what changed in the catalogue between two git revisions or folders (Markdown or JSON)",
        description=(
            "Compare the catalogue at BASE with HEAD. Each is a catalogue folder or a git revision of the project; "
            "HEAD defaults to the working tree."
        ),
    )
    p.add_argument("base", help="git revision (main, origin/main, v1.0, a commit) or catalogue folder")
    p.add_argument("head", nargs="?", default=None, help="git revision or catalogue folder (default: the working tree)")
    p.add_argument("--format", choices=["markdown", "json"], default="markdown")
    p.add_argument(
        "--catalog", type=Path, default=None, help=f"the catalogue folder, for the working tree and revisions (default: {paths.DEFAULT_CATALOG})"
    )
    p.set_defaults(func=cmd_diff)
