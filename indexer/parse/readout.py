"""Parse a readout's text into its category, title, date and numbered paragraphs.

A pure function from text to a `Readout`: no files, no index. It understands the
layouts the Ministry publishes in:

- text copied from a web page: a category line above the title, photo captions,
  one paragraph per line (with or without blank lines between them), half-width
  numbering (`1 `, `1.`, `(1)`), `- ` bullets, navigation and footers;
- text extracted from a PDF, where every printed line is followed by a blank
  line and words are split across lines and page breaks (抑／止力, 日米同／盟).

The two are told apart by what the lines look like, not by blank lines alone:
PDF lines are hard-wrapped at a fixed width and mostly end inside a sentence.

Sections have up to six levels: `I.`, `1.`/`1 `/`１．`/`１　`, `(1)`, `(ア)`/`ア `,
`a`, `①`. A numbered line is either a heading (`(5)超電導リニア技術（マグレブ）`)
or the start of a paragraph (`(1)両首脳は、…`); body text under a heading with
no number of its own belongs to that heading's section. A number alone on its
line numbers what follows. Inline ①②③ stay inside their paragraph, and （了）
ends the text.
"""

from __future__ import annotations

import datetime
import itertools
import re
import unicodedata
from dataclasses import dataclass, field

from indexer.parse.header import parse_date, split_header, title_from_lead
from indexer.parse.lines import (
    CREDIT,
    MEETING_NOUN,
    Line,
    caption_names,
    is_caption,
    is_footer,
    is_navigation,
    is_short_label,
    split_lines,
)

__all__ = ["Heading", "Paragraph", "Readout", "ReadoutError", "parse_date", "parse_readout"]


class ReadoutError(ValueError):
    """The text cannot be read as a readout; the message says why."""


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


@dataclass(frozen=True, slots=True)
class Readout:
    doc_id: str
    title: str
    date: datetime.date | None
    issuer: str
    paragraphs: tuple[Paragraph, ...]
    headings: tuple[Heading, ...] = field(default=())
    category: str = ""  # the page's category line(s): a country, 報道発表, a minister
    source_url: str = ""  # where the page was published, when known
    warnings: tuple[str, ...] = ()  # what is missing but did not stop indexing


# --- section numbers ---------------------------------------------------------

_KATAKANA = "ア-ン"
_CIRCLED = "①-⑳"
# (level, pattern) on the NFKC form of a line; group 1 is the number.
_MARKERS = (
    (0, re.compile(r"^(IX|IV|V?I{1,3}|V|X)\.\s*")),
    (1, re.compile(r"^(\d{1,2})(?:\.(?!\d)\s*|\s+|$)")),
    (2, re.compile(r"^\((\d{1,2})\)\s*")),
    (3, re.compile(rf"^\(([{_KATAKANA}])\)\s*|^([{_KATAKANA}])(?:\s+|\.\s*)(?=\S)")),
    (4, re.compile(r"^([a-z])(?:[.)]\s*|\s+)(?=\S)")),
)
_END_MARKS = frozenset({"(了)", "(以上)", "以上"})
_SENTENCE_END = ("。", "。」", "。）", "。)")
_HEADING_MAX_CHARS = 40
# Notes after the numbered paragraphs: 【参考】, [参考]これまでの経緯, (参考), (注)….
_NOTE = re.compile(r"^(?:【[^】]{1,12}】|[\[(](?:参考|注)[\])])")
# Who attended: 【同席者】, 出席者:…, 当方:…, 先方:…, 米側:… (on the NFKC form of a line).
_ATTENDEES = re.compile(
    r"^\s*(?:[【\[(](?:同席者|出席者|陪席者|同席)[】\])]|(?:同席者|出席者|陪席者)\s*:"
    r"|(?:当方|先方|我が方|日本側|[^\s:、,。]{1,8}側)\s*:)"
)
# A note that the paragraphs after it belong to, and one that is a paragraph alone.
_NOTE_AREA = re.compile(r"^\s*[【\[(](?:参考|備考)")
_FOOTNOTE = re.compile(r"^\s*[【\[(]注[】\])]")
_ANNOUNCES_SUMMARY = re.compile("以下のとおり|以下の通り|概要次のとおり|概要以下")

# What a paragraph outside the numbered sections is cited as.
LEAD = "前文"
NOTE = "参考"
ATTENDEES = "出席者"
_FOOTNOTE_CITATION = "(注)"  # a footnote, cited as 参考 without the section it sits in
_BULLET = re.compile(r"^[-・]\s*")
# A line that cannot start a paragraph: it goes on the line before (link texts broke it).
_CONTINUATION = re.compile(r"^(?:[)）/／、,。がをにのはとで]|(?:等|など)。?$)")


@dataclass(frozen=True, slots=True)
class _Marker:
    level: int
    label: str  # as printed
    number: str  # normalized

    @property
    def part(self) -> str:
        return {0: f"{self.number}.", 1: f"{self.number}.", 2: f"({self.number})", 3: f"({self.number})"}.get(
            self.level, self.number
        )


def _original_prefix(text: str, norm_length: int) -> int:
    """How many characters of text make up the first norm_length characters of its NFKC form."""
    for size in range(len(text) + 1):
        if len(unicodedata.normalize("NFKC", text[:size]).lstrip()) >= norm_length:
            return size
    return len(text)


def _markers(line: Line, *, circled: bool) -> tuple[list[_Marker], str]:
    """The section numbers that start a line (`1. (1)` holds two), and the text after them."""
    markers: list[_Marker] = []
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
        markers.append(_Marker(level, text[:size].strip(), number))
        text, norm = text[size:].strip(), norm[norm_size:].strip()
    return markers, text


# --- lines into blocks -------------------------------------------------------


@dataclass
class _Block:
    lines: list[str]
    markers: list[_Marker]
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
    """Join a hard-wrapped line to the next one, restoring the split word."""
    if (
        left
        and right
        and left[-1].isascii()
        and left[-1].isalnum()
        and right[0].isascii()
        and right[0].isalnum()
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
    long = [line for line in text if len(line) >= 20]
    if not long:
        return False
    unended = sum(1 for line in long if not line.endswith(_SENTENCE_END))
    # A printed line holds about 40 characters; a web paragraph is one line of any length.
    wide = sum(1 for line in text if len(line) > 60)
    return unended >= 0.5 * len(long) and wide <= 0.1 * len(text)


def _pdf_blocks(lines: list[Line]) -> list[_Block]:
    """Join PDF lines into blocks: a paragraph or a heading each."""
    filled = sorted(len(line.text) for line in lines if not line.blank)
    # The width of a full printed line: a line clearly shorter than that and
    # ending a sentence ends its paragraph even when the next has no number.
    full_width = filled[int(len(filled) * 0.9)] if filled else 0

    def is_heading(block: _Block) -> bool:
        if not block.markers or len(block.lines) > 1:
            return False
        rest = block.lines[0]
        if len(rest) > _HEADING_MAX_CHARS or "。" in rest:
            return False
        # A full printed line is the first line of a wrapped paragraph.
        return len(block.markers[0].label) + len(rest) < 0.8 * full_width

    blocks: list[_Block] = []
    for line in lines:
        if line.blank:
            continue
        if line.norm in _END_MARKS:
            break
        if re.fullmatch(r"[-‐−–—\s]*\d{1,3}[-‐−–—\s]*", line.norm):
            continue  # a page number
        markers, rest = _markers(line, circled=False)
        previous = blocks[-1] if blocks else None
        if (
            not markers
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
            blocks.append(_Block([rest], markers))
    for block in blocks:
        block.heading = is_heading(block)
    return blocks


def _web_blocks(lines: list[Line], heading_texts: list[str]) -> tuple[list[_Block], list[str]]:
    """One block per line of a web page, without furniture; and the meeting names in its captions."""
    blocks: list[_Block] = []
    caption_titles: list[str] = []
    # The short unnumbered lines just before this one (at most a caption's three, blank lines
    # between them or not): a photo credit that follows makes them a caption.
    loose: list[_Block] = []
    bullet_indent = None  # inside a `•` caption list, its indent
    # The next non-blank line after each line, found in one pass (not a scan per line).
    filled = [line for line in lines if not line.blank]
    position = list(itertools.accumulate((0 if line.blank else 1 for line in lines), initial=-1))[1:]
    for index, line in enumerate(lines):
        if line.blank:
            continue
        if line.norm in _END_MARKS or is_footer(line):
            break
        if bullet_indent is not None and line.indent > bullet_indent and is_short_label(line):
            caption_titles.extend(caption_names(line))
            continue
        bullet_indent = None
        if is_navigation(line):
            continue
        if is_caption(line):
            caption_titles.extend(caption_names(line))
            if line.norm.startswith(("•", "●", "▪")):
                bullet_indent = line.indent
            if CREDIT.search(line.norm):
                for block in loose:
                    caption_titles.extend(caption_names(Line(block.lines[0], block.lines[0], 0)))
                    blocks.remove(block)
            loose = []
            continue
        markers, rest = _markers(line, circled=True)
        following = filled[position[index] + 1] if position[index] + 1 < len(filled) else None
        if not markers and _BULLET.match(line.norm):
            rest = _BULLET.sub("", line.text)
            if is_short_label(line, 30):
                next_markers = _markers(following, circled=True)[0] if following else []
                if next_markers and next_markers[0].level >= 2:
                    blocks.append(_Block([rest], [], heading=True))  # `- 中東情勢` over (1), (2)
                    loose = []
                    continue
                if re.search(MEETING_NOUN, line.norm) or (following and CREDIT.search(following.norm)):
                    caption_titles.extend(caption_names(Line(rest, rest, 0)))
                    continue
        if (
            not markers
            and is_short_label(line)
            and len(line.norm) >= 4
            and any(line.norm in text for text in heading_texts)
        ):
            continue  # a caption repeating the heading above it
        if markers and markers[0].label.endswith(".") and "以下のとおり" in rest and not blocks:
            markers = []  # a lead rendered as item 1. of a list
        previous = blocks[-1] if blocks else None
        if (
            not markers
            and previous is not None
            and not previous.heading
            and _CONTINUATION.match(line.norm)
            and not previous.text.endswith(_SENTENCE_END)
        ):
            previous.lines.append(
                line.text
            )  # `共同声明(仮訳(PDF)` / `/英語 (PDF)` / `)` / `が発出されました。`
            continue
        attendees = not markers and bool(_ATTENDEES.match(line.norm))
        block = _Block([rest], markers, note=not attendees and bool(_NOTE.match(line.norm)))
        blocks.append(block)
        if markers and is_short_label(line):
            heading_texts.append(unicodedata.normalize("NFKC", rest))
        short = not markers and not block.note and is_short_label(line)
        loose = [*loose[-2:], block] if short else []
    _number_alone_lines(blocks)
    for i, block in enumerate(blocks):
        nxt = blocks[i + 1] if i + 1 < len(blocks) else None
        if block.note:
            block.heading = is_short_label(Line(block.text, unicodedata.normalize("NFKC", block.text), 0), 20)
        elif block.markers and not block.heading:
            text = unicodedata.normalize("NFKC", block.text)
            block.heading = (
                nxt is not None
                and len(text) <= _HEADING_MAX_CHARS
                and "。" not in text
                and not text.endswith((",", "、"))
                and (not nxt.markers or nxt.markers[0].level > block.level)
                and not nxt.note
            )
    return blocks, caption_titles


def _number_alone_lines(blocks: list[_Block]) -> None:
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


# --- the parser ----------------------------------------------------------------


def _anchor(prefix: str, section: str, taken: dict[str, int]) -> str:
    """s1-2-イ for 1.(2)(イ); a second paragraph of the same section is s1-2-イ_2.

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
        base = prefix + re.sub(r"[.()]+", "-", section).strip("-")
    taken[base] = taken.get(base, 0) + 1
    return base if taken[base] == 1 else f"{base}_{taken[base]}"


def _citations(blocks: list[_Block]) -> list[str | None]:
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
            bool(_ATTENDEES.match(norm))
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


def _starts_body(line: Line) -> bool:
    return bool(_markers(line, circled=True)[0]) or bool(_BULLET.match(line.norm) and len(line.norm) > 30)


def _refuse_non_readouts(lines: list[Line]) -> None:
    """Pages that are not the readout of a meeting, with the reason."""
    norms = []
    for line in lines:
        if is_footer(line):
            break  # links after the footer are other pages, with their own dates
        if not line.blank:
            norms.append(line.norm)
    turns = sum(1 for text in norms if re.match(r"^\(問\)|\)\(問\)", text) or "(問)" in text[:80])
    if turns >= 2:
        raise ReadoutError(
            "this is a press-conference transcript ((問) and answers), not a meeting readout; remove it"
        )
    dated = [text for text in norms if len(text) <= 40 and parse_date(text)]
    if len(dated) >= 2 and len({parse_date(text) for text in dated}) >= 2:
        raise ReadoutError(
            f"this page lists several dated items ({dated[0]}, {dated[1]}), not one meeting's readout; remove it"
        )


def parse_readout(
    text: str,
    doc_id: str,
    *,
    has_header: bool = True,
    layout: str | None = None,
    source_url: str = "",
) -> Readout:
    """Parse a readout file's decoded text.

    With has_header=False (bulk imports, where title and date come separately)
    the text is body only; layout="lines" treats every line as a paragraph and
    layout="pdf" joins hard-wrapped lines (text extracted from a PDF).
    """
    lines = split_lines(text)
    if not any(not line.blank for line in lines):
        raise ReadoutError("the file has no text")
    pdf = layout == "pdf" or (layout is None and is_pdf_layout(lines))
    if has_header:
        if layout != "lines":
            _refuse_non_readouts(lines)
        header = split_header(lines, _starts_body)
    else:
        header = split_header([], _starts_body)
        header.body = lines
    if layout == "lines":
        paragraphs = [line.text for line in header.body if not line.blank]
        blocks, caption_titles = [_Block([text], []) for text in paragraphs], []
    elif pdf:
        blocks, caption_titles = _pdf_blocks(header.body), []
    else:
        blocks, caption_titles = _web_blocks(header.body, [])

    paragraphs: list[Paragraph] = []
    headings: list[Heading] = []
    # The open sections: level → (section part, heading text or None).
    open_sections: dict[int, tuple[str, str | None]] = {}
    taken: dict[str, int] = {}
    for block, citation in zip(blocks, _citations(blocks), strict=True):
        if citation == ATTENDEES:
            block.heading = False
            if block.text:
                paragraphs.append(
                    Paragraph(ATTENDEES, "", (), block.text, len(paragraphs), _anchor("", ATTENDEES, taken))
                )
            continue
        if block.note and not _FOOTNOTE.match(unicodedata.normalize("NFKC", block.text)):
            open_sections = {}
        if block.heading and not block.markers:
            open_sections = {}
        for marker in block.markers:
            for deeper in [level for level in open_sections if level >= marker.level]:
                del open_sections[deeper]
            open_sections[marker.level] = (marker.part, None)
        section = "".join(part for _, (part, _) in sorted(open_sections.items()))
        label = block.markers[-1].label if block.markers else ""
        if block.heading:
            level = block.level if block.markers else 1  # `- 中東情勢`, 【参考】: top level, unnumbered
            if block.text:
                open_sections[level] = (open_sections.get(level, ("", None))[0], block.text)
                headings.append(
                    Heading(
                        section,
                        label,
                        block.text,
                        len(paragraphs),
                        level,
                        _anchor("h", section or "0", taken),
                    )
                )
            continue
        if not block.text:
            continue
        above = tuple(text for _, (_, text) in sorted(open_sections.items()) if text)
        if citation == NOTE:
            section = NOTE + section
        elif citation == _FOOTNOTE_CITATION:
            section = NOTE
        elif citation is not None and not section:
            section = citation
        elif not section:  # under an unnumbered heading (`- 中東情勢`): cited by its place
            section = f"第{len(paragraphs) + 1}段落"
        paragraphs.append(
            Paragraph(section, label, above, block.text, len(paragraphs), _anchor("s", section, taken))
        )
    if not paragraphs:
        raise ReadoutError("no paragraphs were found after the title")

    title = header.title
    if has_header and not title:
        title = next(iter(header.caption_titles + caption_titles), "") or title_from_lead(paragraphs[0].text)
    warnings = []
    if has_header:
        if (
            not header.title
            and not title
            and not header.date
            and not header.category
            and len(paragraphs) <= 1
        ):
            raise ReadoutError(
                "only one paragraph, with no title, date or category: too little to index as a readout"
            )
        if not title:
            warnings.append("no title found")
        if header.date is None:
            warnings.append("no date found")
        if (
            header.date is None
            and not any(block.markers for block in blocks)
            and not _has_readout_formula(paragraphs)
        ):
            raise ReadoutError(
                "no date, no numbered sections and no 「概要は以下のとおり」: this is not a meeting readout"
            )
    return Readout(
        doc_id,
        title,
        header.date,
        header.issuer,
        tuple(paragraphs),
        tuple(headings),
        category=header.category,
        source_url=source_url,
        warnings=tuple(warnings),
    )


def _has_readout_formula(paragraphs: list[Paragraph]) -> bool:
    return any(
        re.search("以下のとおり|以下の通り|会談を行|電話会談|会談が行", p.text) for p in paragraphs[:3]
    )
