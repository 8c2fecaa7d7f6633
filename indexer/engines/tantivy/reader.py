"""Searching a tantivy index generation: ranked pages, exact totals, counts per facet and per
readout, stored records.

May touch: tantivy's searcher API.
"""

from __future__ import annotations

import dataclasses
import datetime
import time
from collections.abc import Callable
from operator import itemgetter
from pathlib import Path

import orjson
import tantivy
from tantivy import Occur, Query

from readouts.indexer.analysis.query import ParsedQuery, Word, query_parts, said_terms, title_words
from readouts.indexer.analysis.titles import MAX_TITLED, TopRanks, levels_known, query_cores, title_ranks
from readouts.indexer.engines.base import (
    COUNTED_PER_READOUT,
    FacetCounts,
    SearchRequest,
    SearchTimeout,
    date_number,
    kept_positions,
)
from readouts.indexer.engines.tantivy.counting import counted, whole_readouts
from readouts.indexer.engines.tantivy.query import (
    Dictionary,
    _Groups,
    _holding,
    _plain_word,
    _restrictions,
    _term,
    remembered,
    said_query,
    title_query,
    to_tantivy,
)
from readouts.indexer.engines.tantivy.schema import BOOSTS, SCHEMA
from readouts.indexer.parse.speakers import SIDE_CODES


def _data(searcher: tantivy.Searcher, address) -> dict:
    return orjson.loads(searcher.doc(address)["data"][0])


def _kept(searcher: tantivy.Searcher, ranked: list, request: SearchRequest) -> tuple[list, list[int]]:
    """The ranked addresses that a grouped request keeps (`SearchRequest.keep_per_readout`),
    and their readouts' numbers, told apart by that number (a fast field: no stored record
    is read)."""
    numbers = searcher.fast_field_values("readout", [address for _, address in ranked])
    kept = kept_positions(numbers, request.keep_per_readout, request.keep_readouts)
    return [ranked[i] for i in kept], [numbers[i] for i in kept]


class TantivyReader:
    def __init__(self, directory: Path, root: Path) -> None:
        self.directory = directory
        self.index = tantivy.Index.open(str(directory))
        self.stamp = self._stamp()
        self.searcher = self.index.searcher()
        # A term's document frequency counts deleted records too, until a merge drops them.
        kinds = self.searcher.doc_freq("kind", "para") + self.searcher.doc_freq("kind", "readout")
        self.exact_frequencies = kinds == self.searcher.num_docs

    def _stamp(self) -> tuple[int, int]:
        info = (self.directory / "meta.json").stat()
        return info.st_mtime_ns, info.st_size

    def up_to_date(self) -> bool:
        try:
            return self._stamp() == self.stamp
        except OSError:
            return False

    def generation(self) -> object:
        return self.stamp

    def close(self) -> None:
        self.searcher = None

    def _titled(self, dictionary: Dictionary, group: tuple[Word, ...], shown: int) -> dict[int, int]:
        """The readouts whose title matches the group, by number, with their rank
        (`indexer.analysis.titles`); none when more than MAX_TITLED are. Most often only the
        first by date and those titled exactly, enough to level the `shown` highest ranked
        (`TopRanks`). Read from fast fields: no stored record is read."""
        query = title_query(dictionary, group)
        if query is None or self._too_common_in_titles(dictionary, group):
            return {}
        # In the order of their date, which each hit then carries (no column read for it).
        first = min(2 * shown + 1, MAX_TITLED + 1)
        found = self.searcher.search(query, first, count=True, order_by_field="date")
        if not found.count or found.count > MAX_TITLED:
            return {}
        hits, exact = found.hits, self._exactly_titled(dictionary, group, query)
        exact_records = self._records(exact)
        newest = list(zip(self._records(hits), map(itemgetter(0), hits), strict=True))
        every = found.count <= len(hits)
        if not every and not levels_known(newest, set(exact_records), shown):
            hits = self.searcher.search(query, MAX_TITLED, count=False, order_by_field="date").hits
            newest = list(zip(self._records(hits), map(itemgetter(0), hits), strict=True))
            every = True
        # 20130222, or 0: undated, the least
        dated = newest + list(zip(exact_records, map(itemgetter(0), exact), strict=True))
        ranks = title_ranks(dated, exact_records)
        return ranks if every else TopRanks(ranks)

    def _records(self, hits: list) -> list[int]:  # the numbers of the readout records hit
        return self.searcher.fast_field_values("record", list(map(itemgetter(1), hits))) if hits else []

    def _exactly_titled(self, dictionary: Dictionary, group: tuple[Word, ...], query: Query) -> list:
        """The hits, by date, of the readouts titled by a word of the group, give or take an
        ending: looked for only where the term dictionary holds one (most words name no meeting
        on their own)."""
        cores = [
            core
            for core in query_cores(word.text for word in group)
            if dictionary.doc_freq("titles_exact", core)
        ]
        if not cores:
            return []
        exact = Query.boolean_query([(Occur.Should, _term("titles_exact", core)) for core in cores])
        exactly = Query.boolean_query([(Occur.Must, query), (Occur.Must, exact)])
        return self.searcher.search(exactly, MAX_TITLED, count=False, order_by_field="date").hits

    def _too_common_in_titles(self, dictionary: Dictionary, group: tuple[Word, ...]) -> bool:
        """Whether a word of one term is in more than MAX_TITLED titles, read from the term
        dictionary (where it counts no deleted record)."""
        if not self.exact_frequencies:
            return False
        for word in title_words(group):
            terms, _, _ = query_parts(word)
            if len(terms) == 1 and dictionary.doc_freq("titles", terms[0]) > MAX_TITLED:
                return True
        return False

    def search(self, request: SearchRequest) -> tuple[int, list[tuple[dict, float]], FacetCounts | None]:
        searcher = self.searcher
        groups = _Groups(searcher, self._titled, request.keep_readouts or request.depth)
        # Built once, when first needed: a query of one word is often answered without it
        # (`_one_word`), though the counts per facet still ask for it.
        whole = remembered(lambda: to_tantivy(request.parsed, request, groups))
        planned = None if request.sort == "date" else self._one_word(searcher, request, whole, groups)
        if planned is not None:
            total, ranked = planned
        else:
            query = whole()
            if query is None:
                return 0, [], FacetCounts({}, {}, {}) if request.facets else None
            # Newest first; tantivy orders by a fast field without scores, so paragraphs
            # of one day come in index order and report no score.
            by_date = {"order_by_field": "date"} if request.sort == "date" else {}
            # Past a title tier's levelled readouts no paragraph is kept: the counts per facet
            # then tell the total (None until they do).
            ranked = self._levelled_only(request, groups, query) if request.facets else None
            if ranked is None:
                result = searcher.search(query, request.depth, count=True, **by_date)
                total, ranked = result.count, result.hits
            else:
                total = None
        numbers: list[int] = []  # of the readouts of the hits kept
        if request.keep_per_readout:
            ranked, numbers = _kept(searcher, ranked, request)
        hits = [
            (_data(searcher, address), 0.0 if request.sort == "date" else score) for score, address in ranked
        ]
        # A tantivy search cannot be stopped half-way, but it is quick: the budget
        # still bounds what is answered.
        if request.deadline is not None and time.monotonic() > request.deadline:
            raise SearchTimeout(request.budget)
        if not request.facets and not request.per_readout:
            return total, hits, None
        # The one-word plan leaves to the counts per facet the paragraphs only titled (below).
        if total == 0 and not (planned is not None and request.facets):
            return total, hits, FacetCounts({}, {}, {})
        # The counts are a second pass over the matches (tantivy's aggregation).
        # Matches per readout: of every readout, or past COUNTED_PER_READOUT of the hits' only.
        matches = to_tantivy(request.parsed, request, groups, scored=False)
        shown = sorted(set(numbers))
        whole = whole_readouts(request, groups, shown)
        counts = counted(searcher, matches, request.facets, request.per_readout, total, shown, whole)
        if request.facets:
            # Every paragraph has one facet key: their counts add up to the matches.
            total = sum(counts.month.values()) + counts.undated
        if request.facets and request.parsed.groups:
            counts = dataclasses.replace(counts, side=self._sides(request, groups.dictionary))
        return total, hits, counts

    def _sides(self, request: SearchRequest, dictionary: Dictionary) -> dict[str, int]:
        """Matches per side (日本側…): a paragraph where the words are in what one side said holds
        them as words, so the side's query with the request's restrictions counts it, without the
        whole query; for a single term and no restriction, the term dictionary counts it."""
        searcher = self.searcher
        restricted = request.filtered or bool(request.parsed.excluded)
        restrictions = remembered(lambda: _restrictions(dictionary, request.parsed, request, []))
        sides = {}
        for side, code in SIDE_CODES.items():
            forms = said_terms(request.parsed, code)
            # A group none of whose forms has every term in some paragraph: that side said nothing of it.
            if not all(
                any(all(dictionary.doc_freq("said", term) for term in form) for form in group)
                for group in forms
            ):
                continue
            # One word of one term, with no other form: its paragraphs are its term's.
            if (
                not restricted
                and self.exact_frequencies
                and [[len(form) for form in group] for group in forms] == [[1]]
            ):
                sides[side] = dictionary.doc_freq("said", forms[0][0][0])
                continue
            said = [(Occur.Must, said_query(request.parsed, code)), *restrictions()]
            sides[side] = searcher.search(Query.boolean_query(said), 1, count=True).count
        return {side: count for side, count in sides.items() if count}

    def _one_word(
        self,
        searcher: tantivy.Searcher,
        request: SearchRequest,
        whole: Callable[[], Query],
        groups: _Groups,
    ) -> tuple[int, list] | None:
        """The paragraphs of readouts so titled first, then those holding the word, by its
        score there, then the others: for a query of one word whose count the term
        dictionary holds (None for any other).

        Scoring the word and its characters together reads two posting lists about as long
        as each other, as the count does; here the ranking reads the word's alone, and
        the count is the document frequency of its characters, which every paragraph
        holding the word also holds. The paragraphs of readouts so titled are ranked by the
        tier, and counted with the facets when asked for them (else here)."""
        word = None if request.filtered or not self.exact_frequencies else _plain_word(request.parsed)
        # Asked for the counts per facet, which count every match, the total is only told
        # from COUNTED_PER_READOUT (`search`).
        past = COUNTED_PER_READOUT if request.facets else None
        total = None if word is None else _holding(groups.dictionary, word, past)
        if total is None:
            return None
        ranked: list = []
        titled_count = 0  # paragraphs of readouts so titled, ranked first
        apart: list = []  # and left out of the ranking after them
        group = request.parsed.groups[0]
        ranks, tier = groups.titled(group), groups.tier(group)
        if tier is not None:
            forms = groups.forms(group)
            if not request.facets:  # else the counts per facet give the total (`search`)
                without = Query.boolean_query([(Occur.Must, groups.holders(group)), (Occur.MustNot, forms)])
                total += searcher.search(without, 1, count=True).count
            on_top = Query.boolean_query([(Occur.Must, tier), (Occur.Should, forms)])
            levelled = self._levelled_only(request, groups, on_top)
            if levelled is not None:
                return total, levelled
            ranked = searcher.search(on_top, request.depth, count=True)
            titled_count, ranked = ranked.count, ranked.hits
            apart = [(Occur.MustNot, groups.holders(group))]
        terms, _, _ = query_parts(word)
        words = _term("text", terms[0])
        if len(ranked) < request.depth:
            # The term alone, its tier's boost applied here: a term query skips the blocks
            # that cannot reach the top, a boosted one reads them all. Fewer paragraphs of
            # readouts so titled than the depth: read past them, and leave them out.
            wanted = request.depth - len(ranked)
            if isinstance(ranks, TopRanks):  # not every readout so titled is known: left out by title
                words = Query.boolean_query([(Occur.Must, words), (Occur.MustNot, groups.holders(group))])
                ranks, titled_count = {}, 0
            first = searcher.search(words, wanted + titled_count, count=False).hits
            if ranks:
                numbers = searcher.fast_field_values("readout", [address for _, address in first])
                first = [hit for hit, number in zip(first, numbers, strict=True) if number not in ranks]
            ranked += [(score * BOOSTS["text"], address) for score, address in first[:wanted]]
        if len(ranked) < request.depth:
            others = Query.boolean_query([(Occur.Must, whole()), (Occur.MustNot, words), *apart])
            ranked += searcher.search(others, request.depth - len(ranked), count=False).hits
        return total, ranked

    def _levelled_only(self, request: SearchRequest, groups: _Groups, ranking: Query) -> list | None:
        """The ranked paragraphs of a query of one group of words (`ranking`, with its title
        tier) of the readouts so titled that have a level, when a grouped request keeps no
        more readouts than those (None when it may keep others, or ranks by date): they rank
        above any other, and all match. The tier's other readouts (hundreds, where a word names
        a committee) and the paragraphs that only hold the words are then not scored."""
        if len(request.parsed.groups) != 1 or not request.keep_readouts or request.sort == "date":
            return None
        levels = groups.levels(request.parsed.groups[0])
        if len(levels) < request.keep_readouts:
            return None
        # Added as nothing (0.0) to the ranking's score: the same scores, and so the same order.
        theirs = Query.boolean_query([(Occur.Should, _term("readout", number)) for number in levels])
        levelled = [(Occur.Must, ranking), (Occur.Must, Query.const_score_query(theirs, 0.0))]
        ranked = self.searcher.search(Query.boolean_query(levelled), request.depth, count=False).hits
        numbers = self.searcher.fast_field_values("readout", [address for _, address in ranked])
        # A readout of no paragraph, or one filtered out, would leave the page short: read on.
        return ranked if len(set(numbers)) >= request.keep_readouts else None

    def match_keys(self, parsed: ParsedQuery) -> set[tuple[str, int]]:
        query = to_tantivy(parsed, None, _Groups(self.searcher, self._titled, 0))
        if query is None:
            return set()
        count = self.searcher.search(query, 1, count=True).count
        if not count:
            return set()
        hits = self.searcher.search(query, count, count=False).hits
        keys = set()
        for _, address in hits:
            document = self.searcher.doc(address)
            keys.add((document["doc_id"][0], document["position"][0]))
        return keys

    def doc_frequencies(self, terms: list[str]) -> tuple[int, dict[str, int]]:
        paragraphs = self.searcher.doc_freq("kind", "para")
        return paragraphs, {term: self.searcher.doc_freq("text", term) for term in terms}

    def similar(self, terms: list[str], exclude_doc_id: str, limit: int) -> list[tuple[dict, float]]:
        query = Query.boolean_query(
            [
                (Occur.Must, Query.boolean_query([(Occur.Should, _term("text", term)) for term in terms])),
                (Occur.Must, Query.const_score_query(_term("kind", "para"), 0.0)),
                (Occur.MustNot, _term("doc_id", exclude_doc_id)),
            ]
        )
        result = self.searcher.search(query, limit)
        return [(_data(self.searcher, address), score) for score, address in result.hits]

    def _all(self, query: Query, limit: int | None = None, **options) -> tuple[list[dict], int]:
        count = self.searcher.search(query, 1, count=True).count
        if not count:
            return [], 0
        result = self.searcher.search(query, min(limit or count, count), count=False, **options)
        return [_data(self.searcher, address) for _, address in result.hits], count

    def readouts(
        self, limit: int, date: datetime.date | None = None, language: str | None = None
    ) -> tuple[list[dict], int]:
        clauses = [(Occur.Must, _term("kind", "readout"))]
        if date is not None:
            clauses.append((Occur.Must, Query.term_query(SCHEMA, "date", date_number(date.isoformat()))))
        if language is not None:
            clauses.append((Occur.Must, _term("lang", language)))
        query = clauses[0][1] if len(clauses) == 1 else Query.boolean_query(clauses)
        return self._all(query, limit, order_by_field="date")

    def record(self, doc_id: str) -> dict | None:
        query = Query.boolean_query(
            [(Occur.Must, _term("kind", "readout")), (Occur.Must, _term("doc_id", doc_id))]
        )
        records, _ = self._all(query, 1)
        return records[0] if records else None

    def paragraphs(self, doc_id: str) -> list[dict]:
        query = Query.boolean_query(
            [(Occur.Must, _term("kind", "para")), (Occur.Must, _term("doc_id", doc_id))]
        )
        paragraphs, _ = self._all(query, order_by_field="position", order=tantivy.Order.Asc)
        return paragraphs

    def content_hashes(self) -> dict[str, str]:
        """doc_id → content hash of every readout, for the writer."""
        records, _ = self._all(_term("kind", "readout"))
        return {record["doc_id"]: record["content_hash"] for record in records}

    def copies_of(self, keys: list[str]) -> list[tuple[str, str, list[int], tuple[str, ...]]]:
        """The readouts that share any of `keys`, for the writer (`indexer.engines.base.Writer`)."""
        if not keys:
            return []
        query = Query.boolean_query(
            [
                (Occur.Must, _term("kind", "readout")),
                (Occur.Must, Query.boolean_query([(Occur.Should, _term("copies", key)) for key in keys])),
            ]
        )
        records, _ = self._all(query)
        return [
            (r["doc_id"], r.get("origin", ""), list(r.get("copy_rank") or ()), tuple(r.get("copies") or ()))
            for r in records
        ]

    def origins(self, doc_ids: list[str]) -> dict[str, str]:
        return {doc_id: (self.record(doc_id) or {}).get("origin", "") for doc_id in doc_ids}

    def reading(self, key: str, limit: int) -> list[str]:
        """Readouts with a noun of this reading key (`indexer.analysis.terms.reading_key`)."""
        found = self.searcher.search(_term("readings", key), limit, count=False).hits
        return [self.searcher.doc(address)["doc_id"][0] for _, address in found]

    def counts(self) -> tuple[int, int]:
        readouts = self.searcher.search(_term("kind", "readout"), 1, count=True).count
        paragraphs = self.searcher.search(_term("kind", "para"), 1, count=True).count
        return readouts, paragraphs
