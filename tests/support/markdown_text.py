"""Test helpers: Markdown compared as a reader sees it, and rendered as the site renders it."""

from __future__ import annotations

import html
import re

import yaml

from conformap.site.docs import mkdocs_config

_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|])")


def shown(markdown: str) -> str:
    """What a reader sees of Markdown text: backslash escapes and HTML entities resolved.

    The expected outputs below are written as a person would write them; the report escapes more
    (every Markdown punctuation character, :func:`conformap.escape.text`), which renders the same.
    The exact escaping is asserted in ``test_guidance_markup_is_escaped``.
    """
    return html.unescape(_MD_ESCAPE.sub(r"\1", markdown))


def _mkdocs_extensions() -> tuple[list, dict]:
    """The markdown_extensions of the project's mkdocs.yml, as python-markdown arguments."""
    config = mkdocs_config()
    names, configs = [], {}
    for item in config["markdown_extensions"]:
        if isinstance(item, dict):
            (name, options), = item.items()
            names.append(name)
            configs[name] = options or {}
        else:
            names.append(item)
    return names, configs


EXTENSIONS, EXTENSION_CONFIGS = _mkdocs_extensions()
