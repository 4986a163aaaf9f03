"""mkdocs-gen-files entry point: write the pages that :func:`conformap.site.docs.site_files` generates.

A thin adapter; ``conformap render-site OUT_DIR`` writes the same files into a plain folder. The
catalogue is ``$CONFORMAP_CATALOG`` when set (a relative path is taken from the project root, never
from the working directory), else ``conformap.paths.DEFAULT_CATALOG``. An invalid catalogue aborts the
build with every diagnostic in the message, before any page is written.

What the pure page functions cannot know comes from here: the GitHub repository and branch of the
"Suggest a change" links (mkdocs.yml's ``repo_url``, ``edit_uri`` and ``extra.repository``, the same
settings as the theme's edit button), the "Changes per release" page, read from the git history of the
repository that holds the catalogue being built (without history or tags, the page says so), and the
edit path of each page. While ``repo_url`` is the placeholder address (conformap.site.github), the build
prints a warning to stderr (outside MkDocs' logging, so that ``--strict`` still builds) and sets
``extra.repository.placeholder`` for the banner of overrides/main.html.

``mkdocs serve`` runs this script again at every rebuild, in the same process: it first forgets every
``conformap`` module imported by the build before, so that the build imports the code under ``src/`` (and
reads its templates) as they are now, and an edit to either shows at the next reload (README, "Editing with
``make serve``"). A plain ``mkdocs build`` imports them once, as before.
"""

from __future__ import annotations

import os
import posixpath
import sys
from collections.abc import MutableMapping
from pathlib import Path

import mkdocs_gen_files
from mkdocs.exceptions import PluginError

# Before the imports below: the modules of an earlier build of this server process (their cached template
# environment included) are dropped, so that they are imported from the files as they are now.
for _name in [m for m in sys.modules if m == "conformap" or m.startswith("conformap.")]:
    del sys.modules[_name]

from conformap import paths  # noqa: E402 (after the purge above)
from conformap.load.loader import validate  # noqa: E402
from conformap.site.changes import changes_markdown  # noqa: E402
from conformap.diagnostics import errors  # noqa: E402
from conformap.posture import sample as posture_sample  # noqa: E402
from conformap.site import GitHub, edit_paths  # noqa: E402
from conformap.site.pages import edit_button_paths  # noqa: E402
from conformap import routes  # noqa: E402
from conformap.outputs import without_aws_text  # noqa: E402
from conformap.site.docs import CONTRIBUTING_FILE, site_files  # noqa: E402


def catalog_dir() -> Path:
    value = os.environ.get("CONFORMAP_CATALOG", "").strip()
    if not value:
        return paths.DEFAULT_CATALOG
    path = Path(value).expanduser()
    return path if path.is_absolute() else paths.PROJECT_ROOT / path


def main() -> None:
    root = catalog_dir()
    catalog, diags = validate(root)
    if catalog is None:
        listed = "\n".join(d.format() for d in errors(diags)) or "\n".join(d.format() for d in diags)
        raise PluginError(
            f"conformap: the catalogue at {root} is invalid ({len(errors(diags))} error(s)); no page was written:\n{listed}"
        )
    if without_aws_text.requested():  # CONFORMAP_WITHOUT_AWS_TEXT=1: the edition for redistributors (NOTICE.md)
        catalog = without_aws_text.strip(catalog)
    config = mkdocs_gen_files.config
    github = GitHub.from_mkdocs(config.get("repo_url"), config.get("edit_uri"), config.get("extra"))
    if github is not None and github.placeholder:
        print(
            f"WARNING -  conformap: repo_url {github.url} is a placeholder (mkdocs.yml: extra.repository.published is false): "
            "every page says its GitHub links lead nowhere yet. Set CONFORMAP_REPO_URL to build with a published repository.",
            file=sys.stderr,
        )
    repository = (config.get("extra") or {}).get("repository")
    if isinstance(repository, MutableMapping):
        repository["placeholder"] = bool(github and github.placeholder)
    site = site_files(catalog, github=github, changes=changes_markdown(catalog_dir=root, current=catalog))
    site.update(posture_sample.files(catalog))  # the "Check your account" page's sample report
    # The Contributing page is the repository's CONTRIBUTING.md itself, so the two cannot drift apart.
    sources = edit_button_paths(catalog) | {routes.CONTRIBUTING: CONTRIBUTING_FILE.relative_to(paths.PROJECT_ROOT).as_posix()}
    docs_dir = Path(config["docs_dir"]).resolve()
    for name, content in site.items():
        with mkdocs_gen_files.open(name, "wb") as fh:
            fh.write(content.encode("utf-8") if isinstance(content, str) else content)
        if not name.endswith(".md"):
            continue
        source = sources.get(name)
        # edit_uri points into docs/; the catalogue file is reached relative to docs_dir.
        edit = posixpath.normpath(os.path.relpath(paths.PROJECT_ROOT / source, docs_dir)).replace(os.sep, "/") if source else None
        mkdocs_gen_files.set_edit_path(name, edit)


main()
