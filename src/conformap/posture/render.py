"""The Markdown and HTML reports: templates (``posture/templates/``) rendered with the site's Jinja2
environment (:func:`conformap.site.render.environment`: StrictUndefined, autoescaping, its filters),
overlaid with this package's templates and a ``finalize`` hook that makes every printed value inert:
:func:`conformap.escape.terminal` first (control, line-separator, bidirectional and zero-width
characters become visible escapes, so a resource id cannot reorder a line or start a new one), then
the format's own escaping (Markdown text, or HTML).
"""

from __future__ import annotations

from functools import lru_cache

from markupsafe import Markup

from conformap import escape
from conformap.outputs.downloads import question_pack
from conformap.posture import status as st
from conformap.posture.report_data import Posture
from conformap.site.render import overlay

MAX_ROWS = 500  # failing resources listed per question in md and html; the csv and json list them all

# Documented causes (AWS Config API Reference, DescribeComplianceByConfigRule and DescribeConfigRuleEvaluationStatus).
CAUSES = {
    st.INSUFFICIENT_DATA: (
        "AWS Config has no current evaluation result for the rule: it has never evaluated it, the rule's function "
        "fails to send results (the recorder's or the function's role lacks config:PutEvaluations), or every result "
        "is NOT_APPLICABLE (the resources were deleted or are out of the rule's scope)."
    ),
    st.NO_RESULT: "The rule is deployed, but the inputs hold no result nor compliance summary for it: save its results.",
    st.ERROR: "The rule's last evaluation or invocation failed after its last success (describe-config-rule-evaluation-status); its results may be stale.",
}


def _markdown(value: object) -> Markup:
    return value if isinstance(value, Markup) else Markup(escape.text(escape.terminal(value)))


def _html(value: object) -> Markup:
    return value if isinstance(value, Markup) else Markup(escape.html(escape.terminal(value)))


@lru_cache(maxsize=2)
def _env(kind: str):  # returns a jinja2.Environment: only the site imports Jinja2 (the import contract)
    env = overlay("conformap.posture", _markdown if kind == "md" else _html)
    env.globals.update(st=st, causes=CAUSES, max_rows=MAX_ROWS, pack_of=question_pack)
    return env


def render(p: Posture, kind: str) -> bytes:
    """The ``md`` or ``html`` report."""
    template = _env(kind).get_template(f"report.{kind}.j2")
    return template.render(p=p).encode("utf-8")


def page(template: str, **context) -> str:
    """A Markdown page of this package's templates (the site's sample report page)."""
    return _env("md").get_template(template).render(**context)
