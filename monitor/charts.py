"""Horizontal bar charts drawn by the template as inline SVG (no script: the CSP allows none inline), each
shown with its data table. The geometry is worked out here; the values are a figure's cells."""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from .figures import PROCENT, UNKNOWN
from .formatting import number
from .national import National

BAR_HEIGHT, BAR_GAP, LABEL_WIDTH, CHART_WIDTH = 26, 8, 270, 660


@dataclass(frozen=True)
class ChartRow:
    label: str
    value: int | Fraction | str | None
    national: National | None = None


def bar_chart(key: str, title: str, unit: str, rows: list[ChartRow], *, caption: str = "") -> dict:
    """Everything the template needs for one chart: its bars (only the known values get a bar) and its table."""
    known = [row.value for row in rows if row.value is not None and row.value != UNKNOWN]
    top = max([*known, 1 if unit == PROCENT else 0], default=0) or 1
    room = CHART_WIDTH - LABEL_WIDTH - 70
    bars = []
    for i, row in enumerate(rows):
        y = i * (BAR_HEIGHT + BAR_GAP)
        width = round(room * row.value / top) if row.value not in (None, UNKNOWN) and row.value else 0
        bars.append({"label": row.label, "text": number(row.value, unit), "y": y, "width": width,
                     "text_y": y + round(BAR_HEIGHT * 0.7), "value_x": LABEL_WIDTH + width + 6,
                     "national": number(row.national.value, unit) if row.national else ""})
    return {"key": key, "title": title, "caption": caption, "unit": unit, "bars": bars,
            "has_national": any(row.national for row in rows), "width": CHART_WIDTH,
            "height": max(len(rows), 1) * (BAR_HEIGHT + BAR_GAP), "label_width": LABEL_WIDTH,
            "label_x": LABEL_WIDTH - 8, "bar_height": BAR_HEIGHT}
