"""What every search engine under readouts is asked to do, and which engines there are.

An index is built by one engine, chosen when it is created (`readouts index
--engine tantivy`) and recorded in its metadata. Above this interface the CLI,
the web app, highlighting and snippets do not know which engine is underneath:

- writing (`indexer.index.update`): read the indexed readouts and their content
  hashes, delete readouts, add analyzed readouts, commit atomically;
- reading (`Reader`): run a parsed query with filters, exact totals, ranking
  tiers and date order within a time budget; list readouts; fetch a readout's
  record and paragraphs as stored fields.

Stored fields cross the interface as plain dictionaries with the same keys
from every engine (`doc_id`, `title`, `category`, `date`, `section`, `label`,
`headings`, `anchor`, `position`, `text` for paragraphs; `issuer`, `origin`,
`source_url`, `outline` for readouts).
"""

from __future__ import annotations

import datetime
import os
from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from indexer.analysis.facets import split_key
from indexer.analysis.query import ParsedQuery

ENGINES = ("whoosh", "tantivy")
DEFAULT_ENGINE = "whoosh"
ENGINE_VAR = "READOUTS_ENGINE"
# Matches are counted per readout (`SearchRequest.per_readout`) for every readout when at
# most this many paragraphs match. Past it an engine may count only the readouts of the hits
# it returns: counting thousands of readouts costs tantivy more than the search (a bucket
# each), and a page shows its own readouts' counts and no more.
COUNTED_PER_READOUT = 1_000


def default_engine() -> str:
    """The engine of a new index when none is asked for: $READOUTS_ENGINE, else whoosh."""
    engine = os.environ.get(ENGINE_VAR) or DEFAULT_ENGINE
    if engine not in ENGINES:
        raise ValueError(f"{ENGINE_VAR}={engine!r} is not an engine; use one of {', '.join(ENGINES)}")
    return engine


class SearchTimeout(Exception):
    """A search ran past its time budget and was stopped."""

    def __init__(self, seconds: float) -> None:
        super().__init__(
            f"the search took longer than {seconds:g} s and was stopped; use fewer or longer words"
        )
        self.seconds = seconds

    def __reduce__(self):
        return type(self), (self.seconds,)


@dataclass(frozen=True, slots=True)
class SearchRequest:
    parsed: ParsedQuery
    depth: int  # how many ranked hits to return, from the first
    sort: str = "relevance"  # or "date": newest first, then by relevance
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    doc_id: str | None = None
    country: str | None = None  # a counterpart's name (`indexer.analysis.facets`)
    kind: str | None = None  # a kind of meeting (`indexer.analysis.facets.KINDS`)
    facets: bool = False  # also count the matches per month, counterpart and kind
    # Also count the matches per readout (FacetCounts.readouts): of every readout, or (past
    # COUNTED_PER_READOUT matches) at least of the readouts of the hits returned.
    per_readout: bool = False
    # Grouped by readout: ranked hits keep at most `keep_per_readout` paragraphs of one readout,
    # and those of the first `keep_readouts` readouts to appear only (0: no limit). The
    # paragraphs left out are skipped before their stored fields are read.
    keep_per_readout: int = 0
    keep_readouts: int = 0
    side: str | None = (
        None  # only where the words are in what this side said (`indexer.parse.speakers.SIDES`)
    )
    deadline: float | None = None  # time.monotonic() after which to stop
    budget: float = 0.0  # the budget in seconds, for the error message


@dataclass(frozen=True, slots=True)
class FacetCounts:
    """Matching paragraphs per value: months ("2013-02"; undated ones left out), counterparts, kinds."""

    month: dict[str, int]
    country: dict[str, int]
    kind: dict[str, int]
    readouts: Mapping[str, int] = field(default_factory=dict)  # doc_id → matches, when asked for
    side: dict[str, int] = field(default_factory=dict)  # 日本側/相手側/双方 → matches said by that side

    @classmethod
    def from_keys(cls, counts: dict[str, int], readouts: Mapping[str, int]) -> FacetCounts:
        """From paragraphs counted per `indexer.analysis.facets.facet_key`."""
        month: Counter[str] = Counter()
        country: Counter[str] = Counter()
        kind: Counter[str] = Counter()
        for key, count in counts.items():
            key_month, key_countries, key_kind = split_key(key)
            if key_month:
                month[key_month] += count
            for name in key_countries:  # a paragraph counts once under each of its counterparts
                country[name] += count
            if key_kind:
                kind[key_kind] += count
        return cls(dict(month), dict(country), dict(kind), readouts)


def kept_positions(readouts: Sequence[Hashable], per_readout: int, first: int) -> list[int]:
    """Which of the ranked paragraphs, given their readouts, a grouped request keeps: at most
    `per_readout` of each readout, of the first `first` readouts to appear (0: all)."""
    seen: Counter[Hashable] = Counter()
    kept = []
    for position, readout in enumerate(readouts):
        if readout not in seen and first and len(seen) >= first:
            continue
        seen[readout] += 1
        if seen[readout] <= per_readout:
            kept.append(position)
    return kept


class Reader(Protocol):
    """One engine's view of one committed index generation."""

    def up_to_date(self) -> bool: ...

    def generation(self) -> object: ...

    def close(self) -> None: ...

    def search(self, request: SearchRequest) -> tuple[int, list[tuple[dict, float]], FacetCounts | None]:
        """The total number of matching paragraphs, the first `depth` of them with scores, and
        their counts per value when the request asks for facets or per readout (else None)."""

    def match_keys(self, parsed: ParsedQuery) -> set[tuple[str, int]]: ...

    def doc_frequencies(self, terms: list[str]) -> tuple[int, dict[str, int]]:
        """How many paragraphs there are, and how many hold each word term."""

    def similar(self, terms: list[str], exclude_doc_id: str, limit: int) -> list[tuple[dict, float]]:
        """The paragraphs of other readouts that best match any of the word terms."""

    def readouts(self, limit: int) -> tuple[list[dict], int]: ...

    def record(self, doc_id: str) -> dict | None: ...

    def paragraphs(self, doc_id: str) -> list[dict]: ...

    def reading(self, key: str, limit: int) -> list[str]:
        """Up to `limit` readouts with a noun of this reading key (`indexer.analysis.terms.reading_key`)."""

    def counts(self) -> tuple[int, int]:
        """(readouts, paragraphs), after a light check that the files can be read."""
