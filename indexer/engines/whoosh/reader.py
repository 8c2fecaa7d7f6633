"""The Whoosh engine's read side: one searcher over one index generation.

Opened anew whenever the index changed (a new commit or a rebuilt index), one
per thread: Whoosh's `Searcher.refresh()` returns stale documents in
Whoosh-Reloaded, and sharing a searcher between threads fails now and then.

May touch: whoosh's searching API, its own package, and analysis/.
"""

from __future__ import annotations

import dataclasses
import datetime
import threading
import time
from collections import Counter
from pathlib import Path

from whoosh import collectors, sorting
from whoosh import query as q
from whoosh.searching import Searcher

from readouts.indexer.analysis.query import ParsedQuery, Word
from readouts.indexer.analysis.titles import MAX_TITLED, query_cores, title_ranks
from readouts.indexer.engines.base import (
    FacetCounts,
    SearchRequest,
    SearchTimeout,
    date_number,
    kept_positions,
)
from readouts.indexer.engines.whoosh.query import DEADLINE, said_query, title_query, to_whoosh
from readouts.indexer.engines.whoosh.schema import TieredBM25F
from readouts.indexer.engines.whoosh.store import check_readable, open_index
from readouts.indexer.parse.speakers import SIDE_CODES


class _Deadline:
    """Collector mixin: stop the search when its deadline passes (checked every 64 matches)."""

    deadline: float | None = None
    budget: float = 0.0

    def matches(self):
        deadline = self.deadline
        for count, docnum in enumerate(super().matches()):
            if deadline is not None and not count & 63 and time.monotonic() > deadline:
                raise SearchTimeout(self.budget)
            yield docnum


class _TopCollector(_Deadline, collectors.TopCollector):
    pass


class _SortingCollector(_Deadline, collectors.SortingCollector):
    pass


def _docs(searcher: Searcher, query: q.Query, deadline: float | None, budget: float) -> set[int]:
    """Every paragraph a query matches, as a set of document numbers, within the deadline."""
    docs: set[int] = set()
    for leaf, offset in searcher.leaf_searchers():
        matcher = query.matcher(leaf, leaf.boolean_context())
        count = 0
        while matcher.is_active():
            docs.add(offset + matcher.id())
            matcher.next()
            count += 1
            if deadline is not None and not count & 255 and time.monotonic() > deadline:
                raise SearchTimeout(budget)
    return docs


_SEGMENT_KEYS: dict[str, tuple] = {}
_SEGMENT_KEYS_LOCK = threading.Lock()


def _segment_keys(reader, column: str = "facets") -> tuple:
    """Every record's value of a column in one segment (its count key, or its doc_id),
    read once per process.

    Segments never change, so the tuple serves every search until the segment is
    merged away; the values are few, interned, so it holds references to few objects.
    """
    segment = reader.segment()
    if segment is None:
        return ()  # an index with no segment yet (nothing was ever committed to it)
    key = f"{segment.segment_id()}/{column}"
    keys = _SEGMENT_KEYS.get(key)
    if keys is None:
        interned: dict = {}
        keys = tuple(interned.setdefault(value, value) for value in reader.column_reader(column))
        with _SEGMENT_KEYS_LOCK:
            if len(_SEGMENT_KEYS) >= 128:  # segments merged away long ago
                _SEGMENT_KEYS.pop(next(iter(_SEGMENT_KEYS)))
            _SEGMENT_KEYS[key] = keys
    return keys


class _FacetCounter(collectors.WrappingCollector):
    """Counts the matches per count key (`indexer.analysis.facets.facet_key`) while its child ranks them.

    Whoosh's FacetCollector reads the column once per match in Python; this one
    notes the document numbers and looks them up in the segment's keys at C speed.
    """

    def __init__(self, child, facets: bool = True, per_readout: bool = False, matched: bool = False) -> None:
        super().__init__(child)
        self.counts: Counter[bytes] = Counter()
        self.readouts: Counter[str] = Counter()
        self.facets, self.per_readout = facets, per_readout
        self._keys: tuple[bytes, ...] = ()
        self._doc_ids: tuple[str, ...] = ()
        self._docs: list[int] = []
        self._offset = 0
        self.matched: list[int] | None = [] if matched else None  # global document numbers
        self.sides: dict[str, int] = {}

    def set_subsearcher(self, subsearcher, offset) -> None:
        self._flush()
        super().set_subsearcher(subsearcher, offset)
        self._offset = offset
        if self.facets:
            self._keys = _segment_keys(subsearcher.reader())
        if self.per_readout:
            self._doc_ids = _segment_keys(subsearcher.reader(), "doc_id")

    def collect(self, sub_docnum):
        self._docs.append(sub_docnum)
        return self.child.collect(sub_docnum)

    def _flush(self) -> None:
        if self._docs:
            if self.matched is not None:
                self.matched.extend(self._offset + docnum for docnum in self._docs)
            if self.facets:
                self.counts.update(map(self._keys.__getitem__, self._docs))
            if self.per_readout:
                self.readouts.update(map(self._doc_ids.__getitem__, self._docs))
            self._docs = []

    def finish(self) -> None:
        self._flush()
        super().finish()

    def facet_counts(self) -> FacetCounts:
        counts = FacetCounts.from_keys(
            {key.decode("utf-8"): n for key, n in self.counts.items() if key}, dict(self.readouts)
        )
        return dataclasses.replace(counts, side={side: n for side, n in self.sides.items() if n})


class WhooshReader:
    def __init__(self, directory: Path, root: Path) -> None:
        self.searcher = open_index(directory, root).searcher(weighting=TieredBM25F())

    def up_to_date(self) -> bool:
        return self.searcher.up_to_date()

    def generation(self) -> object:
        return self.searcher.reader().generation()

    def close(self) -> None:
        self.searcher.close()

    def titled(self, group: tuple[Word, ...], records: set[int] | None = None) -> dict[str, int]:
        """The readouts whose title matches the group, with their rank (`indexer.analysis.titles`);
        none when more than MAX_TITLED are. Their records' numbers go into `records`."""
        query = title_query(group)
        if query is None:
            return {}
        docnums = []
        for docnum in self.searcher.docs_for_query(query):
            docnums.append(docnum)
            if len(docnums) > MAX_TITLED:
                return {}
        if not docnums:
            return {}
        exact = set(
            self.searcher.docs_for_query(
                q.Or([q.Term("titles_exact", core) for core in query_cores(word.text for word in group)])
            )
        )
        reader = self.searcher.reader()
        doc_ids, dates = reader.column_reader("doc_id"), reader.column_reader("date")
        if records is not None:
            records.update(docnums)
        return title_ranks(
            ((doc_ids[n], date_number(dates[n])) for n in docnums), (doc_ids[n] for n in exact)
        )

    def _matching(self, request: SearchRequest) -> tuple[q.Query, q.Query | None, set[int]]:
        """The request's query, what a match must also match (its filters) and the paragraphs
        to leave out; the query is NullQuery when nothing can match."""
        parsed = request.parsed
        if request.paragraphs is not None and not request.paragraphs:
            return q.NullQuery, None, set()
        records: set[int] = set()  # readout records of the readouts so titled: matched, not counted
        query, exclusions = to_whoosh(
            parsed, lambda group: self.titled(group, records), request.keep_readouts or request.depth
        )
        # Readout records have no text, so text queries never match them; only
        # a query made of exclusions alone (Every) needs the kind restriction.
        filters: list[q.Query] = [q.Term("kind", "para")] if parsed.excluded and not parsed.groups else []
        if request.date_from or request.date_to:
            filters.append(
                q.TermRange(
                    "date",
                    request.date_from.isoformat() if request.date_from else None,
                    request.date_to.isoformat() if request.date_to else None,
                )
            )
        if request.undated:
            filters.append(q.Term("date", ""))  # an undated paragraph holds the empty date
        if request.doc_id:
            filters.append(q.Term("doc_id", request.doc_id))
        if request.country:
            filters.append(q.Term("country", request.country))
        if request.kind:
            filters.append(q.Term("meeting", request.kind))
        if request.language:
            filters.append(q.Term("lang", request.language))
        if request.side:
            filters.append(said_query(parsed, SIDE_CODES[request.side]))
        if request.paragraphs is not None:
            filters.append(q.Or([q.Term("key", key) for key in sorted(request.paragraphs)]))
        # Exclusions are applied as a set of paragraphs to leave out rather than
        # as an AndNot: skipping a union of thousands of bigram postings for every
        # candidate paragraph cost minutes; collecting each word's paragraphs once
        # costs one pass over its postings.
        excluded: set[int] = set(records)
        if query is not q.NullQuery:
            for exclusion in exclusions:
                excluded |= _docs(self.searcher, exclusion, request.deadline, request.budget)
        return query, q.And(filters) if filters else None, excluded

    def search(self, request: SearchRequest) -> tuple[int, list[tuple[dict, float]], FacetCounts | None]:
        DEADLINE.at, DEADLINE.budget = request.deadline, request.budget
        try:
            return self._search(request)
        finally:
            DEADLINE.at = None

    def _search(self, request: SearchRequest) -> tuple[int, list[tuple[dict, float]], FacetCounts | None]:
        query, allow, excluded = self._matching(request)
        if query is q.NullQuery:
            return 0, [], FacetCounts({}, {}, {}) if request.facets or request.per_readout else None
        searcher = self.searcher
        if request.sort == "date":
            # Newest first, then by relevance; the score facet keeps the score
            # (negated) in the sort key, so hits still report it.
            facets = [sorting.FieldFacet("date", reverse=True), sorting.ScoreFacet()]
            top = _SortingCollector(facets, limit=request.depth)
        else:
            # No block skipping and no matcher replacement: both drop matches
            # that cannot reach the top N, and the total must count them all.
            top = _TopCollector(limit=request.depth, usequality=False, replace=0)
        top.deadline, top.budget = request.deadline, request.budget
        # Every match's number too when the facets count the sides (`said_query`).
        sides = request.facets and bool(request.parsed.groups)
        counting = request.facets or request.per_readout
        counter = _FacetCounter(top, request.facets, request.per_readout, sides) if counting else None
        collector = top if counter is None else counter
        if allow is not None or excluded:
            collector = collectors.FilterCollector(collector, allow=allow, restrict=excluded or None)
        searcher.search_with_collector(query, collector)
        results = collector.results()
        if counter is not None and counter.matched is not None:
            matched = set(counter.matched)
            counter.sides = {
                side: len(
                    matched
                    & _docs(searcher, said_query(request.parsed, code), request.deadline, request.budget)
                )
                for side, code in SIDE_CODES.items()
            }
        ranked = results[: request.depth]
        if request.keep_per_readout:
            ranked = self._kept(ranked, request)
        hits = [
            (hit.fields(), float(-hit.score[1] if request.sort == "date" else hit.score or 0.0))
            for hit in ranked
        ]
        return len(results), hits, counter.facet_counts() if counter is not None else None

    def _kept(self, ranked, request: SearchRequest) -> list:
        """The ranked hits that a grouped request keeps (`SearchRequest.keep_per_readout`), told
        apart by the readout's id in its column (no stored record is read)."""
        column = self.searcher.reader().column_reader("doc_id")
        readouts = [column[hit.docnum] for hit in ranked]
        return [ranked[i] for i in kept_positions(readouts, request.keep_per_readout, request.keep_readouts)]

    def match_keys(self, parsed: ParsedQuery) -> set[tuple[str, int]]:
        query, exclusions = to_whoosh(parsed, self.titled)
        if query is q.NullQuery:
            return set()
        searcher = self.searcher
        excluded = set().union(*(_docs(searcher, exclusion, None, 0.0) for exclusion in exclusions))
        docnums = set(searcher.docs_for_query(q.And([q.Term("kind", "para"), query]))) - excluded
        keys = set()
        for docnum in docnums:
            fields = searcher.stored_fields(docnum)
            keys.add((fields["doc_id"], fields["position"]))
        return keys

    def doc_frequencies(self, terms: list[str]) -> tuple[int, dict[str, int]]:
        paragraphs = self.searcher.doc_frequency("kind", "para")
        return paragraphs, {term: self.searcher.doc_frequency("text", term) for term in terms}

    def similar(self, terms: list[str], exclude_doc_id: str, limit: int) -> list[tuple[dict, float]]:
        results = self.searcher.search(
            q.Or([q.Term("text", term) for term in terms]),
            limit=limit,
            filter=q.Term("kind", "para"),
            mask=q.Term("doc_id", exclude_doc_id),
        )
        return [(hit.fields(), float(hit.score or 0.0)) for hit in results]

    def readouts(
        self, limit: int, date: datetime.date | None = None, language: str | None = None
    ) -> tuple[list[dict], int]:
        query = q.Term("kind", "readout")
        if date is not None:
            query = q.And([query, q.Term("date", date.isoformat())])
        if language is not None:
            query = q.And([query, q.Term("lang", language)])
        results = self.searcher.search(query, limit=limit, sortedby="date", reverse=True)
        return [hit.fields() for hit in results], len(results)

    def record(self, doc_id: str) -> dict | None:
        return self.searcher.document(key=doc_id, kind="readout")

    def paragraphs(self, doc_id: str) -> list[dict]:
        results = self.searcher.search(
            q.And([q.Term("doc_id", doc_id), q.Term("kind", "para")]), limit=None, sortedby="position"
        )
        return [hit.fields() for hit in results]

    def reading(self, key: str, limit: int) -> list[str]:
        """Readouts with a noun of this reading key (`indexer.analysis.terms.reading_key`)."""
        found = []
        for docnum in self.searcher.docs_for_query(q.Term("readings", key)):
            found.append(self.searcher.stored_fields(docnum)["doc_id"])
            if len(found) >= limit:
                break
        return found

    def counts(self) -> tuple[int, int]:
        searcher = self.searcher
        readouts = sum(1 for _ in searcher.docs_for_query(q.Term("kind", "readout")))
        paragraphs = sum(1 for _ in searcher.docs_for_query(q.Term("kind", "para")))
        check_readable(searcher)
        return readouts, paragraphs
