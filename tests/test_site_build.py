"""Build the site with MkDocs (--strict) and read the HTML it produces.

The fixture site (tests/fixtures/site-mini, whose texts try to inject markup) and the real catalogue's
site are each built once, with the project's mkdocs.yml, into a temporary folder.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import jsonschema
import pytest
from conftest import PLACEHOLDER_WARNING, build_site, other_warnings

import conformap
from conformap import paths

pytestmark = pytest.mark.slow

SITE_MINI = Path(__file__).resolve().parent / "fixtures" / "site-mini"


@pytest.fixture(scope="module")
def mini_build(tmp_path_factory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("site-mini") / "site"
    proc = build_site(SITE_MINI, out)
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert not other_warnings(proc.stderr), proc.stderr
    return out, proc.stderr


@pytest.fixture(scope="module")
def mini_site(mini_build) -> Path:
    return mini_build[0]


@pytest.fixture(scope="module")
def mini_build_stderr(mini_build) -> str:
    return mini_build[1]


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.in_script = False
        self.scripts: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self.in_script = tag == "script"
        if self.in_script:
            self.scripts.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_script = False

    def handle_data(self, data):
        if self.in_script:
            self.scripts[-1] += data


def read(file: Path) -> _Page:
    p = _Page()
    p.feed(file.read_text(encoding="utf-8"))
    return p


def hrefs_to_pages(site: Path, page_file: Path) -> set[str]:
    """Site paths (like 'controls/s-1/') that the <a href> links of a page point to, inside the site."""
    base = "http://site.invalid/" + page_file.relative_to(site).as_posix()
    out = set()
    for tag, attrs in read(page_file).tags:
        if tag == "a" and attrs.get("href"):
            url = urljoin(base, attrs["href"])
            parts = urlsplit(url)
            if parts.netloc == "site.invalid":
                out.add(unquote(parts.path).lstrip("/"))
    return out


def page_file(site: Path, path: str) -> Path:
    return site / path / "index.html"


def test_every_mapping_is_a_link_in_both_directions(mini_site):
    cat = conformap.load(SITE_MINI)
    for m in cat.mappings:
        rule_path, control_path = f"rules/{m.rule_id}/", f"controls/{m.control_id.lower()}/"
        assert control_path in hrefs_to_pages(mini_site, page_file(mini_site, rule_path)), m
        assert rule_path in hrefs_to_pages(mini_site, page_file(mini_site, control_path)), m
    index = hrefs_to_pages(mini_site, page_file(mini_site, "rules"))
    assert {f"rules/{r.id}/" for r in cat.rules} <= index


def test_unmapped_question_page(mini_site):
    html = page_file(mini_site, "controls/s-4").read_text(encoding="utf-8")
    assert "The source maps no AWS Config rule to this question." in html


def test_downloads_exist_and_agree(mini_site):
    data = json.loads((mini_site / "downloads/mappings.json").read_text(encoding="utf-8"))
    raw = (mini_site / "downloads/mappings.csv").read_bytes()
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8"), newline="")))
    assert len(data["mappings"]) == len(rows) == data["counts"]["mappings"] == 8
    assert raw.count(b"\r\n") == len(rows) + 1  # CRLF kept byte for byte
    published = json.loads((mini_site / "downloads/mappings.schema.json").read_text(encoding="utf-8"))
    assert published["$id"] == json.loads((paths.SCHEMA_DIR / "export.schema.json").read_text(encoding="utf-8"))["$id"]
    jsonschema.Draft202012Validator(published).validate(data)  # the published schema works alone
    listing = page_file(mini_site, "downloads").read_text(encoding="utf-8")
    for name in ("mappings.json", "mappings.csv", "mappings.schema.json"):
        content = (mini_site / "downloads" / name).read_bytes()
        assert hashlib.sha256(content).hexdigest() in listing
        assert f"<td align=\"right\">{len(content)}</td>" in listing or f">{len(content)}<" in listing


def test_no_asset_from_another_host_and_no_injected_markup(mini_site):
    html_files = list(mini_site.rglob("*.html"))
    assert len(html_files) >= 17
    for file in html_files:
        page = read(file)
        for tag, attrs in page.tags:
            for a, v in attrs.items():
                assert not a.startswith("on"), (file, tag, a)
            src = attrs.get("src") or ""
            assert not src.startswith(("http:", "https:", "//")), (file, tag, src)
            if tag == "link":
                assert not (attrs.get("href") or "").startswith(("http:", "https:", "//")), (file, attrs)
            for a in ("href", "src", "action", "formaction"):
                assert not (attrs.get(a) or "").strip().lower().startswith("javascript:"), (file, tag, attrs)
            assert tag not in {"iframe", "object", "embed", "img"}, (file, tag)
        for script in page.scripts:
            assert "alert(" not in script, file


def test_page_titles_are_escaped(mini_site):
    """The theme's <title> unescapes the heading (striptags); overrides/main.html escapes it again."""
    head = page_file(mini_site, "controls/s-3").read_text(encoding="utf-8").split("</head>")[0]
    assert "<title>S-3 · How do you do the third thing? &lt;/title&gt;&lt;script&gt;alert(3)&lt;/script&gt; - conformap</title>" in head
    for file in mini_site.rglob("*.html"):
        head = file.read_text(encoding="utf-8").split("</head>")[0]
        assert head.count("<title>") == 1 and head.count("</title>") == 1, file


def test_catalogue_text_is_shown_as_text(mini_site):
    html = page_file(mini_site, "rules/alpha-check").read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "![img](https://evil.example/x.png)" in html
    html = page_file(mini_site, "controls/s-1").read_text(encoding="utf-8")
    assert "{: onclick=&quot;alert(1)&quot; } | not | a table." in html


REPO_URL = "https://github.com/conformap/conformap"  # mkdocs.yml's placeholder address (tests/test_repository_url.py)
FORK_URL = "https://github.com/someone/conformap-fork"


def test_edit_links_point_to_the_catalogue_file(mini_site):
    html = page_file(mini_site, "rules/alpha-check").read_text(encoding="utf-8")
    assert f'href="{REPO_URL}/edit/main/tests/fixtures/site-mini/rules/alpha-check.yaml"' in html
    assert "/edit/main/docs/overlap.md" not in page_file(mini_site, "overlap").read_text(encoding="utf-8")
    # the header links the repository but does not make the theme fetch its statistics
    assert 'data-md-component="source"' not in html
    assert re.search(r'class="md-source__repository">\s*conformap/conformap\s*</div>', html)


def test_suggest_a_change_links_the_file_of_the_edit_button(mini_site):
    rel, source = "rules/alpha-check", "rules/alpha-check.yaml"
    html = page_file(mini_site, rel).read_text(encoding="utf-8")
    edit = f"{REPO_URL}/edit/main/tests/fixtures/site-mini/{source}"
    assert f'<a href="{edit}" title="Edit this page"' in html  # the theme's button
    section = html.split('<h2 id="suggest-a-change">', 1)[1].split("</ul>", 1)[0]
    assert f'<a href="{edit}">Edit tests/fixtures/site-mini/{source} on GitHub</a>' in section
    assert f'href="{REPO_URL}/issues/new?template=mapping-correction.yml&amp;' in section
    assert 'href="../../contributing/"' in section


def test_question_page_says_where_its_mappings_live(mini_site):
    """No edit button to the question's file (it holds none of its rules); the section links to the rule files."""
    html = page_file(mini_site, "controls/s-2").read_text(encoding="utf-8")
    assert 'title="Edit this page"' not in html
    section = html.split('<h2 id="suggest-a-change">', 1)[1].split("</ul>", 1)[0]
    assert f'<a href="{REPO_URL}/tree/main/tests/fixtures/site-mini/rules">browse the rule files on GitHub</a>' in section
    assert f'<a href="{REPO_URL}/edit/main/tests/fixtures/site-mini/controls/S-2.yaml">edit ' in section
    assert f'href="{REPO_URL}/issues/new?template=rule-proposal.yml&amp;title=%5Bproposal%5D%20Rule%20for%20S-2&amp;question=S-2">Propose a rule for S-2</a>' in section


def test_placeholder_address_is_said_on_every_page(mini_site, mini_build_stderr):
    """The default build has the placeholder address: it warns once, and every page says so in a banner."""
    assert len(PLACEHOLDER_WARNING.findall(mini_build_stderr)) == 1, mini_build_stderr
    for file in mini_site.rglob("*.html"):
        html = file.read_text(encoding="utf-8")
        if "/404.html" in file.as_posix() or REPO_URL not in html:
            continue
        banner = html.split('<p class="cm-placeholder">', 1)
        assert len(banner) == 2, file
        assert "the project's repository is not published yet" in unescape(banner[1].split("</p>", 1)[0]).lower(), file


def test_a_fork_build_links_its_own_repository(tmp_path):
    """CONFORMAP_REPO_URL sets another address: no warning, no banner, and no page names the placeholder address."""
    out = tmp_path / "site"
    proc = build_site(SITE_MINI, out, CONFORMAP_REPO_URL=FORK_URL)
    assert proc.returncode == 0 and "WARNING" not in proc.stderr, proc.stderr[-4000:]
    for file in out.rglob("*.html"):
        html = file.read_text(encoding="utf-8")
        assert REPO_URL not in html and "cm-placeholder" not in html, file
    contributing = page_file(out, "contributing").read_text(encoding="utf-8")
    assert f'href="{FORK_URL}/issues/new?template=rule-proposal.yml"' in contributing  # CONTRIBUTING.md's links, rewritten
    rule = page_file(out, "rules/alpha-check").read_text(encoding="utf-8")
    assert f'href="{FORK_URL}/issues/new?template=mapping-correction.yml&amp;' in rule


def test_contributing_page_is_the_repositorys_contributing_file(mini_site):
    text = _text(page_file(mini_site, "contributing"))
    headings = re.findall(r"^#+ (.+)$", (paths.PROJECT_ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8"), re.M)
    assert text.lstrip().startswith("Contributing to conformap\n")
    assert len(headings) > 10 and all(h.replace("`", "") in text for h in headings)
    html = page_file(mini_site, "contributing").read_text(encoding="utf-8")
    assert f'href="{REPO_URL}/edit/main/CONTRIBUTING.md"' in html


def _text(file: Path) -> str:
    """The text of a built page's article, one line per block."""
    html = file.read_text(encoding="utf-8")
    article = html.split('<article class="md-content__inner md-typeset">', 1)[1].split("</article>", 1)[0]
    article = re.sub(r'<a class="headerlink"[^>]*>.*?</a>', "", article)
    article = re.sub(r"</(h\d|p|li)>", "\n", article)
    return unescape(re.sub(r"<[^>]+>", "", article))


def test_changes_page_in_the_fixture_site(mini_site):
    text = _text(page_file(mini_site, "changes"))
    assert text.lstrip().startswith("Changes per release\n")
    assert 'href="changes/"' in page_file(mini_site, "").read_text(encoding="utf-8")  # in the nav and on the home page


def _git(repo: Path, *args: str, env: dict) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, env=env)


def test_changes_page_from_the_catalogue_history(tmp_path):
    """The page reads the history of the catalogue being built: none outside git, then two tagged releases."""
    project = tmp_path / "project"
    catalog = project / "data" / "catalog"
    shutil.copytree(SITE_MINI, catalog)
    git_env = dict(
        os.environ,
        HOME=str(tmp_path),
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CEILING_DIRECTORIES=str(tmp_path),  # never the repository around tmp_path, if any
        GIT_AUTHOR_NAME="Test",
        GIT_AUTHOR_EMAIL="test@example.com",
        GIT_COMMITTER_NAME="Test",
        GIT_COMMITTER_EMAIL="test@example.com",
    )
    for var in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        git_env.pop(var, None)
    ceiling = {"GIT_CEILING_DIRECTORIES": str(tmp_path)}

    proc = build_site(catalog, tmp_path / "site0", **ceiling)
    assert proc.returncode == 0 and not other_warnings(proc.stderr), proc.stderr[-4000:]
    assert "No git history is available in this build" in _text(page_file(tmp_path / "site0", "changes"))

    _git(project, "init", "-q", "-b", "main", env=git_env)
    _git(project, "add", "-A", env=git_env)
    _git(project, "commit", "-q", "-m", "v1", env=git_env)
    _git(project, "tag", "v1", env=git_env)
    rule = catalog / "rules" / "delta-check.yaml"
    rule.write_text(
        rule.read_text(encoding="utf-8")
        + "  - control: S-2\n    statement: S-2.BP02\n    rationale: Delta <b>also</b> does *the second* thing.\n",
        encoding="utf-8",
    )
    _git(project, "commit", "-q", "-a", "-m", "map delta-check to S-2", env=git_env)
    _git(project, "tag", "v2", env=git_env)

    out = tmp_path / "site"
    proc = build_site(catalog, out, **ceiling)
    assert proc.returncode == 0 and not other_warnings(proc.stderr), proc.stderr[-4000:]
    html = page_file(out, "changes").read_text(encoding="utf-8")
    text = _text(page_file(out, "changes"))
    v2, v1 = text.split("\nv2 (", 1)[1].split("\nv1 (", 1)
    added = v2.split("\nMappings added\n", 1)[1].split("\nStatistics\n", 1)[0]
    assert [line for line in added.splitlines() if line.strip()] == [
        "delta-check → S-2 / S-2.BP02; rationale: Delta <b>also</b> does *the second* thing."
    ]
    assert "Mappings removed" not in v2 and "Mappings changed" not in v2
    assert "Initial catalogue: 4 controls (3 mapped), 5 rules, 8 mappings, 2 errata." in v1
    assert "<b>also</b>" not in html and "&lt;b&gt;also&lt;/b&gt;" in html  # shown, not rendered
    assert text.index("\nv2 (") < text.index("\nv1 (")  # newest first


def test_invalid_catalogue_aborts_the_build(tmp_path):
    broken = tmp_path / "catalog"
    shutil.copytree(SITE_MINI, broken)
    rule = broken / "rules" / "delta-check.yaml"
    rule.write_text(rule.read_text(encoding="utf-8").replace("control: S-1", "control: S-9"), encoding="utf-8")
    out = tmp_path / "site"
    proc = build_site(broken, out)
    assert proc.returncode != 0
    assert "the catalogue at" in proc.stderr and "is invalid" in proc.stderr
    assert "delta-check.yaml" in proc.stderr and "unknown control 'S-9'" in proc.stderr
    assert not (out / "index.html").exists()


def test_real_catalogue_builds_strict_without_warnings(real_site_build):
    out, proc = real_site_build
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert not other_warnings(proc.stderr), proc.stderr
    assert len(list((out / "rules").glob("*/index.html"))) == 127
    assert len(list((out / "controls").glob("*/index.html"))) == 11
    for rel in ("changes", "contributing"):
        assert page_file(out, rel).is_file(), rel
    for cid in ("sec-7", "sec-10", "sec-11"):
        assert "The source maps no AWS Config rule to this question." in page_file(out, f"controls/{cid}").read_text(encoding="utf-8")
    data = json.loads((out / "downloads/mappings.json").read_text(encoding="utf-8"))
    rows = list(csv.DictReader(io.StringIO((out / "downloads/mappings.csv").read_text(encoding="utf-8"), newline="")))
    assert len(data["mappings"]) == len(rows) == 181


# --------------------------------------------------------------------------- conformap render-site


def _render_site(out: Path, catalog: Path = SITE_MINI) -> int:
    from conformap.cli import main

    return main(["render-site", str(out), "--catalog", str(catalog)])


def test_render_site_writes_the_generated_files_for_another_builder(tmp_path, capsys):
    """render-site writes what gen-files gets; MkDocs without gen-files builds the site from that folder."""
    from conformap.site.changes import changes_markdown
    from conformap.posture import sample as posture_sample
    from conformap.site.docs import MARKER, github_from_mkdocs, site_files

    out = tmp_path / "generated"
    assert _render_site(out) == 0, capsys.readouterr().err
    mini = conformap.load(SITE_MINI)
    expected = site_files(mini, github=github_from_mkdocs(), changes=changes_markdown(catalog_dir=SITE_MINI, current=mini))
    expected |= posture_sample.files(mini)  # the sample posture report of docs/posture.md
    written = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file() and p.name != MARKER}
    assert written == {k: v.encode("utf-8") if isinstance(v, str) else v for k, v in expected.items()}
    assert written["contributing.md"] == (paths.PROJECT_ROOT / "CONTRIBUTING.md").read_bytes()
    assert b"## Suggest a change" in written["rules/alpha-check.md"]

    # A plain MkDocs project: the hand-written docs plus the folder, no gen-files plugin.
    project = tmp_path / "plain"
    shutil.copytree(paths.PROJECT_ROOT / "docs", project / "docs")
    shutil.copytree(out, project / "docs", dirs_exist_ok=True)
    shutil.copytree(paths.PROJECT_ROOT / "overrides", project / "overrides")
    (project / "mkdocs.yml").write_text(
        f"INHERIT: {paths.PROJECT_ROOT / 'mkdocs.yml'}\ndocs_dir: docs\nplugins:\n  - search\nwatch: []\n", encoding="utf-8"
    )
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", DISABLE_MKDOCS_2_WARNING="true")
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(project / "mkdocs.yml"), "--site-dir", str(tmp_path / "site")],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "WARNING" not in proc.stderr, proc.stderr
    assert (tmp_path / "site" / "rules" / "alpha-check" / "index.html").is_file()


def test_render_site_replaces_only_its_own_output(tmp_path, capsys):
    out = tmp_path / "generated"
    assert _render_site(out) == 0
    assert _render_site(out) == 0  # an earlier output, as it wrote it: replaced as a whole
    assert (out / "index.md").is_file()
    assert not [p for p in tmp_path.iterdir() if p.name != "generated"]  # no staging folder left behind

    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.md").write_text("mine\n", encoding="utf-8")
    capsys.readouterr()
    assert _render_site(mine) == 1
    err = capsys.readouterr().err
    assert f"{mine}: is a folder with other files in it" in err and "Traceback" not in err
    assert [p.name for p in mine.iterdir()] == ["notes.md"]

    file = tmp_path / "file.md"
    file.write_text("x\n", encoding="utf-8")
    assert _render_site(file) == 1
    assert "exists and is not a folder" in capsys.readouterr().err
    assert file.read_text(encoding="utf-8") == "x\n"

    empty = tmp_path / "empty"
    empty.mkdir()
    assert _render_site(empty) == 0 and (empty / "index.md").is_file()


def test_render_site_with_an_invalid_catalogue_writes_nothing(tmp_path, capsys):
    bad = shutil.copytree(SITE_MINI, tmp_path / "catalog")
    (bad / "rules" / "alpha-check.yaml").write_text("id: alpha-check\nkind: nonsense\n", encoding="utf-8")
    out = tmp_path / "generated"
    assert _render_site(out, bad) == 1
    err = capsys.readouterr().err
    assert "alpha-check.yaml:" in err and "nothing was written" in err
    assert not out.exists()


def test_every_page_footer_links_the_notice(mini_site):
    """issue 19: every page links the Notice (NOTICE.md, the terms of each source) from its footer."""
    notice = page_file(mini_site, "notice")
    assert _text(notice).lstrip().startswith("Notice: content from Amazon Web Services and NIST\n")
    pages = [p for p in mini_site.rglob("index.html") if "assets" not in p.parts]
    assert len(pages) > 10
    for p in pages:
        html = p.read_text(encoding="utf-8")
        footer = html.split('<div class="md-copyright">', 1)[1]
        link = re.search(r'<a href="([^"]+)" class="cm-notice-link">', footer)
        assert link is not None, p
        assert (p.parent / link.group(1) / "index.html").resolve() == notice.resolve(), p


def test_search_partial_override_is_the_themes_with_a_dialog_name():
    """overrides/partials/search.html is mkdocs-material's own, plus the search dialog's accessible name."""
    import material

    theme = (Path(material.__file__).parent / "templates" / "partials" / "search.html").read_text(encoding="utf-8")
    ours = (paths.PROJECT_ROOT / "overrides" / "partials" / "search.html").read_text(encoding="utf-8")
    dialog = '<div class="md-search" data-md-component="search" role="dialog">'
    named = '<div class="md-search" data-md-component="search" role="dialog" aria-label="{{ lang.t(\'search\') }}">'
    assert theme.count(dialog) == 1
    assert ours.split("-#}\n", 1)[1] == theme.split("-#}\n", 1)[1].replace(dialog, named)


@pytest.mark.parametrize("change", ["add", "edit", "link"])
def test_render_site_keeps_a_file_the_user_put_in_its_output(tmp_path, capsys, change):
    """Issue 22, class 5: a file the user added to (or changed in) an earlier output survives: the run refuses."""
    out = tmp_path / "generated"
    assert _render_site(out) == 0
    if change == "add":
        (out / "rules" / "my-notes.md").write_text("mine\n", encoding="utf-8")
    elif change == "edit":
        (out / "index.md").write_text("my own front page\n", encoding="utf-8")
    else:
        (out / "elsewhere").symlink_to(tmp_path)
    before = {p.relative_to(tmp_path).as_posix(): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file() and not p.is_symlink()}
    capsys.readouterr()
    assert _render_site(out) == 1
    err = capsys.readouterr().err
    shown = {"add": "rules/my-notes.md", "edit": "index.md (changed)", "link": "elsewhere"}[change]
    assert f"holds 1 file(s) an earlier `conformap render-site` did not write as they are ({shown})" in err
    assert "Traceback" not in err
    assert {p.relative_to(tmp_path).as_posix(): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file() and not p.is_symlink()} == before
