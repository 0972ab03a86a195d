"""Accessible bar charts as inline SVG: role="img" with a <title> and a <desc> that says every figure in words,
so a screen reader gets the same as the eye; the page also shows the figures in a table next to the chart.
Every text is escaped; colours have at least 4.5:1 contrast on white; no script, no external file."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from elkaar.feedback.reports import OptionRow

WIDTH = 640
LABEL_WIDTH = 230
BAR_WIDTH = 300
ROW_HEIGHT = 30
TOP = 8
BAR_COLOUR = "#1c5a96"  # 7.0:1 on white
TEXT_COLOUR = "#1b1b1b"
MAX_LABEL = 32


def percent(share: float) -> str:
    return f"{round(share * 100)}%"


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


def describe(rows: Sequence[OptionRow]) -> str:
    """The figures of a chart in one sentence, for its <desc>."""
    parts = [
        _("%(label)s: %(count)s (%(share)s)") % {"label": row.label, "count": row.count, "share": percent(row.share)}
        for row in rows
    ]
    return "; ".join(parts) + "."


def bar_chart(chart_id: str, title: str, rows: Sequence[OptionRow]) -> SafeString:
    """A horizontal bar per row: its label, a bar as long as its share, and the count with the share."""
    height = TOP * 2 + ROW_HEIGHT * len(rows)
    bars = []
    for index, row in enumerate(rows):
        y = TOP + index * ROW_HEIGHT
        length = round(BAR_WIDTH * row.share, 1)
        bars.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" fill="{}">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"></rect>'
                '<text x="{}" y="{}" fill="{}">{} ({})</text>',
                LABEL_WIDTH - 8,
                y + 20,
                TEXT_COLOUR,
                _short(row.label),
                LABEL_WIDTH,
                y + 5,
                length,
                ROW_HEIGHT - 10,
                BAR_COLOUR,
                LABEL_WIDTH + length + 8,
                y + 20,
                TEXT_COLOUR,
                row.count,
                percent(row.share),
            )
        )
    return format_html(
        '<svg class="feedback-chart" role="img" aria-labelledby="{id}-title {id}-desc" viewBox="0 0 {width} {height}" '
        'width="{width}" height="{height}" font-size="14" font-family="inherit">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{bars}</svg>',
        id=escape(chart_id),
        width=WIDTH,
        height=height,
        title=title,
        desc=describe(rows),
        bars=mark_safe("".join(bars)),  # noqa: S308 (each part built by format_html, so escaped)
    )
