"""Horizontal bar charts drawn as SVG on the server, from the same rows as the table beside them.

No script and no outside asset is needed: the template writes the SVG
elements with the geometry computed here, and colours keep 4.5:1 contrast.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

CHART_WIDTH = 640
LABEL_WIDTH = 190
VALUE_WIDTH = 70
BAR_HEIGHT = 22
BAR_GAP = 8
LABEL_MAX_CHARS = 12


@dataclass(frozen=True)
class Bar:
    label: str
    value_text: str
    y: int
    width: int
    text_y: int


@dataclass
class Chart:
    """A titled table of rows; the first numeric column after the label is what the bars show."""

    key: str
    title: str
    headers: list[str]
    rows: list[list] = field(default_factory=list)
    note: str = ""

    @property
    def bars(self) -> list[Bar]:
        values = [Decimal(str(row[1] or 0)) for row in self.rows]
        largest = max(values, default=Decimal(0))
        plot_width = CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH
        bars = []
        for index, (row, value) in enumerate(zip(self.rows, values, strict=True)):
            y = BAR_GAP + index * (BAR_HEIGHT + BAR_GAP)
            width = int(plot_width * value / largest) if largest > 0 else 0
            label = str(row[0])
            if len(label) > LABEL_MAX_CHARS:
                label = label[: LABEL_MAX_CHARS - 1] + "…"
            bars.append(Bar(label=label, value_text=str(row[1]), y=y, width=width, text_y=y + BAR_HEIGHT - 6))
        return bars

    @property
    def height(self) -> int:
        return BAR_GAP + max(len(self.rows), 1) * (BAR_HEIGHT + BAR_GAP)

    @property
    def width(self) -> int:
        return CHART_WIDTH

    @property
    def label_width(self) -> int:
        return LABEL_WIDTH

    @property
    def label_x(self) -> int:
        return LABEL_WIDTH - 6
