"""What a search returns: hits, facets, readouts grouped, a readout's page; and a hit made from
an engine's stored fields, its snippet marked.

May touch: analysis/ and search/highlight; it knows no engine.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import NamedTuple

from markupsafe import Markup

from readouts.indexer.analysis.facets import KINDS
from readouts.indexer.analysis.query import ParsedQuery, equivalents, matches_other_forms, query_parts
from readouts.indexer.engines import DEFAULT_ENGINE
from readouts.indexer.engines.base import FacetCounts
from readouts.indexer.parse.language import LANGUAGE_NAMES, LANGUAGES
from readouts.indexer.parse.speakers import SIDES, Said
from readouts.indexer.search.highlight import Needle, Span, find_spans, snippet
from readouts.indexer.search.suggest import Suggestion


@dataclass(slots=True)  # not frozen: a frozen dataclass costs 2.5x to make, and a page makes many
class Hit:
    doc_id: str
    title: str
    date: datetime.date | None
    section: str
    label: str
    headings: tuple[str, ...]
    anchor: str
    position: int
    text: str
    snippet: Markup
    score: float
    category: str = ""
    source_url: str = ""  # the Ministry's page, where known
    indexed: str = ""  # when its readout was written to the index (UTC, ISO 8601)
    speaker: str = ""  # who said the sentence that matched, where the readout says (`indexer.parse.speakers`)
    side: str = ""  # 日本側, 相手側, 双方, or "" when the text does not settle it
    language: str = "ja"  # its readout's, ja or en


class Facet(NamedTuple):
    """One value of a facet and its count (a tuple: a page makes one per year and counterpart,
    and a frozen dataclass costs three times as much to make)."""

    value: str
    count: int
    label: str = ""  # as the page shows it, where it is not the value (英語 for en)


@dataclass(frozen=True, slots=True)
class Facets:
    """Matching paragraphs per year (newest first), counterpart and kind (most first), and month."""

    year: tuple[Facet, ...]
    country: tuple[Facet, ...]
    kind: tuple[Facet, ...]
    month: dict[str, int]
    side: tuple[Facet, ...] = ()  # matches in what each side said, in SIDES order
    lang: tuple[Facet, ...] = ()  # matches in readouts written in each language (ja, en)


# The year facet's value, and the year filter's, for readouts without a date.
UNDATED = "日付なし"


def _facets(counts: FacetCounts) -> Facets:
    month = {key: counts.month[key] for key in sorted(counts.month)}  # "2013-02": in order as text
    years = {
        year: sum(map(month.__getitem__, keys)) for year, keys in groupby(month, key=itemgetter(slice(0, 4)))
    }

    def most_first(values: dict[str, int]) -> tuple[Facet, ...]:
        return tuple(
            Facet(value, count) for value, count in sorted(values.items(), key=lambda v: (-v[1], v[0]))
        )

    kinds = {kind: counts.kind[kind] for kind in KINDS if counts.kind.get(kind)}
    return Facets(
        year=(
            *(Facet(year, years[year]) for year in sorted(years, reverse=True)),
            *((Facet(UNDATED, counts.undated),) if counts.undated else ()),
        ),
        country=most_first(counts.country),
        kind=most_first(kinds),
        month=month,
        side=tuple(Facet(side, counts.side[side]) for side in SIDES if counts.side.get(side)),
        lang=tuple(
            Facet(code, counts.language[code], LANGUAGE_NAMES[code])
            for code in LANGUAGES
            if counts.language.get(code)
        ),
    )


@dataclass(frozen=True, slots=True)
class ReadoutHits:
    """One readout of results grouped by readout: its best paragraphs, and how many matched."""

    doc_id: str
    title: str
    category: str
    date: datetime.date | None
    hits: tuple[Hit, ...]  # at most PARAGRAPHS_PER_READOUT, best first
    matched: int  # paragraphs of the readout that match

    @property
    def more(self) -> int:
        return self.matched - len(self.hits)

    @property
    def updated(self) -> str:
        """When it changed, as a feed says it: its date, else when it was indexed (ISO 8601)."""
        return f"{self.date.isoformat()}T00:00:00Z" if self.date else self.hits[0].indexed


@dataclass(frozen=True, slots=True)
class Results:
    query: str
    parsed: ParsedQuery
    total: int  # paragraphs
    page: int
    per_page: int
    hits: tuple[Hit, ...]  # the page's paragraphs (grouped: those of its readouts, in order)
    # Query words that also searched their equivalents: (word, other forms).
    also_searched: tuple[tuple[str, tuple[str, ...]], ...] = ()
    facets: Facets | None = None  # when asked for
    group: str = "paragraph"  # or "readout": a page is per_page readouts
    readouts: tuple[ReadoutHits, ...] = ()  # grouped: the page's readouts
    # Grouped: readouts with a match; None when more than COUNTED_PER_READOUT paragraphs
    # match (readouts are then not counted: see `indexer.engines.base`).
    total_readouts: int | None = 0
    more_readouts: bool = False  # grouped: there are readouts after this page
    suggestions: tuple[Suggestion, ...] = ()  # other spellings, when it found little


@dataclass(frozen=True, slots=True)
class ReadoutSummary:
    doc_id: str
    title: str
    date: datetime.date | None
    issuer: str
    origin: str
    category: str = ""
    source_url: str = ""
    excerpt: bool = False  # the text stops mid-sentence: a cut-off copy
    english_url: str = ""  # the English version's page
    language: str = "ja"  # the language it is written in


@dataclass(frozen=True, slots=True)
class ShownParagraph:
    """A paragraph as a readout's page and the related page show it."""

    section: str  # as cited: 1.(3), 前文, 参考
    label: str  # as printed beside it: （３）
    headings: tuple[str, ...]  # of the sections it is in, outermost first
    anchor: str  # its place in the readout's page: s1-3
    position: int  # its number in the readout
    text: Markup  # escaped, query words marked
    matched: bool


@dataclass(frozen=True, slots=True)
class ShownHeading:
    section: str
    label: str
    text: str
    position: int
    level: int
    anchor: str


@dataclass(frozen=True, slots=True)
class ReadoutView:
    summary: ReadoutSummary
    paragraphs: tuple[ShownParagraph, ...]
    headings: tuple[ShownHeading, ...]

    def headings_before(self) -> dict[int, list[ShownHeading]]:
        """Paragraph position → the headings printed just before it."""
        grouped: dict[int, list[ShownHeading]] = {}
        for heading in self.headings:
            grouped.setdefault(heading.position, []).append(heading)
        return grouped


@dataclass(frozen=True, slots=True)
class Stats:
    path: Path
    directory: Path
    readouts: int
    paragraphs: int
    created: str
    engine: str = DEFAULT_ENGINE


# Errors that are our own bugs, not damage in the index's files.
def _speaker(speakers, spans: list[Span], side: str | None) -> Said | None:
    """Who said the first attributed sentence that a match lies in (of `side`, if given), from
    the paragraph's stored [start, end, speaker, side] of each attributed sentence."""
    for span in spans:
        for start, end, speaker, said_side in speakers:
            if start <= span.start < end and (side is None or said_side == side):
                return Said(start, end, speaker, said_side)
    return None


def _page(
    text: str, parsed: ParsedQuery, total: int, page: int, per_page: int, hits: list[Hit], counts, **grouped
) -> Results:
    """A page of paragraphs, with the facets when they were counted (and, `grouped` by readout,
    its readouts: `Results`' fields)."""
    facets = _facets(counts) if counts is not None else None
    return Results(text, parsed, total, page, per_page, tuple(hits), also_searched(parsed), facets, **grouped)


def _date(value: str) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def needles(parsed: ParsedQuery) -> list[Needle]:
    found = []
    for word in parsed.positive_words:
        for form in (word, *equivalents(word)):
            terms, _, folded = query_parts(form)
            # Terms that match no other form than the one typed: substrings find them all.
            found.append(Needle(folded, tuple(terms), matches_other_forms(form)))
    return found


def also_searched(parsed: ParsedQuery) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Each query word that also searched other forms, with those forms."""
    return tuple(
        (word.text, forms)
        for word in parsed.positive_words
        if (forms := tuple(other.text for other in equivalents(word)))
    )


def hit_of(
    fields: dict,
    score: float,
    found: list[Needle] | None,
    snippets: bool = True,
    side: str | None = None,
) -> Hit:
    """A hit, its snippet marked with what was `found`, and who said the first sentence it
    was found in (of `side`, when the search asked for one)."""
    text_value = fields["text"]
    spans = find_spans(text_value, found) if found else []
    said = _speaker(fields.get("speakers", ()), spans, side)
    return Hit(
        doc_id=fields["doc_id"],
        title=fields.get("title", ""),
        category=fields.get("category", ""),
        date=_date(fields.get("date", "")),
        section=fields.get("section", ""),
        label=fields.get("label", ""),
        headings=tuple(fields.get("headings", ())),
        anchor=fields.get("anchor", ""),
        position=fields.get("position", 0),
        text=text_value,
        snippet=snippet(text_value, spans) if snippets else Markup(""),
        score=round(score, 4),
        source_url=fields.get("source_url", ""),
        indexed=fields.get("indexed", ""),
        speaker=said.speaker if said else "",
        side=said.side if said else "",
        language=fields.get("language", "ja"),
    )


def summary_of(fields: dict) -> ReadoutSummary:
    """A readout's summary from its stored record."""
    return ReadoutSummary(
        doc_id=fields["doc_id"],
        title=fields.get("title", ""),
        date=_date(fields.get("date", "")),
        issuer=fields.get("issuer", ""),
        origin=fields.get("origin", ""),
        category=fields.get("category", ""),
        source_url=fields.get("source_url", ""),
        excerpt=bool(fields.get("excerpt", False)),
        english_url=fields.get("english_url", ""),
        language=fields.get("language", "ja"),
    )
