"""More like this: a paragraph named as a hit cites it, and the words it is most like others by.

May touch: analysis/ only; the index's word frequencies come as a callable.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable

from readouts.indexer.analysis.normalize import fold
from readouts.indexer.analysis.terms import WordToken, word_tokens
from readouts.indexer.search.highlight import MAX_HIGHLIGHT_CHARS

# Words of a paragraph that its related paragraphs are found by.
MAX_RELATED_TERMS = 12


_HIRAGANA = re.compile(r"[\u3041-\u309f]+")


def _is_content_word(token: WordToken) -> bool:
    """A word worth matching on: two characters or more, not a particle, verb or number."""
    term = token.term
    return (
        len(term) >= 2
        and not token.droppable
        and not token.inflected
        and not _HIRAGANA.fullmatch(term)
        and any(char.isalpha() for char in term)
    )


def find_paragraph(paragraphs: list[dict], section: str) -> dict | None:
    """The paragraph with this anchor, else the first one cited with this section."""
    wanted = unicodedata.normalize("NFKC", section).replace(" ", "")
    return next((p for p in paragraphs if p.get("anchor") == wanted), None) or next(
        (p for p in paragraphs if p.get("section") == wanted), None
    )


def distinctive_terms(
    text: str, frequencies_of: Callable[[list[str]], tuple[int, dict[str, int]]]
) -> list[str]:
    """The paragraph's most distinctive content words, by tf-idf over the index's paragraphs
    (`frequencies_of(terms)`: how many paragraphs there are, and how many hold each)."""
    counts = Counter(
        token.term for token in word_tokens(fold(text[:MAX_HIGHLIGHT_CHARS])) if _is_content_word(token)
    )
    paragraphs, frequencies = frequencies_of(list(counts))
    weights = {
        term: count * math.log(1 + paragraphs / frequencies[term])
        for term, count in counts.items()
        if 0 < frequencies[term] < paragraphs / 2
    }
    return sorted(weights, key=lambda term: (-weights[term], term))[:MAX_RELATED_TERMS]
