"""Charts as inline SVG, drawn at build time (no client-side chart library).

The charts follow the page's colours: shapes are filled with ``currentColor`` (the text colour of
mkdocs-material's light or dark scheme) at an opacity proportional to the value, and text drawn on a
dark cell uses ``var(--md-default-bg-color)``. Every value is in a ``<title>`` (shown on hover); the
``<svg>`` has ``role="img"`` and an ``aria-label``, and each page puts a table with the same numbers
next to the chart for screen readers and for copying. All text is HTML-escaped (:func:`mdtext.html`).
"""

from __future__ import annotations

from typing import Sequence
from conformap.escape import html as esc

FONT = "font-family:var(--md-text-font-family,sans-serif)"
ON_DARK = "fill:var(--md-default-bg-color,#fff)"


def _num(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _opacity(value: int, top: int) -> float:
    """0 for no value, then from 0.12 (smallest) to 0.9 (largest)."""
    if value <= 0 or top <= 0:
        return 0.0
    return round(0.12 + 0.78 * value / top, 2)


def _svg_open(width: float, height: float, label: str, css_class: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{css_class}" viewBox="0 0 {_num(width)} {_num(height)}" '
        f'width="{_num(width)}" height="{_num(height)}" role="img" aria-label="{esc(label)}" '
        f'style="max-width:100%;height:auto;{FONT}">'
    )


def heatmap(
    labels: Sequence[str],
    matrix: Sequence[Sequence[int]],
    *,
    label: str,
    cell_title,
    cell: int = 44,
) -> str:
    """A square matrix as a heatmap. The diagonal is outlined, not shaded (it is on another scale).

    ``cell_title(i, j, value)`` gives the hover text of a cell.
    """
    n = len(labels)
    left, top = 64, 30
    width, height = left + n * cell + 2, top + n * cell + 2
    off_diag = [matrix[i][j] for i in range(n) for j in range(n) if i != j]
    top_value = max(off_diag, default=0)
    out = [_svg_open(width, height, label, "cm-chart cm-heatmap")]
    for j, name in enumerate(labels):
        x = left + j * cell + cell / 2
        out.append(f'<text x="{_num(x)}" y="{top - 10}" text-anchor="middle" font-size="11" fill="currentColor">{esc(name)}</text>')
    for i, name in enumerate(labels):
        y = top + i * cell
        out.append(
            f'<text x="{left - 8}" y="{_num(y + cell / 2 + 4)}" text-anchor="end" font-size="11" fill="currentColor">{esc(name)}</text>'
        )
        for j in range(n):
            value = matrix[i][j]
            x = left + j * cell
            cx, cy = _num(x + cell / 2), _num(y + cell / 2 + 4)
            title = f"<title>{esc(cell_title(i, j, value))}</title>"
            if i == j:
                shape = (
                    f'<rect x="{x + 1.5}" y="{y + 1.5}" width="{cell - 3}" height="{cell - 3}" fill="none" '
                    f'stroke="currentColor" stroke-width="1.5" stroke-dasharray="3 2"/>'
                )
                number = f'<text x="{cx}" y="{cy}" text-anchor="middle" font-size="12" font-weight="700" fill="currentColor">{value}</text>'
            else:
                alpha = _opacity(value, top_value)
                shape = (
                    f'<rect x="{x + 1}" y="{y + 1}" width="{cell - 2}" height="{cell - 2}" fill="currentColor" '
                    f'fill-opacity="{alpha if alpha else 0.03}"/>'
                )
                if value == 0:
                    number = f'<text x="{cx}" y="{cy}" text-anchor="middle" font-size="11" fill="currentColor" fill-opacity="0.45">0</text>'
                elif alpha >= 0.5:
                    number = f'<text x="{cx}" y="{cy}" text-anchor="middle" font-size="12" style="{ON_DARK}">{value}</text>'
                else:
                    number = f'<text x="{cx}" y="{cy}" text-anchor="middle" font-size="12" fill="currentColor">{value}</text>'
            out.append(f"<g>{title}{shape}{number}</g>")
    out.append("</svg>")
    return "".join(out)


def bar_chart(
    categories: Sequence[str],
    values: Sequence[int],
    *,
    label: str,
    bar_title,
    x_label: str,
    y_label: str,
    bar: int = 72,
    plot_height: int = 180,
) -> str:
    """Vertical bars with the value above each bar. ``bar_title(i, value)`` gives the hover text."""
    n = len(categories)
    left, top, bottom = 44, 20, 48
    gap = bar // 3
    width = left + n * (bar + gap) + gap
    height = top + plot_height + bottom
    peak = max(values, default=0)
    out = [_svg_open(width, height, label, "cm-chart cm-bars")]
    base = top + plot_height
    out.append(
        f'<line x1="{left}" y1="{base + 0.5}" x2="{width}" y2="{base + 0.5}" stroke="currentColor" stroke-opacity="0.6"/>'
    )
    out.append(
        f'<text x="14" y="{_num(top + plot_height / 2)}" transform="rotate(-90 14 {_num(top + plot_height / 2)})" '
        f'text-anchor="middle" font-size="11" fill="currentColor">{esc(y_label)}</text>'
    )
    for i, (name, value) in enumerate(zip(categories, values)):
        x = left + gap + i * (bar + gap)
        h = 0 if peak == 0 else plot_height * value / peak
        cx = _num(x + bar / 2)
        out.append(
            f"<g><title>{esc(bar_title(i, value))}</title>"
            f'<rect x="{x}" y="{_num(base - h)}" width="{bar}" height="{_num(h)}" fill="currentColor" fill-opacity="0.55"/>'
            f'<text x="{cx}" y="{_num(base - h - 5)}" text-anchor="middle" font-size="12" font-weight="700" fill="currentColor">{value}</text>'
            f'<text x="{cx}" y="{base + 16}" text-anchor="middle" font-size="11" fill="currentColor">{esc(name)}</text></g>'
        )
    out.append(
        f'<text x="{_num(left + (width - left) / 2)}" y="{height - 8}" text-anchor="middle" font-size="11" fill="currentColor">{esc(x_label)}</text>'
    )
    out.append("</svg>")
    return "".join(out)
