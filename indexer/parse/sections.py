"""What each block of a readout is cited as, and the readout's paragraphs and headings with
their sections (1.(2)(イ)), labels and anchors.

Before the first numbered section: 前文. A note after the sections (【参考】, (注)): 参考.
Attendee lines (当方:…, 【同席者】): 出席者. In a readout with no numbers: its lead, then
paragraphs cited by their place (第3段落).

May touch: parse/blocks only; a pure function of the blocks.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from readouts.indexer.parse.blocks import ATTENDEES_LINE, Block

# A note that the paragraphs after it belong to, and one that is a paragraph alone.
_NOTE_AREA = re.compile(r"^\s*[【\[(](?:参考|備考)")
_FOOTNOTE = re.compile(r"^\s*[【\[(]注[】\])]")
_ANNOUNCES_SUMMARY = re.compile("以下のとおり|以下の通り|概要次のとおり|概要以下")

# What a paragraph outside the numbered sections is cited as.
LEAD = "前文"
NOTE = "参考"
ATTENDEES = "出席者"
_FOOTNOTE_CITATION = "(注)"  # a footnote, cited as 参考 without the section it sits in


def _anchor(prefix: str, section: str, taken: dict[str, int]) -> str:
    """s1-2-イ for 1.(2)(イ), s1-l2 for 1./2.; a second paragraph of the same section is s1-2-イ_2.

    The underscore keeps repeats apart from deeper sections (s1-2 is 1.(2)).
    Paragraphs outside the numbered sections: lead (前文), ref (参考, ref1-2 for
    参考1.(2)), attendees (出席者), p3 (第3段落).
    """
    if section == LEAD:
        base = "lead"
    elif section == ATTENDEES:
        base = "attendees"
    elif section.startswith("第"):
        base = "p" + section.strip("第段落")
    elif section.startswith(NOTE):
        base = "ref" + re.sub(r"[.()]+", "-", section[len(NOTE) :]).strip("-")
    else:
        base = prefix + re.sub(r"[.()]+", "-", section.replace("/", "l")).strip("-")
    taken[base] = taken.get(base, 0) + 1
    return base if taken[base] == 1 else f"{base}_{taken[base]}"


def _citations(blocks: list[Block]) -> list[str | None]:
    """What each block outside the numbered sections is cited as, None for the others.

    Before the first numbered section: 前文. A readout with no numbered section
    at all (paragraphs or `- ` items under a lead) has a lead of its first
    paragraph, or of those up to the one announcing the summary (概要は以下の
    とおり); the rest are cited by their place (第3段落). After a note
    (【参考】, (注)): 参考. An attendees line (当方:…, 【同席者】): 出席者.
    """
    numbered = any(block.markers for block in blocks)
    text_blocks = [block for block in blocks if not block.heading and block.text]
    lead_end = 0
    if not numbered and text_blocks:
        announces = [i for i, block in enumerate(text_blocks[:3]) if _ANNOUNCES_SUMMARY.search(block.text)]
        lead_end = announces[0] if announces else 0
    citations: list[str | None] = []
    seen_numbers = False
    in_note = False
    in_attendees = False  # the names under 【同席者】, 日本側: …
    place = 0
    for block in blocks:
        norm = unicodedata.normalize("NFKC", block.text)
        in_note = in_note or bool(block.note and _NOTE_AREA.match(norm))
        seen_numbers = seen_numbers or bool(block.markers) or (block.heading and not block.note)
        in_attendees = not block.markers and (
            bool(ATTENDEES_LINE.match(norm))
            or (in_attendees and not block.heading and "。" not in norm and len(norm) <= 120)
        )
        if in_attendees:
            citations.append(ATTENDEES)
        elif in_note:
            citations.append(NOTE)
        elif block.note and _FOOTNOTE.match(norm):
            citations.append(_FOOTNOTE_CITATION)
        elif block.markers or seen_numbers:
            citations.append(None)
        elif numbered or (block.text and place <= lead_end) or block.heading:
            citations.append(LEAD)
        else:
            citations.append(f"第{place + 1}段落")
        if not block.heading and block.text:
            place += 1
    return citations


@dataclass(frozen=True, slots=True)
class Paragraph:
    # How it is cited: its section number such as "1.(2)(イ)" (shared by the paragraphs
    # of a section), or 前文 (lead), 参考 (a note after the sections), 出席者, 第3段落.
    section: str
    label: str  # the number as printed, such as "（イ）"; "" for none
    headings: tuple[str, ...]  # headings above it, outermost first
    text: str  # original characters, without the printed number
    position: int  # 0-based order in the readout
    anchor: str  # unique within the readout, safe in an HTML id and a URL


@dataclass(frozen=True, slots=True)
class Heading:
    section: str
    label: str
    text: str
    position: int  # the position of the first paragraph that follows it
    level: int
    anchor: str


class _Outline:
    """The paragraphs and headings of a readout, block by block, with the sections open at each."""

    def __init__(self) -> None:
        self.paragraphs: list[Paragraph] = []
        self.headings: list[Heading] = []
        # The open sections: level → (section part, heading text or None).
        self.open: dict[int, tuple[str, str | None]] = {}
        self.taken: dict[str, int] = {}

    def add(self, block: Block, citation: str | None) -> None:
        if citation == ATTENDEES:
            block.heading = False
            if block.text:
                self._paragraph(ATTENDEES, "", (), block.text, "")
            return
        if (block.note and not _FOOTNOTE.match(unicodedata.normalize("NFKC", block.text))) or (
            block.heading and not block.markers
        ):
            self.open = {}
        for marker in block.markers:
            for deeper in [level for level in self.open if level >= marker.level]:
                del self.open[deeper]
            self.open[marker.level] = (marker.part, None)
        section = "".join(part for _, (part, _) in sorted(self.open.items()))
        label = block.markers[-1].label if block.markers else ""
        if block.heading:
            self._heading(block, section, label)
        elif block.text:
            above = tuple(text for _, (_, text) in sorted(self.open.items()) if text)
            self._paragraph(self._cited(section, citation), label, above, block.text, "s")

    def _cited(self, section: str, citation: str | None) -> str:
        if citation == NOTE:
            return NOTE + section
        if citation == _FOOTNOTE_CITATION:
            return NOTE
        if citation is not None and not section:
            return citation
        # Under an unnumbered heading (`- 中東情勢`): cited by its place.
        return section or f"第{len(self.paragraphs) + 1}段落"

    def _heading(self, block: Block, section: str, label: str) -> None:
        if not block.text:
            return
        level = block.level if block.markers else 1  # `- 中東情勢`, 【参考】: top level, unnumbered
        self.open[level] = (self.open.get(level, ("", None))[0], block.text)
        anchor = _anchor("h", section or "0", self.taken)
        self.headings.append(Heading(section, label, block.text, len(self.paragraphs), level, anchor))

    def _paragraph(self, section: str, label: str, above: tuple[str, ...], text: str, prefix: str) -> None:
        anchor = _anchor(prefix, section, self.taken)
        self.paragraphs.append(Paragraph(section, label, above, text, len(self.paragraphs), anchor))


def outline(blocks: list[Block]) -> tuple[list[Paragraph], list[Heading]]:
    """The paragraphs and headings of a readout's blocks, each with its section and anchor."""
    found = _Outline()
    for block, citation in zip(blocks, _citations(blocks), strict=True):
        found.add(block, citation)
    return found.paragraphs, found.headings
