"""The "Changes per release" page: each git tag's catalogue compared with the tag before it."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from conformap import escape, paths
from conformap.model.catalog import Catalog, natural_key
from conformap.compare.engine import compare
from conformap.compare.gitsource import DiffError, Reader, resolve_revision
from conformap.compare.report import render_markdown

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
        tags.sort(key=lambda t: _version_key(t[0]) or ())  # never None here
    else:
        tags.sort(key=lambda t: (t[1], natural_key(t[0])))
    return tags


def _current(cat: Catalog | None) -> list[str]:
    """The line naming the catalogue version this site shows; it needs no git history."""
    fw = cat.framework if cat is not None else None
    if fw is None or not fw.version:
        return []
    released = f", released {escape.text(fw.released)}" if fw.released else ""
    return [f"This site shows catalogue version **{escape.text(fw.version)}**{released}.", ""]


def changes_markdown(project_root: str | Path | None = None, catalog_dir: str | Path | None = None, current: Catalog | None = None) -> str:
    """The "Changes per release" page: each git tag compared with the one before (the first with nothing).

    Never raises for a missing history: without git, a repository or tags, the page says so. The tags
    are those of the repository at ``project_root``; given only ``catalog_dir``, of the repository that
    holds the catalogue (a catalogue outside any repository has no history). Every text that comes from
    a catalogue or from git is escaped. ``current``, the catalogue being published, names its version
    at the top of the page, tags or not.
    """
    if project_root is None and catalog_dir is not None:
        project_root = catalog_dir
    root = Path(project_root) if project_root is not None else paths.PROJECT_ROOT
    catalog = Path(catalog_dir) if catalog_dir is not None else root / paths.DEFAULT_CATALOG.name
    head = ["# Changes per release", "", *_current(current)]
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
            return "\n".join(head + [f"The changes per release cannot be listed: {escape.text(str(exc))}.", ""])
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
                        ["## " + escape.text(title), "", f"The catalogue at this release cannot be read, so its changes are not listed: {escape.text(first)}", ""]
                        + [f"- {escape.text(line)}" for line in rest]
                        + [""]
                    )
                )
                continue
            result = compare(prev, side.catalog, prev_label, tag)
            sections.append(render_markdown(result, title=title, level=2, compare_line=prev is not None, style="html"))
            prev, prev_label = side.catalog, tag
    intro = "Each release (git tag), newest first, with what changed in the catalogue since the release before it."
    return "\n".join(head + [intro, "", ""]) + "\n".join(reversed(sections))
