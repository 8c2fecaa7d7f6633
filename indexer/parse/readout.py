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

May touch: parse/lines, header, blocks and sections; a pure function of text.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from readouts.indexer.messages import say
from readouts.indexer.parse.blocks import BULLET, Block, is_pdf_layout, pdf_blocks, web_blocks
from readouts.indexer.parse.header import Header, parse_date, split_header, title_from_lead
from readouts.indexer.parse.language import language_of
from readouts.indexer.parse.lines import Line, is_footer, split_lines, width
from readouts.indexer.parse.numbers import line_markers
from readouts.indexer.parse.sections import ATTENDEES, NOTE, Heading, Paragraph, outline

__all__ = ["Heading", "NotAReadout", "Paragraph", "Readout", "ReadoutError", "parse_date", "parse_readout"]


class ReadoutError(ValueError):
    """The text cannot be read as a readout; the message says why."""


class NotAReadout(ReadoutError):
    """The text is read, and is not a meeting's readout (a press conference, a list of items)."""


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
    excerpt: bool = False  # the text stops mid-sentence: a cut-off copy of the page (抜粋)
    english_url: str = ""  # the English version's page, where the page links to it
    language: str = "ja"  # "ja" or "en" (`indexer.parse.language`)


# --- the parser ----------------------------------------------------------------


def _starts_body(line: Line) -> bool:
    return bool(line_markers(line, circled=True)[0]) or bool(
        BULLET.match(line.norm) and width(line.norm) > 30
    )


# A speaker's turn in a press conference: (問), `Q:`, `Deputy Press Secretary Kawamura:`, `Mr. Kawamura:`.
_ENGLISH_TURN = re.compile(
    r"^(?:Q|Question|Answer|A)\s*[:.]\s|^[^:.]{0,60}(?:Press Secretary|Spokesperson|Press Officer)[^:]{0,40}:\s"
    r"|^(?:Mr|Ms|Mrs|Dr)\.\s[A-Z][\w’'-]+:\s"
)
# The title of a page that is not a readout: a press conference, a statement, remarks.
_OTHER_PAGE = re.compile(
    r"^(?P<press>Press Conference\b|(?:外務)?(?:大臣|報道官)(?:定例)?記者会見)"
    r"|^(?P<statement>(?:Joint\s)?Statement\b|Remarks by\b|Message from\b|Speech by\b|.{0,30}談話$)"
)


def _refuse_non_readouts(lines: list[Line]) -> None:
    """Pages that are not the readout of a meeting, with the reason."""
    norms = []
    for line in lines:
        if is_footer(line):
            break  # links after the footer are other pages, with their own dates
        if not line.blank:
            norms.append(line.norm)
    for text in norms[:4]:
        if (other := _OTHER_PAGE.match(text)) and width(text) <= 80:
            if other.group("press"):
                raise NotAReadout(say("press_conference"))
            raise NotAReadout(say("statement"))
    turns = sum(
        1
        for text in norms
        if re.match(r"^\(問\)|\)\(問\)", text) or "(問)" in text[:80] or _ENGLISH_TURN.match(text)
    )
    if turns >= 2:
        raise NotAReadout(say("press_conference"))
    dated = [text for text in norms if len(text) <= 40 and parse_date(text)]
    if len(dated) >= 2 and len({parse_date(text) for text in dated}) >= 2:
        raise NotAReadout(say("dated_list", first=dated[0], second=dated[1]))


def parse_readout(
    text: str,
    doc_id: str,
    *,
    has_header: bool = True,
    layout: str | None = None,
    source_url: str = "",
    refuse: bool = True,
) -> Readout:
    """Parse a readout file's decoded text.

    With has_header=False (bulk imports, where title and date come separately)
    the text is body only; layout="lines" treats every line as a paragraph and
    layout="pdf" joins hard-wrapped lines (text extracted from a PDF). A page that is not
    a meeting's readout raises NotAReadout, unless not `refuse`.
    """
    lines = split_lines(text)
    if not any(not line.blank for line in lines):
        raise ReadoutError(say("no_text"))
    if layout is None and is_pdf_layout(lines):
        layout = "pdf"
    if has_header:
        if refuse and layout != "lines":
            _refuse_non_readouts(lines)
        header = split_header(lines, _starts_body)
    else:
        header = split_header([], _starts_body)
        header.body = lines
    blocks, caption_titles = _blocks(header.body, layout)
    paragraphs, headings = outline(blocks)
    if not paragraphs:
        raise ReadoutError(say("no_paragraphs"))
    title, warnings = header.title, ()
    if has_header:
        if not title:
            title = next(iter(header.caption_titles + caption_titles), "") or title_from_lead(
                paragraphs[0].text
            )
        warnings = _checked(header, title, paragraphs, blocks, refuse)
    return Readout(
        doc_id,
        title,
        header.date,
        header.issuer,
        tuple(paragraphs),
        tuple(headings),
        category=header.category,
        source_url=source_url,
        warnings=warnings,
        excerpt=cut_off(paragraphs[-1]),
        language=language_of(" ".join([title, *(paragraph.text for paragraph in paragraphs[:20])])),
    )


# How a readout's last paragraph ends when the text was not cut off: a sentence, a quotation or
# a bracket closed; attendee lines and notes (参考) are lists that end without one.
_ENDINGS = ("。", "」", "）", ")", ".", "！", "？", "!", "?", "了")


def cut_off(last: Paragraph) -> bool:
    """Whether the text stops mid-sentence at its end (a copy cut off before the page's end)."""
    if last.section.startswith((ATTENDEES, NOTE)):
        return False
    return not last.text.rstrip().endswith(_ENDINGS)


def _blocks(body: list[Line], layout: str | None) -> tuple[list[Block], list[str]]:
    """The body's blocks, and the meeting names in its photo captions."""
    if layout == "lines":
        return [Block([line.text], []) for line in body if not line.blank], []
    if layout == "pdf":
        return pdf_blocks(body), []
    return web_blocks(body, [])


def _checked(
    header: Header, title: str, paragraphs: list[Paragraph], blocks: list[Block], refuse: bool
) -> tuple[str, ...]:
    """What a readout with a header lacks, as warnings; NotAReadout for one that is too little
    to be a meeting's readout (if `refuse`)."""
    if refuse and not (header.title or title or header.date or header.category or len(paragraphs) > 1):
        raise NotAReadout(say("too_little"))
    if refuse and header.date is None and _announces(paragraphs):
        raise NotAReadout(say("announcement"))
    if (
        refuse
        and header.date is None
        and not any(block.markers for block in blocks)
        and not _has_readout_formula(paragraphs)
    ):
        raise NotAReadout(say("no_readout_marks"))
    return (*((say("no_title"),) if not title else ()), *((say("no_date"),) if header.date is None else ()))


# What a readout's lead says: the meeting took place, and an outline follows.
_READOUT_FORMULA = re.compile(
    "以下のとおり|以下の通り|会談を行|電話会談|会談が行"
    r"|as follows|is as below|(?:held|had) (?:a |the )?(?:meeting|summit|talks?|telephone|dinner|lunch)"
    r"|met with|(?:paid|received) a courtesy call|(?:telephone|phone) (?:talk|call|conversation)",
    re.IGNORECASE,
)
# A page that announces a meeting to come, not what was said at one.
_ANNOUNCES = re.compile(r"\bwill (?:be held|hold|visit|meet)\b|(?:開催|訪問|会談)(?:する|される)?予定")


def _has_readout_formula(paragraphs: list[Paragraph]) -> bool:
    return any(_READOUT_FORMULA.search(p.text) for p in paragraphs[:3])


def _announces(paragraphs: list[Paragraph]) -> bool:
    return any(_ANNOUNCES.search(p.text) for p in paragraphs[:3]) and not _has_readout_formula(paragraphs)
