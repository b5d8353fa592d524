"""Charts drawn on the server as inline SVG, with the same figures as a table.

No script, no inline style (the Content-Security-Policy forbids both; SVG presentation
attributes are not styles), so a chart shows without JavaScript, in every browser and in the
handbook renderer's PDFs. The SVG is an image with a title and a description for screen readers;
the table behind it (`includes/chart.html`) is the accessible form of the data.

Values may be numbers, None (nothing to show) or `cocora.core.suppression.Cell`; a suppressed
cell is drawn as a gap and labelled "fewer than N", never as a bar or point of its size.

Usage::

    chart = bar_chart(title=_("Attendance"), categories=["A", "B"],
                      series=[Series(_("Rate"), [80, 65])], unit="%")
    {% include "includes/chart.html" with chart=chart %}
"""

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from .suppression import Cell

# Colours told apart by people with the common colour vision deficiencies, each at least 3:1
# against white (WCAG non-text contrast); series beyond six repeat them.
PALETTE = ("#0b5cad", "#b34700", "#007a5a", "#8a3f8f", "#5c5c00", "#1f6f8b")
TEXT = "#212529"
GRID = "#adb5bd"
# The drawing's own units: 400 wide shows 14-unit text at about 12.6 px on a 360 px phone.
WIDTH = 400
FONT = 14

Value = float | int | Cell | None


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[Value]


@dataclass(frozen=True)
class Chart:
    title: str
    description: str
    categories: list[str]
    series: list[Series]
    unit: str
    svg: SafeString
    ident: str
    # The table: one row per category, one label per series.
    rows: list[tuple[str, list[str]]] = field(default_factory=list)

    @property
    def headers(self) -> list[str]:
        return [series.name for series in self.series]


def _number(value: Value) -> float | None:
    """The value to draw, or None for a gap (nothing, or suppressed)."""
    if isinstance(value, Cell):
        return float(value.value) if value.shown and value.value is not None else None
    return None if value is None else float(value)


def _label(value: Value, unit: str, decimals: int = 0) -> str:
    if isinstance(value, Cell):
        text = value.label
        return f"{text}{unit}" if value.shown and unit else text
    if value is None:
        return "–"
    return f"{Cell(value, decimals=decimals).label}{unit}"


def _ident(title: str, categories: Sequence[str]) -> str:
    # Stable across renders (pages stay cacheable), distinct for different charts on a page.
    digest = hashlib.blake2s("\x1f".join([title, *categories]).encode(), digest_size=4).hexdigest()
    return f"chart-{digest}"


def _decimals(series: Sequence[Series]) -> int:
    for one in series:
        for value in one.values:
            number = _number(value)
            if number is not None and number != int(number):
                return 1
    return 0


def _rows(categories: Sequence[str], series: Sequence[Series], unit: str) -> list[Any]:
    decimals = _decimals(series)
    return [
        (category, [_label(one.values[index], unit, decimals) for one in series])
        for index, category in enumerate(categories)
    ]


def _svg(ident: str, title: str, description: str, height: float, body: SafeString) -> SafeString:
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="100%" role="img" '
        'aria-labelledby="{}-title {}-desc" class="chart-svg" font-family="sans-serif" '
        'font-size="{}">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>{}</svg>',
        WIDTH,
        round(height),
        ident,
        ident,
        FONT,
        ident,
        title,
        ident,
        description,
        body,
    )


def _legend(series: Sequence[Series], top: float) -> tuple[SafeString, float]:
    if len(series) < 2:
        return mark_safe(""), top
    parts = []
    y = top
    for index, one in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        parts.append(
            format_html(
                '<rect x="0" y="{}" width="12" height="12" fill="{}"/>'
                '<text x="18" y="{}" fill="{}">{}</text>',
                round(y, 1),
                colour,
                round(y + 11, 1),
                TEXT,
                one.name,
            )
        )
        y += FONT + 6
    return mark_safe("".join(parts)), y


def _default_description(kind: str, title: str, categories: Sequence[str]) -> str:
    return gettext(
        "%(kind)s of %(title)s for %(count)s categories. The figures are in the table below."
    ) % {"kind": kind, "title": title, "count": len(categories)}


def _chart(
    kind: str,
    title: str,
    description: str,
    categories: list[str],
    series: list[Series],
    unit: str,
    parts: list[SafeString],
    legend_top: float,
) -> Chart:
    """The drawing's parts, a legend under them, and the figures as rows of the table."""
    legend, height = _legend(series, legend_top)
    parts.append(legend)
    ident = _ident(title, categories)
    description = description or _default_description(kind, title, categories)
    return Chart(
        title=title,
        description=description,
        categories=categories,
        series=series,
        unit=unit,
        svg=_svg(ident, title, description, height + 4, mark_safe("".join(parts))),
        ident=ident,
        rows=_rows(categories, series, unit),
    )


def bar_chart(
    *,
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    unit: str = "",
    maximum: float | None = None,
    description: str = "",
) -> Chart:
    """Horizontal bars, one group per category with the category's name above it (long names
    stay readable on a phone). Negative values grow left of a zero line."""
    categories = [str(category) for category in categories]
    series = list(series)
    numbers = [_number(v) for one in series for v in one.values]
    drawn = [n for n in numbers if n is not None]
    high = max([maximum or 0.0, *drawn, 0.0])
    low = min([0.0, *drawn])
    span = (high - low) or 1.0
    # Room on the right for the value's label.
    plot = WIDTH - 110
    zero = (-low / span) * plot
    decimals = _decimals(series)
    bar = 16
    parts: list[SafeString] = []
    y = 4.0
    for index, category in enumerate(categories):
        parts.append(
            format_html(
                '<text x="0" y="{}" fill="{}">{}</text>', round(y + FONT, 1), TEXT, category
            )
        )
        y += FONT + 6
        for position, one in enumerate(series):
            value = one.values[index]
            number = _number(value)
            label = _label(value, unit, decimals)
            colour = PALETTE[position % len(PALETTE)]
            if number is None:
                parts.append(
                    format_html(
                        '<text x="{}" y="{}" fill="{}" font-style="italic">{}</text>',
                        round(zero + 4, 1),
                        round(y + bar - 3, 1),
                        TEXT,
                        label,
                    )
                )
            else:
                width = abs(number) / span * plot
                left = zero if number >= 0 else zero - width
                parts.append(
                    format_html(
                        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>'
                        '<text x="{}" y="{}" fill="{}">{}</text>',
                        round(left, 1),
                        round(y, 1),
                        round(max(width, 1.0), 1),
                        bar,
                        colour,
                        round(max(zero, left + width) + 4, 1),
                        round(y + bar - 3, 1),
                        TEXT,
                        label,
                    )
                )
            y += bar + 4
        y += 8
    if low < 0:
        parts.append(
            format_html(
                '<line x1="{}" y1="0" x2="{}" y2="{}" stroke="{}"/>',
                round(zero, 1),
                round(zero, 1),
                round(y, 1),
                GRID,
            )
        )
    return _chart(
        gettext("Bar chart"),
        title,
        description,
        categories,
        series,
        unit,
        parts,
        y,
    )


def line_chart(
    *,
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    unit: str = "",
    minimum: float = 0.0,
    maximum: float | None = None,
    description: str = "",
) -> Chart:
    """Lines over ordered categories (sessions, months). A gap in the data (nothing, or a
    suppressed cell) breaks the line rather than joining across it."""
    categories = [str(category) for category in categories]
    series = list(series)
    drawn = [n for one in series for n in (_number(v) for v in one.values) if n is not None]
    high = max([maximum if maximum is not None else 0.0, *drawn, minimum + 1.0])
    low = min([minimum, *drawn])
    left, right, top, plot_height = 44.0, WIDTH - 12.0, 8.0, 150.0
    bottom = top + plot_height
    count = max(len(categories), 1)
    step = (right - left) / max(count - 1, 1)

    def x_of(index: int) -> float:
        return left + (step * index if count > 1 else (right - left) / 2)

    def y_of(number: float) -> float:
        return bottom - (number - low) / ((high - low) or 1.0) * plot_height

    parts: list[SafeString] = []
    decimals = _decimals(series)
    for tick in range(5):
        number = low + (high - low) * tick / 4
        y = y_of(number)
        parts.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="0.5"/>'
                '<text x="{}" y="{}" fill="{}" text-anchor="end" font-size="12">{}</text>',
                left,
                round(y, 1),
                right,
                round(y, 1),
                GRID,
                left - 4,
                round(y + 4, 1),
                TEXT,
                _label(number, unit, decimals),
            )
        )
    # At most six category names under the axis, evenly spread, the last always shown.
    shown = set(range(0, count, max(1, -(-count // 6)))) | {count - 1}
    parts.append(
        format_html_join(
            "",
            '<text x="{}" y="{}" fill="{}" text-anchor="middle" font-size="12">{}</text>',
            (
                (round(x_of(index), 1), round(bottom + 16, 1), TEXT, categories[index])
                for index in sorted(shown)
                if index < len(categories)
            ),
        )
    )
    for position, one in enumerate(series):
        colour = PALETTE[position % len(PALETTE)]
        segment: list[str] = []
        segments: list[list[str]] = []
        for index, value in enumerate(one.values):
            point_value = _number(value)
            if point_value is None:
                if segment:
                    segments.append(segment)
                segment = []
                continue
            segment.append(f"{x_of(index):.1f},{y_of(point_value):.1f}")
            parts.append(
                format_html(
                    '<circle cx="{}" cy="{}" r="3" fill="{}"/>',
                    round(x_of(index), 1),
                    round(y_of(point_value), 1),
                    colour,
                )
            )
        if segment:
            segments.append(segment)
        parts.append(
            format_html_join(
                "",
                '<polyline points="{}" fill="none" stroke="{}" stroke-width="2"/>',
                ((" ".join(points), colour) for points in segments if len(points) > 1),
            )
        )
    return _chart(
        gettext("Line chart"),
        title,
        description,
        categories,
        series,
        unit,
        parts,
        bottom + 28,
    )
