"""Find where query words occur in a paragraph, and cut a marked-up snippet.

Spans are found in two ways, as search finds paragraphs: the folded query word
as a substring of the folded paragraph (so TPP marks ＴＰＰ), and the query
word's terms as a run of the paragraph's word terms (so 述べる marks 述べた).
Every span is mapped back onto the original characters before marking, and
everything outside <mark> is escaped.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import NamedTuple

from markupsafe import Markup

from indexer.analysis import word_tokens
from indexer.normalize import fold_with_offsets

SNIPPET_MAX = 200
MAX_HIGHLIGHT_CHARS = 20_000
SNIPPET_MIN = 120
_CUT = re.compile("[。、]")
def _escape(text: str) -> str:
    """What markupsafe.escape does, without a Markup object per piece (most pieces need nothing)."""
    if not ("&" in text or "<" in text or ">" in text or "'" in text or '"' in text):
        return text
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;").replace('"', "&#34;")
    )


@dataclass(frozen=True, slots=True)
class Needle:
    """One query word as highlighting needs it."""

    folded: str  # spaces removed
    terms: tuple[str, ...]
    # Its terms can match other written forms (述べる marks 述べた): only then does
    # highlighting need MeCab on the paragraph; otherwise every match is a substring.
    by_terms: bool = True


class Span(NamedTuple):  # a tuple: a snippet makes many, and a frozen dataclass costs 3× to make
    start: int
    end: int
    needle: int  # which query word it belongs to
    verbatim: bool = False  # the word as typed, not another form of it


def find_spans(text: str, needles: list[Needle]) -> list[Span]:
    """Non-overlapping spans of the original text where query words occur.

    Only the first MAX_HIGHLIGHT_CHARS characters are looked at, so that one
    enormous paragraph cannot make a page slow to build.
    """
    if not needles or not text:
        return []
    folded = fold_with_offsets(text[:MAX_HIGHLIGHT_CHARS])
    spans: list[Span] = []
    for number, needle in enumerate(needles):
        if not needle.folded:
            continue
        start = folded.text.find(needle.folded)
        while start >= 0:
            end = start + len(needle.folded)
            spans.append(Span(*folded.original_span(start, end), number, verbatim=True))
            start = folded.text.find(needle.folded, end)
    by_terms = [(number, needle) for number, needle in enumerate(needles) if needle.by_terms and needle.terms]
    if not by_terms:
        return _merge(spans)
    # MeCab runs only on the sentences that can hold a match: a word that starts
    # with a kanji keeps it in every form (行く, 行った), so a sentence without it
    # has nothing to find; a word that starts with kana may change it (する, した).
    hints = {needle.folded[0] for _, needle in by_terms}
    if not all(_is_kanji(hint) for hint in hints):
        hints = set()
    for start, end in _sentences(folded.text):
        sentence = folded.text[start:end]
        if hints and not any(hint in sentence for hint in hints):
            continue
        tokens = word_tokens(sentence)
        terms = [token.term for token in tokens]
        for number, needle in by_terms:
            size = len(needle.terms)
            for i in range(len(terms) - size + 1):
                if tuple(terms[i : i + size]) == needle.terms:
                    first, last = tokens[i], tokens[i + size - 1]
                    spans.append(Span(*folded.original_span(start + first.start, start + last.end), number))
    return _merge(spans)


def _is_kanji(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf"


def _sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence, the 。 included."""
    bounds = []
    start = 0
    while (stop := text.find("。", start)) >= 0:
        bounds.append((start, stop + 1))
        start = stop + 1
    if start < len(text):
        bounds.append((start, len(text)))
    return bounds


def _merge(spans: list[Span]) -> list[Span]:
    merged: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if merged and span.start < merged[-1].end:
            last = merged[-1]
            merged[-1] = Span(
                last.start, max(last.end, span.end), last.needle, last.verbatim or span.verbatim
            )
        else:
            merged.append(span)
    return merged


def mark(text: str, spans: list[Span], start: int = 0, end: int | None = None) -> Markup:
    """text[start:end], escaped, with the spans inside it wrapped in <mark>."""
    return Markup(_marked(text, spans, start, len(text) if end is None else end))


def _marked(text: str, spans: list[Span], start: int, end: int) -> str:
    out: list[str] = []
    cursor = start
    for span in spans:
        s, e = max(span.start, start), min(span.end, end)
        if s >= e:
            continue
        out.append(_escape(text[cursor:s]))
        out.append(f"<mark>{_escape(text[s:e])}</mark>")
        cursor = e
    out.append(_escape(text[cursor:end]))
    return "".join(out)


def _window(text: str, spans: list[Span]) -> tuple[int, int]:
    """The best passage of about SNIPPET_MIN..SNIPPET_MAX characters."""
    if len(text) <= SNIPPET_MAX:
        return 0, len(text)
    starts = [0] + [cut.end() for cut in _CUT.finditer(text, 0, len(text) - 1)]

    span_starts = [span.start for span in spans]

    def coverage(start: int) -> tuple[int, int, int]:
        # Spans are sorted and do not overlap: bisect to the few in the window.
        # Most query words first, then the forms typed, then most matches.
        first = bisect_left(span_starts, start)
        last = bisect_left(span_starts, start + SNIPPET_MIN)
        inside = [span for span in spans[first:last] if span.end <= start + SNIPPET_MIN]
        verbatim = sum(span.verbatim for span in inside)
        return len({span.needle for span in inside}), verbatim, len(inside)

    # Only a window that starts at most SNIPPET_MIN before a span can hold it; of
    # those that hold none, the first (0) is the one taken.
    candidates = {0}
    for span in spans:
        candidates.update(starts[bisect_left(starts, span.end - SNIPPET_MIN) : bisect_right(starts, span.start)])
    best = max(candidates, key=lambda start: (coverage(start), -start))
    if best > len(text) - SNIPPET_MIN:
        # Near the end: take the last full window that starts after a cut.
        fitting = [s for s in starts if s <= len(text) - SNIPPET_MIN] or [0]
        best = max(fitting, key=lambda start: (coverage(start), start))
    limit = min(len(text), best + SNIPPET_MAX)
    if limit == len(text):
        return best, limit
    cuts = [cut.end() for cut in _CUT.finditer(text, best + SNIPPET_MIN, limit)]
    end = cuts[-1] if cuts else limit
    # Never cut through a marked word.
    for span in spans:
        if span.start < end < span.end:
            end = span.end
    return best, end


def snippet(text: str, spans: list[Span]) -> Markup:
    start, end = _window(text, spans)
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return Markup(prefix + _marked(text, spans, start, end) + suffix)
