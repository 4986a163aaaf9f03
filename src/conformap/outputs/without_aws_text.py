"""An edition of the catalogue without AWS's page text, for redistributors who need it (NOTICE.md).

The mapping table and its guidance paragraphs come from a page under AWS's site terms, not an open licence.
:func:`strip` gives the same catalogue with that text replaced by :data:`OMITTED`: every question's wording
(``question``, ``current_question``), every statement's text, every rule's ``guidance`` and each erratum's ``source_shows`` (which quotes the page). Ids, links, the
mappings, the source rows and the rule metadata (from the Apache-2.0 developer guide) stay. Every export
takes it (``conformap export --without-aws-text``) and the site build too (``conformap render-site
--without-aws-text``, or :data:`ENV` set to ``1`` for ``mkdocs build``). The ``aws-text`` export, which
reproduces the page, cannot.
"""

from __future__ import annotations

import dataclasses
import os

from conformap.model.catalog import Catalog

ENV = "CONFORMAP_WITHOUT_AWS_TEXT"
OMITTED = "Not included in this edition (AWS's page text): see the source page."


def requested() -> bool:
    """Whether the environment asks for the edition without AWS's text (``CONFORMAP_WITHOUT_AWS_TEXT=1``)."""
    return os.environ.get(ENV, "").strip() == "1"


def strip(cat: Catalog) -> Catalog:
    """The catalogue with AWS's page text replaced by :data:`OMITTED` (see the module docstring)."""
    controls = tuple(
        dataclasses.replace(
            c,
            question=OMITTED,
            current_question=None,
            statements=tuple(dataclasses.replace(s, text=OMITTED) for s in c.statements),
        )
        for c in cat.controls
    )
    rules = tuple(dataclasses.replace(r, guidance=OMITTED) for r in cat.rules)
    errata = tuple(dataclasses.replace(e, source_shows=OMITTED) for e in cat.errata)  # it quotes the page
    return dataclasses.replace(cat, controls=controls, rules=rules, errata=errata)
