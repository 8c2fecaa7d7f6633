"""Width and case folding that remembers where each character came from.

Search runs on NFKC-normalized, lower-cased text (ＴＰＰ → tpp, ｻｲﾊﾞｰ → サイバー,
２＋２ → 2+2), but highlights must land on the characters the user reads. NFKC
changes lengths (㈱ → (株), ｶﾞ → ガ), so every normalized character keeps the span
of original characters it was made from.

May touch: nothing; pure functions of text.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from bisect import bisect_right


class Folded:
    """Normalized text that can map its spans back onto the original text.

    `groups` holds, in order, each run of original characters whose normalized
    form is not one character for one ((folded start, folded end, original
    start, original end): ㈱ → (株), ｶﾞ → ガ); between them, offsets only shift.
    """

    __slots__ = ("_firsts", "groups", "text")

    def __init__(self, text: str, groups: tuple[tuple[int, int, int, int], ...] = ()) -> None:
        self.text = text
        self.groups = groups
        self._firsts = [group[0] for group in groups] if groups else []

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of the normalized text back onto the original text."""
        if not self.groups:
            return start, end
        return self._original(start)[0], self._original(end - 1)[1]

    def _original(self, at: int) -> tuple[int, int]:
        """The original characters that normalized character `at` came from."""
        index = bisect_right(self._firsts, at) - 1
        if index < 0:
            return at, at + 1
        _, folded_end, original_start, original_end = self.groups[index]
        if at < folded_end:
            return original_start, original_end
        at += original_end - folded_end
        return at, at + 1


def fold(text: str) -> str:
    """The normalized form alone, for queries and comparisons."""
    return unicodedata.normalize("NFKC", text).lower()


@functools.lru_cache(maxsize=65536)
def _fold_char(char: str) -> str:
    return unicodedata.normalize("NFKC", char).lower()


_JOINS = "\uffff"  # a noncharacter: stands for a character that joins the one before


def _form(char: str) -> str:
    """A character folded on its own, or _JOINS if it folds only with the one before it."""
    return _JOINS if _joins_previous(char) else _fold_char(char)


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
    body = "".join(
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges
    )
    return re.compile(f"[^{body}]")


@functools.lru_cache(maxsize=65536)
def _joins_previous(char: str) -> bool:
    """Whether NFKC must see char with the one before it (ｶ + ﾞ becomes ガ)."""
    first = unicodedata.normalize("NFKC", char)[:1]
    return bool(first and unicodedata.combining(first))


def fold_with_offsets(text: str) -> Folded:
    """Fold text, remembering where each folded character came from.

    A base character and the characters after it whose normalized form begins
    with a combining mark are folded together; every other character on its own,
    which keeps the mapping exact. Characters that fold to themselves are skipped
    by one regular expression; the others are replaced kind by kind.
    """
    unsettled = _unsettled()
    if unsettled.search(text) is None:
        return Folded(text)  # most paragraphs
    found = frozenset(unsettled.findall(text))
    plan = _plan(found)
    if plan is None:
        return _fold_by_groups(text)  # characters that join (ｶﾞ), or forms that fold again
    replaced, longer = plan
    folded = text
    for char, form in replaced:
        folded = folded.replace(char, form)
    if "Σ" in found and len(whole := fold(text)) == len(folded):
        folded = whole  # lower case depends on the neighbours here only: ΣΑΣ → σας
    if not longer:
        return Folded(folded)
    groups = []
    shift = 0  # folded offset minus original offset
    for at, size in sorted((at, size) for char, size in longer for at in _positions(text, char)):
        groups.append((at + shift, at + shift + size, at, at + 1))
        shift += size - 1
    return Folded(folded, tuple(groups))


@functools.lru_cache(maxsize=4096)
def _plan(
    unsettled: frozenset[str],
) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, int], ...]] | None:
    """How to fold a text holding these characters one by one: (character, form) to
    replace, and the characters whose form is not one character long, with its length;
    None when they must be folded in groups."""
    forms = {char: _form(char) for char in unsettled}
    outputs = "".join(forms.values())
    if _JOINS in outputs or any(forms.get(char, char) != char for char in outputs):
        return None
    replaced = tuple((char, form) for char, form in forms.items() if form != char)
    longer = tuple((char, len(form)) for char, form in forms.items() if len(form) != 1)
    return replaced, longer


def _positions(text: str, char: str):
    at = text.find(char)
    while at >= 0:
        yield at
        at = text.find(char, at + 1)


def _fold_by_groups(text: str) -> Folded:
    parts: list[str] = []
    groups: list[tuple[int, int, int, int]] = []
    folded_size = 0
    size = len(text)
    i = 0
    while i < size:
        end = i + 1
        while end < size and _joins_previous(text[end]):
            end += 1
        piece = _fold_char(text[i]) if end == i + 1 else fold(text[i:end])
        if len(piece) != 1 or end != i + 1:
            groups.append((folded_size, folded_size + len(piece), i, end))
        parts.append(piece)
        folded_size += len(piece)
        i = end
    return Folded("".join(parts), tuple(groups))
