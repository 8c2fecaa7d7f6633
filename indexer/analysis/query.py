"""The query language every engine translates (`indexer.engines.<name>.query`).

- Words separated by spaces (the ideographic space too) must all match.
- A word typed without spaces (日米同盟の強化) is a phrase of its words.
- "…", 「…」 and “…” quote an exact phrase, spaces and all.
- OR between two words or phrases matches either.
- NOT before, or a minus at the start of, a word or phrase excludes the
  paragraphs that contain it (中国 -尖閣); hyphens inside words (win-win, TPY-2) stay part of the word.
- Full-width forms (ＯＲ, －, ＂) work the same. Syntax that does not parse
  (a quote left open, a lone operator) is searched as the words it contains.

What a word matches is the same on every engine (`query_parts`): its words, its
characters (bigrams, as phrases), and for an unquoted word its equivalents
(`indexer.analysis.equivalents`: 安保理 finds 国連安全保障理事会).

May touch: analysis/ only.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from readouts.indexer.analysis.equivalents import load as load_equivalents
from readouts.indexer.analysis.normalize import fold
from readouts.indexer.analysis.terms import inflects, is_stemmed, query_bigrams, query_word_terms, word_terms
from readouts.indexer.analysis.titles import without_ending

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


# A search asks for a word's parts several times (the engine's query, then the
# highlighting): MeCab runs once per word.
@functools.lru_cache(maxsize=4096)
def query_parts(word: Word) -> tuple[tuple[str, ...], tuple[str, ...], str]:
    """What a word matches, for every engine: its words, its bigrams (as phrases), its folded text."""
    terms = word_terms(word.text) if word.exact else query_word_terms(word.text)
    return tuple(terms), tuple(query_bigrams(word.text)), "".join(fold(word.text).split())


@functools.lru_cache(maxsize=4096)
def matches_other_forms(word: Word) -> bool:
    """Whether the word's terms also match forms other than the one typed (認識する → 認識した;
    an English word, by its stem: meeting → meetings, and jenesi → JENESYS). A word typed in
    capitals (ASEAN, ＩＡＥＡ) is an acronym: stemmed as any word, but with no other forms."""
    terms, _, folded = query_parts(word)
    if inflects(word.text) or "".join(terms) != folded:
        return True
    lower_case = any(char.isascii() and char.islower() for char in unicodedata.normalize("NFKC", word.text))
    return lower_case and any(map(is_stemmed, terms))


def equivalents(word: Word) -> tuple[Word, ...]:
    """The other forms a word also searches (安保理 → 国連安全保障理事会); none for a quoted word."""
    if word.exact:
        return ()
    return tuple(Word(form, False, word.negated) for form in _equivalent_forms(word.text))


@functools.lru_cache(maxsize=4096)
def _equivalent_forms(text: str) -> tuple[str, ...]:
    return load_equivalents().of(text)


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


def title_words(group: tuple[Word, ...]) -> tuple[Word, ...]:
    """The words a group's title search looks for: each word, and each without an ending
    such as （概要）, so that 日米外相会談（概要） finds a readout titled 日米外相会談."""
    words = dict.fromkeys(word for word in group if len(word.text) <= MAX_TITLE_CHARS)
    for word in words.copy():
        bare = without_ending(word.text)
        if bare and bare != word.text:
            words.setdefault(Word(bare, word.exact, word.negated))
    return tuple(words)
