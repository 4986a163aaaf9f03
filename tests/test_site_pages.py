"""Site generation as plain functions: escaping of untrusted text, and the pages of a small catalogue.

tests/fixtures/site-mini, worked out by hand (controls supported by each rule):

    alpha-check   (Amazon S3)   S-1, S-2.BP01
    beta-check    (Amazon EC2)  S-2.BP01, S-3 (printed with S-1's text; deprecated -> gamma-check)
    gamma-check   (Amazon EC2)  S-2.BP02, S-3
    delta-check   (AWS IAM)     S-1                      exclusive
    epsilon-check (no service)  S-3 (contributed)        exclusive
    S-4 is not in the source.

    rules of:  S-1 {alpha, delta}   S-2 {alpha, beta, gamma}   S-3 {beta, gamma, epsilon}   S-4 {}
    shared:    S-1/S-2 = 1 (Jaccard 1/4 = 0.25)   S-2/S-3 = 2 (2/4 = 0.5)   S-1/S-3 = 0
    rules by number of questions: 1 -> 2 rules (delta, epsilon), 2 -> 3 rules (alpha, beta, gamma)
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import jsonschema
import markdown
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from support.examples import examples
from support.markdown_text import EXTENSION_CONFIGS, EXTENSIONS, shown

import conformap
from conformap import escape as mdtext
from conformap import paths
from conformap.analysis import stats
from conformap.analysis.graph import build_graph
from conformap.analysis.stats import Analysis
from conformap.site import GitHub, pages
from conformap.site.docs import mkdocs_config
from conformap import routes
from conformap.site.render import environment, template

SITE_MINI = Path(__file__).resolve().parent / "fixtures" / "site-mini"
HOSTILE = Path(__file__).resolve().parent / "fixtures" / "hostile"


# --------------------------------------------------------------------------- rendering like MkDocs


def render(md: str) -> str:
    return markdown.markdown(md, extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS)


class _Html(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parse(html: str) -> _Html:
    p = _Html()
    p.feed(html)
    p.close()
    return p


def assert_inert(html: str) -> None:
    """No script or other active element, no event handler, no javascript: (or other non-https) link."""
    for tag, attrs in parse(html).tags:
        assert tag not in {"script", "img", "iframe", "object", "embed", "style", "svg", "marquee", "details", "form"}, (tag, html)
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name, html)
            assert name in {"href", "id", "class", "title", "align", "style"}, (tag, name, html)
            if name == "style":
                assert tag in {"td", "th"} and re.fullmatch(r"text-align: (left|right|center);", value), html
            if name == "href":
                assert value.startswith(("https://", "#", "../")) or re.fullmatch(r"[a-z0-9.-]+\.md(#[a-z0-9.-]+)?", value), value


HOSTILE_STRINGS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "[x](javascript:alert(1))",
    "[x]: javascript:alert(1)",
    "![img](https://evil.example/x.png)",
    "<https://evil.example/>",
    '{: onclick="alert(1)" }',
    "text {: #id .class onmouseover=alert(1) }",
    "> quoted",
    "# heading",
    "## heading ##",
    "1. ordered",
    "- item",
    "* item",
    "+ item",
    "    indented code",
    "```\nfenced\n```",
    "`code` and ``double``",
    "a | b | c",
    "|---|---|",
    "!!! danger \"x\"",
    "??? note",
    "*em* _em_ **strong** __strong__",
    "~~strike~~ ~sub~ ^sup^ ==mark==",
    "&amp; &lt;script&gt; &#60;script&#62;",
    "back\\slash \\* \\[",
    "line1\n===\nline2",
    "line1\n---",
    "a\x02wzxhzdk:0\x03b \x00\x1b[31m",
    "<!-- comment --> <![CDATA[x]]>",
    "<div markdown=\"1\">*x*</div>",
    "[^1] footnote\n\n[^1]: note",
    "*[HTML]: Hyper",
    "<style>body{display:none}</style>",
    "<svg onload=alert(1)>",
    "\"quoted\" 'single' `tick`",
    "trailing two spaces  \nbreak",
]


def _expected(value: str) -> str:
    return mdtext.clean(value)


@pytest.mark.parametrize("value", HOSTILE_STRINGS)
def test_text_renders_literally_and_inert(value):
    md = mdtext.text(value)
    assert "\n" not in md
    html = render(md)
    assert_inert(html)
    assert "".join(parse(html).text).strip() == _expected(value)


@pytest.mark.parametrize("value", HOSTILE_STRINGS)
def test_text_is_inert_in_every_context(value):
    """The same text in a heading, a list item, a table cell, a quote, an admonition and a link label."""
    e = mdtext.text(value)
    doc = "\n".join(
        [
            f"# {e}",
            "",
            f"- {e}",
            "",
            f"> {e}",
            "",
            "| a | b |",
            "| --- | --- |",
            f"| {e} | {mdtext.code(value)} |",
            "",
            '!!! note "Note"',
            "",
            f"    {e}",
            "",
            f"[{e}](page.md) {mdtext.link(value, 'https://example.com/')} {mdtext.text_with_code(value)}",
        ]
    )
    html = render(doc)
    assert_inert(html)
    assert html.count("<td>") == 2  # a pipe in the text did not add a cell
    assert "<blockquote>" in html and html.count("<h1") == 1


def test_text_table_cell_keeps_its_text():
    cell = mdtext.text("a | b \\| c")
    html = render(f"| x |\n| --- |\n| {cell} |")
    assert "<td>a | b \\| c</td>" in html


@settings(max_examples=examples(400), deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>&\"'`*_{}[]()#+-.!|~\\:=^$@ \n\tab1/;")), max_size=40))
def test_text_round_trips_any_punctuation(value):
    html = render(mdtext.text(value))
    assert_inert(html)
    assert "".join(parse(html).text).strip() == _expected(value)


@settings(max_examples=examples(200), deadline=None)
@given(st.text(max_size=30))
def test_text_round_trips_any_unicode(value):
    html = render(mdtext.text(value))
    assert_inert(html)
    assert "".join(parse(html).text).strip() == _expected(value)


def test_text_with_code():
    md = mdtext.text_with_code("Checks `maxAccessKeyAge` <b>days</b> `*x*`.")
    html = render(md)
    assert html == "<p>Checks <code>maxAccessKeyAge</code> &lt;b&gt;days&lt;/b&gt; <code>*x*</code>.</p>"
    assert render(mdtext.text_with_code("odd ` tick")) == "<p>odd ` tick</p>"
    assert render(mdtext.text_with_code("`<script>alert(1)</script>`")) == "<p><code>&lt;script&gt;alert(1)&lt;/script&gt;</code></p>"


def test_html_escapes_for_raw_blocks():
    assert mdtext.html('<a href="x" onclick=\'y\'>&') == "&lt;a href=&quot;x&quot; onclick=&#x27;y&#x27;&gt;&amp;"


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        " https://example.com",
        "http://example.com",
        "data:text/html,<script>alert(1)</script>",
        "//evil.example/",
        "https://exa mple.com/",
        "https://example.com/\nx",
        "https://user@evil.example/",
        "https:///path",
        "https://example.com\x00/",
        "vbscript:x",
        None,
        42,
    ],
)
def test_https_url_rejects(url):
    assert mdtext.https_url(url) is None
    md = mdtext.link("label <b>", url)
    assert "](" not in md
    assert_inert(render(md))


def test_https_url_encodes_what_markdown_or_html_could_read():
    url = "https://example.com/a(b)c'd\"e<f>g[h]i`j?q=1&r=2#frag"
    target = mdtext.https_url(url)
    assert target == "https://example.com/a%28b%29c%27d%22e%3Cf%3Eg%5Bh%5Di%60j?q=1&r=2#frag"
    html = render(mdtext.link("label", url))
    assert html == f'<p><a href="{target.replace("&", "&amp;")}">label</a></p>'
    assert mdtext.https_url("https://docs.aws.amazon.com/config/latest/developerguide/x.html") == (
        "https://docs.aws.amazon.com/config/latest/developerguide/x.html"
    )


# --------------------------------------------------------------------------- page names


def test_page_names():
    assert routes.control_page("SEC-1") == "controls/sec-1.md"
    assert routes.control_page("A.1-B") == "controls/a.1-b.md"
    assert routes.rule_page("restricted-ssh") == "rules/restricted-ssh.md"
    assert routes.rel("rules/x.md", "controls/sec-1.md", "s-sec-1.desc") == "../controls/sec-1.md#s-sec-1.desc"
    assert routes.rel("index.md", "rules/index.md") == "rules/index.md"
    assert routes.rel("rules/x.md", "rules/y.md") == "y.md"
    assert routes.rel("downloads/index.md", "downloads/mappings.csv") == "mappings.csv"
    assert routes.rel("a/b/c.md", "a/d/e.md") == "../d/e.md"
    assert routes.rel("a/b/c.md", "index.md") == "../../index.md"
    for bad in ("index", "../x", "a/b", "A", "x.md"):
        with pytest.raises(ValueError):
            routes.rule_page(bad)
    for bad in ("INDEX", "sec-1", "../SEC", "SEC/1"):
        with pytest.raises(ValueError):
            routes.control_page(bad)


# --------------------------------------------------------------------------- the site-mini catalogue


@pytest.fixture(scope="module")
def mini():
    return conformap.load(SITE_MINI)


@pytest.fixture  # built for each test (0.03 s): a module-scoped result would hide mutants from all but its first test
def site(mini):
    return pages.render_site(mini)


LINK = re.compile(r"\]\(([^)\s]+)\)")


def links(md: str) -> set[str]:
    """Link targets of a page, without anchors."""
    return {m.split("#")[0] for m in LINK.findall(md)}


# Pages not made by render_site that generated pages may link to, and their sources.
HAND_WRITTEN = {"about.md": "docs/about.md", "contributing.md": "CONTRIBUTING.md", "notice.md": "NOTICE.md", "posture.md": "docs/posture.md"}


def test_hand_written_pages_exist():
    for name, source in HAND_WRITTEN.items():
        assert (paths.PROJECT_ROOT / source).is_file(), name


def test_site_paths(site, mini):
    expected = {
        "index.md",
        "controls/index.md",
        "rules/index.md",
        "overlap.md",
        "crosswalk.md",
        "security-hub.md",
        "errata.md",
        "methodology.md",
        "downloads/index.md",
        *(f"controls/s-{n}.md" for n in range(1, 5)),
        *(f"rules/{r}-check.md" for r in ("alpha", "beta", "gamma", "delta", "epsilon")),
    }
    # The downloads are every file of outputs.downloads (tests/test_outputs_downloads.py), a CSV per mapped question among them.
    published = {p for p in site if p.startswith("downloads/") and p != "downloads/index.md"}
    assert {"downloads/mappings.json", "downloads/mappings.csv", "downloads/mappings.schema.json", "downloads/manifest.json"} <= published
    assert {p for p in published if p.startswith("downloads/questions/")} == {
        f"downloads/questions/s-{n}.csv" for n in range(1, 5) if any(m.control_id == f"S-{n}" for m in mini.mappings)
    }
    assert set(site) == expected | published
    assert all(isinstance(v, str) for k, v in site.items() if k.endswith(".md"))
    assert all(isinstance(v, bytes) for k, v in site.items() if not k.endswith(".md"))


def test_site_is_deterministic(mini, site):
    assert pages.render_site(mini) == site


def test_every_mapping_is_a_link_both_ways(site, mini):
    assert len(mini.mappings) == 8
    for m in mini.mappings:
        rule_md = site[routes.rule_page(m.rule_id)]
        control_md = site[routes.control_page(m.control_id)]
        assert f"../controls/{m.control_id.lower()}.md" in links(rule_md), m
        assert f"../rules/{m.rule_id}.md" in links(control_md), m
        # and the statement anchor the rule page links to exists on the control page
        anchor = routes.statement_anchor(m.statement_id)
        assert f"(../controls/{m.control_id.lower()}.md#{anchor})" in rule_md
        assert f'<a id="{anchor}"></a>' in control_md
    # the indexes link every page
    assert links(site["rules/index.md"]) >= {f"{r.id}.md" for r in mini.rules}
    assert links(site["controls/index.md"]) >= {f"{c.id.lower()}.md" for c in mini.controls}


def test_no_link_to_a_missing_page(site):
    for name, md in site.items():
        if not name.endswith(".md"):
            continue
        base = Path(name).parent
        for target in links(md):
            if target.startswith("https://") or target == "":  # "" : an anchor of the same page
                continue
            resolved = (base / target).as_posix()
            resolved = re.sub(r"[^/]+/\.\./", "", resolved)
            assert resolved in site or resolved in HAND_WRITTEN, (name, target)


def test_unmapped_control_says_so(site):
    s4 = site["controls/s-4.md"]
    assert "The source maps no AWS Config rule to this question." in s4
    assert "## Overlap" not in s4
    assert "*(no rule mapped)*" in site["controls/index.md"]
    assert "The source maps no rule to [S\\-4](controls/s-4.md)." in site["index.md"]
    assert "The source maps no AWS Config rule to this question. The question in the framework: " in s4  # its note only restates that


def test_every_page_ends_with_one_line_break(site):
    texts = {name: md for name, md in site.items() if name.endswith(".md")}
    assert len(texts) > 10
    for name, md in texts.items():
        assert md.endswith("\n") and not md.endswith("\n\n") and not md.endswith(" \n"), name


def _edited_site(tmp_path: Path, rel: str, old: str, new: str) -> dict:
    """The site of a copy of site-mini whose file ``rel`` says ``new`` where it said ``old``."""
    root = tmp_path / "site-mini"
    shutil.copytree(SITE_MINI, root)
    f = root / rel
    f.write_text(f.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    return pages.render_site(conformap.load(root))


def test_an_unmapped_questions_own_note_is_shown(tmp_path):
    site = _edited_site(tmp_path, "controls/S-4.yaml", "The source maps no rule to this question.", "Covered by the organisation's policies.")
    s4 = site["controls/s-4.md"]
    assert "The source maps no AWS Config rule to this question. Covered by the organisation's policies\\. The question in the framework: " in s4


def test_question_pages_link_their_downloads_and_pack(site):
    s1 = site["controls/s-1.md"]
    assert 'Download S\\-1\'s rules as <a href="../../downloads/questions/s-1.csv" download>CSV</a>, or deploy them as the conformance pack below.' in s1
    assert '<a href="../../downloads/conformance-packs/s-1.yaml" download>s-1.yaml</a>' in s1
    assert "--conformance-pack-name conformap-s-1 " in s1
    assert "once per parameter): <code>AlphaCheckParamMaxDays</code>.\n" in s1
    s3 = site["controls/s-3.md"]
    assert "- **Parameters:** none; the rules take AWS's defaults.\n" in s3
    assert "(a process check, not an AWS Config rule); so the pack deploys 1 rule of 3.\n" in s3
    s2 = site["controls/s-2.md"]  # and a pack per best-practice statement
    assert '**Deploy S\\-2 S02\\-BP01 \\(The first practice &lt;img src=x onerror=alert\\(1\\)&gt;\\)** as an AWS Config conformance pack (1 rule): ' in s2
    assert '<a href="../../downloads/conformance-packs/s-2-bp01.yaml" download>s-2-bp01.yaml</a>' in s2


def test_question_and_rule_pages_show_the_crosswalk(tmp_path):
    """site-mini with the Security Hub guide and OSCAL catalog tying alpha-check to S3.1 (NIST AC-2 and PCI 1.2, per the guide) and NIST."""
    root = tmp_path / "site-mini"
    shutil.copytree(SITE_MINI, root)
    (root / "crosswalks").mkdir()
    pinned = {"path": "x.md", "git_blob": "0" * 40, "sha256": "0" * 64}
    source = {"repo": "example/source", "commit": "1" * 40, "commit_date": "2026-01-01", "license": "MIT", "files": [pinned]}
    guide = {"id": "security-hub-guide", "title": "Guide", "source": source, "controls": [
        {"id": "S3.1", "title": "Buckets are private", "severity": "HIGH", "config_rules": ["alpha-check"], "nist_800_53_r5": ["AC-2"], "pci_dss_v3_2_1": ["1.2"]}]}
    nist = {"id": "nist-800-53", "title": "NIST", "source": source, "families": [{"id": "AC", "title": "Access Control"}],
            "controls": [{"id": "AC-2", "title": "Account Management", "family": "AC"}]}  # fmt: skip
    oscal = {**guide, "id": "security-hub-oscal", "title": "OSCAL", "controls": [{**guide["controls"][0], "nist_800_53_r5": []}]}
    for name, data in (("security-hub-guide.yaml", guide), ("security-hub-oscal.yaml", oscal), ("nist-800-53-r5.yaml", nist)):
        (root / "crosswalks" / name).write_text(yaml.safe_dump(data), encoding="utf-8")
    site = pages.render_site(conformap.load(root))
    s1 = site["controls/s-1.md"]
    assert "| [AC\\-2](../crosswalk.md#nist-ac-2) | Account Management | 1 | [alpha\\-check](../rules/alpha-check.md) |" in s1
    assert "| [<code>S3\\.1</code>](../security-hub.md#hub-s3-1) | Buckets are private | 1 | [alpha\\-check](../rules/alpha-check.md) |" in s1
    assert "AC\\-2" not in site["controls/s-3.md"]
    hub = site["security-hub.md"]
    assert "Security Hub control S3\\.1, severity HIGH: 1 rule ([alpha\\-check](rules/alpha-check.md)), serving 2 questions ([S\\-1](controls/s-1.md), [S\\-2](controls/s-2.md))." in hub
    alpha = site["rules/alpha-check.md"]
    assert "| [<code>S3\\.1</code>](../security-hub.md#hub-s3-1) | Buckets are private | HIGH | Security Hub user guide, Security Hub OSCAL catalog |" in alpha
    assert "Security Hub titles and requirement ids: Guide (example/source at <code>1111111</code>), MIT; OSCAL (example/source at <code>1111111</code>), MIT." in alpha
    assert "- **NIST SP 800-53 Rev. 5:** [AC\\-2 (Account Management)](../crosswalk.md#nist-ac-2).\n" in alpha
    assert "- **PCI DSS v3.2.1:** [1\\.2](../security-hub.md#pci-1-2).\n" in alpha


def test_a_question_whose_rules_no_pack_deploys_offers_no_pack(tmp_path):
    """S-3 once gamma-check is a process check: beta-check is deprecated, epsilon-check a process check too."""
    managed = "kind: managed\nidentifier: GAMMA_CHECK\nservice: Amazon EC2\ntrigger: Configuration changes and Periodic\n"
    site = _edited_site(tmp_path, "rules/gamma-check.yaml", managed, "kind: process-check\n")
    assert "downloads/conformance-packs/s-3.yaml" not in site
    assert "Download S\\-3's rules as <a href=\"../../downloads/questions/s-3.csv\" download>CSV</a>.\n" in site["controls/s-3.md"]


def test_rule_pages_cite_their_rows_errata_and_undocumented_pack_parameters(mini, tmp_path):
    gh = GitHub.from_mkdocs(MKDOCS["repo_url"], MKDOCS["edit_uri"])
    site = pages.render_site(mini, github=gh)
    assert "- Rows 3, 4 of [Site mini page](https://example.com/page).\n" in site["rules/beta-check.md"]
    assert "- [E1: Row 4 prints the S\\-1 description &lt;script&gt;alert\\('e1'\\)&lt;/script&gt;](../errata.md#e1)\n" in site["rules/beta-check.md"]
    assert "../errata.md#e1" not in site["rules/gamma-check.md"]
    assert "not in the rule's documentation" not in site["rules/alpha-check.md"]  # maxDays is documented
    alpha = _edited_site(tmp_path, "rules/alpha-check.yaml", 'input_parameters: {maxDays: "30"}', 'input_parameters: {maxDays: "30", extraKey: "x"}')["rules/alpha-check.md"]
    assert "- <code>extraKey</code>: set by the conformance pack, not in the rule's documentation.\n" in alpha
    assert "<code>maxDays</code>: set by the conformance pack" not in alpha


def test_control_page(site):
    s2 = site["controls/s-2.md"]
    assert s2.startswith("---\nsearch:\n  boost: 3\n---\n# S\\-2 · How do you do the \\*second\\* thing?\n")
    assert '<p hidden class="cm-aliases">S 2 · S02 · S2</p>' in s2  # the id's other forms, for the site search
    assert "The framework now asks: *How do you do the second thing today?*" in s2
    assert "[S02\\-BP01 The first practice &lt;img src=x onerror=alert\\(1\\)&gt;](https://example.com/framework/s02-bp01)" in s2
    assert "**3 rules** · 0 exclusive" in s2
    assert "| [S\\-1](s-1.md) | How do you protect the &lt;script&gt;alert\\(1\\)&lt;/script&gt; first thing? | [1](../overlap.md#pair-s-1-s-2) | 0.25 |" in s2
    assert "| [S\\-3](s-3.md) | How do you do the third thing? &lt;/title&gt;&lt;script&gt;alert\\(3\\)&lt;/script&gt; | [2](../overlap.md#pair-s-2-s-3) | 0.5 |" in s2
    assert "| Amazon EC2 | 2 |" in s2 and "| Amazon S3 | 1 |" in s2
    assert "[E2: beta\\-check is deprecated](../errata.md#e2)" in s2
    s1 = site["controls/s-1.md"]
    assert "## Exclusive rules\n\nSupporting this question and no other: 1 of its 2 rules, [delta\\-check](../rules/delta-check.md)." in s1
    s3 = site["controls/s-3.md"]
    assert "contributed mapping, not in the source: Contributed: it checks the third thing\\." in s3
    assert "the source printed this row with the text of [S\\-1](../controls/s-1.md#s-s-1.desc)" not in s3  # same-dir link
    assert "the source printed this row with the text of [S\\-1](s-1.md#s-s-1.desc)" in s3
    assert "| *not stated by the source* | 1 |" in s3


def test_printed_statement_is_linked_both_ways(site):
    """beta-check's row 4 is mapped to S-3 but printed with S-1's text: each page names the other."""
    assert "the source printed this row with the text of [S\\-1](../controls/s-1.md#s-s-1.desc)" in site["rules/beta-check.md"]
    s1 = site["controls/s-1.md"]
    assert "## Rows printed with this question's text" in s1
    assert "- [beta\\-check](../rules/beta-check.md): printed with [Question description](s-1.md#s-s-1.desc), mapped to [S\\-3](s-3.md#s-s-3.desc)" in s1
    assert "## Rows printed" not in site["controls/s-3.md"]


def test_rule_page(site):
    alpha = site["rules/alpha-check.md"]
    assert alpha.startswith("---\nsearch:\n  boost: 2\n---\n# alpha\\-check\n")
    assert "- **Identifier:** <code>ALPHA\\_CHECK</code>" in alpha
    assert "[AWS Config Developer Guide](https://docs.aws.amazon.com/config/latest/developerguide/alpha-check.html)" in alpha
    assert "- **Resource types:** <code>AWS::S3::Bucket</code>" in alpha
    assert "The rule is NON\\_COMPLIANT when <code>maxDays</code> is exceeded\\." in alpha
    assert "| <code>maxDays</code> | int | no | <code>90</code> | <code>30</code> |" in alpha
    assert "| <code>tagKey</code> | String | yes | none | not set |" in alpha
    assert "- <code>maxDays</code>: Maximum days &lt;b&gt;before&lt;/b&gt; a finding\\." in alpha
    assert "Alpha guidance \\!\\[img\\]\\(https://evil\\.example/x\\.png\\) &lt;img src=x onerror=alert\\(1\\)&gt;\\." in alpha
    assert "- Supports 2 questions." in alpha
    assert "[example/docs: [alpha-check.md]" not in alpha
    assert "(https://github.com/example/docs/blob/0123456789abcdef0123456789abcdef01234567/alpha-check.md)" in alpha
    delta = site["rules/delta-check.md"]
    assert "- **Resource types:** not stated by the source" in delta
    assert "- Supports 1 question (exclusive)." in delta
    assert "The rule takes no parameters" in delta
    epsilon = site["rules/epsilon-check.md"]
    assert "process check" in epsilon and "- **Service:** not stated by the source" in epsilon


def test_deprecation_both_ways(site):
    beta, gamma = site["rules/beta-check.md"], site["rules/gamma-check.md"]
    assert '!!! warning "Deprecated"' in beta and "Use [gamma\\-check](gamma-check.md) instead." in beta
    assert '!!! tip "Replaces"' in gamma and "This rule replaces [beta\\-check](beta-check.md)" in gamma
    assert "*(deprecated)*" in site["rules/index.md"]


def test_overlap_facts_on_rule_pages(site):
    beta = site["rules/beta-check.md"]
    assert "- Rules supporting exactly the same questions (1): [gamma\\-check](gamma-check.md)." in beta
    assert (
        "- Most often mapped alongside: [gamma\\-check](gamma-check.md) (2 questions in common), "
        "[alpha\\-check](alpha-check.md) (1 question in common), [epsilon\\-check](epsilon-check.md) (1 question in common)."
    ) in beta
    assert "- Rules supporting exactly the same questions: none." in site["rules/delta-check.md"]


def test_overlap_page_numbers(site):
    page = site["overlap.md"]
    # the matrix as a table (diagonal = own rule count)
    assert "| [S\\-1](controls/s-1.md) | 2 | 1 | 0 | 0 |" in page
    assert "| [S\\-2](controls/s-2.md) | 1 | 3 | 2 | 0 |" in page
    assert "| [S\\-3](controls/s-3.md) | 0 | 2 | 3 | 0 |" in page
    assert "| [S\\-4](controls/s-4.md) | 0 | 0 | 0 | 0 |" in page
    # pairs, by Jaccard
    pairs = re.findall(
        r"^\| \[S\\-(\d)\]\(controls/s-\d\.md\) \| \[S\\-(\d)\]\(controls/s-\d\.md\) \| \[(\d+)\]\(#pair-s-\1-s-\2\) \| ([\d.]+) \|$", page, re.M
    )
    assert pairs == [("2", "3", "2", "0.5"), ("1", "2", "1", "0.25")]
    # each pair's shared rules, under a count-free anchor the heatmap cells and the table rows open
    assert '<div id="pair-s-2-s-3" class="cm-list" markdown="1">' in page
    assert "**[S\\-2](controls/s-2.md) and [S\\-3](controls/s-3.md)** share 2 rules: [beta\\-check](rules/beta-check.md), [gamma\\-check](rules/gamma-check.md)." in page
    # heatmap cells: value in text and title, diagonal outlined
    svg = re.search(r"<svg[^>]*cm-heatmap.*?</svg>", page).group(0)
    # its cells link to lists: a named group whose links are named, the drawing hidden from screen readers
    assert 'role="group"' in svg and "aria-label=" in svg
    assert '<a xlink:href="#pair-s-2-s-3" role="link" aria-label="S-2 and S-3: 2 rules in common">' in svg
    assert "<title>S-1 and S-2: 1 rule in common</title>" in svg
    assert "<title>S-2 and S-3: 2 rules in common</title>" in svg
    assert "<title>S-3: 3 rules</title>" in svg
    assert svg.count('<g aria-hidden="true"><title>') == 16
    assert svg.count('<a xlink:href="#pair-s-2-s-3"') == 2 and svg.count('<a xlink:href="#pair-s-1-s-2"') == 2
    assert svg.count("<a ") == 4  # only the cells of questions sharing rules open a list
    # distribution
    bars = re.search(r"<svg[^>]*cm-bars.*?</svg>", page).group(0)
    assert "1 question: 2 rules; 2 questions: 3 rules." in bars
    assert "<title>2 rules support 1 question</title>" in bars and "<title>3 rules support 2 questions</title>" in bars
    assert '<a xlink:href="#supporting-1-questions" role="link" aria-label="2 rules support 1 question">' in bars
    assert '<a xlink:href="#supporting-2-questions" role="link" aria-label="3 rules support 2 questions">' in bars
    assert "| 1 | 2 | [the 2 rules](#supporting-1-questions) |" in page
    assert "| 2 | 3 | [the 3 rules](#supporting-2-questions) |" in page
    assert "**Supporting 1 question** (2 rules): [delta\\-check](rules/delta-check.md), [epsilon\\-check](rules/epsilon-check.md)." in page
    assert (
        "**Supporting 2 questions** (3 rules): [alpha\\-check](rules/alpha-check.md), [beta\\-check](rules/beta-check.md), "
        "[gamma\\-check](rules/gamma-check.md)."
    ) in page
    # services
    assert "| Amazon EC2 | 2 | [S\\-2](controls/s-2.md), [S\\-3](controls/s-3.md) |" in page
    assert "| *not stated by the source* | 1 | [S\\-3](controls/s-3.md) |" in page


def test_charts_use_theme_colours_and_no_script(site):
    page = site["overlap.md"]
    assert 'fill="currentColor"' in page and "var(--md-default-bg-color" in page
    assert "<script" not in page.lower()
    for svg in re.findall(r"<svg.*?</svg>", page):
        assert_svg_inert(svg)


def assert_svg_inert(svg: str) -> None:
    for tag, attrs in parse(svg).tags:
        assert tag in {"svg", "g", "title", "rect", "text", "line", "a"}, tag
        assert not any(a.startswith("on") for a in attrs), (tag, attrs)
        if tag == "a":  # a cell or bar opens a list of the same page, nothing else; its name says what
            # (xlink:href, not href: mkdocs-material's instant navigation assigns a.href, read-only on SVG links)
            assert list(attrs) == ["xlink:href", "role", "aria-label"] and re.fullmatch(r"#[a-z0-9-]+", attrs["xlink:href"]), attrs
        else:
            assert not {"href", "xlink:href"} & set(attrs), (tag, attrs)


def heatmap_cells(page: str) -> list[tuple[str, str | None]]:
    """(hover title, fill-opacity or None for an outlined cell) of every heatmap cell, row by row."""
    svg = re.search(r"<svg[^>]*cm-heatmap.*?</svg>", page, re.S)
    assert svg, "no heatmap on the page"
    root = ET.fromstring(svg.group(0))
    ns = "{http://www.w3.org/2000/svg}"
    cells = []
    for g in root.iter(ns + "g"):
        rect = g.find(ns + "rect")
        if rect is not None:
            shaded = rect.get("fill") != "none"
            cells.append((g.find(ns + "title").text, rect.get("fill-opacity") if shaded else None))
    return cells


def test_heatmap_shades_are_scaled_to_the_strongest_off_diagonal_value(fixtures_dir):
    """Bug (issue 14): the colour scale taking the diagonal into account.

    tests/fixtures/stats (see tests/test_analysis_stats.py): rules per question A-1: r1 r2; A-2: r2 r3 r4; A-3: r3 r4 r5;
    A-4: none. Off the diagonal: A-1/A-2 share 1 rule, A-2/A-3 share 2, every other pair 0. The shade is
    0.12 + 0.78 * value / strongest off-diagonal value (2), rounded to 2 places; an empty cell gets 0.03;
    the diagonal (2, 3, 3, 0: on another scale, larger than 2) is outlined, not shaded.
    """
    rendered = pages.render_site(conformap.load(fixtures_dir / "stats"))
    (page,) = [v for v in rendered.values() if isinstance(v, str) and "cm-heatmap" in v]
    one, two, empty = "0.51", "0.9", "0.03"  # 0.12 + 0.78 * 1/2 = 0.51; 0.12 + 0.78 * 2/2 = 0.9
    expected = [
        [None, one, empty, empty],
        [one, None, two, empty],
        [empty, two, None, empty],
        [empty, empty, empty, None],
    ]
    cells = heatmap_cells(page)
    assert len(cells) == 16
    ids = ["A-1", "A-2", "A-3", "A-4"]
    for n, (title, opacity) in enumerate(cells):
        i, j = divmod(n, 4)
        assert ids[i] in title and ids[j] in title, (i, j, title)
        assert opacity == expected[i][j], (ids[i], ids[j], opacity)


def test_home_numbers(site, mini):
    home = site["index.md"]
    s = Analysis(build_graph(mini)).summary
    assert (s.controls, s.controls_with_rules, s.rules, s.mappings, s.services, s.shared_rules, s.exclusive_rules) == (4, 3, 5, 8, 3, 3, 2)
    for n, label in [(4, "questions"), (5, "AWS Config rules"), (8, "mappings"), (3, "shared rules"), (2, "exclusive rules"), (2, "errata")]:
        assert f'<span class="cm-tile__value">{n}</span><span class="cm-tile__label">{label}</span>' in home
    assert "3 with rules" in home and "3 services" in home
    tile = environment().from_string('{% from "_macros.md.j2" import tile %}{{ tile(n, "erratum", "errata", "note") }}')
    assert '<span class="cm-tile__label">erratum</span>' in tile.render(n=1)
    assert '<span class="cm-tile__label">errata</span>' in tile.render(n=0)
    assert "Sample mapping, not a guarantee\\. &lt;script&gt;alert\\('notice'\\)&lt;/script&gt;" in home


def test_errata_page(site):
    page = site["errata.md"]
    assert '## <a id="e1"></a>E1: Row 4 prints the S\\-1 description &lt;script&gt;' in page
    assert "- **Rules:** [beta\\-check](rules/beta-check.md)" in page
    assert "- **Questions:** [S\\-1](controls/s-1.md), [S\\-3](controls/s-3.md)" in page
    assert "\\[really\\]\\(javascript:alert\\(3\\)\\)" in page


def test_downloads_agree(site, mini):
    data = json.loads(site["downloads/mappings.json"])
    rows = list(csv.DictReader(io.StringIO(site["downloads/mappings.csv"].decode("utf-8"), newline="")))
    assert len(data["mappings"]) == len(rows) == len(mini.mappings) == 8
    published = json.loads(site["downloads/mappings.schema.json"])
    assert published["$id"] == json.loads((paths.SCHEMA_DIR / "export.schema.json").read_bytes())["$id"]
    assert "$ref" not in site["downloads/mappings.schema.json"].decode("utf-8")  # one file, usable alone
    jsonschema.Draft202012Validator(published).validate(data)
    index = site["downloads/index.md"]
    listed = [p for p in site if p.startswith("downloads/") and p != "downloads/index.md"]
    assert len(listed) >= 9
    for path in listed:
        name = path[len("downloads/"):]
        content = site[path]
        assert f'<a href="{name}" download>{mdtext.text(name)}</a>' in index  # saved, not opened in the tab
        assert f"| {len(content)} | <code class=\"cm-hash\">{hashlib.sha256(content).hexdigest()}</code> |" in index
    assert "| 8 mappings |" in index and "| 8 rows |" in index
    manifest = json.loads(site["downloads/manifest.json"])
    assert {"downloads/" + f["path"] for f in manifest["files"]} == set(listed) - {"downloads/manifest.json"}
    assert "## Data dictionary" in index and "| <code>rule\\_identifier</code> | id | The managed rule" in index
    assert '| <a href="mappings.csv" download>mappings\\.csv</a> | One row per mapping \\(UTF\\-8, CRLF\\); columns in the data dictionary\\. | 8 rows | ' in index
    assert '| <a href="manifest.json" download>manifest\\.json</a> | Every file above with its size, SHA-256, format and row count, and the catalogue version and capture date it comes from. | — | ' in index
    assert "**Deploy S\\-2 \\(How do you do the \\*second\\* thing?\\)** as an AWS Config conformance pack (2 rules): <a href=\"conformance-packs/s-2.yaml\" download>s-2.yaml</a>." in index


def test_methodology_states_the_definitions(site):
    page = site["methodology.md"]
    for term in ("**supports**", "**exclusive**", "**shared**", "**overlap**", "**Jaccard index**", "**mapped alongside**"):
        assert term in page and term in stats.__doc__
    assert "apostrophe" in page and "<code>=</code> <code>\\+</code> <code>\\-</code> <code>@</code>" in page


def test_edit_paths(mini):
    edits = pages.edit_paths(mini)
    assert edits["rules/alpha-check.md"] == "tests/fixtures/site-mini/rules/alpha-check.yaml"
    assert edits["controls/s-4.md"] == "tests/fixtures/site-mini/controls/S-4.yaml"
    assert edits["errata.md"] == "tests/fixtures/site-mini/errata.yaml"
    assert "overlap.md" not in edits and "index.md" not in edits
    for rel in edits.values():
        assert (paths.PROJECT_ROOT / rel).is_file()
    no_errata = conformap.load(SITE_MINI.parent / "stats")  # errata: [], in its errata.yaml
    assert not no_errata.errata and pages.edit_paths(no_errata)["errata.md"] == "tests/fixtures/stats/errata.yaml"


def test_every_page_renders_inert(site):
    for name, md in site.items():
        if name.endswith(".md"):
            check_page_inert(name, md)


def check_page_inert(name: str, md: str) -> None:
    """Render a generated page like MkDocs; only the generator's own markup may be HTML."""
    html = render(md)
    for svg in re.findall(r"<svg.*?</svg>", html, re.S):
        assert_svg_inert(svg)
    html = re.sub(r"<svg.*?</svg>", "", html, flags=re.S)
    for tag, attrs in parse(html).tags:
        assert tag not in {"script", "img", "iframe", "object", "embed", "style", "marquee", "form", "input"}, (name, tag)
        for a, v in attrs.items():
            assert not a.startswith("on"), (name, tag, a)
            if a in ("href", "src"):
                assert not v.lower().lstrip().startswith(("javascript:", "data:", "vbscript:")), (name, v)
                assert v.startswith(("https://", "#")) or "://" not in v, (name, v)


def test_hostile_fixture_pages_are_inert():
    site = pages.render_site(conformap.load(HOSTILE))
    for name, md in site.items():
        if name.endswith(".md"):
            check_page_inert(name, md)
    shown = "".join(parse(render(site["rules/evil-rule.md"])).text)
    assert "<script>window.__pwned='guidance'</script>" in shown  # shown, as text


# --------------------------------------------------------------------------- the real catalogue


@pytest.mark.slow  # renders the real catalogue's whole site (the site-mini tests check the same code)
def test_real_catalogue_pages(real_catalog):
    site = pages.render_site(real_catalog)
    assert sum(1 for k in site if k.startswith("rules/") and k != "rules/index.md") == len(real_catalog.rules) == 127
    assert sum(1 for k in site if k.startswith("controls/") and k != "controls/index.md") == 11
    for cid in ("SEC-7", "SEC-10", "SEC-11"):
        assert "The source maps no AWS Config rule to this question." in site[routes.control_page(cid)]
    for m in real_catalog.mappings:
        assert f"../controls/{m.control_id.lower()}.md" in links(site[routes.rule_page(m.rule_id)])
        assert f"../rules/{m.rule_id}.md" in links(site[routes.control_page(m.control_id)])
    for name, md in site.items():
        if name.endswith(".md"):
            check_page_inert(name, md)


def test_mapped_alongside_counted_per_control_set_equals_a_count_per_rule(real_catalog, mini):
    """The analysis counts "mapped alongside" once per distinct set of questions; count it rule by rule here."""
    for cat in (real_catalog, mini):
        a = Analysis(build_graph(cat))
        supports = {r.id: {m.control_id for m in r.mappings} for r in cat.rules}
        for r in cat.rules:
            common = {o: len(supports[r.id] & qs) for o, qs in supports.items() if o != r.id and supports[r.id] & qs}
            ranked = sorted(common.items(), key=lambda kv: (-kv[1], kv[0]))
            assert a.mapped_alongside(r.id) == ranked[:5]
            assert a.mapped_alongside(r.id, limit=50) == ranked[:50]
            assert a.same_control_set(r.id) == sorted(o for o, qs in supports.items() if o != r.id and qs and qs == supports[r.id])


def test_the_engine_escapes_every_value():
    """Markdown templates escape with escape.text, SVG templates with escape.html; Markup passes as it is."""
    env = environment()
    hostile = "<b>*x*</b> [a](javascript:1)"
    assert env.from_string("{{ v }}").render(v=hostile) == mdtext.text(hostile)
    assert env.from_string("{{ v }}").render(v=routes.link("ok", "index.md", "rules/index.md")) == "[ok](rules/index.md)"
    svg = template("heatmap.svg.j2").render(
        ids=["<A>"], columns=["<A>"], diagonal=True, label=None, matrix=[[1]], cell=44, left=64, top=30, width=110, height=76, opacity=lambda v: 0.5, cell_href=None
    )
    assert "&lt;A&gt;" in svg and "<A>" not in svg
    with pytest.raises(Exception, match="undefined"):
        env.from_string("{{ nothing }}").render()


def test_mkdocs_nav_is_bounded():
    config = mkdocs_config()
    targets = [next(iter(item.values())) for item in config["nav"]]
    assert targets == [
        "index.md",
        "controls/index.md",
        "rules/index.md",
        "overlap.md",
        "crosswalk.md",
        "security-hub.md",
        "errata.md",
        "methodology.md",
        "downloads/index.md",
        "posture.md",
        "changes.md",
        "contributing.md",
        "about.md",
        "notice.md",
        "architecture.md",
    ]
    assert all(isinstance(t, str) for t in targets)  # one page per entry: no section lists rules or questions
    assert "attr_list" not in EXTENSIONS  # catalogue text is escaped, but keep {: } syntax off anyway
    assert config["theme"]["font"] is False
    assert not (paths.PROJECT_ROOT / "docs" / "index.md").exists()  # the home page is generated


# --------------------------------------------------------------------------- "Suggest a change" and the changes page

MKDOCS = mkdocs_config()
REPO_URL = MKDOCS["repo_url"].rstrip("/")
ISSUE_TEMPLATES = paths.PROJECT_ROOT / ".github" / "ISSUE_TEMPLATE"


@pytest.fixture(scope="module")
def github():
    gh = GitHub.from_mkdocs(MKDOCS["repo_url"], MKDOCS["edit_uri"], MKDOCS["extra"])
    assert gh is not None and gh.url == REPO_URL
    return gh


class _Anchors(HTMLParser):
    """(href, text) of every link, with the heading each one is under."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str, str]] = []  # (section, href, text)
        self.section = ""
        self._heading: list[str] | None = None
        self._link: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag, attrs):
        if tag in ("h1", "h2", "h3"):
            self._heading = []
        elif tag == "a" and self._heading is None:  # not the headings' permalinks
            self._link = (dict(attrs).get("href") or "", [])

    def handle_endtag(self, tag):
        if tag in ("h1", "h2", "h3") and self._heading is not None:
            self.section, self._heading = "".join(self._heading).strip(), None
        elif tag == "a" and self._link is not None:
            self.links.append((self.section, self._link[0], "".join(self._link[1]).strip()))
            self._link = None

    def handle_data(self, data):
        if self._heading is not None:
            self._heading.append(data.rstrip("¶"))
        if self._link is not None:
            self._link[1].append(data)


def suggest_links(md: str) -> dict[str, str]:
    """Link text -> href of the links in the "Suggest a change" section of a page, as MkDocs renders it."""
    a = _Anchors()
    a.feed(render(md))
    found = [(href, text) for section, href, text in a.links if section == "Suggest a change"]
    assert len(found) == len({text for _, text in found}), found
    return {text: href for href, text in found}


def issue_query(href: str) -> dict[str, str]:
    parts = urlsplit(href)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{REPO_URL}/issues/new", href
    query = parse_qs(parts.query, keep_blank_values=True, strict_parsing=True)
    assert all(len(v) == 1 for v in query.values()), href
    return {k: v[0] for k, v in query.items()}


def test_github_from_mkdocs_settings():
    gh = GitHub.from_mkdocs("https://github.com/some-org/some.repo/", "edit/develop/docs/")
    assert (gh.owner, gh.repo, gh.branch) == ("some-org", "some.repo", "develop")
    assert GitHub.from_mkdocs("https://github.com/a/b.git").branch == "main"
    assert gh.edit_url("catalog/rules/x y.yaml") == "https://github.com/some-org/some.repo/edit/develop/catalog/rules/x%20y.yaml"
    assert gh.issue_url("f.yml", "[t] a&b", {"rule": "x=1#?/"}) == (
        "https://github.com/some-org/some.repo/issues/new?template=f.yml&title=%5Bt%5D%20a%26b&rule=x%3D1%23%3F%2F"
    )
    for bad in (None, "", "http://github.com/a/b", "https://gitlab.com/a/b", "https://github.com/a", "https://github.com/a/b/c",
                "https://github.com/a/../b", "https://github.com/a/..", "javascript:alert(1)//github.com/a/b"):
        assert GitHub.from_mkdocs(bad, "edit/main/docs/") is None, bad
    with pytest.raises(ValueError):
        GitHub("a/b", "c")


def test_no_suggestion_without_a_repository(site):
    assert not any("Suggest a change" in md for name, md in site.items() if name.endswith(".md"))


@pytest.mark.slow  # renders the real catalogue's whole site (the site-mini tests check the same code)
def test_every_real_rule_page_suggests_a_change(real_catalog, github):
    site = pages.render_site(real_catalog, github=github)
    assert MKDOCS["edit_uri"].startswith("edit/main/")
    for r in real_catalog.rules:
        links = suggest_links(site[routes.rule_page(r.id)])
        path = f"catalog/rules/{r.id}.yaml"
        assert (paths.PROJECT_ROOT / path).is_file()
        assert links.keys() == {f"Edit {path} on GitHub", "Contributing", f"Report a problem with {r.id}"}, r.id
        assert links[f"Edit {path} on GitHub"] == f"{REPO_URL}/edit/main/{path}"
        assert links["Contributing"] == "../contributing.md"
        questions = sorted({m.control_id for m in r.mappings}, key=lambda c: real_catalog.control(c).number)
        expected = {"template": "mapping-correction.yml", "title": f"[mapping] {r.id}", "rule": r.id}
        if questions:
            expected["question"] = ", ".join(questions)
        assert issue_query(links[f"Report a problem with {r.id}"]) == expected, r.id
    ssh = suggest_links(site["rules/restricted-ssh.md"])
    assert ssh["Report a problem with restricted-ssh"] == (
        f"{REPO_URL}/issues/new?template=mapping-correction.yml&title=%5Bmapping%5D%20restricted-ssh&rule=restricted-ssh&question=SEC-5"
    )


@pytest.mark.slow  # renders the real catalogue's whole site (the site-mini tests check the same code)
def test_every_real_question_page_suggests_a_change(real_catalog, github):
    site = pages.render_site(real_catalog, github=github)
    for c in real_catalog.controls:
        links = suggest_links(site[routes.control_page(c.id)])
        path = f"catalog/controls/{c.id}.yaml"
        assert (paths.PROJECT_ROOT / path).is_file()
        # Its mappings are in the rule files: the section says so and links to their folder; the question's own
        # file is offered for its text only (the theme's edit button is left out: scripts/gen_pages.py).
        assert links.keys() == {
            f"Propose a rule for {c.id}", f"Report a problem with {c.id}", "browse the rule files on GitHub", "Contributing",
            f"edit {path} on GitHub",
        }, c.id
        assert links[f"edit {path} on GitHub"] == f"{REPO_URL}/edit/main/{path}"
        assert links["browse the rule files on GitHub"] == f"{REPO_URL}/tree/main/catalog/rules"
        assert "lists the questions its rule supports under <code>mappings</code>" in shown(site[routes.control_page(c.id)])
        assert issue_query(links[f"Report a problem with {c.id}"]) == {
            "template": "mapping-correction.yml",
            "title": f"[mapping] {c.id}",
            "question": c.id,
        }  # no rule: the reporter names it
        assert issue_query(links[f"Propose a rule for {c.id}"]) == {
            "template": "rule-proposal.yml",
            "title": f"[proposal] Rule for {c.id}",
            "question": c.id,
        }
    assert "with this question filled in" in site["controls/sec-5.md"]
    assert not any("Suggest a change" in site[p] for p in ("index.md", "rules/index.md", "controls/index.md", "overlap.md"))


def _issue_form(name: str) -> dict:
    file = ISSUE_TEMPLATES / name
    assert file.is_file(), f"the pages link to the issue form {name}, which is not in .github/ISSUE_TEMPLATE"
    return yaml.safe_load(file.read_text(encoding="utf-8"))


@pytest.mark.slow  # renders the real catalogue's whole site (the site-mini tests check the same code)
def test_issue_links_fill_in_fields_the_form_has(real_catalog, github):
    """Every query parameter of an issue link ("Report a problem with ...", "Propose a rule for ...") is the id of a field GitHub prefills."""
    site = pages.render_site(real_catalog, github=github)
    used: set[str] = set()
    for c in real_catalog.controls[:3]:
        links = suggest_links(site[routes.control_page(c.id)])
        used |= {links[f"Report a problem with {c.id}"], links[f"Propose a rule for {c.id}"]}
    for r in real_catalog.rules[:10]:
        used.add(suggest_links(site[routes.rule_page(r.id)])[f"Report a problem with {r.id}"])
    params: set[str] = set()
    for href in used:
        query = issue_query(href)
        form = _issue_form(query.pop("template"))
        assert query.pop("title").startswith(form["title"])
        prefillable = {b["id"]: b for b in form["body"] if b["type"] in ("input", "textarea") and "id" in b}
        assert set(query) <= set(prefillable), (href, sorted(prefillable))
        params |= set(query)
    assert params == {"rule", "question"}
    # The question field lists the catalogue's questions, so a prefilled id is one the reader can check.
    form = _issue_form("mapping-correction.yml")
    question = next(b for b in form["body"] if b.get("id") == "question")
    assert re.findall(r"SEC-\d+", question["attributes"]["description"]) == [c.id for c in real_catalog.controls]


def test_suggestion_for_a_fixture_and_outside_the_repository(mini, github, tmp_path):
    alpha = suggest_links(pages.render_site(mini, github=github)["rules/alpha-check.md"])
    path = "tests/fixtures/site-mini/rules/alpha-check.yaml"
    assert alpha[f"Edit {path} on GitHub"] == f"{REPO_URL}/edit/main/{path}"
    # A catalogue outside the repository has no file there to edit: only the issue form is offered.
    shutil.copytree(SITE_MINI, tmp_path / "catalog")
    site = pages.render_site(conformap.load(tmp_path / "catalog"), github=github)
    links = suggest_links(site["rules/alpha-check.md"])
    assert set(links) == {"Report a problem with alpha-check"}
    assert issue_query(links["Report a problem with alpha-check"])["question"] == "S-1, S-2"
    assert set(suggest_links(site["controls/s-4.md"])) == {"Propose a rule for S-4", "Report a problem with S-4"}


def test_changes_page_is_added_and_linked_from_home(mini):
    changes = "# Changes per release\n\nNo git history is available in this build, so the changes per release cannot be listed.\n"
    site = pages.render_site(mini, changes=changes)
    assert site[routes.CHANGES] == changes
    assert "[Changes](changes.md)" in site["index.md"]
    assert "changes.md" not in pages.render_site(mini)
    assert "(changes.md)" not in pages.render_site(mini)["index.md"]


def test_hostile_fixture_suggestions_are_inert(github):
    site = pages.render_site(conformap.load(HOSTILE), github=github)
    for name, md in site.items():
        if name.endswith(".md"):
            check_page_inert(name, md)
    links = suggest_links(site["rules/evil-rule.md"])
    assert issue_query(links["Report a problem with evil-rule"])["rule"] == "evil-rule"


def test_changes_page_escapes_a_release_that_does_not_validate(tmp_path, monkeypatch):
    """A release whose catalogue is invalid is listed with the diagnostics as escaped text (no code fence)."""
    import subprocess

    from conformap.site.changes import changes_markdown

    for var in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        monkeypatch.delenv(var, raising=False)
    env = {"HOME": str(tmp_path), "GIT_CONFIG_NOSYSTEM": "1", "GIT_CEILING_DIRECTORIES": str(tmp_path)}
    env |= {f"GIT_{who}_{what}": value for who in ("AUTHOR", "COMMITTER") for what, value in (("NAME", "T"), ("EMAIL", "t@example.com"))}
    for k, v in env.items():
        monkeypatch.setenv(k, v)

    def git(*args):
        subprocess.run(["git", "-C", str(tmp_path / "repo"), *args], check=True, capture_output=True)

    catalog = tmp_path / "repo" / "catalog"
    shutil.copytree(SITE_MINI, catalog)
    git("init", "-q")
    git("add", "-A")
    git("commit", "-q", "-m", "one")
    git("tag", "v1")
    rule = catalog / "rules" / "delta-check.yaml"
    rule.write_text(
        rule.read_text(encoding="utf-8") + '  - control: "x\\n```\\n<script>alert(1)</script>\\n```"\n    statement: S-2.BP01\n',
        encoding="utf-8",
    )
    git("commit", "-q", "-a", "-m", "broken")
    git("tag", "v2")
    md = changes_markdown(catalog_dir=catalog)
    assert "## v2 (" in shown(md) and "The catalogue at this release cannot be read" in md and "## v1 (" in shown(md)
    assert "```" not in md and "<script>" not in md
    html = render(md)
    check_page_inert("changes.md", md)
    assert "<script>alert(1)</script>" in "".join(parse(html).text)  # shown as text
    assert changes_markdown(catalog_dir=tmp_path / "elsewhere").endswith("the changes per release cannot be listed.\n")


@pytest.mark.scenario
def test_real_rule_pages_show_the_developer_guide_note(real_catalog):
    """issue 19: the Note of elasticsearch-encrypted-at-rest's page at e57037d, written by hand here."""
    site = pages.render_site(real_catalog)
    html = render(site[routes.rule_page("elasticsearch-encrypted-at-rest")])
    note = re.search(r'<div class="admonition note">(.*?)</div>', html, re.S)
    assert note is not None
    assert "Note (AWS Config Developer Guide)" in note.group(1)
    assert "<p>The rule does not evaluate Amazon OpenSearch Service domains.</p>" in note.group(1)
    plain = render(site[routes.rule_page("access-keys-rotated")])
    assert plain.count('class="admonition note"') == 1  # its page has a Note too, with two lines
    assert 'class="admonition note"' not in render(site[routes.rule_page("account-part-of-organizations")])


@pytest.mark.scenario
def test_methodology_page_shows_the_comparison_with_aws_template(real_catalog):
    """issue 19: the output of scripts/compare_wa_template.py is on the Methodology page."""
    md = pages.render_site(real_catalog)[routes.METHODOLOGY]
    section = md.split("## The conformance packs and AWS's template", 1)[1].split("\n## ", 1)[0]
    assert "<code>secretsmanager\\-secret\\-unused\\-2</code> | rule | none | deployed | a second copy of secretsmanager\\-secret\\-unused" in section
    assert "| 127 rules | Description | set | none | conformap starts each rule's Description with the question and best\\-practice ids it serves \\(AWS's template sets none\\) |" in section
    assert section.count(" | Description | ") == 1  # the descriptions in one row, not one row per rule
    assert "not explained" not in section


@pytest.mark.scenario
def test_licence_notices_beside_the_licensed_blocks(real_catalog):
    """issue 19: the Security Hub block (CC BY-SA 4.0 text) and the developer guide's text (Apache-2.0) each carry
    their licence and a link to the notice, on rule pages and on the Crosswalk page."""
    site = pages.render_site(real_catalog)
    rule = site[routes.rule_page("s3-bucket-public-read-prohibited")]
    notices = [line for line in rule.splitlines() if 'class="cm-note cm-licence"' in line]
    assert len(notices) == 2
    assert notices[0].startswith('<small class="cm-note cm-licence">Description: ') and "Apache\\-2\\.0" in notices[0]
    assert "Creative Commons Attribution\\-ShareAlike 4\\.0" in notices[1] and "aws\\-security\\-hub\\-user\\-guide" in notices[1]
    assert all("[notice](../notice.md)" in n for n in notices)
    hub = rule.index("## Security Hub and other frameworks")
    assert hub < rule.index(notices[1]) < rule.index("## ", hub + 5)
    crosswalk = site[routes.CROSSWALK]
    assert "Creative Commons Attribution\\-ShareAlike 4\\.0" in crosswalk and "[notice](notice.md)" in crosswalk


@pytest.mark.scenario
def test_question_pages_name_every_best_practice(real_catalog):
    """issue 19: the SEC-8 page lists its four best practices (ids and titles written by hand from the manifest)."""
    page = pages.render_site(real_catalog)[routes.control_page("SEC-8")]
    section = page.split("## Best practices", 1)[1].split("\n## ", 1)[0]
    for bp, title in (("SEC08-BP01", "Implement secure key management"), ("SEC08-BP02", "Enforce encryption at rest"),
                      ("SEC08-BP03", "Automate data at rest protection"), ("SEC08-BP04", "Enforce access control")):
        assert f"- <code>{mdtext.text(bp)}</code> {title}\n" in section
    assert "MIT No Attribution" in section
