"""A readout's version in the other language (its twin), and how the two compare.

The Ministry publishes many readouts twice, in Japanese and in English. Two readouts of
the index are twins when:

- one links to the other (a Japanese page's 英語版 link, `english_url`, is the English
  page's address); else
- they are of the same day, in the other language, and name no different counterparts
  (`indexer.analysis.facets`): one such readout is the twin; of several, the one of the same
  kind of meeting, if only one is; else none is chosen, and the candidates are reported.

A readout without a date (its page lost the date line) is matched by the month and day its
lead opens with (11月12日…, On November 12, …) among the dated readouts of the other language.

Compared, the two are aligned by section number (1.(2) beside 1.(2)); a section present in one
version and missing from the other, or under a third as long there, is what that version leaves
out.

May touch: analysis/facets, parse/header and parse/lines; the library hands it the readouts.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from readouts.indexer.analysis.facets import readout_facets
from readouts.indexer.parse.copies import page_address
from readouts.indexer.parse.header import MONTHS, month_number
from readouts.indexer.parse.lines import width
from readouts.indexer.search.results import ReadoutSummary, ReadoutView, ShownParagraph

if TYPE_CHECKING:
    from readouts.indexer.search.library import Library

# How much shorter a section may be in the other version and still be there: under a third of
# its length (as it reads: an English letter counts 0.4 of a Japanese character).
SHORTER = 1 / 3
# Undated readouts looked at for a dated one's twin: the last of the newest-first list.
MAX_UNDATED = 50
_LEAD_DAY = re.compile(
    r"^\D{0,12}?(?:(\d{1,2})月(\d{1,2})日|(" + "|".join(MONTHS) + r")\s+(\d{1,2})\b)", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class Twins:
    """A readout's twin, how it was found ("link" or "date"), and the candidates left when no
    one readout could be chosen."""

    twin: ReadoutSummary | None = None
    how: str = ""
    candidates: tuple[ReadoutSummary, ...] = ()


def twins_of(library: Library, doc_id: str) -> Twins | None:
    """The twin of an indexed readout (None: no such readout)."""
    summary = library.summary(doc_id)
    if summary is None:
        return None

    def lead_of(doc_id: str) -> str:
        view = library.readout(doc_id)
        return str(view.paragraphs[0].text) if view is not None and view.paragraphs else ""

    return find_twins(summary, lambda date: library.readouts(200 if date else 5000, date)[0], lead_of)


def lead_day(text: str) -> tuple[int, int] | None:
    """(month, day) a lead opens with: 11月12日(水曜日)…, On Tuesday, September 20, …."""
    match = _LEAD_DAY.match(text.replace("本", "", 1))
    if match is None:
        return None
    if match.group(1):
        return int(match.group(1)), int(match.group(2))
    return month_number(match.group(3)), int(match.group(4))


def find_twins(
    summary: ReadoutSummary,
    on_date: Callable[[datetime.date | None], list[ReadoutSummary]],
    lead_of: Callable[[str], str],
) -> Twins:
    """The twin of a readout, given the readouts of a day (`on_date(None)`: the newest of every
    day) and the text of a readout's lead (read only for readouts without a date)."""
    other = "en" if summary.language == "ja" else "ja"
    if summary.date is not None:
        found = _chosen(summary, [found for found in on_date(summary.date) if found.language == other])
        if found.twin is not None or found.candidates:
            return found
        # None of that day: a twin that lost its date line opens its lead with the day.
        day = (summary.date.month, summary.date.day)
        undated = [
            found for found in on_date(None)[-MAX_UNDATED:] if found.language == other and not found.date
        ]
        return _chosen(summary, [found for found in undated if lead_day(lead_of(found.doc_id)) == day])
    day = lead_day(lead_of(summary.doc_id))
    if day is None:
        return Twins()
    dated = [found for found in on_date(None) if found.language == other and found.date]
    return _chosen(summary, [found for found in dated if (found.date.month, found.date.day) == day])


def _chosen(summary: ReadoutSummary, candidates: list[ReadoutSummary]) -> Twins:
    """Of the readouts that may be the twin: the one the page links to, else the one that names
    no different counterpart (of several, the one of the same kind); else the candidates."""
    linked = [found for found in candidates if _linked(summary, found)]
    if len(linked) == 1:
        return Twins(linked[0], "link")
    countries, kind = readout_facets(summary.title, summary.category)
    fitting = [found for found in candidates if _same_counterparts(countries, found)]
    if len(fitting) > 1:
        same_kind = [found for found in fitting if readout_facets(found.title, found.category)[1] == kind]
        fitting = same_kind if len(same_kind) == 1 else fitting
    if len(fitting) == 1:
        return Twins(fitting[0], "date")
    return Twins(candidates=tuple(fitting))


def _linked(one: ReadoutSummary, other: ReadoutSummary) -> bool:
    """Whether one page's English link is the other's address (`indexer.parse.copies.page_address`)."""
    links = {page_address(page.english_url) for page in (one, other) if page.english_url}
    return any(page.source_url and page_address(page.source_url) in links for page in (one, other))


def _same_counterparts(countries: tuple[str, ...], found: ReadoutSummary) -> bool:
    """Whether a readout names no counterpart the other does not (either may name none)."""
    theirs = readout_facets(found.title, found.category)[0]
    return not countries or not theirs or bool(set(countries) & set(theirs))


# --- comparing ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Row:
    """One section of the two versions side by side: its paragraphs in each (either may be
    empty), and which version leaves it out ("ja", "en" or "")."""

    section: str
    japanese: tuple[ShownParagraph, ...]
    english: tuple[ShownParagraph, ...]
    left_out_by: str


def _size(paragraphs: tuple[ShownParagraph, ...]) -> float:
    """How long the paragraphs read (`indexer.parse.lines.width`: English letters count less)."""
    return sum(width(str(paragraph.text)) for paragraph in paragraphs)


def compare(japanese: ReadoutView, english: ReadoutView) -> list[Row]:
    """The two versions aligned by section, in the order of the Japanese one (the English one's
    sections it lacks where they fall)."""
    order: list[str] = []
    by_language: dict[str, dict[str, list[ShownParagraph]]] = {"ja": {}, "en": {}}
    for language, view in (("ja", japanese), ("en", english)):
        for paragraph in view.paragraphs:
            if paragraph.section not in order:
                order.append(paragraph.section)
            by_language[language].setdefault(paragraph.section, []).append(paragraph)
    rows = []
    for section in order:
        ja = tuple(by_language["ja"].get(section, ()))
        en = tuple(by_language["en"].get(section, ()))
        left_out_by = ""
        if not en or _size(en) < SHORTER * _size(ja):
            left_out_by = "en"
        elif not ja or _size(ja) < SHORTER * _size(en):
            left_out_by = "ja"
        rows.append(Row(section, ja, en, left_out_by))
    return rows
