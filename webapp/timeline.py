"""The results page's timeline: matching paragraphs per year, or per month over a short span.

Drawn as an inline SVG bar chart by the template (no JavaScript); each bar is a
link that filters the results to its year or month, and is named for screen
readers (2013年：4件). Bars are placed in percent of the width and text is in CSS
pixels (no viewBox), so labels and counts stay readable on a phone: every label
and count on a wide screen when there is room, a coarser step on a narrow one
(the CSS hides the rest), and one period is a narrow bar, not a full-width block.

May touch: the facets of a result and the page's parameters; the template draws it.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from readouts.indexer.search.request import Search
from readouts.indexer.search.results import UNDATED, Facets

HEIGHT = 110  # pixels for the bars
COUNT_SPACE = 16  # above the tallest bar, for its count
LABEL_SPACE = 18  # below the bars, for the axis labels
MAX_BAR = 8.0  # percent of the width: one or two periods are narrow bars
# Labels (and counts) fit about this many to a wide chart, and to a phone's.
WIDE_LABELS, NARROW_LABELS = 16, 6


@dataclass(frozen=True, slots=True)
class Bar:
    label: str  # on the axis: 2013, 2013-05
    name: str  # for screen readers: 2013年：4件
    count: int
    args: dict[str, str]  # the search URL's parameters when followed
    x: float  # percent of the width
    y: float  # pixels from the top
    width: float  # percent
    height: float  # pixels
    show_label: bool  # on a wide screen
    narrow_label: bool  # on a phone too
    label_x: float  # percent: where the label is anchored
    label_anchor: str  # SVG text-anchor: the first and last labels are held inside the chart


def _label_place(x: float, width: float, index: int, last: int) -> tuple[float, str]:
    """Where a bar's label stands: under its middle, but the first's starting at its left and the
    last's ending at its right, inside the chart (a phone's is as wide as the screen); a single
    bar's under its middle."""
    if last and index == 0:
        return x, "start"
    if last and index == last:
        return x + width, "end"
    return x + width / 2, "middle"


@dataclass(frozen=True, slots=True)
class Timeline:
    unit: str  # "year" or "month"
    bars: tuple[Bar, ...]
    height: int = COUNT_SPACE + HEIGHT + LABEL_SPACE
    baseline: int = COUNT_SPACE + HEIGHT


def _months(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:7])
    months = []
    while f"{year:04d}-{month:02d}" <= last:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def timeline(facets: Facets, params: Search) -> Timeline | None:
    """Bars for every year (or month) from the first match to the last, empty ones included."""
    undated = next((facet.count for facet in facets.year if facet.value == UNDATED), 0)
    if not facets.month and not undated:
        return None
    months = sorted(facets.month)
    span = _months(months[0], months[-1]) if months else []
    if not span:  # only undated matches: a bar of their own, under a caption by year
        unit, periods = "year", []
    elif len(span) < 24:
        unit = "month"
        periods = [(month, facets.month.get(month, 0)) for month in span]
    else:
        unit = "year"
        years = {facet.value: facet.count for facet in facets.year}
        first, last = int(months[0][:4]), int(months[-1][:4])
        periods = [(str(year), years.get(str(year), 0)) for year in range(first, last + 1)]
    if undated:
        periods.append((UNDATED, undated))  # last, a bar of its own
    tallest = max(count for _, count in periods)
    slot = 100 / len(periods)
    width = min(slot * 0.8, MAX_BAR)
    wide_step = max(1, -(-len(periods) // WIDE_LABELS))
    narrow_step = max(1, -(-len(periods) // NARROW_LABELS))
    last = len(periods) - 1

    def labelled(index: int, step: int) -> bool:
        """Every `step`th label; with undated matches, their bar's (last, its label wider and
        ending at the chart's edge) and none within `step` bars before it."""
        if undated:
            return index == last or (index % step == 0 and index <= last - step)
        return index % step == 0

    bars = []
    for index, (period, count) in enumerate(periods):
        height = 0.0 if not count else max(2.0, (HEIGHT - 4) * count / tallest)
        args, name = _link(unit, period, count, params)
        x = round(index * slot + (slot - width) / 2, 3)
        label_x, label_anchor = _label_place(x, round(width, 3), index, last)
        bars.append(
            Bar(
                label=period,
                name=name,
                count=count,
                args=args,
                x=x,
                y=round(COUNT_SPACE + HEIGHT - height, 2),
                width=round(width, 3),
                height=round(height, 2),
                show_label=labelled(index, wide_step),
                narrow_label=labelled(index, narrow_step),
                label_x=label_x,
                label_anchor=label_anchor,
            )
        )
    return Timeline(unit, tuple(bars))


def _link(unit: str, period: str, count: int, params: Search) -> tuple[dict[str, str], str]:
    """The search a bar leads to, and its name for screen readers."""
    if period == UNDATED:
        return params.as_args(year="none", page=1, **{"from": "", "to": ""}), f"{UNDATED}：{count}件"
    if unit == "year":
        return params.as_args(year=period, page=1, **{"from": "", "to": ""}), f"{period}年：{count}件"
    year, month = int(period[:4]), int(period[5:7])
    last_day = calendar.monthrange(year, month)[1]
    start, end = datetime.date(year, month, 1), datetime.date(year, month, last_day)
    args = params.as_args(year="", page=1, **{"from": start.isoformat(), "to": end.isoformat()})
    return args, f"{year}年{month}月：{count}件"
