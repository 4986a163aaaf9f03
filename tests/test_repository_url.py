"""The project's repository address: set once (mkdocs.yml's ``repo_url``), checked everywhere it is written (issue 20).

Markdown and TOML cannot read mkdocs.yml, so README.md, CONTRIBUTING.md, .pre-commit-hooks.yaml and
pyproject.toml write the address themselves; these tests fail when one of them disagrees with
mkdocs.yml's ``extra.repository.written``, which is also ``repo_url``'s default. The placeholder rule
(an unpublished address: a warning and a banner) is tested here on its function and in
tests/test_site_build.py on built sites.
"""

from __future__ import annotations

import re
import tomllib

import pytest

from conformap import paths
from conformap.site.docs import mkdocs_config
from conformap.site.github import GitHub

ROOT = paths.PROJECT_ROOT
# A GitHub repository address (owner/name) anywhere in a text.
_GITHUB = re.compile(r"https://github\.com/([A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+?)(?:\.git)?(?=[/)\s\"'>#?]|$)", re.M)


@pytest.fixture(scope="module")
def written(monkeypatch_module) -> str:
    monkeypatch_module.delenv("CONFORMAP_REPO_URL", raising=False)
    config = mkdocs_config()
    url = config["extra"]["repository"]["written"]
    assert config["repo_url"] == url  # the default of repo_url is the written address (one YAML anchor)
    assert re.fullmatch(r"https://github\.com/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+", url)
    return url


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as mp:
        yield mp


@pytest.mark.parametrize("name", ["README.md", "CONTRIBUTING.md", ".pre-commit-hooks.yaml"])
def test_markdown_files_write_the_one_address(written, name):
    text = (ROOT / name).read_text(encoding="utf-8")
    found = _GITHUB.findall(text)
    assert found, f"{name} names no repository"  # the test would pass vacuously otherwise
    own = written.removeprefix("https://github.com/")
    assert sorted(set(found)) == [own], f"{name} writes another repository address than mkdocs.yml's {written}"


def test_pyproject_urls_are_the_one_address(written):
    urls = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["urls"]
    assert urls == {
        "Homepage": written,
        "Source": written,
        "Issues": f"{written}/issues",
        "Changelog": f"{written}/releases",
    }


def test_contributing_links_the_issue_forms_on_its_first_screen(written):
    """The first screen (the text before the first section) links to every issue form of .github/ISSUE_TEMPLATE."""
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    first = text[: text.index("\n## ")]
    forms = sorted(p.name for p in (ROOT / ".github" / "ISSUE_TEMPLATE").glob("*.yml") if p.name != "config.yml")
    assert forms == ["mapping-correction.yml", "rule-proposal.yml"]
    for form in forms:
        assert f"({written}/issues/new?template={form})" in first, form


def test_env_overrides_repo_url_for_a_fork(monkeypatch):
    monkeypatch.setenv("CONFORMAP_REPO_URL", "https://github.com/someone/conformap-fork")
    config = mkdocs_config()
    github = GitHub.from_mkdocs(config["repo_url"], config["edit_uri"], config["extra"])
    assert (github.url, github.placeholder) == ("https://github.com/someone/conformap-fork", False)
    monkeypatch.delenv("CONFORMAP_REPO_URL")
    config = mkdocs_config()
    github = GitHub.from_mkdocs(config["repo_url"], config["edit_uri"], config["extra"])
    assert github.url == config["extra"]["repository"]["written"]
    assert github.placeholder is (config["extra"]["repository"]["published"] is not True)


def test_placeholder_rule():
    extra = {"repository": {"written": "https://github.com/o/r", "published": False}}
    assert GitHub.from_mkdocs("https://github.com/o/r", "edit/main/docs/", extra).placeholder is True
    assert GitHub.from_mkdocs("https://github.com/o/r/", None, extra).placeholder is True  # the same address
    assert GitHub.from_mkdocs("https://github.com/o/other", None, extra).placeholder is False  # a fork
    published = {"repository": {"written": "https://github.com/o/r", "published": True}}
    assert GitHub.from_mkdocs("https://github.com/o/r", None, published).placeholder is False
    assert GitHub.from_mkdocs("https://github.com/o/r", None, None).placeholder is False  # nothing says so


def test_markdown_links_follow_a_fork():
    extra = {"repository": {"written": "https://github.com/o/r", "published": False}}
    fork = GitHub.from_mkdocs("https://github.com/me/r2", None, extra)
    text = "[a](https://github.com/o/r/issues/new?x=1) https://github.com/o/r https://github.com/o/rx/ https://github.com/o/r.git"
    assert fork.in_markdown(text) == (
        "[a](https://github.com/me/r2/issues/new?x=1) https://github.com/me/r2 https://github.com/o/rx/ https://github.com/o/r.git"
    )
    same = GitHub.from_mkdocs("https://github.com/o/r", None, extra)
    assert same.in_markdown(text) == text
