"""The query language, and its translation into a Whoosh query.

- Words separated by spaces (the ideographic space too) must all match.
- A word typed without spaces (日米同盟の強化) is a phrase of its words.
- "…", 「…」 and “…” quote an exact phrase, spaces and all.
- OR between two words or phrases matches either.
- NOT before, or a minus at the start of, a word or phrase excludes the
  paragraphs that contain it (中国 -尖閣); hyphens inside words (win-win, TPY-2) stay part of the word.
- Full-width forms (ＯＲ, －, ＂) work the same. Syntax that does not parse
  (a quote left open, a lone operator) is searched as the words it contains.

Each word becomes an OR of four ways to match, on the ranking tiers of
`indexer.engines.whoosh.schema`: its words in the paragraph, its characters in the paragraph
(bigrams), its words in the headings, its characters in the headings. A word
whose terms also match other forms (認識する finds 認識した) adds a bonus for the
paragraphs that hold the form typed, so that these come first. An unquoted word
also searches its equivalents (`indexer.analysis.equivalents`: 安保理 finds
国連安全保障理事会) as words in the paragraph and its headings, weighted below
the form typed.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from whoosh import matching
from whoosh import query as q

from indexer.analysis.equivalents import load as load_equivalents
from indexer.analysis.normalize import fold
from indexer.analysis.terms import inflects, query_bigrams, query_word_terms, word_terms
from indexer.analysis.titles import without_ending
from indexer.engines.whoosh.schema import (
    EQUIVALENT_WEIGHT,
    TIERS,
    TITLE_DATE_SPREAD,
    TITLE_TIER,
    TYPED_FORM_BONUS,
)

MAX_QUERY_CHARS = 500
MAX_WORDS = 24
# Each excluded word costs a pass over its postings (a one-character word: over
# every bigram that starts with it); more than this are ignored.
MAX_EXCLUDED = 6
# No title is longer: a longer word is not looked up in titles.
MAX_TITLE_CHARS = 120

_QUOTES = {'"': '"', "「": "」", "“": "”", "『": "』"}
_TOKEN = re.compile(r'"[^"]*"|「[^」]*」|“[^”]*”|『[^』]*』|\S+')


@dataclass(frozen=True, slots=True)
class Word:
    text: str  # as typed, quotes removed
    exact: bool  # quoted
    negated: bool


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    """Groups that must all match; each group matches if any of its words does."""

    groups: tuple[tuple[Word, ...], ...]
    excluded: tuple[Word, ...]

    @property
    def positive_words(self) -> tuple[Word, ...]:
        return tuple(word for group in self.groups for word in group)

    @property
    def is_empty(self) -> bool:
        return not self.groups and not self.excluded


def _normalize_operators(text: str) -> str:
    # NFKC turns ＯＲ into OR, －/＂ into -/", the ideographic space into a space;
    # keep everything else as typed so quoted phrases stay verbatim.
    text = unicodedata.normalize("NFKC", text[:MAX_QUERY_CHARS])
    text = text.replace("\u2212", "-")  # the minus sign
    return "".join(ch if ch.isprintable() or ch == " " else " " for ch in text)


def parse_query(text: str) -> ParsedQuery:
    """Parse what a user typed; never raises."""
    groups: list[list[Word]] = []
    excluded: list[Word] = []
    join_next = False
    negate_next = False
    for raw in _TOKEN.findall(_normalize_operators(text)):
        if raw == "OR":
            join_next = bool(groups)
            continue
        if raw == "NOT":
            negate_next = True
            continue
        if raw == "AND":
            continue
        negated = negate_next
        negate_next = False
        if raw.startswith("-") and len(raw) > 1:
            negated, raw = True, raw[1:]
        exact = raw[0] in _QUOTES and len(raw) > 1 and raw.endswith(_QUOTES[raw[0]])
        body = raw[1:-1].strip() if exact else raw.strip("".join(_QUOTES) + "".join(_QUOTES.values()))
        if not fold(body).strip().strip("-"):
            join_next = False
            continue
        word = Word(body, exact, negated)
        if negated:
            if len(excluded) < MAX_EXCLUDED:
                excluded.append(word)
            join_next = False
        elif join_next and groups:
            groups[-1].append(word)
            join_next = False
        else:
            groups.append([word])
        if len(groups) + len(excluded) >= MAX_WORDS:
            break
    return ParsedQuery(tuple(tuple(group) for group in groups), tuple(excluded))


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


def covering_offsets(frequency: list[int], width: int = 2) -> list[int]:
    """Which of a word's n-grams (bigrams, `width` 2, or trigrams) to search, pinned to
    their offsets, given how common each is.

    Bigram i covers characters i and i + 1, so a phrase that keeps the first and
    the last and never leaves out two neighbours (trigrams: three) matches exactly
    the paragraphs holding the word. Of those, the one whose n-grams are least
    common in all (least postings to read), plus the least common of all, which
    leads the intersection; with no frequencies to go by (all equal), every other
    bigram.
    """
    if len(frequency) < 3:
        return list(range(len(frequency)))
    # cost[i], chosen[i]: the cheapest cover of characters 0..i + width - 1 that keeps gram i.
    cost = [frequency[0]]
    chosen = [[0]]
    for i in range(1, len(frequency)):
        before = min(range(i - 1, max(i - width, 0) - 1, -1), key=cost.__getitem__)  # ties: the nearest
        cost.append(cost[before] + frequency[i])
        chosen.append([*chosen[before], i])
    return sorted(set(chosen[-1]) | {min(range(len(frequency)), key=frequency.__getitem__)})


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


# A search asks for a word's parts several times (the engine's query, then the
# highlighting): MeCab runs once per word.
@functools.lru_cache(maxsize=4096)
def query_parts(word: Word) -> tuple[tuple[str, ...], tuple[str, ...], str]:
    """What a word matches, for every engine: its words, its bigrams (as phrases), its folded text."""
    terms = word_terms(word.text) if word.exact else query_word_terms(word.text)
    return tuple(terms), tuple(query_bigrams(word.text)), "".join(fold(word.text).split())


@functools.lru_cache(maxsize=4096)
def matches_other_forms(word: Word) -> bool:
    """Whether the word's terms also match forms other than the one typed (認識する → 認識した)."""
    terms, _, folded = query_parts(word)
    return inflects(word.text) or "".join(terms) != folded


def equivalents(word: Word) -> tuple[Word, ...]:
    """The other forms a word also searches (安保理 → 国連安全保障理事会); none for a quoted word."""
    if word.exact:
        return ()
    return tuple(Word(form, False, word.negated) for form in _equivalent_forms(word.text))


@functools.lru_cache(maxsize=4096)
def _equivalent_forms(text: str) -> tuple[str, ...]:
    return load_equivalents().of(text)


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
            alternatives.append(q.Prefix(f"{field}_ngram", char, constantscore=False))
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


def said_terms(parsed: ParsedQuery, code: str) -> list[list[tuple[str, ...]]]:
    """Per group, the word terms that said the group on one side (its code: j, o, b), each
    form of each word (equivalents too) as a phrase of side:term terms (`indexer.analysis.terms.said_text`)."""
    return [
        [
            tuple(f"{code}:{term}" for term in query_parts(form)[0])
            for word in group
            for form in (word, *equivalents(word))
            if query_parts(form)[0]
        ]
        for group in parsed.groups
    ]


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


def title_words(group: tuple[Word, ...]) -> tuple[Word, ...]:
    """The words a group's title search looks for: each word, and each without an ending
    such as （概要）, so that 日米外相会談（概要） finds a readout titled 日米外相会談."""
    words = dict.fromkeys(word for word in group if len(word.text) <= MAX_TITLE_CHARS)
    for word in words.copy():
        bare = without_ending(word.text)
        if bare and bare != word.text:
            words.setdefault(Word(bare, word.exact, word.negated))
    return tuple(words)


def title_query(group: tuple[Word, ...]) -> q.Query | None:
    """The readout records whose title matches any word of a group (`indexer.analysis.titles`)."""
    # Only readout records have these fields: no need to ask for kind:readout.
    words = [query for word in title_words(group) for query in _any_form(word, ("titles",))]
    return q.Or(words) if words else None


def _titled_paragraphs(ranks: dict[str, float]) -> q.Query:
    """The paragraphs of readouts so titled, each at the title tier, a newer one a little higher."""
    return q.Or(
        [
            # The readout's record matches too: the search leaves it out (Whoosh's constant
            # score reads every match of its query at once, and kind:para is every paragraph).
            q.ConstantScoreQuery(q.Term("doc_id", doc_id), TITLE_TIER + TITLE_DATE_SPREAD * rank)
            for doc_id, rank in ranks.items()
        ]
    )


def to_whoosh(
    parsed: ParsedQuery, titled: Callable[[tuple[Word, ...]], dict[str, float]] | None = None
) -> tuple[q.Query, list[q.Query]]:
    """The Whoosh query for what must match (q.NullQuery when nothing can), and one per excluded word.

    `titled(group)` gives the readouts whose title matches the group, with their
    rank (`indexer.analysis.titles`); their paragraphs match it too. Exclusions are applied
    as a set of paragraphs to leave out rather than as an AndNot: skipping a union
    of thousands of bigram postings for every candidate paragraph cost minutes;
    collecting each word's paragraphs once costs one pass over its postings.
    """
    required = []
    for group in parsed.groups:
        alternatives = [query for word in group for query in _any_form(word)]
        ranks = titled(group) if titled is not None else {}
        if ranks:
            alternatives.append(_titled_paragraphs(ranks))
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
