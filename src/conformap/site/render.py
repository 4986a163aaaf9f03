"""The template engine of the site: one Jinja2 environment over ``conformap/site/templates/`` (and an
overlay of it for the SVG templates, which differs only in its escaping).

Escaping is the engine's job, not the page builders': every value a template prints goes through the
``finalize`` hook, which escapes it with :mod:`conformap.escape` — Markdown text escaping in ``*.md.j2``
templates, HTML escaping in ``*.svg.j2`` templates — unless it is already :class:`markupsafe.Markup`
(a link from :mod:`conformap.routes`, a chart, the output of a macro or of a filter below).
Autoescaping is on, so Jinja itself never lets an unescaped string through either.

Templates print links with the globals :func:`control_link`, :func:`rule_link`,
:func:`erratum_link` and :func:`rel`, which link from the page being rendered (its ``src`` variable).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from jinja2 import Environment, PackageLoader, StrictUndefined, Template, pass_context
from markupsafe import Markup

from conformap import escape
from conformap.site import search
from conformap import routes


def _markdown(value: object) -> Markup:
    """The finalize hook of ``*.md.j2`` templates: Markdown text escaping."""
    return value if isinstance(value, Markup) else Markup(escape.text(value))


def _html(value: object) -> Markup:
    """The finalize hook of ``*.svg.j2`` templates: HTML escaping."""
    return value if isinstance(value, Markup) else Markup(escape.html(value))


def overlay(package: str, finalize: Callable[[object], Markup]) -> Environment:
    """The site's environment (filters, globals, StrictUndefined, autoescaping) over the ``templates/`` folder of
    another package, with that package's own escaping hook: how a report outside the site renders templates."""
    return environment().overlay(loader=PackageLoader(package, "templates"), finalize=finalize)


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def _ratio(x: float) -> Markup:
    return Markup(f"{x:.3f}".rstrip("0").rstrip(".") if x else "0")


def _num(x: float) -> Markup:
    return Markup(f"{x:.1f}".rstrip("0").rstrip("."))


def _rows(rows) -> Markup:
    return Markup(", ".join(str(int(r)) for r in rows))


def _cell(value: object) -> Markup:
    """A table cell, never empty."""
    md = value if isinstance(value, Markup) else escape.text(value)
    return Markup(md if md.strip() else "—")


def _upper_first(value: Markup) -> Markup:
    return Markup(value[:1].upper() + value[1:])


_LINE_BREAK = re.compile(r"\n[ \t]*")


def _one_line(value: Markup) -> Markup:
    """Template source laid out on several lines, as one line (an inline SVG inside a Markdown page)."""
    return Markup(_LINE_BREAK.sub("", value))


def _linker(make):
    @pass_context
    def from_page(context, *args, **kwargs) -> Markup:
        return make(context["src"], *args, **kwargs)

    return from_page


@pass_context
def _links(context, ids, kind: str) -> Markup:
    """Links to the pages of rules (``kind`` "rule") or questions ("control"), separated by commas."""
    make = routes.rule_link if kind == "rule" else routes.control_link
    src = context["src"]
    return Markup(", ".join(make(src, i) for i in ids))


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("conformap.site", "templates"),
        auto_reload=False,  # the templates ship with the package: no need to look at their files at every render
        autoescape=True,
        finalize=_markdown,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        plural=_plural,
        ratio=_ratio,
        num=_num,
        rows=_rows,
        cell=_cell,
        upper_first=_upper_first,
        one_line=_one_line,
        text_with_code=lambda v: Markup(escape.text_with_code(v)),
        code=lambda v: Markup(escape.code(v)),
        html=lambda v: Markup(escape.html(v)),
        link=lambda label, url: Markup(escape.link(label, url)),
    )
    env.globals.update(
        pages=routes,
        statement_anchor=lambda statement_id: Markup(routes.statement_anchor(statement_id)),
        erratum_anchor=lambda erratum_id: Markup(routes.erratum_anchor(erratum_id)),
        pair_anchor=lambda first, second: Markup(routes.pair_anchor(first, second)),
        questions_anchor=lambda n: Markup(routes.questions_anchor(n)),
        crosswalk_cell_anchor=lambda control_id, family: Markup(routes.crosswalk_cell_anchor(control_id, family)),
        nist_anchor=lambda nist_id: Markup(routes.nist_anchor(nist_id)),
        hub_anchor=lambda control_id: Markup(routes.hub_anchor(control_id)),
        pci_anchor=lambda requirement: Markup(routes.pci_anchor(requirement)),
        id_forms=search.id_forms,
        rel=_linker(lambda src, dst, anchor=None: Markup(routes.rel(src, dst, anchor))),
        file_url=_linker(lambda src, dst: Markup(routes.built_rel(src, dst))),
        control_link=_linker(routes.control_link),
        rule_link=_linker(routes.rule_link),
        erratum_link=_linker(routes.erratum_link),
        links=_links,
    )
    return env


@lru_cache(maxsize=1)
def _svg_environment() -> Environment:
    return environment().overlay(finalize=_html)


def template(name: str) -> Template:
    """The template ``name`` (a file name in ``templates/``), in the environment of its kind (SVG or Markdown)."""
    return (_svg_environment() if name.endswith(".svg.j2") else environment()).get_template(name)


def render(name: str, **context: object) -> str:
    """The template ``name`` rendered with ``context``."""
    return template(name).render(**context)
