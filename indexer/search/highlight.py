"""Find where query words occur in a paragraph, and cut a marked-up snippet.

Spans are found in two ways, as search finds paragraphs: the folded query word
as a substring of the folded paragraph (so TPP marks ＴＰＰ), and the query
word's terms as a run of the paragraph's word terms (so 述べる marks 述べた).
Every span is mapped back onto the original characters before marking, and
everything outside <mark> is escaped.

May touch: analysis/ only; pure functions of text.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from itertools import accumulate, repeat
from operator import add
from typing import NamedTuple

from markupsafe import Markup

from readouts.indexer.analysis.normalize import fold_with_offsets
from readouts.indexer.analysis.terms import word_tokens

SNIPPET_MAX = 200
MAX_HIGHLIGHT_CHARS = 20_000
SNIPPET_MIN = 120
_CUT = re.compile("[。、]")
_SPECIAL = re.compile("[&<>'\"]")  # what _escape replaces
_ENGLISH_WORD = re.compile("[a-z0-9]*[a-z][a-z0-9]*")


def _inside_english_word(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] has a Latin letter or digit right before or after it."""
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    return (before.isascii() and before.isalnum()) or (after.isascii() and after.isalnum())


def _escape(text: str) -> str:
    """What markupsafe.escape does, without a Markup object per piece (most pieces need nothing)."""
    if not ("&" in text or "<" in text or ">" in text or "'" in text or '"' in text):
        return text
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("'", "&#39;")
        .replace('"', "&#34;")
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
    haystack = folded.text
    same_offsets = not folded.groups  # nothing folded to more or fewer characters
    spans: list[Span] = []
    verbatim: list[list[int]] = []  # each word's starts in the folded text
    for number, needle in enumerate(needles):
        word = needle.folded
        starts: list[int] = []
        verbatim.append(starts)
        start = haystack.find(word) if word else -1
        english = _ENGLISH_WORD.fullmatch(word) is not None
        while start >= 0:
            end = start + len(word)
            if english and _inside_english_word(haystack, start, end):
                start = haystack.find(word, start + 1)
                continue  # `for` in `effort`: an English word is marked as a whole word only
            starts.append(start)
            if same_offsets:
                spans.append(Span(start, end, number, True))
            else:
                spans.append(Span(*folded.original_span(start, end), number, True))
            start = haystack.find(word, end)
    by_terms = [(number, needle) for number, needle in enumerate(needles) if needle.by_terms and needle.terms]
    if not by_terms:
        # One word's substring matches are in order and apart already.
        return _merge(spans) if sum(map(bool, verbatim)) > 1 else spans
    # A word of one term cannot match across punctuation: clauses then, shorter than sentences.
    stops = "。、" if all(len(needle.terms) == 1 for _, needle in by_terms) else "。"
    for start, end in _around(folded.text, _pieces(folded.text, stops), by_terms, verbatim):
        sentence = folded.text[start:end]
        tokens = word_tokens(sentence)
        terms = [token.term for token in tokens]
        for number, needle in by_terms:
            size = len(needle.terms)
            for i in range(len(terms) - size + 1):
                if tuple(terms[i : i + size]) == needle.terms:
                    first, last = tokens[i], tokens[i + size - 1]
                    spans.append(Span(*folded.original_span(start + first.start, start + last.end), number))
    return _merge(spans)


# Characters of context MeCab sees on either side of a possible match in a long sentence.
_CONTEXT = 16


def _around(
    text: str, pieces: list[tuple[int, int]], by_terms: list[tuple[int, Needle]], verbatim: list[list[int]]
) -> list[tuple[int, int]]:
    """The parts of the pieces that can hold a match not found as written, for MeCab to read.

    Inflection changes the kana of a word, never its kanji (行く, 行った; 差し控える,
    差し控えます): a piece without every kanji of a word's terms has nothing to find,
    nor one where each place a kanji of the word occurs lies inside the word as
    written (`verbatim`, found already), and of a long one only the stretch around
    each place that word's first kanji occurs can. A word with no kanji (する,
    した) may be anywhere: every piece whole.
    """
    kanji = [[char for char in "".join(needle.terms) if _is_kanji(char)] for _, needle in by_terms]
    if not all(kanji):
        return pieces
    found: list[tuple[int, int]] = []
    for start, end in pieces:
        piece = text[start:end]
        holding = [
            (chars[0], len(needle.folded))
            for chars, (number, needle) in zip(kanji, by_terms, strict=True)
            if all(char in piece for char in chars)
            and not _written_only(text, start, end, chars, needle.folded, verbatim[number])
        ]
        if not holding:
            continue
        if end - start <= 4 * _CONTEXT:
            found.append((start, end))
            continue
        windows = []
        for char, size in holding:
            at = text.find(char, start, end)
            while at >= 0:
                windows.append((max(start, at - size - _CONTEXT), min(end, at + size + _CONTEXT)))
                at = text.find(char, at + 1, end)
        windows.sort()
        for window in windows:
            if found and found[-1][1] >= window[0] and found[-1][0] >= start:
                found[-1] = (found[-1][0], max(found[-1][1], window[1]))
            else:
                found.append(window)
    return found


def _written_only(text: str, start: int, end: int, kanji: list[str], word: str, starts: list[int]) -> bool:
    """Whether one of the word's kanji occurs in text[start:end] only inside the word as written,
    where a match is the word as written: only a word that ends in a whole form (差し控える,
    not 差し控え, which runs on into the paragraph's 差し控える) has its matches end with it."""
    if not starts or _runs_on(word):
        return False
    for char in kanji:
        inside = [at + offset for at in starts for offset, c in enumerate(word) if c == char]
        at = text.find(char, start, end)
        while at >= 0 and at in inside:
            at = text.find(char, at + 1, end)
        if at < 0:
            return True
    return False


@functools.lru_cache(maxsize=4096)
def _runs_on(word: str) -> bool:
    """Whether the word's last word is a form whose word can run on (差し控え of 差し控える)."""
    tokens = word_tokens(word)
    return (
        bool(tokens) and tokens[-1].inflected and tokens[-1].term != word[tokens[-1].start : tokens[-1].end]
    )


def _is_kanji(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf"


def _pieces(text: str, stops: str) -> list[tuple[int, int]]:
    """(start, end) of each piece of text that ends with one of `stops` (included), or the text's end."""
    bounds = []
    start = 0
    for match in re.finditer(f"[{stops}]", text):
        bounds.append((start, match.end()))
        start = match.end()
    if start < len(text):
        bounds.append((start, len(text)))
    return bounds


def _order(span: Span) -> tuple[int, int]:
    return span.start, -span.end


def _merge(spans: list[Span]) -> list[Span]:
    merged: list[Span] = []
    for span in sorted(spans, key=_order):
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
    # Most paragraphs hold nothing to escape: one scan says so, and the pieces are kept as they are.
    escape = _escape if _SPECIAL.search(text, start, end) else str
    out: list[str] = []
    cursor = start
    for s, e, _, _ in spans:
        if s < start:
            s = start
        if e > end:
            e = end
        if s >= e:
            continue
        out += (escape(text[cursor:s]), "<mark>", escape(text[s:e]), "</mark>")
        cursor = e
    out.append(escape(text[cursor:end]))
    return "".join(out)


def _coverages(starts: list[int], spans: list[Span]) -> list[tuple[int, int, int]]:
    """For each passage start (ascending): how many query words, forms typed and matches
    lie wholly within its first SNIPPET_MIN characters.

    Spans are sorted and apart, so the spans inside are a run that only moves
    forward as the start does: two pointers, not a search per start.
    """
    found: list[tuple[int, int, int]] = []
    needles: dict[int, int] = {}
    verbatim = matches = first = last = 0
    for start in starts:
        while first < len(spans) and spans[first].start < start:
            if first < last:  # leaves the passage
                span = spans[first]
                needles[span.needle] -= 1
                if not needles[span.needle]:
                    del needles[span.needle]
                verbatim -= span.verbatim
                matches -= 1
            first += 1
        last = max(last, first)
        while last < len(spans) and spans[last].end <= start + SNIPPET_MIN:
            span = spans[last]
            needles[span.needle] = needles.get(span.needle, 0) + 1
            verbatim += span.verbatim
            matches += 1
            last += 1
        found.append((len(needles), verbatim, matches))
    return found


def _window(text: str, spans: list[Span]) -> tuple[int, int]:
    """The best passage of about SNIPPET_MIN..SNIPPET_MAX characters: most query words,
    then the forms typed, then most matches, then the earliest."""
    size = len(text)
    if size <= SNIPPET_MAX:
        return 0, size
    if not spans or spans[-1].end <= SNIPPET_MIN:
        # The first passage holds every match: none can hold more, and it is the earliest.
        return _end(text, spans, 0)
    # Where a passage may start: the beginning, and after each 。 or 、 but the last character.
    starts = [0, *accumulate(map(add, map(len, _CUT.split(text)[:-1]), repeat(1)))]
    if starts[-1] == size:
        starts.pop()
    # Only a passage that starts at most SNIPPET_MIN before a span can hold it; of
    # those that hold none, the first (0) is the one taken.
    candidates = {0}
    for span in spans:
        candidates.update(
            starts[bisect_left(starts, span.end - SNIPPET_MIN) : bisect_right(starts, span.start)]
        )
    ordered = sorted(candidates)
    best = max(zip(_coverages(ordered, spans), ordered, strict=True), key=lambda item: (item[0], -item[1]))[1]
    if best > size - SNIPPET_MIN:
        # Near the end: the last full passage that starts after a cut, by the same
        # measure but the latest first; of those that hold nothing, the last one.
        fitting = [start for start in ordered if start <= size - SNIPPET_MIN]
        fitting = sorted(
            {*fitting, max((start for start in starts if start <= size - SNIPPET_MIN), default=0)}
        )
        best = max(zip(_coverages(fitting, spans), fitting, strict=True))[1]
    return _end(text, spans, best)


def _end(text: str, spans: list[Span], start: int) -> tuple[int, int]:
    """The passage from `start`: up to SNIPPET_MAX characters, cut after the last 。 or 、
    past SNIPPET_MIN."""
    limit = min(len(text), start + SNIPPET_MAX)
    if limit == len(text):
        return start, limit
    cut = max(text.rfind("。", start + SNIPPET_MIN, limit), text.rfind("、", start + SNIPPET_MIN, limit))
    end = cut + 1 if cut >= 0 else limit
    # Never cut through a marked word.
    for span in spans:
        if span.start < end < span.end:
            end = span.end
    return start, end


def snippet(text: str, spans: list[Span]) -> Markup:
    start, end = _window(text, spans)
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return Markup(prefix + _marked(text, spans, start, end) + suffix)
