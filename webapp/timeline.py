"""The results page's timeline: matching paragraphs per year, or per month over a short span.

Drawn as an inline SVG bar chart by the template (no JavaScript); each bar is a
link that filters the results to its year or month, and is named for screen
readers (2013年：4件).
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from indexer.search.results import Facets
from webapp.params import SearchParams

WIDTH = 640
HEIGHT = 120
LABEL_SPACE = 18  # below the bars, for the axis labels


@dataclass(frozen=True, slots=True)
class Bar:
    label: str  # on the axis: 2013, 2013-05
    name: str  # for screen readers: 2013年：4件
    count: int
    args: dict[str, str]  # the search URL's parameters when followed
    x: float
    y: float
    width: float
    height: float
    show_label: bool


@dataclass(frozen=True, slots=True)
class Timeline:
    unit: str  # "year" or "month"
    bars: tuple[Bar, ...]
    width: int = WIDTH
    height: int = HEIGHT + LABEL_SPACE
    baseline: int = HEIGHT


def _months(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:7])
    months = []
    while f"{year:04d}-{month:02d}" <= last:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def timeline(facets: Facets, params: SearchParams) -> Timeline | None:
    """Bars for every year (or month) from the first match to the last, empty ones included."""
    if not facets.month:
        return None
    months = sorted(facets.month)
    span = _months(months[0], months[-1])
    if len(span) < 24:
        unit = "month"
        periods = [(month, facets.month.get(month, 0)) for month in span]
    else:
        unit = "year"
        years = {facet.value: facet.count for facet in facets.year}
        first, last = int(months[0][:4]), int(months[-1][:4])
        periods = [(str(year), years.get(str(year), 0)) for year in range(first, last + 1)]
    tallest = max(count for _, count in periods)
    slot = WIDTH / len(periods)
    gap = min(2.0, slot / 4)
    # Label every bar when they fit, else every few.
    every = max(1, round(len(periods) / 12))
    bars = []
    for index, (period, count) in enumerate(periods):
        height = 0.0 if not count else max(2.0, (HEIGHT - 4) * count / tallest)
        if unit == "year":
            args = params.as_args(year=period, page=1, **{"from": "", "to": ""})
            name = f"{period}年：{count}件"
        else:
            year, month = int(period[:4]), int(period[5:7])
            last_day = calendar.monthrange(year, month)[1]
            start, end = datetime.date(year, month, 1), datetime.date(year, month, last_day)
            args = params.as_args(year="", page=1, **{"from": start.isoformat(), "to": end.isoformat()})
            name = f"{year}年{month}月：{count}件"
        bars.append(
            Bar(
                label=period,
                name=name,
                count=count,
                args=args,
                x=round(index * slot + gap / 2, 2),
                y=round(HEIGHT - height, 2),
                width=round(slot - gap, 2),
                height=round(height, 2),
                show_label=index % every == 0,
            )
        )
    return Timeline(unit, tuple(bars))
