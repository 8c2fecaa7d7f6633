"""Did you mean: spellings of a query word that the index holds when the word finds little.

For each unquoted query word, the candidates are:

- nouns that read the same in the dictionary (安部 → 安倍, both アベ) or are the same
  katakana word written with another variation (パウェル → パウエル, ヴォ/ボ): a few
  readouts that hold a noun of the word's reading key (`indexer.analysis.terms.reading_key`)
  are read for those nouns;
- the word with a character written the usual way (髙 → 高, 﨑 → 崎): the variant pairs
  of `equivalents.toml`.

Each candidate query (the query with that word replaced) is counted, and those that
find more than the query did are offered, most first. The query itself is never
replaced. A word of several that finds enough alone is left as it is: the query
finds little because its words are rare together.

May touch: the index only through the callables it is given.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from readouts.indexer.analysis.equivalents import load as load_equivalents
from readouts.indexer.analysis.normalize import fold
from readouts.indexer.analysis.query import ParsedQuery
from readouts.indexer.analysis.terms import keyed_nouns, reading_key

# A search with fewer paragraphs than this gets suggestions.
SUGGEST_BELOW = 3
MAX_SUGGESTIONS = 5
# Readouts read for the nouns of a reading key, per key.
READOUTS_PER_KEY = 3


@dataclass(frozen=True, slots=True)
class Suggestion:
    word: str  # as typed
    instead: str  # what the index holds
    query: str  # the whole query with the word replaced
    count: int  # paragraphs it finds


def _sources(word: str) -> tuple[list[tuple[str, str]], list[str]]:
    """What other spellings of a word come from: its nouns with a reading key (folded
    surface, key), and its spellings with usual characters. MeCab reads the word alone."""
    folded = fold(word)
    nouns = keyed_nouns(word)
    if (whole := reading_key(folded, "")) and (folded, whole) not in nouns:
        nouns.append((folded, whole))  # a katakana word the dictionary splits (メルケール)
    usual = [word.replace(old, new) for old, new in load_equivalents().variants if old in word]
    return nouns, usual


def _spellings(
    word: str,
    sources: tuple[list[tuple[str, str]], list[str]],
    readouts_of: Callable[[str], list[str]],
    paragraphs_of: Callable[[str], list[str]],
) -> list[str]:
    """Other spellings of a word: same reading (from the index's readouts), usual characters."""
    folded = fold(word)
    found: dict[str, None] = {}
    nouns, usual = sources
    for surface, key in nouns:
        for doc_id in readouts_of(key):
            for text in paragraphs_of(doc_id):
                others = [
                    other for other, other_key in keyed_nouns(text) if other_key == key and other != surface
                ]
                for other in others:
                    found.setdefault(folded.replace(surface, other, 1))
                if others:
                    break  # one paragraph of a readout names it; its other paragraphs need no reading
    found.update(dict.fromkeys(usual))
    found.pop(folded, None)
    found.pop(word, None)
    return list(found)


def suggest(
    text: str,
    parsed: ParsedQuery,
    total: int,
    count: Callable[[str], int],
    readouts_of: Callable[[str], list[str]],
    paragraphs_of: Callable[[str], list[str]],
) -> tuple[Suggestion, ...]:
    """Suggestions for a query that found `total` paragraphs (none at SUGGEST_BELOW or more)."""
    if total >= SUGGEST_BELOW:
        return ()
    offered: list[Suggestion] = []
    words = parsed.positive_words
    for word in words:
        if word.exact or word.text not in text:
            continue
        sources = _sources(word.text)
        if not any(sources):
            continue
        if len(words) > 1 and count(word.text) >= SUGGEST_BELOW:
            continue  # common as typed: the words are rare together, not this one misspelt
        for spelling in _spellings(word.text, sources, readouts_of, paragraphs_of)[:MAX_SUGGESTIONS]:
            query = text.replace(word.text, spelling, 1)
            found = count(query)
            if found > total:
                offered.append(Suggestion(word.text, spelling, query, found))
    offered.sort(key=lambda suggestion: -suggestion.count)
    return tuple(offered[:MAX_SUGGESTIONS])
