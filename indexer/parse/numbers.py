"""Section numbers as the Ministry prints them: `I.`, `1.`/`1 `/`１．`, `(1)`, `(ア)`/`ア `/`(a)`,
`a`/`(i)`, `①`; what level each is, how it is cited, and its place in its list.

May touch: parse/lines only; pure functions of a line.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass

from readouts.indexer.parse.lines import Line

_KATAKANA = "ア-ン"
_CIRCLED = "①-⑳"
_ROMAN = r"(?:ix|iv|v?i{1,3}|v|x)"
# (level, pattern) on the NFKC form of a line; the first group that matched is the number.
_MARKERS = (
    (0, re.compile(r"^(IX|IV|V?I{1,3}|V|X)\.\s*")),
    (1, re.compile(r"^(\d{1,2})(?:\.(?!\d)\s*|\s+|$)")),
    (2, re.compile(r"^\((\d{1,2})\)\s*")),
    # (ア), ア; in English (a), (b) — not (i), which is the next level.
    (
        3,
        re.compile(
            rf"^\(([{_KATAKANA}])\)\s*|^([{_KATAKANA}])(?:\s+|\.\s*)(?=\S)|^\((?!{_ROMAN}\))([a-z])\)\s*"
        ),
    ),
    # a, b before Japanese text (`a 日米…`: never English `a meeting`); (i), (ii) in English.
    (4, re.compile(rf"^([a-z])(?:[.)]\s*|\s+)(?=[^\x00-\x7f])|^\(({_ROMAN})\)\s*")),
)


@dataclass(frozen=True, slots=True)
class Marker:
    level: int
    label: str  # as printed
    number: str  # normalized

    @property
    def part(self) -> str:
        if self.level <= 1:
            return f"{self.number}."
        if self.level == 2 and self.label.endswith("."):
            return f"/{self.number}."  # a list under a numbered heading (`_WebPage._sublist`)
        return f"({self.number})" if self.level <= 3 or self.label.startswith("(") else self.number

    @property
    def ordinal(self) -> int:
        """Its place in its list: 3 for 3, (3), (ウ), (c) and (iii)."""
        number = self.number
        if number.isdigit():
            return int(number)
        if re.fullmatch(_ROMAN, number):
            return _roman_value(number)
        if "ア" <= number <= "ン":
            return "アイウエオカキクケコサシスセソタチツテトナニヌネノ".find(number) + 1
        return ord(number) - ord("a") + 1 if number.isascii() else 0


def _roman_value(number: str) -> int:
    values = {"i": 1, "v": 5, "x": 10}
    total = 0
    for this, following in itertools.zip_longest(number, number[1:], fillvalue=""):
        value = values[this]
        total += -value if following and values[following] > value else value
    return total


def _original_prefix(text: str, norm_length: int) -> int:
    """How many characters of text make up the first norm_length characters of its NFKC form."""
    for size in range(len(text) + 1):
        if len(unicodedata.normalize("NFKC", text[:size]).lstrip()) >= norm_length:
            return size
    return len(text)


def line_markers(line: Line, *, circled: bool) -> tuple[list[Marker], str]:
    """The section numbers that start a line (`1. (1)` holds two), and the text after them."""
    markers: list[Marker] = []
    text, norm = line.text, line.norm
    while norm:
        if circled and re.match(f"[{_CIRCLED}]", text):
            level, number, size, norm_size = 5, text[0], 1, len(unicodedata.normalize("NFKC", text[0]))
        else:
            for level, pattern in _MARKERS:  # noqa: B007 - the loop leaves the matching level
                match = pattern.match(norm)
                if match:
                    number = next(group for group in match.groups() if group)
                    norm_size = match.end()
                    size = _original_prefix(text, norm_size)
                    break
            else:
                break
        if markers and level <= markers[-1].level:
            if level == markers[-1].level and number == markers[-1].number:
                markers.pop()  # `1. 1 本10日`: a list's number before the text's own
            else:
                break
        marker = Marker(level, text[:size].strip(), number)
        if (
            len(markers) == 1
            and line.indent
            and markers[0].level == 1
            and marker.ordinal == markers[0].ordinal > 0
        ):
            markers.pop()  # `  2. (2)`, `  1. (ア)`: a list's number before the text's own, one level down
        markers.append(marker)
        text, norm = text[size:].strip(), norm[norm_size:].strip()
    return markers, text
