"""Matches counted per facet key and per readout, in tantivy's aggregation.

May touch: tantivy's search and aggregation API.
"""

from __future__ import annotations

from collections.abc import Mapping

import tantivy
from tantivy import Occur, Query

from readouts.indexer.engines.base import COUNTED_PER_READOUT, FacetCounts, SearchRequest
from readouts.indexer.engines.tantivy.query import _Groups, _term
from readouts.indexer.engines.tantivy.schema import readout_number

# Paragraphs per month, counterparts and kind, as one key (`indexer.analysis.facets.facet_key`).
_AGGREGATIONS = {"facets": {"terms": {"field": "facets", "size": 100_000}}}
# Paragraphs per readout, for results grouped by readout.
_PER_READOUT = {"readouts": {"terms": {"field": "readout", "size": 10_000_000}}}


class _PerReadout(Mapping):
    """Matches per readout as the aggregation counts them (by number), looked up by doc_id."""

    def __init__(self, counts: dict[int, int]) -> None:
        self.numbers = counts

    def __getitem__(self, doc_id: str) -> int:
        return self.numbers[readout_number(doc_id)]

    def __iter__(self):
        raise TypeError("matches per readout are looked up by doc_id, not listed")

    def __len__(self) -> int:
        return len(self.numbers)


def counted(
    searcher: tantivy.Searcher,
    query: Query,
    facets: bool,
    per_readout: bool,
    total: int | None,
    shown: list[int],
    whole: set[int],
) -> FacetCounts:
    """The counts per facet key when `facets`, and per readout when `per_readout`: of every
    readout while at most COUNTED_PER_READOUT paragraphs match (`total`; None: not counted yet,
    so the counts per facet, which `facets` then asks for, count them), by a terms aggregation
    (one bucket each); past that, of the readouts numbered `shown` only, by a second
    aggregation over their paragraphs that match, which reads their few short posting lists
    and skips through the query's (a range per readout in the first pass would cost a lookup
    per match, a search per readout the query's setup each time). Of those, the readouts
    `whole` match in every paragraph: their paragraphs are counted without the query."""
    every = per_readout and total is not None and total <= COUNTED_PER_READOUT
    wanted = {**(_AGGREGATIONS if facets else {}), **(_PER_READOUT if every else {})}
    answer = searcher.aggregate(query, wanted) if wanted else {}
    if total is None and per_readout:
        # Every paragraph has one facet key: their counts add up to the matches.
        every = sum(_counts(answer, "facets").values()) <= COUNTED_PER_READOUT
        if every:
            answer |= searcher.aggregate(query, _PER_READOUT)
    readouts = _counts(answer, "readouts")
    if per_readout and not every and shown:
        readouts = dict.fromkeys(shown, 0) | _only(searcher, shown, whole, query)
    return FacetCounts.from_keys(_counts(answer, "facets"), _PerReadout(readouts))


def _only(searcher: tantivy.Searcher, numbers: list[int], whole: set[int], query: Query) -> dict[int, int]:
    """The paragraphs that match of each readout numbered `numbers`: every one of those `whole`."""

    def theirs(numbers: list[int]) -> Query:
        return Query.boolean_query([(Occur.Should, _term("readout", number)) for number in numbers])

    partly = [number for number in numbers if number not in whole]
    within = Query.boolean_query([(Occur.Must, theirs(partly)), (Occur.Must, query)]) if partly else None
    if whole:
        counted = theirs(sorted(whole))
        if within is not None:
            counted = Query.boolean_query([(Occur.Should, counted), (Occur.Should, within)])
    else:
        counted = within
    answer = searcher.aggregate(counted, {"only": {"terms": {"field": "readout", "size": len(numbers)}}})
    return _counts(answer, "only")


def _counts(answer: dict, name: str) -> dict:
    return (
        {bucket["key"]: bucket["doc_count"] for bucket in answer[name]["buckets"]} if name in answer else {}
    )


def whole_readouts(request: SearchRequest, groups: _Groups, numbers: list[int]) -> set[int]:
    """Which of the readouts numbered `numbers` match in every paragraph: those that every
    group of words titles (the title tier), where nothing narrows the matches down."""
    if not numbers or request.filtered or request.parsed.excluded or not request.parsed.groups:
        return set()
    whole = set(numbers)
    for group in request.parsed.groups:
        whole &= groups.titled(group).keys()
    return whole
