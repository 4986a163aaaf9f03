"""Crawl every page of the built site: no broken internal link or anchor, no third-party asset."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

pytestmark = pytest.mark.slow


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[tuple[str, str, str]] = []  # (tag, attribute, url)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "a" and a.get("name"):
            self.ids.add(a["name"])
        for attr in ("href", "src"):
            if a.get(attr) is not None:
                self.links.append((tag, attr, a[attr]))


def _parse(file: Path) -> _Page:
    page = _Page()
    page.feed(file.read_text(encoding="utf-8"))
    return page


def _target(site: Path, page_url: str, link: str) -> tuple[Path | None, str]:
    parts = urlsplit(urljoin(page_url, link))
    path = unquote(parts.path).lstrip("/")
    file = site / path
    if path == "" or path.endswith("/"):
        file = file / "index.html"
    return file, parts.fragment


def crawl(site: Path) -> tuple[list[str], list[str]]:
    pages = {f: _parse(f) for f in site.rglob("*.html")}
    broken, third_party = [], []
    for file, page in pages.items():
        rel = file.relative_to(site).as_posix()
        page_url = "http://site.invalid/" + rel
        for tag, attr, link in page.links:
            scheme = urlsplit(link).scheme
            if scheme in ("http", "https"):
                # Links out are fine; anything the browser would fetch by itself is not.
                if not (tag == "a" and attr == "href"):
                    third_party.append(f"{rel}: <{tag} {attr}={link}>")
                continue
            if scheme in ("mailto", "data", "javascript") or link.startswith("#") and not link[1:]:
                if scheme == "javascript":
                    broken.append(f"{rel}: javascript: link {link}")
                continue
            target, fragment = _target(site, page_url, link)
            if not target.exists():
                broken.append(f"{rel}: {link} -> missing {target.relative_to(site) if site in target.parents else target}")
                continue
            if fragment and target.suffix == ".html":
                ids = pages[target].ids if target in pages else _parse(target).ids
                if unquote(fragment) not in ids:
                    broken.append(f"{rel}: {link} -> no anchor #{fragment}")
    return broken, third_party


def test_real_site_has_no_broken_links(real_site):
    broken, third_party = crawl(real_site)
    assert broken == []
    assert third_party == []
    assert len(list(real_site.rglob("*.html"))) > 127


def test_hostile_site_has_no_broken_links(hostile_site):
    broken, third_party = crawl(hostile_site)
    assert broken == []
    assert third_party == []


def test_every_page_is_reachable_from_the_home_page(real_site):
    # The nav lists sections only (mkdocs.yml ignores omitted files), so each page must be linked.
    start = real_site / "index.html"
    seen, todo = {start}, [start]
    while todo:
        file = todo.pop()
        rel = file.relative_to(real_site).as_posix()
        for tag, attr, link in _parse(file).links:
            if tag != "a" or urlsplit(link).scheme:
                continue
            target, _ = _target(real_site, "http://site.invalid/" + rel, link)
            if target.suffix == ".html" and target.exists() and target not in seen:
                seen.add(target)
                todo.append(target)
    pages = {f for f in real_site.rglob("index.html") if f.parent.name != "404"}
    assert sorted(p.relative_to(real_site).as_posix() for p in pages - seen) == []
