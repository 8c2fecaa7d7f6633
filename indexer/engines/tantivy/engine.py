"""The tantivy engine: the same analysis, query language and ranking tiers, compiled.

tantivy receives our fugashi words and character bigrams as text of terms joined
by spaces, one per position, so both engines index the very same terms; and the
character trigrams too, with which a word of three characters or more is one
term or a short phrase of rare ones rather than a phrase of common bigrams (the
same paragraphs, several times faster). A record per paragraph and one per
readout, as in Whoosh; what the pages show is stored as one JSON blob per record
(`data`). Ranking tiers are boosts far apart: whole words in the paragraph, then
its characters, then words of its headings, then their characters. A commit is
atomic (tantivy replaces `meta.json`), so a kill at any moment leaves the last
commit searchable.
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import functools
import hashlib
import json
import os
import re
import shutil
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import orjson
import tantivy
from tantivy import Document, Occur, Query

from indexer.analysis.facets import facet_key
from indexer.analysis.query import (
    ParsedQuery,
    Word,
    covering_offsets,
    equivalents,
    matches_other_forms,
    query_parts,
    said_terms,
    title_words,
)
from indexer.analysis.terms import GAP, MIN_SCORED_WORDS
from indexer.analysis.titles import MAX_TITLED, query_cores, title_ranks
from indexer.engines.base import (
    COUNTED_PER_READOUT,
    FacetCounts,
    SearchRequest,
    SearchTimeout,
    kept_positions,
)
from indexer.index.store import check_compatible, check_trusted
from indexer.parse.speakers import SIDE_CODES

# Ranking tiers as boosts (words, then characters: bigrams or trigrams); BM25 stays
# below about 50, so the tiers never mix.
BOOSTS = {
    "text": 1e9,
    "text_ngram": 1e6,
    "context": 1e3,
    "context_ngram": 1.0,
    "titles": 1.0,
    "titles_ngram": 1.0,
}
# The paragraphs of a readout whose title matches the query word (`indexer.analysis.titles`):
# above every other tier, a newer readout by up to TITLE_DATE_SPREAD higher, which
# is below what a match in the words tier adds (scores are 32-bit floats: at this
# height they step by about 6.6e4, so the spread still tells over a thousand dates apart).
TITLE_BOOST = 1e12
TITLE_DATE_SPREAD = 1e8
# Paragraphs that hold the form typed of a word that can match other forms
# (認識する itself, not only 認識した) come first: above any BM25 spread.
TYPED_FORM_BONUS = 1e11
# An equivalent of a query word (国連安全保障理事会 for 安保理): each tier of its
# own below the same tier of the form typed.
EQUIVALENT_WEIGHT = 1e-2
# One indexing thread, with room for a large import's round in one segment: every
# segment costs each search a look-up per term, and merging them costs a build a
# sixth of its time.
WRITER_HEAP = 2_000_000_000


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("kind", tokenizer_name="raw", index_option="basic")
    # Fast too: the matches are counted per readout (results grouped by readout).
    builder.add_text_field("doc_id", tokenizer_name="raw", index_option="basic", stored=True, fast=True)
    builder.add_integer_field("date", indexed=True, fast=True, stored=True)  # yyyymmdd, 0 for none
    builder.add_integer_field("position", indexed=False, fast=True, stored=True)
    # The readout as a number (`readout_number`) on its paragraphs: matches are counted per
    # readout by it, which costs tantivy half what counting them per doc_id text does, and
    # the paragraphs of readouts so titled are found by it (`_titled_paragraphs`). Its record
    # holds it as "record", read where the title matched (`_titled`).
    builder.add_integer_field("readout", indexed=True, fast=True)
    builder.add_integer_field("record", indexed=False, fast=True)
    # The filters (`indexer.analysis.facets`), and one fast value to count the results per value.
    builder.add_text_field("country", tokenizer_name="raw", index_option="basic")
    builder.add_text_field("meeting", tokenizer_name="raw", index_option="basic")
    builder.add_text_field("facets", tokenizer_name="raw", index_option="basic", fast=True)
    # Our terms, joined by spaces (`indexer.analysis.terms`): tantivy splits them itself,
    # each term at the next position. A word of three characters or more is found in
    # the trigrams, as a phrase; a shorter one by its bigram, or any bigram it starts,
    # which needs no positions.
    # Readout records: "titles" (`indexer.analysis.facets.title_text`) are matched the same way.
    for name in ("text", "context", "titles"):
        builder.add_text_field(name, tokenizer_name="whitespace", index_option="position")
        builder.add_text_field(f"{name}_ngram", tokenizer_name="whitespace", index_option="freq")
        builder.add_text_field(f"{name}_trigram", tokenizer_name="whitespace", index_option="position")
    # A paragraph's words by the side that said them (j:…, o:…, b:…; `indexer.parse.speakers`).
    builder.add_text_field("said", tokenizer_name="whitespace", index_option="position")
    # Readout records: the title as compared for an exact match (`indexer.analysis.titles.title_cores`).
    builder.add_text_field("titles_exact", tokenizer_name="raw", index_option="basic")
    # Readout records: the reading keys of its nouns, for "did you mean" (`indexer.search.suggest`).
    builder.add_text_field("readings", tokenizer_name="whitespace", index_option="basic")
    builder.add_bytes_field("data", stored=True, indexed=False)
    return builder.build()


SCHEMA = _schema()


# Stored records are compressed in blocks of this many bytes, each read whole for any
# record in it: tantivy's 16 KiB make a page of ten results unpack ten blocks of about
# thirty records for one each. Blocks of four records or so halve the time a record
# takes to fetch, for a store about 40 % larger.
DOCSTORE_BLOCKSIZE = 2048


def create_tantivy_index(directory: Path) -> None:
    tantivy.Index(SCHEMA, path=str(directory))
    # tantivy-py takes no index settings: they are set in the new, empty index's meta.json,
    # which every segment written to it follows.
    meta_path = directory / "meta.json"
    meta = json.loads(meta_path.read_text("utf-8"))
    meta["index_settings"]["docstore_blocksize"] = DOCSTORE_BLOCKSIZE
    meta_path.write_text(json.dumps(meta), "utf-8")


def _date_number(value: str) -> int:
    return int(value.replace("-", "")) if value else 0


def paragraph_document(
    stored: dict, date: str, position: int, text_terms, context_terms, facets: tuple[tuple[str, ...], str]
) -> Document:
    document = Document()
    document.add_text("kind", "para")
    document.add_text("doc_id", stored["doc_id"])
    countries, kind = facets
    for country in countries:
        document.add_text("country", country)
    document.add_text("meeting", kind)
    document.add_text("facets", facet_key(date, countries, kind))
    document.add_integer("date", _date_number(date))
    document.add_integer("position", position)
    document.add_integer("readout", readout_number(stored["doc_id"]))
    # A short paragraph's words are followed by gap tokens up to MIN_SCORED_WORDS, which no
    # query asks for: BM25 counts them in its length.
    words, bigrams, trigrams, said = text_terms
    if said:
        document.add_text("said", said)
    missing = MIN_SCORED_WORDS - (words.count(" ") + 1 if words else 0)
    text_terms = (words, bigrams, trigrams)
    if missing > 0:
        text_terms = (words + (" " if words else "") + " ".join([GAP] * missing), bigrams, trigrams)
    for field, (words, bigrams, trigrams) in (("text", text_terms), ("context", context_terms)):
        for name, terms in (
            (field, words),
            (f"{field}_ngram", bigrams),
            (f"{field}_trigram", trigrams),
        ):
            if terms:
                document.add_text(name, terms)
    document.add_bytes("data", orjson.dumps(stored))
    return document


def readout_document(
    stored: dict, date: str, titles: tuple[str, str, str], readings: str, cores: list[str]
) -> Document:
    document = Document()
    document.add_text("kind", "readout")
    document.add_text("doc_id", stored["doc_id"])
    document.add_integer("record", readout_number(stored["doc_id"]))
    document.add_integer("date", _date_number(date))
    document.add_integer("position", -1)
    for name, terms in zip(("titles", "titles_ngram", "titles_trigram"), titles, strict=True):
        if terms:
            document.add_text(name, terms)
    if readings:
        document.add_text("readings", readings)
    for core in cores:
        document.add_text("titles_exact", core)
    document.add_bytes("data", orjson.dumps(stored))
    return document


def _data(searcher: tantivy.Searcher, address) -> dict:
    return orjson.loads(searcher.doc(address)["data"][0])


def _term(field: str, value: str) -> Query:
    return Query.term_query(SCHEMA, field, value)


def _sequence(searcher: tantivy.Searcher, field: str, terms: Sequence[str]) -> Query | None:
    """The terms as a phrase, or None when one of them is in no record: a clause that
    cannot match still costs a scorer per segment."""
    if not terms or not all(searcher.doc_freq(field, term) for term in terms):
        return None
    if len(terms) == 1:
        return _term(field, terms[0])
    return Query.phrase_query(SCHEMA, field, list(terms))


def _characters(searcher: tantivy.Searcher, field: str, folded: str) -> Query | None:
    """The paragraphs holding a word's characters in `field` (its text or its headings)."""
    if len(folded) < 2:
        # Any bigram that starts with it, or a run-final unigram.
        return Query.regex_query(SCHEMA, f"{field}_ngram", re.escape(folded) + ".?")
    if len(folded) == 2:
        return _sequence(searcher, f"{field}_ngram", [folded])
    # The trigrams that cover the word, the rarest (`covering_offsets`), pinned to their offsets.
    trigrams = [folded[i : i + 3] for i in range(len(folded) - 2)]
    frequencies = []
    for trigram in trigrams:
        frequencies.append(searcher.doc_freq(f"{field}_trigram", trigram))
        if not frequencies[-1]:
            return None  # the rest need not be looked up
    if len(trigrams) == 1:
        return _term(f"{field}_trigram", trigrams[0])
    keep = covering_offsets(frequencies, width=3)
    return Query.phrase_query(SCHEMA, f"{field}_trigram", [(i, trigrams[i]) for i in keep])


def _word_query(
    searcher: tantivy.Searcher, word: Word, fields: tuple[str, ...] = ("text", "context"), typed: bool = True
) -> Query:
    terms, _, folded = query_parts(word)
    clauses = []
    characters: dict[str, Query | None] = {}
    for field in fields:
        words = _sequence(searcher, field, terms)
        if words is not None:
            # Per term for an equivalent: a phrase scores once per term, and a long
            # equivalent (東南アジア諸国連合) must not outscore the word typed (ASEAN).
            weight = BOOSTS[field] * (1.0 if typed else EQUIVALENT_WEIGHT / len(terms))
            clauses.append((Occur.Should, Query.boost_query(words, weight)))
        if not typed:
            continue  # an equivalent matches as words only: its characters cost more than they find
        characters[field] = _characters(searcher, field, folded)
        if characters[field] is not None:
            clauses.append((Occur.Should, Query.boost_query(characters[field], BOOSTS[f"{field}_ngram"])))
    if len(folded) > 1 and characters.get("text") is not None and matches_other_forms(word):
        bonus = Query.const_score_query(characters["text"], TYPED_FORM_BONUS)
        clauses.append((Occur.Should, bonus))
    return clauses[0][1] if len(clauses) == 1 else Query.boolean_query(clauses)


def _any_form(
    searcher: tantivy.Searcher, word: Word, fields: tuple[str, ...] = ("text", "context")
) -> list[Query]:
    """The word's query, and one for its equivalents that scores as the best of them only."""
    queries = [_word_query(searcher, word, fields)]
    others = [_word_query(searcher, other, fields, typed=False) for other in equivalents(word)]
    if others:
        # The best equivalent only: 内閣総理大臣 also holds 総理 and 総理大臣, and their
        # sum would climb above the word typed (首相).
        queries.append(Query.disjunction_max_query(others) if len(others) > 1 else others[0])
    return queries


def title_query(searcher: tantivy.Searcher, group: tuple[Word, ...]) -> Query | None:
    """The readout records whose title matches any word of a group (`indexer.analysis.titles`)."""
    words = [
        (Occur.Should, query)
        for word in title_words(group)
        for query in _any_form(searcher, word, ("titles",))
    ]
    # Only readout records have these fields: no need to ask for kind:readout.
    return Query.boolean_query(words) if words else None


def _titled_paragraphs(ranks: dict[int, float]) -> Query:
    """The paragraphs of readouts so titled (by their number), each at the title tier, a newer
    one a little higher."""
    return Query.boolean_query(
        [
            (
                Occur.Should,
                Query.const_score_query(
                    Query.term_query(SCHEMA, "readout", number), TITLE_BOOST + TITLE_DATE_SPREAD * rank
                ),
            )
            for number, rank in ranks.items()
        ]
    )


def _alternatives(searcher: tantivy.Searcher, group: tuple[Word, ...]) -> Query:
    """Any form of any word of a group."""
    alternatives = [(Occur.Should, query) for word in group for query in _any_form(searcher, word)]
    return alternatives[0][1] if len(alternatives) == 1 else Query.boolean_query(alternatives)


class _Groups:
    """The queries of a request's groups of words, each built once for the request: any form
    of its words, and the paragraphs of readouts whose title it matches (`_titled`)."""

    def __init__(self, searcher: tantivy.Searcher, titled: Callable[[tuple[Word, ...]], dict[int, float]]):
        self.titled = functools.cache(titled)
        self.forms = functools.cache(lambda group: _alternatives(searcher, group))
        self.tier = functools.cache(
            lambda group: _titled_paragraphs(ranks) if (ranks := self.titled(group)) else None
        )


def to_tantivy(
    searcher: tantivy.Searcher, parsed: ParsedQuery, request: SearchRequest | None, groups: _Groups
) -> Query | None:
    """The tantivy query for a parsed query and a request's filters (None when nothing can match)."""
    clauses = []
    for group in parsed.groups:
        query, tier = groups.forms(group), groups.tier(group)
        if tier is not None:
            query = Query.boolean_query([(Occur.Should, query), (Occur.Should, tier)])
        clauses.append((Occur.Must, query))
    if not clauses and not parsed.excluded:
        return None
    # Readout records have no text, so only a query of exclusions alone (Every) needs
    # to be kept to paragraphs: a filter on every paragraph costs a fifth of a search.
    restrictions = _restrictions(
        searcher, parsed, request, [] if clauses else [(Occur.Must, _term("kind", "para"))]
    )
    scoring = clauses or [(Occur.Must, Query.all_query())]
    if len(scoring) == 1 and not restrictions:
        return scoring[0][1]  # a boolean query of one clause costs a sixth more to run than the clause
    return Query.boolean_query(scoring + restrictions)


def _restrictions(
    searcher: tantivy.Searcher, parsed: ParsedQuery, request: SearchRequest | None, filters: list
) -> list:
    """The clauses that narrow a query down without scoring: the request's filters, and the
    excluded words (in the paragraph's own text only)."""
    if request is not None:
        if request.date_from or request.date_to:
            filters.append(
                (
                    Occur.Must,
                    Query.range_query(
                        SCHEMA,
                        "date",
                        tantivy.FieldType.Integer,
                        _date_number(request.date_from.isoformat()) if request.date_from else 1,
                        _date_number(request.date_to.isoformat()) if request.date_to else 99991231,
                    ),
                )
            )
        if request.doc_id:
            filters.append((Occur.Must, _term("doc_id", request.doc_id)))
        if request.country:
            filters.append((Occur.Must, _term("country", request.country)))
        if request.kind:
            filters.append((Occur.Must, _term("meeting", request.kind)))
        if request.side:
            filters.append((Occur.Must, said_query(parsed, SIDE_CODES[request.side])))
    excluded = [
        (Occur.MustNot, query) for word in parsed.excluded for query in _any_form(searcher, word, ("text",))
    ]
    return [(occur, Query.const_score_query(query, 0.0)) for occur, query in filters] + excluded


def said_query(parsed: ParsedQuery, code: str) -> Query:
    """The paragraphs where every group of the query is in what one side said."""
    groups = []
    for forms in said_terms(parsed, code):
        phrases = [
            _term("said", terms[0]) if len(terms) == 1 else Query.phrase_query(SCHEMA, "said", list(terms))
            for terms in forms
        ]
        groups.append((Occur.Must, Query.boolean_query([(Occur.Should, phrase) for phrase in phrases])))
    return Query.boolean_query(groups)


def _plain_word(parsed: ParsedQuery) -> Word | None:
    """The query's word when it is one word alone that matches only as written (no other
    forms, nothing excluded)."""
    if parsed.excluded or len(parsed.groups) != 1 or len(parsed.groups[0]) != 1:
        return None
    word = parsed.groups[0][0]
    return None if matches_other_forms(word) else word


def _holding(searcher: tantivy.Searcher, word: Word) -> int | None:
    """How many records a plain word of one term and two or three characters matches,
    the word itself read from the term dictionary (None for any other word).

    Such a word is its own characters, so the records holding it as a word hold its
    bigram or trigram too: those of the word are the records holding that one term in
    their text or headings. Its equivalents' are counted where those are not.
    """
    terms, _, folded = query_parts(word)
    if len(terms) != 1 or len(folded) not in (2, 3):
        return None
    field = "ngram" if len(folded) == 2 else "trigram"
    text = searcher.doc_freq(f"text_{field}", folded)
    context = searcher.doc_freq(f"context_{field}", folded)
    total = text + context
    if text and context:
        both = [(Occur.Must, _term(f"text_{field}", folded)), (Occur.Must, _term(f"context_{field}", folded))]
        total -= searcher.search(Query.boolean_query(both), 1, count=True).count
    others = [_word_query(searcher, other, typed=False) for other in _widest(equivalents(word))]
    if others:
        only = [(Occur.Must, Query.boolean_query([(Occur.Should, other) for other in others]))]
        only += [(Occur.MustNot, _term(f"{name}_{field}", folded)) for name in ("text", "context")]
        total += searcher.search(Query.boolean_query(only), 1, count=True).count
    return total


def _widest(words: Sequence[Word]) -> list[Word]:
    """The words whose matches hold those of the others: a word whose terms run inside
    another's (平和維持活動 in 国連平和維持活動) matches wherever that one does."""
    kept: list[tuple[str, ...]] = []
    widest = []
    for terms, word in sorted(
        ((query_parts(word)[0], word) for word in words), key=lambda item: len(item[0])
    ):
        if not any(_runs_inside(inner, terms) for inner in kept):
            kept.append(terms)
            widest.append(word)
    return widest


def _runs_inside(inner: tuple[str, ...], outer: tuple[str, ...]) -> bool:
    return any(outer[i : i + len(inner)] == inner for i in range(len(outer) - len(inner) + 1))


# Paragraphs per month, counterparts and kind, as one key (`indexer.analysis.facets.facet_key`).
_AGGREGATIONS = {"facets": {"terms": {"field": "facets", "size": 100_000}}}
# Paragraphs per readout, for results grouped by readout.
_PER_READOUT = {"readouts": {"terms": {"field": "readout", "size": 10_000_000}}}


def readout_number(doc_id: str) -> int:
    """A readout's number in the index: 52 bits of a hash of its id, so that an aggregation's
    range bounds (floats) hold it exactly. Two ids sharing one would be counted together:
    at a million readouts, about one chance in ten thousand."""
    return int.from_bytes(hashlib.blake2b(doc_id.encode("utf-8"), digest_size=8).digest(), "big") >> 12


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


def _kept(searcher: tantivy.Searcher, ranked: list, request: SearchRequest) -> tuple[list, list[int]]:
    """The ranked addresses that a grouped request keeps (`SearchRequest.keep_per_readout`),
    and their readouts' numbers, told apart by that number (a fast field: no stored record
    is read)."""
    numbers = searcher.fast_field_values("readout", [address for _, address in ranked])
    kept = kept_positions(numbers, request.keep_per_readout, request.keep_readouts)
    return [ranked[i] for i in kept], [numbers[i] for i in kept]


class TantivyReader:
    def __init__(self, directory: Path, root: Path) -> None:
        check_compatible(directory, root)
        check_trusted(directory, root)
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

    def _titled(self, group: tuple[Word, ...]) -> dict[int, float]:
        """The readouts whose title matches the group, by number, with their rank
        (`indexer.analysis.titles`); none when more than MAX_TITLED are. Read from fast fields: no
        stored record is read."""
        query = title_query(self.searcher, group)
        if query is None or self._too_common_in_titles(group):
            return {}
        exact = Query.boolean_query(
            [(Occur.Should, _term("titles_exact", core)) for core in query_cores(group)]
        )
        scored = Query.boolean_query(
            [
                (Occur.Must, Query.const_score_query(query, 0.0)),
                (Occur.Should, Query.const_score_query(exact, 1.0)),
            ]
        )
        count = self.searcher.search(query, 1, count=True).count
        if not count or count > MAX_TITLED:
            return {}
        result = self.searcher.search(scored, count, count=False)
        addresses = [address for _, address in result.hits]
        numbers = self.searcher.fast_field_values("record", addresses)
        dates = self.searcher.fast_field_values("date", addresses)
        return title_ranks(
            [
                (number, f"{date:08d}" if date else "", score >= 1.0)
                for (score, _), number, date in zip(result.hits, numbers, dates, strict=True)
            ]
        )

    def _too_common_in_titles(self, group: tuple[Word, ...]) -> bool:
        """Whether a word of one term is in more than MAX_TITLED titles, read from the term
        dictionary (where it counts no deleted record)."""
        if not self.exact_frequencies:
            return False
        for word in title_words(group):
            terms, _, _ = query_parts(word)
            if len(terms) == 1 and self.searcher.doc_freq("titles", terms[0]) > MAX_TITLED:
                return True
        return False

    def search(self, request: SearchRequest) -> tuple[int, list[tuple[dict, float]], FacetCounts | None]:
        searcher = self.searcher
        groups = _Groups(searcher, self._titled)
        # Built once, when first needed: a query of one word is often answered without it
        # (`_one_word`), though the counts per facet still ask for it.
        whole = functools.cache(lambda: to_tantivy(searcher, request.parsed, request, groups))
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
            result = searcher.search(query, request.depth, count=True, **by_date)
            total, ranked = result.count, result.hits
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
        if not total:
            return total, hits, FacetCounts({}, {}, {})
        # The counts are a second pass over the matches (tantivy's aggregation).
        # Matches per readout: of every readout, or past COUNTED_PER_READOUT of the hits' only.
        every = request.per_readout and total <= COUNTED_PER_READOUT
        only = sorted(set(numbers)) if request.per_readout and not every else []
        counts = self._facets(searcher, whole(), request.facets, every, only)
        if request.facets and request.parsed.groups:
            # A paragraph where the words are in what one side said holds them as words, so
            # the side's query with the request's restrictions counts it, without the whole query.
            sides = {}
            restrictions = _restrictions(searcher, request.parsed, request, [])
            for side, code in SIDE_CODES.items():
                said = [(Occur.Must, said_query(request.parsed, code)), *restrictions]
                sides[side] = searcher.search(Query.boolean_query(said), 1, count=True).count
            counts = dataclasses.replace(counts, side={side: n for side, n in sides.items() if n})
        return total, hits, counts

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
        holding the word also holds. The paragraphs of readouts so titled are few: they
        are ranked and counted by the whole query, which they drive.
        """
        filtered = (
            request.date_from
            or request.date_to
            or request.doc_id
            or request.country
            or request.kind
            or request.side
        )
        word = None if filtered or not self.exact_frequencies else _plain_word(request.parsed)
        total = None if word is None else _holding(searcher, word)
        if total is None:
            return None
        ranked: list = []
        apart: list = []  # the paragraphs of readouts so titled, ranked already
        group = request.parsed.groups[0]
        ranks, tier = groups.titled(group), groups.tier(group)
        if tier is not None:
            forms = groups.forms(group)
            on_top = Query.boolean_query([(Occur.Must, tier), (Occur.Should, forms)])
            ranked = searcher.search(on_top, request.depth, count=True)
            without = Query.boolean_query([(Occur.Must, tier), (Occur.MustNot, forms)])
            total += searcher.search(without, 1, count=True).count
            titled_count, ranked = ranked.count, ranked.hits
            apart = [(Occur.MustNot, tier)]
        terms, _, _ = query_parts(word)
        words = _term("text", terms[0])
        if len(ranked) < request.depth:
            # The term alone, its tier's boost applied here: a term query skips the blocks
            # that cannot reach the top, a boosted one reads them all. Fewer paragraphs of
            # readouts so titled than the depth: read past them, and leave them out.
            wanted = request.depth - len(ranked)
            first = searcher.search(words, wanted + (titled_count if ranks else 0), count=False).hits
            if ranks:
                numbers = searcher.fast_field_values("readout", [address for _, address in first])
                first = [hit for hit, number in zip(first, numbers, strict=True) if number not in ranks]
            ranked += [(score * BOOSTS["text"], address) for score, address in first[:wanted]]
        if len(ranked) < request.depth:
            others = Query.boolean_query([(Occur.Must, whole()), (Occur.MustNot, words), *apart])
            ranked += searcher.search(others, request.depth - len(ranked), count=False).hits
        return total, ranked

    @staticmethod
    def _facets(
        searcher: tantivy.Searcher, query: Query, facets: bool, per_readout: bool, only: list[int]
    ) -> FacetCounts:
        """The counts per facet key when `facets`, per readout when `per_readout` (every one,
        by a terms aggregation: one bucket each) or of the readouts numbered `only` (a range
        each, counted in the same pass)."""
        wanted = {**(_AGGREGATIONS if facets else {}), **(_PER_READOUT if per_readout else {})}
        if only:
            ranges = [{"from": number, "to": number + 1} for number in only]
            wanted["only"] = {"range": {"field": "readout", "ranges": ranges}}
        answer = searcher.aggregate(query, wanted)

        def counts(name: str) -> dict:
            return (
                {bucket["key"]: bucket["doc_count"] for bucket in answer[name]["buckets"]}
                if name in answer
                else {}
            )

        readouts = counts("readouts")
        if only:  # tantivy adds a bucket for each gap between the ranges: those are left out
            starts = {
                int(bucket.get("from", -1)): bucket["doc_count"] for bucket in answer["only"]["buckets"]
            }
            readouts = {number: starts.get(number, 0) for number in only}
        return FacetCounts.from_keys(counts("facets"), _PerReadout(readouts))

    def match_keys(self, parsed: ParsedQuery) -> set[tuple[str, int]]:
        query = to_tantivy(self.searcher, parsed, None, _Groups(self.searcher, self._titled))
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

    def readouts(self, limit: int) -> tuple[list[dict], int]:
        return self._all(_term("kind", "readout"), limit, order_by_field="date")

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


# --- writing ---------------------------------------------------------------------------


def _write_error(directory: Path, error: Exception) -> OSError:
    """tantivy reports a failed write as a ValueError about a killed writer thread: say what it was."""
    try:
        full = shutil.disk_usage(directory).free < 16 * 1024 * 1024
    except OSError:
        full = False
    if full:
        return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    return OSError(errno.EIO, f"tantivy could not write ({error})")


def commit_generation(directory: Path) -> int:
    """Which commit the index in `directory` is at: tantivy counts every operation."""
    return json.loads((directory / "meta.json").read_text("utf-8"))["opstamp"]


class TantivyWriter:
    """Deletes and additions of one round, committed at once."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.index = tantivy.Index.open(str(directory))
        self.writer = self.index.writer(heap_size=WRITER_HEAP, num_threads=1)

    def delete(self, doc_ids: list[str]) -> None:
        for doc_id in doc_ids:
            self.writer.delete_documents_by_term("doc_id", doc_id)

    def add(self, documents: list[Document]) -> None:
        try:
            for document in documents:
                self.writer.add_document(document)
        except ValueError as error:
            raise _write_error(self.directory, error) from None

    def commit(self) -> None:
        try:
            self.writer.commit()
        except ValueError as error:
            raise _write_error(self.directory, error) from None

    def close(self) -> None:
        self.writer.wait_merging_threads()

    def abandon(self) -> None:
        """Forget what was added since the last commit and let go of the index."""
        # A writer whose threads died (a full disk) has nothing left to roll back.
        with contextlib.suppress(ValueError):
            self.writer.rollback()
        self.writer = None
