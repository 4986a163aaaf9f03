"""The escaping module (conformap.escape), rule by rule, as a reader of a page sees it.

Each test states one rule of the module's docstring with exact expected output written by hand, and,
where the rule is about Markdown, renders it with the project's Markdown extensions (mkdocs.yml).
These are the fast tests `make mutate` runs against the module (mutation.toml).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import markdown
import pytest
from support.markdown_text import EXTENSION_CONFIGS, EXTENSIONS

from conformap import escape


def render(md: str) -> str:
    return markdown.markdown(md, extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS)


# --------------------------------------------------------------------------- clean / text


def test_control_characters_are_removed_not_replaced():
    assert escape.clean("a\x00b\x02c\x03d\x1be\x7ff\x80g\x9fh\ufffei\uffffj") == "abcdefghij"
    assert escape.text("a\x02b\x03c") == "abc"


def test_whitespace_runs_become_one_space_and_ends_are_trimmed():
    assert escape.clean("  a \n\t b\r\n\u00a0c\x85d  ") == "a b c d"  # NEL (U+0085) is whitespace
    assert escape.text(" \n# heading\n") == "\\# heading"


def test_non_strings_are_shown_as_their_text():
    assert escape.text(12) == "12"
    assert escape.text(None) == "None"


# Written out by hand (not read from the module, which could lose one): Python-Markdown's backslash
# escapes, with '|' that the tables extension adds.
PUNCTUATION = "\\`*_{}[]()#+-.!|"


def test_every_markdown_escape_is_used():
    assert len(PUNCTUATION) == 16
    assert escape.text(PUNCTUATION) == "".join("\\" + c for c in PUNCTUATION)


@pytest.mark.parametrize("char", PUNCTUATION)
def test_markdown_punctuation_is_backslash_escaped_and_renders_as_itself(char):
    assert escape.text(f"a{char}b") == f"a\\{char}b"
    assert render(escape.text(f"a{char}{char}b{char}")) == f"<p>a{char}{char}b{char}</p>"


@pytest.mark.parametrize("char, entity", [("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("~", "&#126;")])
def test_html_specials_and_tilde_become_entities(char, entity):
    assert escape.text(f"a{char}b") == f"a{entity}b"


def test_plain_words_are_unchanged():
    assert escape.text("Buckets’ data, 90 days; é") == "Buckets’ data, 90 days; é"


# --------------------------------------------------------------------------- text_with_code


def test_backtick_pairs_become_code_elements():
    assert escape.text_with_code("Set `maxAccessKeyAge` to *90*") == "Set <code>maxAccessKeyAge</code> to \\*90\\*"
    assert escape.text_with_code("`a` and ` b_c `") == "<code>a</code> and <code>b\\_c</code>"


def test_an_odd_number_of_backticks_is_plain_text():
    assert escape.text_with_code("odd ` tick `x`") == "odd \\` tick \\`x\\`"
    assert render(escape.text_with_code("odd ` tick `x`")) == "<p>odd ` tick `x`</p>"


@pytest.mark.parametrize("value, md, shown", [
    ("a ` ` b", "a \\` \\` b", "a ` ` b"),
    ("a `` b", "a \\`\\` b", "a `` b"),
    ("``", "\\`\\`", "``"),
    ("`\n` x", "\\` \\` x", "` ` x"),
])
def test_empty_backtick_pairs_stay_literal_backticks(value, md, shown):
    assert escape.text_with_code(value) == md
    assert render(md) == f"<p>{shown}</p>"


def test_code_is_an_escaped_code_element():
    assert escape.code("a<b> *c* `d`") == "<code>a&lt;b&gt; \\*c\\* \\`d\\`</code>"
    assert render(escape.code("a<b> *c*")) == "<p><code>a&lt;b&gt; *c*</code></p>"


# --------------------------------------------------------------------------- html


def test_html_escapes_both_quote_kinds_for_attributes():
    assert escape.html("""<a title='x' href="y">&\n z""") == "&lt;a title=&#x27;x&#x27; href=&quot;y&quot;&gt;&amp; z"


# --------------------------------------------------------------------------- https_url / link


LIMIT = 2048


def test_urls_up_to_the_length_limit_are_links():
    base = "https://example.com/"
    longest = base + "a" * (LIMIT - len(base))
    assert escape.https_url(longest) == longest
    assert escape.https_url(longest + "a") is None


@pytest.mark.parametrize("url", [
    "https://example.com/a b",  # whitespace in the path
    "https://example.com/a\tb",
    "https://example.com/a\x01b",  # a control character alone
    "https://example.com/a\x7fb",
    "http://example.com/",
    "HTTPS://example.com/",
    "https://",
    "https://exa_mple.com/",
    "https://user@example.com/",
    "https://example.com:port/",
    "javascript:alert(1)//https://x",
    None,
    42,
])
def test_anything_but_a_plain_https_url_is_refused(url):
    assert escape.https_url(url) is None


@pytest.mark.parametrize("url, expected", [
    ("https://Docs.AWS.Example.COM/Config", "https://Docs.AWS.Example.COM/Config"),  # host names are case-blind
    ("https://example.com:8443/x?a=1&b=2#frag", "https://example.com:8443/x?a=1&b=2#frag"),
    ("https://example.com", "https://example.com"),
    ("https://example.com/a/b/c?d=/e", "https://example.com/a/b/c?d=/e"),
    ("https://example.com/x(1)[2]'!*", "https://example.com/x%281%29%5B2%5D%27%21%2A"),
    ("https://example.com/é<>\"", "https://example.com/%C3%A9%3C%3E%22"),
])
def test_https_urls_are_percent_encoded_where_markdown_could_read_them(url, expected):
    assert escape.https_url(url) == expected


def test_link_is_a_markdown_link_only_for_a_plain_https_url():
    assert escape.link("AWS *docs*", "https://example.com/a_(b)") == "[AWS \\*docs\\*](https://example.com/a_%28b%29)"
    assert escape.link("AWS *docs*", "http://example.com/") == "AWS \\*docs\\*"
    html = render(escape.link("a ~~b~~", "https://example.com/x(y)"))
    assert html == '<p><a href="https://example.com/x%28y%29">a &#126;&#126;b&#126;&#126;</a></p>'  # shows a ~~b~~


@pytest.mark.parametrize("value, span, shown", [
    ("a", "`a`", "a"),
    ("a`b", "``a`b``", "a`b"),
    ("a``b", "```a``b```", "a``b"),
    ("`x", "`` `x ``", "`x"),
    ("x`", "`` x` ``", "x`"),
    ("<b> *c*", "`<b> *c*`", "&lt;b&gt; *c*"),
])
def test_code_span_cannot_be_closed_by_the_text(value, span, shown):
    assert escape.code_span(value) == span
    assert render(span) == f"<p><code>{shown}</code></p>"


def test_an_empty_code_span_is_padded():
    assert escape.code_span("") == "`  `"


# --------------------------------------------------------------------------- spreadsheet formula triggers (issue 14)


@pytest.mark.parametrize("trigger", ["\uff1d", "\uff0b", "\uff0d", "\uff20"])  # ＝ ＋ － ＠
def test_every_full_width_formula_trigger_is_neutralised(trigger):
    """Bug (issue 14): the full-width minus (U+FF0D) dropped from the formula triggers."""
    assert escape.spreadsheet_cell(trigger + "1+1") == "'" + trigger + "1+1"
    assert escape.spreadsheet_cell("  " + trigger + "SUM(A1)") == "'  " + trigger + "SUM(A1)"
    assert escape.spreadsheet_cell("a" + trigger + "b") == "a" + trigger + "b"  # only a leading trigger counts


# --------------------------------------------------------------------------- '~' in Markdown (issue 14)


STRIKE = ["~~x~~", "~x~", "a ~~b~~ c", "~~~\nfence\n~~~", "~~*x*~~"]


def test_tilde_becomes_an_entity_in_every_text_helper():
    """Bug (issue 14): '~' no longer turned into an entity (it has no backslash escape in Python-Markdown)."""
    assert escape.text("~") == "&#126;"
    assert escape.text("~~x~~") == "&#126;&#126;x&#126;&#126;"
    assert escape.code("a~b") == "<code>a&#126;b</code>"
    assert escape.text_with_code("~~`k~`~~") == "&#126;&#126;<code>k&#126;</code>&#126;&#126;"
    assert "~" not in escape.link("~~x~~", "https://example.com/")


def _plain_text(html: str) -> str:
    root = ET.fromstring(f"<root>{html}</root>")
    return "".join(root.itertext())


@pytest.mark.parametrize("extra", [[], ["pymdownx.tilde"]], ids=["mkdocs.yml", "mkdocs.yml+pymdownx.tilde"])
@pytest.mark.parametrize("value", STRIKE)
def test_tildes_render_as_literal_text(extra, value):
    """``~~x~~`` stays text with the site's extensions, and still the day a strikethrough extension is enabled."""
    html = markdown.markdown(escape.text(value), extensions=EXTENSIONS + extra, extension_configs=EXTENSION_CONFIGS)
    assert not re.search(r"<(del|s|sub|strike|pre|code|em)\b", html), html
    assert _plain_text(html) == " ".join(value.split())


def test_the_strikethrough_check_can_fail():
    """The extension really reads '~~' (so the test above is not vacuous)."""
    html = markdown.markdown("~~x~~", extensions=EXTENSIONS + ["pymdownx.tilde"], extension_configs=EXTENSION_CONFIGS)
    assert "<del>x</del>" in html


def test_single_line_folds_every_whitespace_run():
    assert escape.single_line("  a\n\tb \u00a0 c\r\n") == "a b c"
    assert escape.single_line("") == ""


def test_markdown_unescape_reads_aws_markdown_back():
    # The AWS page's Markdown form and the documentation sources share one set of escaped characters.
    assert escape.markdown_unescape(r"a\_b\*c \&\'\" \| \~ \\") == "a_b*c &'\" | ~ \\"
    # A backslash before anything else (a letter, a digit, a colon) stays.
    assert escape.markdown_unescape(r"\d+ \: C:\Temp") == r"\d+ \: C:\Temp"
