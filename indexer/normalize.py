"""Width and case folding that remembers where each character came from.

Search runs on NFKC-normalized, lower-cased text (ＴＰＰ → tpp, ｻｲﾊﾞｰ → サイバー,
２＋２ → 2+2), but highlights must land on the characters the user reads. NFKC
changes lengths (㈱ → (株), ｶﾞ → ガ), so every normalized character keeps the span
of original characters it was made from.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from itertools import chain, repeat
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Folded:
    """Normalized text plus, for each of its characters, the original span."""

    text: str
    starts: Sequence[int]
    ends: Sequence[int]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of the normalized text back onto the original text."""
        return self.starts[start], self.ends[end - 1]


def fold(text: str) -> str:
    """The normalized form alone, for queries and comparisons."""
    return unicodedata.normalize("NFKC", text).lower()


@functools.lru_cache(maxsize=65536)
def _fold_char(char: str) -> str:
    return unicodedata.normalize("NFKC", char).lower()


_JOINS = "\uffff"  # a noncharacter: stands for a character that joins the one before


class _FoldTable(dict):
    """Code point → its folded form, for str.translate: each character folded on its own, once;
    _JOINS for a character that folds only together with the one before it."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        folded = self[code] = _JOINS if _joins_previous(char) else _fold_char(char)
        return folded


_FOLD_TABLE = _FoldTable()

# Where most of a readout's characters come from: ASCII, CJK punctuation, kana and
# ideographs. Those of them that fold to themselves, alone, are skipped by one regular
# expression; only the others are looked up (fullwidth ＴＰＰ, （）, the ideographic space).
_COMMON_RANGES = ((0x00, 0x7F), (0x2010, 0x2027), (0x3001, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF))


@functools.cache
def _unsettled() -> re.Pattern:
    """A pattern for any character that may fold to something else (checked one by one, once)."""
    settled = [
        code
        for first, last in _COMMON_RANGES
        for code in range(first, last + 1)
        if _fold_char(chr(code)) == chr(code) and not _joins_previous(chr(code))
    ]
    ranges = []
    for code in settled:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    body = "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)
    return re.compile(f"[^{body}]")


def _fold_match(match: re.Match) -> str:
    return _FOLD_TABLE[ord(match.group())]


@functools.lru_cache(maxsize=65536)
def _joins_previous(char: str) -> bool:
    """Whether NFKC must see char with the one before it (ｶ + ﾞ becomes ガ)."""
    first = unicodedata.normalize("NFKC", char)[:1]
    return bool(first and unicodedata.combining(first))


def fold_with_offsets(text: str) -> Folded:
    """Fold text, mapping each folded character to the original characters it came from.

    A base character and the characters after it whose normalized form begins
    with a combining mark are folded together; everything else one character at
    a time (cached: a paragraph repeats its characters), which keeps the mapping exact.
    """
    lowered = text.lower()
    if len(lowered) == len(text) and (text.isascii() or unicodedata.is_normalized("NFKC", text)):
        # Fast path: nothing to normalize, and lower-casing kept every length.
        return Folded(lowered, range(len(text)), range(1, len(text) + 1))
    folded = _unsettled().sub(_fold_match, text)
    if _JOINS not in folded:
        size = len(text)
        if len(folded) == size:
            # Each character folded to one (ＴＰＰ → tpp, ，→ ,), none with its neighbour:
            # the offsets stay put.
            return Folded(folded, range(size), range(1, size + 1))
        # Some fold to several (… → ...): each folded character keeps its own, repeated
        # by C iterators rather than a loop in Python.
        lengths = list(map(len, map(_FOLD_TABLE.__getitem__, map(ord, text))))
        return Folded(
            folded,
            tuple(chain.from_iterable(map(repeat, range(size), lengths))),
            tuple(chain.from_iterable(map(repeat, range(1, size + 1), lengths))),
        )
    parts: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    size = len(text)
    i = 0
    while i < size:
        end = i + 1
        while end < size and _joins_previous(text[end]):
            end += 1
        piece = _fold_char(text[i]) if end == i + 1 else fold(text[i:end])
        parts.append(piece)
        starts.extend([i] * len(piece))
        ends.extend([end] * len(piece))
        i = end
    return Folded("".join(parts), tuple(starts), tuple(ends))
