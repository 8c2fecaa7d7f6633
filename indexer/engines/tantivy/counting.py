"""Matches counted per facet key and per readout, in tantivy's aggregation.

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
    searcher: tantivy.Searcher, query: Query, facets: bool, per_readout: bool, only: list[int]
) -> FacetCounts:
    """The counts per facet key when `facets`, per readout when `per_readout` (every one,
    by a terms aggregation: one bucket each) or of the readouts numbered `only`: by a second
    aggregation over their paragraphs that match, which reads their few short posting lists
    and skips through the query's (a range per readout in the first pass would cost a lookup
    per match, a search per readout the query's setup each time)."""
    wanted = {**(_AGGREGATIONS if facets else {}), **(_PER_READOUT if per_readout else {})}
    answer = searcher.aggregate(query, wanted) if wanted else {}
    if only:
        theirs = Query.boolean_query([(Occur.Should, _term("readout", number)) for number in only])
        within = Query.boolean_query([(Occur.Must, theirs), (Occur.Must, query)])
        answer |= searcher.aggregate(within, {"only": {"terms": {"field": "readout", "size": len(only)}}})

    def counts(name: str) -> dict:
        return (
            {bucket["key"]: bucket["doc_count"] for bucket in answer[name]["buckets"]}
            if name in answer
            else {}
        )

    readouts = counts("readouts")
    if only:
        found = counts("only")
        readouts = {number: found.get(number, 0) for number in only}
    return FacetCounts.from_keys(counts("facets"), _PerReadout(readouts))
