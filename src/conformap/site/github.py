"""The GitHub repository the catalogue is edited in, for the "Suggest a change" section of rule and question pages.

:class:`GitHub` builds the links to GitHub's file editor, its file tree and the issue forms, prefilled;
nothing else in the package knows GitHub's URL layout.

The repository's address is set in one place, mkdocs.yml's ``repo_url`` (``$CONFORMAP_REPO_URL`` overrides
it, for a fork). mkdocs.yml's ``extra.repository`` says which address the repository's own Markdown and
pyproject.toml write (``written``; tests/test_repository_url.py checks them) and whether that address is
``published`` yet: while it is not, :attr:`GitHub.placeholder` is true, the build warns, and every page says
that the GitHub links lead nowhere yet (the banner of overrides/main.html).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote

# The issue form that "Report a problem with <rule or question>" opens (.github/ISSUE_TEMPLATE/), the title it starts
# with, and the ids of the form fields it fills in (GitHub prefills input and textarea fields from
# query parameters named after their id). tests/test_site_pages.py checks them against the form itself.
ISSUE_FORM = "mapping-correction.yml"
ISSUE_TITLE = "[mapping] "
ISSUE_RULE_FIELD = "rule"
ISSUE_QUESTION_FIELD = "question"
# The issue form that "Propose a rule for SEC-8" opens on a question page, its title and the field it fills in.
PROPOSAL_FORM = "rule-proposal.yml"
PROPOSAL_TITLE = "[proposal] "
PROPOSAL_QUESTION_FIELD = "question"

_GITHUB_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")
_GITHUB_REPO_URL = re.compile(r"^https://github\.com/([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+?)(?:\.git)?/?$")
_EDIT_URI_BRANCH = re.compile(r"^/?(?:edit|blob|tree)/([^/?#\s]+)/")


@dataclass(frozen=True)
class GitHub:
    """The GitHub repository (and branch) the catalogue is edited in, for the "Suggest a change" links."""

    owner: str
    repo: str
    branch: str = "main"
    # The address README.md, CONTRIBUTING.md and pyproject.toml write (mkdocs.yml's extra.repository.written),
    # and whether this repository is that address while it is not published yet (a placeholder).
    written: str | None = None
    placeholder: bool = False

    def __post_init__(self) -> None:
        for value in (self.owner, self.repo):
            if not _GITHUB_NAME.match(value) or value in (".", ".."):
                raise ValueError(f"{value!r} cannot name a GitHub owner or repository")
        if not self.branch or any(c.isspace() or ord(c) < 32 for c in self.branch):
            raise ValueError(f"{self.branch!r} cannot name a branch")

    @classmethod
    def from_mkdocs(cls, repo_url: object, edit_uri: object = None, extra: object = None) -> "GitHub | None":
        """From MkDocs' ``repo_url``, ``edit_uri`` (``edit/<branch>/docs/``) and ``extra`` (its ``repository``
        entry: ``written`` and ``published``); ``None`` unless a GitHub repository."""
        m = _GITHUB_REPO_URL.match(repo_url) if isinstance(repo_url, str) else None
        if m is None or m.group(2) in (".", ".."):
            return None
        b = _EDIT_URI_BRANCH.match(edit_uri) if isinstance(edit_uri, str) else None
        settings = extra.get("repository") if isinstance(extra, Mapping) else None
        settings = settings if isinstance(settings, Mapping) else {}
        w = _GITHUB_REPO_URL.match(settings.get("written") or "") if isinstance(settings.get("written"), str) else None
        written = f"https://github.com/{w.group(1)}/{w.group(2)}" if w else None
        github = cls(m.group(1), m.group(2), b.group(1) if b else "main", written)
        placeholder = written == github.url and settings.get("published") is not True
        return cls(github.owner, github.repo, github.branch, written, placeholder)

    @property
    def url(self) -> str:
        return f"https://github.com/{quote(self.owner, safe='')}/{quote(self.repo, safe='')}"

    def edit_url(self, path: str) -> str:
        """GitHub's editor for a file of the repository (``path`` relative to its root)."""
        return f"{self.url}/edit/{quote(self.branch, safe='')}/{quote(path, safe='/')}"

    def tree_url(self, path: str) -> str:
        """GitHub's listing of a folder of the repository (``path`` relative to its root)."""
        return f"{self.url}/tree/{quote(self.branch, safe='')}/{quote(path, safe='/')}"

    def in_markdown(self, text: str) -> str:
        """``text`` (the repository's CONTRIBUTING.md, say) with its links to the written address made links to this one."""
        if not self.written or self.written == self.url:
            return text
        return re.sub(re.escape(self.written) + r"(?![A-Za-z0-9_.-])", self.url, text)

    def issue_url(self, template: str, title: str, fields: dict[str, str]) -> str:
        """A new issue with an issue form, its title and fields (by id) filled in; every value is percent-encoded."""
        query = [("template", template), ("title", title), *fields.items()]
        return f"{self.url}/issues/new?" + "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in query)


_GITHUB_PATH = re.compile(r"^[A-Za-z0-9._-]+(?:/[A-Za-z0-9._-]+)*$")


def source_urls(repo: str, commit: str | None, path: str | None) -> tuple[str | None, str | None]:
    """(URL of the file ``path`` of ``repo`` at ``commit``, URL of ``repo`` at ``commit``), each ``None`` when
    it cannot be made: the file URL needs a commit and a plain relative path, the tree URL a commit.

    ``repo`` is the ``owner/name`` a catalogue source names; :func:`conformap.escape.link` checks the result.
    """
    if not commit:
        return None, None
    file_url = None
    if path and _GITHUB_PATH.match(path) and ".." not in path.split("/"):
        file_url = f"https://github.com/{repo}/blob/{commit}/{path}"
    return file_url, f"https://github.com/{repo}/tree/{commit}"
