"""Matches counted per facet key and per readout, in tantivy: its aggregation, or a count
within each readout where that reads less.

May touch: tantivy's search and aggregation API.
"""

from __future__ import annotations

from collections.abc import Mapping

import tantivy
from tantivy import Occur, Query

from readouts.indexer.engines.base import FacetCounts
from readouts.indexer.engines.tantivy.query import _term
from readouts.indexer.engines.tantivy.schema import readout_number

# Paragraphs per month, counterparts and kind, as one key (`indexer.analysis.facets.facet_key`).
_AGGREGATIONS = {"facets": {"terms": {"field": "facets", "size": 100_000}}}
# Paragraphs per readout, for results grouped by readout.
_PER_READOUT = {"readouts": {"terms": {"field": "readout", "size": 10_000_000}}}
# Past this many matches, a page's readouts are counted by a search each, not in the aggregation.
COUNTED_APART = 10_000


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
    searcher: tantivy.Searcher, query: Query, facets: bool, per_readout: bool, only: list[int], total: int
) -> FacetCounts:
    """The counts per facet key when `facets`, per readout when `per_readout` (every one,
    by a terms aggregation: one bucket each) or of the readouts numbered `only`: a range
    each in the same pass, which reads every match; past COUNTED_APART matches, a count
    of the query within each readout, which reads a few short posting lists instead."""
    wanted = {**(_AGGREGATIONS if facets else {}), **(_PER_READOUT if per_readout else {})}
    apart = total > COUNTED_APART
    if only and not apart:
        wanted["only"] = {"range": {"field": "readout", "ranges": [{"from": n, "to": n + 1} for n in only]}}
    answer = searcher.aggregate(query, wanted) if wanted else {}

    def counts(name: str) -> dict:
        return (
            {bucket["key"]: bucket["doc_count"] for bucket in answer[name]["buckets"]}
            if name in answer
            else {}
        )

    readouts = counts("readouts")
    if only and not apart:  # tantivy adds a bucket for each gap between the ranges: those are left out
        starts = {int(bucket.get("from", -1)): bucket["doc_count"] for bucket in answer["only"]["buckets"]}
        readouts = {number: starts.get(number, 0) for number in only}
    elif only:
        readouts = {
            number: searcher.search(
                Query.boolean_query([(Occur.Must, query), (Occur.Must, _term("readout", number))]),
                1,
                count=True,
            ).count
            for number in only
        }
    return FacetCounts.from_keys(counts("facets"), _PerReadout(readouts))
