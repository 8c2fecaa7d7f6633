"""A readout's body lines grouped into blocks: a paragraph or a heading each, with the section
numbers that start it (`1.`, `(1)`, `(ア)`, `①`…; in English `(a)`, `(i)`), from web-page text
or from a PDF's hard-wrapped lines.

May touch: parse/lines only; a pure function of the lines.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass

from readouts.indexer.parse.lines import (
    CREDIT,
    MEETING_NOUN,
    Line,
    caption_names,
    is_caption,
    is_footer,
    is_latin,
    is_navigation,
    is_short_label,
    make_line,
    width,
)
from readouts.indexer.parse.numbers import Marker, line_markers

_END_MARKS = frozenset({"(了)", "(以上)", "以上", "(END)", "(End)"})
_SENTENCE_END = ("。", "。」", "。）", "。)", ".", '."', ".”", ".)")
_HEADING_MAX_CHARS = 40
# Notes after the numbered paragraphs: 【参考】, [参考]これまでの経緯, (参考), (注)….
_NOTE = re.compile(r"^(?:【[^】]{1,12}】|[\[(](?:参考|注)[\])])")
# Who attended: 【同席者】, 出席者:…, 当方:…, 先方:…, 米側:… (on the NFKC form of a line).
ATTENDEES_LINE = re.compile(
    r"^\s*(?:[【\[(](?:同席者|出席者|陪席者|同席)[】\])]|(?:同席者|出席者|陪席者)\s*:"
    r"|(?:当方|先方|我が方|日本側|[^\s:、,。]{1,8}側)\s*:)"
)
BULLET = re.compile(r"^[-・•]\s*")
# A line that cannot start a paragraph: it goes on the line before (link texts broke it).
# In English, a line that starts in lower case (a sentence broken at about 75 characters).
_CONTINUATION = re.compile(r"^(?:[)）/／、,。がをにのはとで]|(?:等|など)。?$|[a-z])")


# --- lines into blocks -------------------------------------------------------


@dataclass
class Block:
    lines: list[str]
    markers: list[Marker]
    heading: bool = False
    note: bool = False  # 【参考】 and the like: ends the numbered sections

    @property
    def text(self) -> str:
        text = ""
        for line in self.lines:
            text = _join(text, line)
        return text.strip()

    @property
    def level(self) -> int:
        return self.markers[-1].level if self.markers else 99


def _join(left: str, right: str) -> str:
    """Join a hard-wrapped line to the next one: Japanese without a space, English words with one."""
    if (
        left
        and right
        and (left[-1].isascii() and (left[-1].isalnum() or left[-1] in ",;:.)?!\"'”’"))
        and (right[0].isascii() and (right[0].isalnum() or right[0] in "(\"'“‘"))
    ):
        return f"{left} {right}"
    return left + right


def is_pdf_layout(lines: list[Line]) -> bool:
    """Text extracted from a PDF: lines followed by blank lines, and hard-wrapped.

    Web pages also separate paragraphs by blank lines, but their lines are whole
    paragraphs that end a sentence; a PDF's are cut at the printed width.
    """
    filled = [line for line in lines if not line.blank]
    followed = sum(1 for i, line in enumerate(lines[:-1]) if not line.blank and lines[i + 1].blank)
    if len(filled) < 4 or followed < 0.6 * len(filled):
        return False
    text = [line.norm for line in filled if not is_caption(line)]
    long = [line for line in text if width(line) >= 20]
    if not long:
        return False
    unended = sum(1 for line in long if not line.endswith(_SENTENCE_END))
    # A printed line holds about 40 characters; a web paragraph is one line of any length.
    wide = sum(1 for line in text if width(line) > 60)
    return unended >= 0.5 * len(long) and wide <= 0.1 * len(text)


def pdf_blocks(lines: list[Line]) -> list[Block]:
    """Join PDF lines into blocks: a paragraph or a heading each."""
    filled = sorted(len(line.text) for line in lines if not line.blank)
    # The width of a full printed line: a line clearly shorter than that and
    # ending a sentence ends its paragraph even when the next has no number.
    full_width = filled[int(len(filled) * 0.9)] if filled else 0

    def is_heading(block: Block) -> bool:
        if not block.markers or len(block.lines) > 1:
            return False
        rest = block.lines[0]
        if len(rest) > _HEADING_MAX_CHARS or "。" in rest:
            return False
        # A full printed line is the first line of a wrapped paragraph.
        return len(block.markers[0].label) + len(rest) < 0.8 * full_width

    blocks: list[Block] = []
    for line in lines:
        if line.blank:
            continue
        if line.norm in _END_MARKS:
            break
        if re.fullmatch(r"[-‐−–—\s]*\d{1,3}[-‐−–—\s]*", line.norm):
            continue  # a page number
        markers, rest = line_markers(line, circled=False)
        bullet = not markers and BULLET.match(line.norm) and width(line.norm) > 8
        if bullet:  # a `- ` or `•` item starts a paragraph of its own
            rest = BULLET.sub("", line.text)
        previous = blocks[-1] if blocks else None
        if (
            not markers
            and not bullet
            and previous is not None
            and not is_heading(previous)
            and not (
                previous.lines[-1].endswith(_SENTENCE_END)
                and len(previous.lines[-1]) + len(previous.markers[0].label if previous.markers else "")
                < 0.8 * full_width
            )
        ):
            previous.lines.append(line.text)
        else:
            blocks.append(Block([rest], markers))
    for block in blocks:
        block.heading = is_heading(block)
    return blocks


def web_blocks(lines: list[Line], heading_texts: list[str]) -> tuple[list[Block], list[str]]:
    """One block per line of a web page, without furniture; and the meeting names in its captions."""
    page = _WebPage(heading_texts, wrapped=_hard_wrapped(lines))
    # The next non-blank line after each line, found in one pass (not a scan per line).
    filled = [line for line in lines if not line.blank]
    position = list(itertools.accumulate((0 if line.blank else 1 for line in lines), initial=-1))[1:]
    for index, line in enumerate(lines):
        if line.blank:
            continue
        if line.norm in _END_MARKS or is_footer(line):
            break
        following = filled[position[index] + 1] if position[index] + 1 < len(filled) else None
        page.add(line, following)
    _number_alone_lines(page.blocks)
    _mark_headings(page.blocks)
    return page.blocks, page.caption_titles


def _hard_wrapped(lines: list[Line]) -> bool:
    """English text broken into lines of about 75 characters (`…will continue to` / `be the
    cornerstone…`): a paragraph then starts only at a bullet or a number."""
    english = [line.norm for line in lines if not line.blank and is_latin(line.norm)]
    if len(english) < 6:
        return False
    wrapped = [text for text in english if 55 <= len(text) <= 80 and not text.endswith(_SENTENCE_END)]
    return len(wrapped) >= 0.4 * len(english)


class _WebPage:
    """The blocks of a web page's lines, and the meeting names its photo captions hold."""

    def __init__(self, heading_texts: list[str], wrapped: bool = False) -> None:
        self.wrapped = wrapped  # English broken at a fixed width (`_hard_wrapped`)
        self.blocks: list[Block] = []
        self.caption_titles: list[str] = []
        self.heading_texts = heading_texts
        # The short unnumbered lines just before this one (at most a caption's three, blank lines
        # between them or not): a photo credit that follows makes them a caption.
        self.loose: list[Block] = []
        self.bullet_indent: int | None = None  # inside a `•` caption list, its indent
        self.top: int | None = None  # the number of the section open (`1. Opening Remarks`)
        self.sublist: int | None = None  # inside a list numbered again under it, the last number

    def add(self, line: Line, following: Line | None) -> None:
        if self._furniture(line):
            return
        numbered = self._numbered(line, following)
        if numbered is None:
            return
        markers, rest = numbered
        if not markers and self._repeats_a_heading(line):
            return  # a caption repeating the heading above it
        if markers and markers[0].label.endswith(".") and "以下のとおり" in rest and not self.blocks:
            markers = []  # a lead rendered as item 1. of a list
        if not markers and self._continues(line):
            return
        markers = self._sublist(markers)
        attendees = not markers and bool(ATTENDEES_LINE.match(line.norm))
        block = Block([rest], markers, note=not attendees and bool(_NOTE.match(line.norm)))
        self.blocks.append(block)
        if markers and is_short_label(line):
            self.heading_texts.append(unicodedata.normalize("NFKC", rest))
        short = not markers and not block.note and is_short_label(line)
        self.loose = [*self.loose[-2:], block] if short else []

    def _furniture(self, line: Line) -> bool:
        """Navigation and photo captions (their meeting names kept): not the readout's text."""
        if self.bullet_indent is not None and line.indent > self.bullet_indent and is_short_label(line):
            self.caption_titles.extend(caption_names(line))
            return True
        self.bullet_indent = None
        if is_navigation(line):
            return True
        if is_caption(line):
            self._caption(line)
            return True
        return False

    def _numbered(self, line: Line, following: Line | None) -> tuple[list[Marker], str] | None:
        """The line's section numbers and text, a bullet taken off; None for a bullet that is a
        heading or a caption (taken care of)."""
        markers, rest = line_markers(line, circled=True)
        if not markers and BULLET.match(line.norm):
            rest = BULLET.sub("", line.text)
            markers, numbered = line_markers(make_line(rest, line.indent), circled=True)
            if markers:  # `• (1) Minister Kishida…`: a bulleted item with its own number
                rest = numbered
            elif is_short_label(line, 30) and self._bullet_label(line, rest, following):
                return None
        return markers, rest

    def _sublist(self, markers: list[Marker]) -> list[Marker]:
        """`1. Opening Remarks`, a paragraph, then `1. Efforts…`, `2. Provision…`: a list under the
        heading, numbered again from 1, cited 1./1., 1./2. (told by its numbers, not its indent,
        which a copy may lose). It goes on while its numbers follow each other."""
        if not markers or markers[0].level != 1:
            return markers
        ordinal = markers[0].ordinal
        previous = self.blocks[-1] if self.blocks else None
        if self.sublist is not None and ordinal == self.sublist + 1:
            self.sublist = ordinal
        elif ordinal == 1 and self.top is not None and previous is not None and not previous.note:
            self.sublist = 1
        else:
            self.top, self.sublist = ordinal, None
            return markers
        return [Marker(2, markers[0].label, markers[0].number), *markers[1:]]

    def _repeats_a_heading(self, line: Line) -> bool:
        return (
            is_short_label(line)
            and len(line.norm) >= 4
            and any(line.norm in text for text in self.heading_texts)
        )

    def _caption(self, line: Line) -> None:
        self.caption_titles.extend(caption_names(line))
        if line.norm.startswith(("•", "●", "▪")):
            self.bullet_indent = line.indent
        if CREDIT.search(line.norm):
            for block in self.loose:
                self.caption_titles.extend(caption_names(Line(block.lines[0], block.lines[0], 0)))
                self.blocks.remove(block)
        self.loose = []

    def _bullet_label(self, line: Line, rest: str, following: Line | None) -> bool:
        """A short `- ` line that is a heading over numbers, or a caption: taken care of here."""
        next_markers = line_markers(following, circled=True)[0] if following else []
        if next_markers and next_markers[0].level >= 2:
            self.blocks.append(Block([rest], [], heading=True))  # `- 中東情勢` over (1), (2)
            self.loose = []
            return True
        if re.search(MEETING_NOUN, line.norm) or (following and CREDIT.search(following.norm)):
            self.caption_titles.extend(caption_names(Line(rest, rest, 0)))
            return True
        return False

    def _continues(self, line: Line) -> bool:
        """A line that goes on the paragraph before it (link texts broke it): joined to it."""
        previous = self.blocks[-1] if self.blocks else None
        if previous is None or previous.heading or BULLET.match(line.norm):
            return False
        if not (self.wrapped and len(previous.lines[-1]) <= 100) and (
            not _CONTINUATION.match(line.norm) or previous.text.endswith(_SENTENCE_END)
        ):
            return False
        previous.lines.append(line.text)  # `共同声明(仮訳(PDF)` / `/英語 (PDF)` / `)` / `が発出されました。`
        return True


def _mark_headings(blocks: list[Block]) -> None:
    """A short note, and a short numbered line over deeper numbers or text, is a heading."""
    for i, block in enumerate(blocks):
        nxt = blocks[i + 1] if i + 1 < len(blocks) else None
        if block.note:
            block.heading = is_short_label(Line(block.text, unicodedata.normalize("NFKC", block.text), 0), 20)
        elif block.markers and not block.heading:
            text = unicodedata.normalize("NFKC", block.text)
            block.heading = (
                nxt is not None
                and width(text) <= _HEADING_MAX_CHARS
                and "。" not in text
                and not text.endswith((",", "、", "."))
                and (not nxt.markers or nxt.markers[0].level > block.level)
                and not nxt.note
            )


def _number_alone_lines(blocks: list[Block]) -> None:
    """A number alone on its line: an empty heading over deeper numbers, else the next line's number."""
    i = 0
    while i < len(blocks):
        block = blocks[i]
        nxt = blocks[i + 1] if i + 1 < len(blocks) else None
        if block.markers and not block.text and nxt is not None:
            if nxt.markers and nxt.markers[0].level > block.level:
                block.heading = True
            elif not nxt.markers and not nxt.heading:
                block.lines = nxt.lines
                del blocks[i + 1]
        i += 1
