"""The title tier: the readouts whose title matches a query word, ranked above the rest.

A query word matches a paragraph in its text, its headings, or its readout's
title (with the title's other spellings and the category line,
`indexer.analysis.facets.title_text`). Each engine looks up, per group of the query, the
readouts so titled (`title_ranks`); their paragraphs, found by the title words each paragraph
holds, rank above every other tier, and the readouts a request can show rank among themselves
by title and date, one level each, above the rest (`title_levels`): newest first, whatever their
paragraphs' scores, which order the paragraphs within a readout. A word found in more than
MAX_TITLED titles (会談, 首脳) names no meeting in particular: for it the title tier is left
out, which also bounds the work.

May touch: plain data only; the engines search and score.
"""

from __future__ import annotations

import re
from itertools import takewhile
from operator import itemgetter
from typing import TYPE_CHECKING

from readouts.indexer.analysis.facets import title_aliases
from readouts.indexer.analysis.normalize import fold

if TYPE_CHECKING:
    from collections.abc import Hashable, Iterable

# More readouts than this so titled: the word is too common in titles to rank by.
MAX_TITLED = 1000


# What a title may end with and still be the meeting's name: 日米首脳会談（概要）.
_TITLE_ENDING = re.compile(r"(?:[(（][^()（）]*[)）]|概要|について|の開催)+$")


def without_ending(text: str) -> str:
    """A query word as a meeting's name: 日米外相会談（概要） → 日米外相会談 ("" if nothing is left)."""
    return _TITLE_ENDING.sub("", text.strip())


def core_title(text: str) -> str:
    """A title or query as compared for an exact match: folded, without spaces,
    punctuation or an ending such as （概要）."""
    folded = "".join(fold(text).split())
    return re.sub(r"[・･、，,.。]", "", _TITLE_ENDING.sub("", folded))


def title_cores(title: str) -> list[str]:
    """The title and its other spellings (日加 for 日・カナダ) as compared for an exact match;
    indexed on the readout record (`titles_exact`)."""
    return list(dict.fromkeys(core for form in (title, *title_aliases(title)) if (core := core_title(form))))


def query_cores(words: Iterable[str]) -> list[str]:
    """A group's words as exact titles are looked up (`title_cores`)."""
    return list(dict.fromkeys(core for word in words if (core := core_title(word))))


# A rank above any date (YYYYMMDD): the title is the meeting's name.
_EXACT = 100_000_000


def title_ranks(dated: Iterable[tuple[Hashable, int]], exact: Iterable[Hashable]) -> dict[Hashable, int]:
    """readout → its rank, for (readout, date as YYYYMMDD or 0) of the readouts so titled, and
    those of them whose title is a word of the group, give or take an ending such as （概要）
    (`exact`): those rank above the ones that only hold it; among each, a newer readout higher
    (undated: least), equal dates alike. Ranks are compared, never shown."""
    ranks = dict(dated)
    for readout in exact:
        ranks[readout] += _EXACT
    return ranks


class TopRanks(dict):
    """The ranks of some of the readouts so titled: every one titled exactly, and the newest
    of the others, enough for `title_levels` to level the highest ranked (`levels_known`)."""


def levels_known(newest: list[tuple[Hashable, int]], exact: set[Hashable], shown: int) -> bool:
    """Whether the first readouts so titled by date (readout, date; newest first, of more) and
    every one titled `exact`ly hold the `shown` highest ranked and every one that ties with the
    last of them, as `title_levels` levels them: an exact title ranks above any other, so the
    others must hold the rest, with every readout of the last one's date (those of an earlier
    date than the last read are all before it)."""
    wanted = shown - len(exact)
    if wanted <= 0:
        return True
    others = [date for readout, date in newest if readout not in exact]
    return len(others) >= wanted and newest[-1][1] < others[wanted - 1]


def title_levels(ranks: dict[Hashable, int], shown: int) -> dict[Hashable, int]:
    """readout → its level (1 the lowest) for the `shown` highest ranked readouts, and any that
    share the rank of the last of them; equal ranks share a level. Paragraphs of a readout at a
    level rank above those of every lower level and of the readouts left out: a page of `shown`
    readouts (or paragraphs) then holds the readouts a ranking of every one would put there."""
    if shown <= 0 or not ranks:
        return {}
    # Sorted in C; only the readouts kept are looked at one by one (of up to MAX_TITLED).
    ordered = sorted(ranks.items(), key=itemgetter(1), reverse=True)
    lowest = ordered[min(shown, len(ordered)) - 1][1]
    kept = list(takewhile(lambda item: item[1] >= lowest, ordered))
    level = {rank: place for place, rank in enumerate(sorted({rank for _, rank in kept}), start=1)}
    return {readout: level[rank] for readout, rank in kept}
