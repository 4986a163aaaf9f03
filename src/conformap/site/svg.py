"""Charts as inline SVG, drawn at build time (no client-side chart library).

The drawing is in the templates ``heatmap.svg.j2`` and ``bars.svg.j2`` (HTML-escaped by the engine,
:mod:`conformap.site.render`); this module gives them their sizes. The charts follow the page's colours:
shapes are filled with ``currentColor`` (the text colour of mkdocs-material's light or dark scheme) at an
opacity proportional to the value, and text drawn on a dark cell uses ``var(--md-default-bg-color)``.
Every value is in a ``<title>`` (shown on hover); the ``<svg>`` has ``role="img"`` and an ``aria-label``,
and each page puts a table with the same numbers next to the chart for screen readers and for copying.
"""

from __future__ import annotations

from typing import Callable, Sequence

from markupsafe import Markup

from conformap.site.render import render


def _opacity(value: int, top: int) -> float:
    """0 for no value, then from 0.12 (smallest) to 0.9 (largest)."""
    if value <= 0 or top <= 0:
        return 0.0
    return round(0.12 + 0.78 * value / top, 2)


def heatmap(
    ids: Sequence[str],
    matrix: Sequence[Sequence[int]],
    *,
    columns: Sequence[str] | None = None,
    label: str | None = None,
    cell: int = 44,
    cell_href: Callable[[str, str], str] | None = None,
) -> Markup:
    """The overlap of questions ``ids`` (``matrix[i][j]``: rules in common; the diagonal, a question's own rules).

    With ``columns``, rows ``ids`` against other ``columns`` (no diagonal), described by ``label``.
    ``cell_href(a, b)``: where a cell off the diagonal with rules links to (the list of those rules).
    """
    diagonal = columns is None
    cols = ids if columns is None else columns
    values = [matrix[i][j] for i in range(len(ids)) for j in range(len(cols)) if not (diagonal and i == j)]
    top_value = max(values, default=0)
    left, top = 64, 30
    return Markup(
        render(
            "heatmap.svg.j2",
            ids=ids,
            columns=cols,
            diagonal=diagonal,
            label=label,
            matrix=matrix,
            cell=cell,
            left=left,
            top=top,
            width=left + len(cols) * cell + 2,
            height=top + len(ids) * cell + 2,
            opacity=lambda value: _opacity(value, top_value),
            cell_href=cell_href,
        )
    )


def bar_chart(
    bars: Sequence[tuple[int, int]], *, bar: int = 72, plot_height: int = 180, bar_href: Callable[[int], str] | None = None
) -> Markup:
    """Rules by number of questions supported: ``bars`` is (number of questions, number of rules) pairs;
    ``bar_href(k)``: where the bar of ``k`` questions links to (the list of its rules)."""
    left, top, bottom = 44, 20, 48
    gap = bar // 3
    return Markup(
        render(
            "bars.svg.j2",
            bars=bars,
            bar=bar,
            gap=gap,
            left=left,
            top=top,
            plot_height=plot_height,
            width=left + len(bars) * (bar + gap) + gap,
            height=top + plot_height + bottom,
            peak=max((n for _, n in bars), default=0),
            bar_href=bar_href,
        )
    )
