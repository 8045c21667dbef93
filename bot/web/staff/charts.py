"""Charts drawn on the server as inline SVG (no script, no external request): horizontal bars with their numbers."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

WIDTH, LABEL, ROW = 440, 170, 26
MAX_LABEL = 12  # characters; the full label is in the table under the chart and in the bar's tooltip
COLOURS = ("#1565c0", "#2e7d32", "#ef6c00", "#6a1b9a", "#00838f")


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


def bars(title: str, rows: Sequence[tuple[str, float]], *, unit: str = "") -> Markup:
    """One bar per row, scaled to the largest value; the value is written beside its bar."""
    top = max((v for _, v in rows), default=0) or 1
    height = ROW * len(rows) + 8
    parts = [f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {WIDTH} {height}" '
             f'width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">',
             f"<title>{escape(title)}</title>"]
    span = WIDTH - LABEL - 60
    for i, (label, value) in enumerate(rows):
        y = 4 + i * ROW
        width = max(0.0, span * value / top)
        shown = f"{value:g}{unit}"
        parts.append(f'<text x="{LABEL - 6}" y="{y + 16}" text-anchor="end" font-size="13">{escape(_short(label))}'
                     f'</text><rect x="{LABEL}" y="{y + 3}" width="{width:.1f}" height="{ROW - 8}" '
                     f'fill="{COLOURS[i % len(COLOURS)]}" rx="2"><title>{escape(label)}：{escape(shown)}</title></rect>'
                     f'<text x="{LABEL + width + 6:.1f}" y="{y + 16}" font-size="13" class="value">{escape(shown)}'
                     "</text>")
    parts.append("</svg>")
    return Markup("".join(parts))
