"""Charts drawn on the server as inline SVG (no script, no external request): horizontal bars with their numbers."""

from __future__ import annotations

import math
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


def radar(title: str, axes: Sequence[tuple[str, float | None]], *, top: float = 5.0) -> Markup:
    """A radar chart: one spoke per axis (clockwise from the top), rings at 1..top, the averages as a polygon with
    each value written at its point. An axis without a value is drawn at the centre and marked 「—」."""
    width, height, radius = 520, 340, 115
    cx, cy = width / 2, height / 2
    count = len(axes)

    def point(i: int, value: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * i / count
        return cx + radius * value / top * math.cos(angle), cy + radius * value / top * math.sin(angle)

    parts = [f'<svg class="chart radar" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
             f'width="100%" style="max-width:{width}px" xmlns="http://www.w3.org/2000/svg">',
             f"<title>{escape(title)}</title>"]
    for ring in range(1, int(top) + 1):
        ring_points = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, ring) for i in range(count)))
        parts.append(f'<polygon points="{ring_points}" fill="none" stroke="#ccc" stroke-width="1"/>')
    for i, (label, _) in enumerate(axes):
        x, y = point(i, top)
        lx, ly = point(i, top + 1.15)
        anchor = "middle" if abs(lx - cx) < 10 else ("start" if lx > cx else "end")
        parts.append(f'<line x1="{cx}" y1="{cy}" x2="{x:.1f}" y2="{y:.1f}" stroke="#ccc"/>'
                     f'<text x="{lx:.1f}" y="{ly + 4:.1f}" font-size="12" text-anchor="{anchor}">'
                     f"{escape(_short(label))}</text>")
    shape = [point(i, value or 0.0) for i, (_, value) in enumerate(axes)]
    parts.append(f'<polygon class="average" points="{" ".join(f"{x:.1f},{y:.1f}" for x, y in shape)}" '
                 f'fill="{COLOURS[0]}" fill-opacity="0.3" stroke="{COLOURS[0]}" stroke-width="2"/>')
    for (label, value), (x, y) in zip(axes, shape, strict=True):
        shown = f"{value:.1f}" if value is not None else "—"
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{COLOURS[0]}"><title>{escape(label)}：'
                     f'{shown}</title></circle><text x="{x + 5:.1f}" y="{y - 5:.1f}" font-size="12" '
                     f'class="value">{shown}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
