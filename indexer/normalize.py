"""Width and case folding that remembers where each character came from.

Search runs on NFKC-normalized, lower-cased text (ＴＰＰ → tpp, ｻｲﾊﾞｰ → サイバー,
２＋２ → 2+2), but highlights must land on the characters the user reads. NFKC
changes lengths (㈱ → (株), ｶﾞ → ガ), so every normalized character keeps the span
of original characters it was made from.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Folded:
    """Normalized text plus, for each of its characters, the original span."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of the normalized text back onto the original text."""
        return self.starts[start], self.ends[end - 1]


def fold(text: str) -> str:
    """The normalized form alone, for queries and comparisons."""
    return unicodedata.normalize("NFKC", text).lower()


def _clusters(text: str):
    """Yield (start, end) runs that NFKC must see together.

    A base character and the characters after it whose normalized form begins
    with a combining mark (ｶ + ﾞ becomes ガ) are one cluster; everything else is
    normalized one character at a time, which keeps the mapping exact.
    """
    start = 0
    for i in range(1, len(text)):
        first = unicodedata.normalize("NFKC", text[i])[:1]
        if not (first and unicodedata.combining(first)):
            yield start, i
            start = i
    if text:
        yield start, len(text)


def fold_with_offsets(text: str) -> Folded:
    if text.isascii():
        # Fast path: lower-casing ASCII never changes lengths.
        span = tuple(range(len(text)))
        return Folded(text.lower(), span, tuple(i + 1 for i in span))
    parts: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for start, end in _clusters(text):
        piece = fold(text[start:end])
        parts.append(piece)
        starts.extend([start] * len(piece))
        ends.extend([end] * len(piece))
    return Folded("".join(parts), tuple(starts), tuple(ends))
