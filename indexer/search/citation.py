"""Dates as the Ministry writes them (和暦), and a ready citation of a paragraph.

May touch: plain values only (a title, a date, a section, a URL).
"""

from __future__ import annotations

import datetime

from readouts.indexer.parse.header import ERAS

PUBLISHER = "外務省"
UNTITLED = "（表題なし）"
UNDATED = "日付なし"


def era_year(date: datetime.date) -> str:
    """平成25年, 令和元年: the era and year of a date ("" before 明治)."""
    for era, _, first in ERAS:
        if date >= first:
            year = date.year - first.year + 1
            return f"{era}{'元' if year == 1 else year}年"
    return ""


def era_date(date: datetime.date) -> str:
    """平成25年2月22日."""
    year = era_year(date)
    return f"{year}{date.month}月{date.day}日" if year else f"{date.year}年{date.month}月{date.day}日"


def display_date(date: datetime.date | None) -> str:
    """2013年2月22日（平成25年）, as pages show a readout's date; 日付なし for none."""
    if date is None:
        return UNDATED
    year = era_year(date)
    western = f"{date.year}年{date.month}月{date.day}日"
    return f"{western}（{year}）" if year else western


def citation(title: str, date: datetime.date | None, section: str, url: str) -> str:
    """出典：外務省「日米首脳会談（概要）」平成25年2月22日、1.(2)(イ)、https://…"""
    parts = [f"出典：{PUBLISHER}「{title or UNTITLED}」{era_date(date) if date else UNDATED}"]
    if section:
        parts.append(section)
    if url:
        parts.append(url)
    return "、".join(parts)
