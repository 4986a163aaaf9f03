"""The generated part of the site as files, for any builder: MkDocs + gen-files or a plain docs folder.

:func:`site_files` is what every builder gets: :func:`conformap.site.render_site` (with the GitHub
links and the "Changes per release" page) plus the repository's CONTRIBUTING.md as ``contributing.md``.
``scripts/gen_pages.py`` hands it to mkdocs-gen-files; ``conformap render-site OUT_DIR`` writes it into a
folder with :func:`write_folder`, so that another builder (ProperDocs, Zensical, MkDocs 2) can build
the site from that folder and the hand-written ``docs/``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

import yaml

from conformap import paths
from conformap.diagnostics import CommandError
from conformap.model.catalog import Catalog
from conformap import routes
from conformap.escape import terminal
from conformap.site.github import GitHub
from conformap.site.pages import render_site
from conformap.writing import WriteError, reason, write_file

CONTRIBUTING_FILE = paths.PROJECT_ROOT / "CONTRIBUTING.md"
MKDOCS_FILE = paths.PROJECT_ROOT / "mkdocs.yml"
# Written into every folder render-site makes, so that a later run may replace the folder (and no other).
MARKER = ".conformap-render-site"
# Its first line; the others list what was written, so that a later run replaces that and nothing else.
MARKER_HEADER = "Written by `conformap render-site`; the next run replaces the files listed below (and refuses if there are others):"


class FolderError(CommandError):
    """The output folder cannot be written; the message says why. Nothing was written."""


class _MkDocsLoader(yaml.SafeLoader):
    """YAML's safe loader with MkDocs' ``!ENV`` tag: ``!ENV [NAME, ..., default]``, the first variable set, else the default."""


def _env(loader: yaml.SafeLoader, node: yaml.Node) -> object:
    items = [loader.construct_scalar(n) for n in node.value] if isinstance(node, yaml.SequenceNode) else [loader.construct_scalar(node)]  # type: ignore[arg-type]
    names, default = (items[:-1], items[-1]) if len(items) > 1 else (items, None)
    for name in names:
        if os.environ.get(str(name)) is not None:
            return yaml.load(os.environ[str(name)], Loader=yaml.SafeLoader)  # as MkDocs reads it: YAML
    return default


_MkDocsLoader.add_constructor("!ENV", _env)


def mkdocs_config(config_file: Path = MKDOCS_FILE) -> dict:
    """mkdocs.yml as MkDocs reads it (``!ENV`` resolved), without MkDocs; ``{}`` when there is none (an installed package)."""
    if not config_file.is_file():
        return {}
    return yaml.load(config_file.read_text(encoding="utf-8"), Loader=_MkDocsLoader) or {}  # a SafeLoader with one more tag


def github_from_mkdocs(config_file: Path = MKDOCS_FILE) -> GitHub | None:
    """The repository of the "Suggest a change" links, from mkdocs.yml's ``repo_url``, ``edit_uri`` and ``extra``."""
    config = mkdocs_config(config_file)
    return GitHub.from_mkdocs(config.get("repo_url"), config.get("edit_uri"), config.get("extra"))


def site_files(catalog: Catalog, *, github: GitHub | None, changes: str | None) -> dict[str, str | bytes]:
    """Every generated file of the site, CONTRIBUTING.md (as ``contributing.md``) and NOTICE.md (``notice.md``) included."""
    files = render_site(catalog, github=github, changes=changes)
    # Their links into the repository lead to the one being built from (a fork's, when it differs).
    for route, file in ((routes.CONTRIBUTING, CONTRIBUTING_FILE), (routes.NOTICE, paths.notice_file())):
        if file is not None and file.is_file():
            text = file.read_text(encoding="utf-8")
            files[route] = github.in_markdown(text) if github else text
    return files


def _manifest(files: dict[str, bytes]) -> str:
    """The marker's text: what it is, then ``sha256  path`` of every file written (as ``sha256sum`` prints them)."""
    lines = [f"{hashlib.sha256(data).hexdigest()}  {rel}" for rel, data in sorted(files.items())]
    return "\n".join([MARKER_HEADER, *lines, ""])


def _foreign(out: Path) -> list[str]:
    """What in the earlier output ``out`` render-site did not write as it is now: files added, changed, links."""
    try:
        listed = (out / MARKER).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        listed = []
    ours: dict[str, str] = {}
    if listed[:1] == [MARKER_HEADER]:
        for line in listed[1:]:
            digest, _, rel = line.partition("  ")
            ours[rel] = digest
    found = []
    for dirpath, dirnames, filenames in os.walk(out):
        for name in sorted(dirnames + filenames):
            path = Path(dirpath) / name
            rel = path.relative_to(out).as_posix()
            if rel == MARKER or (name in dirnames and not path.is_symlink()):
                continue
            if path.is_symlink() or not path.is_file() or rel not in ours:
                found.append(rel)
            elif hashlib.sha256(path.read_bytes()).hexdigest() != ours[rel]:
                found.append(f"{rel} (changed)")
    return sorted(found)


def _check_target(out: Path) -> None:
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise FolderError(f"{terminal(out)}: exists and is not a folder; give a new folder (render-site replaces only its own output)")
    if not out.is_dir() or not any(out.iterdir()):
        return
    if not (out / MARKER).is_file():
        raise FolderError(
            f"{terminal(out)}: is a folder with other files in it; give an empty or new folder, or one an earlier "
            "`conformap render-site` wrote (render-site replaces only its own output)"
        )
    foreign = _foreign(out)
    if foreign:
        shown = ", ".join(terminal(f) for f in foreign[:5]) + (", ..." if len(foreign) > 5 else "")
        raise FolderError(
            f"{terminal(out)}: holds {len(foreign)} file(s) an earlier `conformap render-site` did not write as they are ({shown}); "
            "render-site replaces only its own output: move them out, or give another folder. Nothing was written"
        )


def write_folder(files: dict[str, str | bytes], out: Path) -> None:
    """Write ``files`` (docs-relative path -> content) as the folder ``out``, all at once.

    The files are written into a staging folder beside ``out``, which then takes its place; ``out``
    must be new, empty or an earlier output of this function. On any error nothing changes.
    """
    out = Path(out).absolute()
    _check_target(out)
    if not out.parent.is_dir():
        raise FolderError(f"{out.parent}: no such folder")
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".staging", dir=out.parent))
    except OSError as exc:
        raise FolderError(f"{out.parent}: cannot write: {exc.strerror or exc}") from None
    old = None
    try:
        data = {rel: content.encode("utf-8") if isinstance(content, str) else content for rel, content in files.items()}
        for rel, content in data.items():
            write_file(staging / rel, content)
        write_file(staging / MARKER, _manifest(data))
        os.chmod(staging, 0o755)  # mkdtemp makes it private
        if out.exists():
            old = out.with_name(staging.name.replace(".staging", ".old"))
            out.rename(old)
        staging.rename(out)
    except (OSError, WriteError) as exc:
        if old is not None and not out.exists():
            old.rename(out)
            old = None
        shutil.rmtree(staging, ignore_errors=True)
        raise FolderError(f"{out}: cannot write: {reason(exc)}; nothing was changed") from None
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
