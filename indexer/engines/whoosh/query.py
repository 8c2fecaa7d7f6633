"""The query language (`indexer.analysis.query`) as a Whoosh query.

Each word becomes an OR of four ways to match, on the ranking tiers of
`indexer.engines.whoosh.schema`: its words in the paragraph, its characters in the paragraph
(bigrams), its words in the headings, its characters in the headings. A word
whose terms also match other forms (認識する finds 認識した) adds a bonus for the
paragraphs that hold the form typed, so that these come first. An unquoted word
also searches its equivalents (`indexer.analysis.equivalents`: 安保理 finds
国連安全保障理事会) as words in the paragraph and its headings, weighted below
the form typed.
May touch: whoosh's query API, and analysis/.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from itertools import pairwise

from whoosh import matching
from whoosh import query as q

from readouts.indexer.analysis.query import (
    ParsedQuery,
    Word,
    covering_offsets,
    equivalents,
    matches_other_forms,
    query_parts,
    said_terms,
    title_words,
)
from readouts.indexer.analysis.titles import title_levels
from readouts.indexer.engines.base import SearchTimeout
from readouts.indexer.engines.whoosh.schema import (
    EQUIVALENT_WEIGHT,
    TIERS,
    TITLE_LEVEL,
    TITLE_TIER,
    TYPED_FORM_BONUS,
)


def _sequence(fieldname: str, terms: Sequence[str]) -> q.Query | None:
    if not terms:
        return None
    if len(terms) == 1:
        return q.Term(fieldname, terms[0])
    return q.Phrase(fieldname, list(terms))


class _GappedPhrase(q.SpanNear2):
    """Two spans a fixed distance apart (bigrams pinned to their offsets); boosted like a Phrase."""

    def matcher(self, searcher, context=None):
        found = super().matcher(searcher, context)
        boost = getattr(self, "boost", 1.0)  # span queries have none of their own
        return matching.WrappingMatcher(found, boost=boost) if boost != 1.0 else found


def _bigram_phrase(fieldname: str, bigrams: list[str]) -> q.Query | None:
    """A word's bigrams as a phrase of every other one (`covering_offsets`; Whoosh's span
    matching is pure Python, so half the position checks count)."""
    if len(bigrams) < 3:
        return _sequence(fieldname, bigrams)
    keep = covering_offsets([1] * len(bigrams))
    phrase: q.Query = q.Term(fieldname, bigrams[0])
    for before, at in pairwise(keep):
        gap = at - before
        phrase = _GappedPhrase([phrase, q.Term(fieldname, bigrams[at])], slop=gap, mindist=gap)
    return phrase


# The deadline of the search this thread is running (`indexer.engines.whoosh.reader`): making
# the matcher of a one-character word expands it into every bigram that starts with it, which
# for a common character is thousands of term matchers made before a single match is collected.
DEADLINE = threading.local()


class _Checked(q.Term):
    """A term whose matcher is not made past the search's deadline."""

    def matcher(self, searcher, context=None):
        at = getattr(DEADLINE, "at", None)
        if at is not None and time.monotonic() > at:
            raise SearchTimeout(DEADLINE.budget)
        return super().matcher(searcher, context)


class _CharPrefix(q.Prefix):
    """Every bigram that starts with one character, its terms made within the deadline (as
    Whoosh's MultiTerm.matcher makes them, scored)."""

    def matcher(self, searcher, context=None):
        terms = [_Checked(self.fieldname, text) for text in self._btexts(searcher.reader()) if text]
        if not terms:
            return matching.NullMatcher()
        if len(terms) == 1:
            return terms[0].matcher(searcher, context)
        return q.Or(terms, boost=self.boost).matcher(searcher, context)


def _word_query(word: Word, fields: tuple[str, ...] = ("text", "context"), typed: bool = True) -> q.Query:
    terms, bigrams, char = query_parts(word)
    alternatives: list[q.Query | None] = []
    for field in fields:
        alternatives.append(_sequence(field, terms))
        if not typed:
            continue  # an equivalent matches as words only: its characters cost more than they find
        if bigrams:
            alternatives.append(_bigram_phrase(f"{field}_ngram", bigrams))
        else:
            # One character: any bigram that starts with it, or a run-final unigram.
            alternatives.append(_CharPrefix(f"{field}_ngram", char, constantscore=False))
    found = [alternative for alternative in alternatives if alternative is not None]
    if not typed:
        # Per term: a phrase scores once per term, and a long equivalent
        # (東南アジア諸国連合) must not outscore the one word typed (ASEAN).
        for alternative in found:
            size = len(getattr(alternative, "words", None) or [None])
            alternative.boost = EQUIVALENT_WEIGHT / size
    elif "text" in fields and bigrams and matches_other_forms(word):
        # Its bigrams again, boosted (Whoosh's ConstantScoreQuery ignores a phrase's
        # positions: it takes every paragraph holding the bigrams anywhere).
        bonus = _bigram_phrase("text_ngram", bigrams)
        bonus.boost = TYPED_FORM_BONUS / TIERS["text_ngram"]
        found.append(bonus)
    return q.Or(found)


def _any_form(word: Word, fields: tuple[str, ...] = ("text", "context")) -> list[q.Query]:
    """The word's query, and one for its equivalents that scores as the best of them only."""
    queries = [_word_query(word, fields)]
    others = [_word_query(other, fields, typed=False) for other in equivalents(word)]
    if others:
        # The best equivalent only: 内閣総理大臣 also holds 総理 and 総理大臣, and their
        # sum would climb above the word typed (首相).
        queries.append(q.DisjunctionMax(others) if len(others) > 1 else others[0])
    return queries


def said_query(parsed: ParsedQuery, code: str) -> q.Query:
    """The paragraphs where every group of the query is in what one side said."""
    groups = [
        q.Or(
            [
                q.Term("said", terms[0]) if len(terms) == 1 else q.Phrase("said", list(terms))
                for terms in forms
            ]
        )
        for forms in said_terms(parsed, code)
    ]
    return q.And(groups) if groups else q.NullQuery


def title_query(group: tuple[Word, ...]) -> q.Query | None:
    """The readout records whose title matches any word of a group (`indexer.analysis.titles`)."""
    # Only readout records have these fields: no need to ask for kind:readout.
    words = [query for word in title_words(group) for query in _any_form(word, ("titles",))]
    return q.Or(words) if words else None


class _Constant(q.WrappingQuery):
    """Its query's matches, each scored `score` (Whoosh's ConstantScoreQuery reads its query's
    matches without their positions, so that a phrase would match its words anywhere)."""

    def __init__(self, child: q.Query, score: float) -> None:
        super().__init__(child)
        self.score = score

    def _rewrap(self, child: q.Query) -> q.Query:
        return self.__class__(child, self.score)

    def matcher(self, searcher, context=None):
        found = self.child.matcher(searcher, context)
        if isinstance(found, matching.NullMatcherClass):
            return found
        return matching.ConstantScoreWrapperMatcher(found, self.score)


class _Levels(_Constant):
    """The paragraphs of readouts so titled (its query's matches), each scored `score`, those of
    the readouts in `levels` (doc_id → level) TITLE_LEVEL higher per level: one matcher over the
    titles' matches and a lookup per match. A union with a term per readout made every match of
    the whole query step through a tree of matchers, in Python."""

    def __init__(self, child: q.Query, score: float, levels: dict[str, int]) -> None:
        super().__init__(child, score)
        self.levels = levels

    def _rewrap(self, child: q.Query) -> q.Query:
        return self.__class__(child, self.score, self.levels)

    def matcher(self, searcher, context=None):
        found = self.child.matcher(searcher, context)
        if isinstance(found, matching.NullMatcherClass):
            return found
        higher = {
            docnum: TITLE_LEVEL * level
            for doc_id, level in self.levels.items()
            for docnum in searcher.docs_for_query(q.Term("doc_id", doc_id))
        }
        return _LevelsMatcher(found, self.score, higher)


class _LevelsMatcher(matching.ConstantScoreWrapperMatcher):
    """Each match scored `score`, and those in `higher` (docnum → how much) that much higher."""

    def __init__(self, child, score: float, higher: dict[int, float]) -> None:
        super().__init__(child, score)
        self.higher = higher
        self.best = score + max(higher.values(), default=0.0)

    def copy(self):
        return self.__class__(self.child.copy(), self._score, self.higher)

    def _replacement(self, newchild):
        return self.__class__(newchild, self._score, self.higher)

    def max_quality(self):
        return self.best

    def block_quality(self):
        return self.best

    def score(self):
        return self._score + self.higher.get(self.child.id(), 0.0)


def _titled_paragraphs(group: tuple[Word, ...], ranks: dict[str, int], ordered: int) -> q.Query:
    """The paragraphs of readouts so titled, each at the title tier: found by their readout's
    title words, which each paragraph holds (one posting list, not a query per readout); the
    `ordered` highest ranked readouts (exact titles, then newer ones) a level higher each
    (`indexer.analysis.titles.title_levels`)."""
    titles = [query for word in title_words(group) for query in _any_form(word, ("readout_titles",))]
    return _Levels(q.Or(titles), TITLE_TIER, title_levels(ranks, ordered))


def to_whoosh(
    parsed: ParsedQuery,
    titled: Callable[[tuple[Word, ...]], dict[str, int]] | None = None,
    ordered: int = 0,
) -> tuple[q.Query, list[q.Query]]:
    """The Whoosh query for what must match (q.NullQuery when nothing can), and one per excluded word.

    `titled(group)` gives the readouts whose title matches the group, with their
    rank (`indexer.analysis.titles`); their paragraphs match it too, the `ordered` highest
    ranked above the others (`_titled_paragraphs`). Exclusions are applied
    as a set of paragraphs to leave out rather than as an AndNot: skipping a union
    of thousands of bigram postings for every candidate paragraph cost minutes;
    collecting each word's paragraphs once costs one pass over its postings.
    """
    required = []
    for group in parsed.groups:
        alternatives = [query for word in group for query in _any_form(word)]
        ranks = titled(group) if titled is not None else {}
        if ranks:
            alternatives.append(_titled_paragraphs(group, ranks, ordered))
        required.append(q.Or(alternatives))
    if required:
        positive: q.Query = q.And(required) if len(required) > 1 else required[0]
    elif parsed.excluded:
        positive = q.Every()
    else:
        return q.NullQuery, []
    # Exclusion looks at the paragraph's own text only: a readout whose
    # title names the excluded word still has paragraphs about other things.
    return positive, [q.Or(_any_form(word, ("text",))) for word in parsed.excluded]
