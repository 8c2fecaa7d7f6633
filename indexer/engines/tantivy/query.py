"""The query language (`indexer.analysis.query`) as a tantivy query, and the plans that
answer a one-word query from the term dictionary.

May touch: tantivy's query API, and analysis/.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence

import tantivy
from tantivy import Occur, Query

from readouts.indexer.analysis import query as language
from readouts.indexer.analysis.query import ParsedQuery, Word
from readouts.indexer.analysis.titles import title_levels
from readouts.indexer.engines.base import SearchRequest, date_number
from readouts.indexer.engines.tantivy.schema import (
    BOOSTS,
    EQUIVALENT_WEIGHT,
    SCHEMA,
    TITLE_BOOST,
    TITLE_LEVEL,
    TYPED_FORM_BONUS,
)
from readouts.indexer.parse.speakers import SIDE_CODES


def _term(field: str, value: str) -> Query:
    return Query.term_query(SCHEMA, field, value)


def _sequence(dictionary: Dictionary, field: str, terms: Sequence[str]) -> Query | None:
    """The terms as a phrase, or None when one of them is in no record: a clause that
    cannot match still costs a scorer per segment."""
    if not terms or not all(dictionary.doc_freq(field, term) for term in terms):
        return None
    if len(terms) == 1:
        return _term(field, terms[0])
    return Query.phrase_query(SCHEMA, field, list(terms))


@functools.lru_cache(maxsize=4096)
def _starting_with(field: str, character: str) -> Query:
    """Any bigram of the field that starts with the character, or a run-final unigram. The same
    query for every index: compiled once per process, as `re` keeps its patterns (a regular
    expression's automaton takes a tenth of a millisecond to build)."""
    return Query.regex_query(SCHEMA, field, re.escape(character) + ".?")


def _characters(dictionary: Dictionary, field: str, folded: str) -> Query | None:
    """The paragraphs holding a word's characters in `field` (its text or its headings)."""
    if len(folded) < 2:
        return _starting_with(f"{field}_ngram", folded)
    if len(folded) == 2:
        return _sequence(dictionary, f"{field}_ngram", [folded])
    # The trigrams that cover the word, the rarest (`covering_offsets`), pinned to their offsets.
    trigrams = [folded[i : i + 3] for i in range(len(folded) - 2)]
    frequencies = []
    for trigram in trigrams:
        frequencies.append(dictionary.doc_freq(f"{field}_trigram", trigram))
        if not frequencies[-1]:
            return None  # the rest need not be looked up
    if len(trigrams) == 1:
        return _term(f"{field}_trigram", trigrams[0])
    keep = language.covering_offsets(frequencies, width=3)
    return Query.phrase_query(SCHEMA, f"{field}_trigram", [(i, trigrams[i]) for i in keep])


def _word_query(
    dictionary: Dictionary,
    word: Word,
    fields: tuple[str, ...] = ("text", "context"),
    typed: bool = True,
    scored: bool = True,
) -> Query:
    """The word's tiers in each field; not `scored`, only what tells which paragraphs match (a
    word that matches as written only is in every paragraph that holds its characters)."""
    terms, _, folded = language.query_parts(word)
    clauses = []
    characters: dict[str, Query | None] = {}
    as_written = not language.matches_other_forms(word)
    for field in fields:
        characters[field] = dictionary.characters(field, folded) if typed else None
        words = _sequence(dictionary, field, terms)
        if words is not None and (scored or characters[field] is None or not as_written):
            # Per term for an equivalent: a phrase scores once per term, and a long
            # equivalent (東南アジア諸国連合) must not outscore the word typed (ASEAN).
            weight = BOOSTS[field] * (1.0 if typed else EQUIVALENT_WEIGHT / len(terms))
            clauses.append((Occur.Should, Query.boost_query(words, weight)))
        # An equivalent matches as words only: its characters cost more than they find.
        if characters[field] is not None:
            clauses.append((Occur.Should, Query.boost_query(characters[field], BOOSTS[f"{field}_ngram"])))
    if scored and len(folded) > 1 and characters.get("text") is not None and not as_written:
        bonus = Query.const_score_query(characters["text"], TYPED_FORM_BONUS)
        clauses.append((Occur.Should, bonus))
    return clauses[0][1] if len(clauses) == 1 else Query.boolean_query(clauses)


def _any_form(
    dictionary: Dictionary, word: Word, fields: tuple[str, ...] = ("text", "context"), scored: bool = True
) -> list[Query]:
    """The word's query, and one for its equivalents that scores as the best of them only."""
    queries = [_word_query(dictionary, word, fields, scored=scored)]
    others = [_word_query(dictionary, other, fields, typed=False) for other in language.equivalents(word)]
    if others:
        # The best equivalent only: 内閣総理大臣 also holds 総理 and 総理大臣, and their
        # sum would climb above the word typed (首相).
        queries.append(Query.disjunction_max_query(others) if len(others) > 1 else others[0])
    return queries


def _title_words(dictionary: Dictionary, group: tuple[Word, ...], field: str) -> list:
    """Clauses for any of a group's title words in `field`, matched only (they score nothing)."""
    return [
        (Occur.Should, query)
        for word in language.title_words(group)
        for query in _any_form(dictionary, word, (field,), scored=False)
    ]


def title_query(dictionary: Dictionary, group: tuple[Word, ...]) -> Query | None:
    """The readout records whose title matches any word of a group (`indexer.analysis.titles`)."""
    words = _title_words(dictionary, group, "titles")
    # Only readout records have these fields: no need to ask for kind:readout.
    return Query.boolean_query(words) if words else None


def _title_holders(dictionary: Dictionary, group: tuple[Word, ...]) -> Query:
    """The paragraphs of readouts so titled: found by their readout's title words, which each
    paragraph holds (one posting list, not a clause per readout)."""
    return Query.boolean_query(_title_words(dictionary, group, "readout_titles"))


def _titled_paragraphs(holders: Query, levels: dict[int, int]) -> Query:
    """The paragraphs of readouts so titled (`holders`), each at the title tier; the highest
    ranked readouts (exact titles, then newer ones) a level higher each, by their number
    (`indexer.analysis.titles.title_levels`)."""
    return Query.boolean_query(
        [
            (Occur.Should, Query.const_score_query(holders, TITLE_BOOST)),
            *(
                (Occur.Should, Query.const_score_query(_term("readout", number), TITLE_LEVEL * level))
                for number, level in levels.items()
            ),
        ]
    )


def _alternatives(dictionary: Dictionary, group: tuple[Word, ...], scored: bool = True) -> Query:
    """Any form of any word of a group."""
    alternatives = [
        (Occur.Should, query) for word in group for query in _any_form(dictionary, word, scored=scored)
    ]
    return alternatives[0][1] if len(alternatives) == 1 else Query.boolean_query(alternatives)


def remembered(function: Callable) -> Callable:
    """The function, its answers kept for one request: a dict, as functools.cache's wrapper costs
    more to set up than it saves over a request's few calls."""
    answers: dict = {}

    def answer(*key):
        if key not in answers:
            answers[key] = function(*key)
        return answers[key]

    return answer


class Dictionary:
    """The term dictionary as one request's queries are built from it: each document frequency,
    and each word's characters as a query, looked up once however many of the request's
    queries ask (the ranking's, the counting's, the title tier's).

    Nothing it holds refers back to it (a bound method or a closure over it would): a request's
    queries are freed when it ends, not left to the cycle collector, whose passes would then
    fall inside later requests."""

    __slots__ = ("_characters", "doc_freq", "searcher")

    def __init__(self, searcher: tantivy.Searcher) -> None:
        self.searcher = searcher
        self.doc_freq = remembered(searcher.doc_freq)
        self._characters: dict[tuple[str, str], Query | None] = {}

    def characters(self, field: str, folded: str) -> Query | None:
        key = field, folded
        if key not in self._characters:
            self._characters[key] = _characters(self, field, folded)
        return self._characters[key]


class _Groups:
    """The queries of a request's groups of words, each built once for the request: any form
    of its words, and the paragraphs of readouts whose title it matches (`titled`). Its
    closures hold each other, never the object (`Dictionary`)."""

    def __init__(
        self,
        searcher: tantivy.Searcher,
        titled: Callable[[Dictionary, tuple[Word, ...], int], dict[int, int]],
        ordered: int,
    ):
        self.dictionary = dictionary = Dictionary(searcher)
        self.titled = titled_ranks = remembered(lambda group: titled(dictionary, group, ordered))
        self.forms = remembered(lambda group: _alternatives(dictionary, group))
        # The same matches, unscored: what counting them reads (`to_tantivy`'s `scored`).
        self.matches = remembered(lambda group: _alternatives(dictionary, group, scored=False))
        # The paragraphs of readouts so titled, when the group has a title tier; with their
        # levels, to rank them (the levels' readouts are among them: counting needs no more).
        self.holders = holders = remembered(
            lambda group: _title_holders(dictionary, group) if titled_ranks(group) else None
        )
        # The `ordered` highest ranked readouts so titled, by number, with their level.
        self.levels = levels = remembered(lambda group: title_levels(titled_ranks(group), ordered))
        self.tier = remembered(
            lambda group: (
                None if (found := holders(group)) is None else _titled_paragraphs(found, levels(group))
            )
        )


def to_tantivy(
    parsed: ParsedQuery,
    request: SearchRequest | None,
    groups: _Groups,
    scored: bool = True,
) -> Query | None:
    """The tantivy query for a parsed query and a request's filters (None when nothing can match);
    not `scored`, the same matches read more cheaply, to count them."""
    clauses = []
    for group in parsed.groups:
        query, tier = (groups.forms, groups.tier) if scored else (groups.matches, groups.holders)
        query, tier = query(group), tier(group)
        if tier is not None:
            query = Query.boolean_query([(Occur.Should, query), (Occur.Should, tier)])
        clauses.append((Occur.Must, query))
    if not clauses and not parsed.excluded:
        return None
    # Readout records have no text, so only a query of exclusions alone (Every) needs
    # to be kept to paragraphs: a filter on every paragraph costs a fifth of a search.
    restrictions = _restrictions(
        groups.dictionary, parsed, request, [] if clauses else [(Occur.Must, _term("kind", "para"))]
    )
    scoring = clauses or [(Occur.Must, Query.all_query())]
    if len(scoring) == 1 and not restrictions:
        return scoring[0][1]  # a boolean query of one clause costs a sixth more to run than the clause
    return Query.boolean_query(scoring + restrictions)


def _restrictions(
    dictionary: Dictionary, parsed: ParsedQuery, request: SearchRequest | None, filters: list
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
                        date_number(request.date_from.isoformat()) if request.date_from else 1,
                        date_number(request.date_to.isoformat()) if request.date_to else 99991231,
                    ),
                )
            )
        if request.undated:  # an undated paragraph's date is 0
            filters.append((Occur.Must, Query.range_query(SCHEMA, "date", tantivy.FieldType.Integer, 0, 0)))
        if request.doc_id:
            filters.append((Occur.Must, _term("doc_id", request.doc_id)))
        if request.country:
            filters.append((Occur.Must, _term("country", request.country)))
        if request.kind:
            filters.append((Occur.Must, _term("meeting", request.kind)))
        if request.language:
            filters.append((Occur.Must, _term("lang", request.language)))
        if request.side:
            filters.append((Occur.Must, said_query(parsed, SIDE_CODES[request.side])))
        if request.paragraphs is not None:
            filters.append((Occur.Must, Query.term_set_query(SCHEMA, "key", sorted(request.paragraphs))))
    excluded = [
        (Occur.MustNot, query) for word in parsed.excluded for query in _any_form(dictionary, word, ("text",))
    ]
    return [(occur, Query.const_score_query(query, 0.0)) for occur, query in filters] + excluded


def said_query(parsed: ParsedQuery, code: str) -> Query:
    """The paragraphs where every group of the query is in what one side said."""
    groups = []
    for forms in language.said_terms(parsed, code):
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
    return None if language.matches_other_forms(word) else word


def _holding(dictionary: Dictionary, word: Word, past: int | None = None) -> int | None:
    """How many records a plain word of one term and two or three characters matches,
    the word itself read from the term dictionary (None for any other word); or, where
    that is more than `past`, at least how many.

    Such a word is its own characters, so the records holding it as a word hold its
    bigram or trigram too: those of the word are the records holding that one term in
    their text or headings. Its equivalents' are counted where those are not.
    """
    terms, _, folded = language.query_parts(word)
    if len(terms) != 1 or len(folded) not in (2, 3):
        return None
    field = "ngram" if len(folded) == 2 else "trigram"
    searcher = dictionary.searcher
    text = dictionary.doc_freq(f"text_{field}", folded)
    context = dictionary.doc_freq(f"context_{field}", folded)
    if past is not None and max(text, context) > past:
        return max(text, context)  # the paragraphs holding it as text, or as headings
    total = text + context
    if text and context:
        both = [(Occur.Must, _term(f"text_{field}", folded)), (Occur.Must, _term(f"context_{field}", folded))]
        total -= searcher.search(Query.boolean_query(both), 1, count=True).count
    others = [_word_query(dictionary, other, typed=False) for other in _widest(language.equivalents(word))]
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
        ((language.query_parts(word)[0], word) for word in words), key=lambda item: len(item[0])
    ):
        if not any(_runs_inside(inner, terms) for inner in kept):
            kept.append(terms)
            widest.append(word)
    return widest


def _runs_inside(inner: tuple[str, ...], outer: tuple[str, ...]) -> bool:
    return any(outer[i : i + len(inner)] == inner for i in range(len(outer) - len(inner) + 1))
