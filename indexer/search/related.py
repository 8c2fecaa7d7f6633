"""More like this: a paragraph named as a hit cites it, and the words it is most like others by.

May touch: analysis/, and the index through the engine's `Reader` the library hands it.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable

from readouts.indexer.analysis.normalize import fold
from readouts.indexer.analysis.terms import WordToken, word_tokens
from readouts.indexer.engines.base import Reader
from readouts.indexer.search.highlight import MAX_HIGHLIGHT_CHARS, Needle, mark
from readouts.indexer.search.results import Hit, ShownParagraph, hit_of

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


def related_to(
    reader: Reader, doc_id: str, section: str, limit: int
) -> tuple[ShownParagraph, list[Hit]] | None:
    """The paragraphs of other readouts most like one paragraph, best first.

    The paragraph is named by its anchor (s1-3, lead_2) or by its section as
    a hit prints it (1.(3), 前文, full-width １．（３） too: the first paragraph
    of that section). More like this: the paragraph's most distinctive content
    words (by tf-idf), any of which may match; None when the readout or the
    paragraph is not there.
    """
    paragraph = find_paragraph(reader.paragraphs(doc_id), section)
    if paragraph is None:
        return None
    terms = distinctive_terms(paragraph["text"], reader.doc_frequencies)
    shown = ShownParagraph(
        section=paragraph.get("section", ""),
        label=paragraph.get("label", ""),
        headings=tuple(paragraph.get("headings", ())),
        anchor=paragraph.get("anchor", ""),
        position=paragraph.get("position", 0),
        text=mark(paragraph["text"], []),
        matched=False,
    )
    if not terms:
        return shown, []
    found = [Needle(term, (term,), False) for term in terms]
    return shown, [
        hit_of(fields, score, found) for fields, score in reader.similar(terms, doc_id, min(limit, 20))
    ]


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
