"""Test helper: Markdown compared as a reader sees it."""

from __future__ import annotations

import html
import re

_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|])")


def shown(markdown: str) -> str:
    """What a reader sees of Markdown text: backslash escapes and HTML entities resolved.

    The expected outputs below are written as a person would write them; the report escapes more
    (every Markdown punctuation character, :func:`conformap.escape.text`), which renders the same.
    The exact escaping is asserted in ``test_guidance_markup_is_escaped``.
    """
    return html.unescape(_MD_ESCAPE.sub(r"\1", markdown))
