"""Parse a readout's text into its title, date, issuer and numbered paragraphs.

A pure function from text to a `Readout`: no files, no index. It understands the
layouts the Ministry publishes in:

- text extracted from a PDF, where every printed line is followed by a blank
  line and words are split across lines and page breaks (抑／止力, 日米同／盟);
- text taken from a web page, one paragraph per line.

Sections have up to four levels, `１．` or `１　`, `（１）`, `（ア）`, `ａ`. A numbered
line is either a heading (`（５）超電導リニア技術（マグレブ）`) or the start of a
paragraph (`（１）両首脳は、…`); body text under a heading with no number of its
own belongs to that heading's section. Inline ①②③ stay inside their paragraph,
and （了） ends the text.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass, field


class ReadoutError(ValueError):
    """The text cannot be read as a readout; the message says why."""


@dataclass(frozen=True, slots=True)
class Paragraph:
    section: str  # normalized number such as "1.(2)(イ)"; "" for the lead
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


# --- dates -------------------------------------------------------------------

_ERA_OFFSETS = {"明治": 1867, "大正": 1911, "昭和": 1925, "平成": 1988, "令和": 2018}
_ERA_DATE = re.compile(r"(明治|大正|昭和|平成|令和)\s*(元|\d{1,2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_WESTERN_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def parse_date(text: str) -> datetime.date | None:
    """The first date in text: 平成２５年２月２２日, 令和元年…, 2013年2月22日 or 2013-02-22."""
    text = unicodedata.normalize("NFKC", text)
    for pattern in (_ERA_DATE, _WESTERN_DATE, _ISO_DATE):
        match = pattern.search(text)
        if not match:
            continue
        month, day = match.group(match.re.groups - 1, match.re.groups)
        if pattern is _ERA_DATE:
            era_year = 1 if match.group(2) == "元" else int(match.group(2))
            year = _ERA_OFFSETS[match.group(1)] + era_year
        else:
            year = int(match.group(1))
        try:
            return datetime.date(year, int(month), int(day))
        except ValueError:
            return None
    return None


# --- section numbers ---------------------------------------------------------

_DIGITS = "0-9０-９"
_KATAKANA = "ア-ンｱ-ﾝ"
# (level, pattern); each pattern captures the printed label and the number.
_MARKERS = (
    (1, re.compile(rf"^(([{_DIGITS}]+)(?:[．.](?![{_DIGITS}])\s*|　+))")),
    (2, re.compile(rf"^([（(]([{_DIGITS}]+)[）)])")),
    (3, re.compile(rf"^([（(]([{_KATAKANA}])[）)])")),
    (4, re.compile(r"^(([ａ-ｚa-z])(?:[．.)）]\s*|　+))")),
)
_END_MARKS = frozenset({"（了）", "(了)", "（以上）", "(以上)", "以上"})
_SENTENCE_END = ("。", "。」", "。）", "。)")
_HEADING_MAX_CHARS = 40


def _marker(line: str) -> tuple[int, str, str, str] | None:
    """(level, printed label, normalized number, rest of the line) or None."""
    for level, pattern in _MARKERS:
        match = pattern.match(line)
        if match and line[match.end() :].strip():
            number = unicodedata.normalize("NFKC", match.group(2))
            return level, match.group(1).strip(), number, line[match.end() :].strip()
    return None


def _section_part(level: int, number: str) -> str:
    return {1: f"{number}.", 2: f"({number})", 3: f"({number})", 4: number}[level]


# --- lines into blocks -------------------------------------------------------


def _clean_lines(text: str) -> list[str]:
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    # Split on newlines only: str.splitlines() would also split on characters
    # such as U+0085 and U+2028 that can occur inside the text.
    return [line.strip(" \t\u3000\f\v") for line in text.split("\n")]


def _is_pdf_layout(lines: list[str]) -> bool:
    """Text extracted from a PDF: most lines are followed by a blank line."""
    followed = sum(1 for i, line in enumerate(lines[:-1]) if line and not lines[i + 1])
    filled = sum(1 for line in lines if line)
    return filled >= 4 and followed >= 0.6 * filled


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


@dataclass
class _Block:
    lines: list[str]
    marker: tuple[int, str, str, str] | None

    @property
    def text(self) -> str:
        text = ""
        for line in self.lines:
            text = _join(text, line)
        return text


def _blocks(lines: list[str]) -> list[_Block]:
    """Group body lines into logical blocks: a paragraph or a heading each."""
    pdf = _is_pdf_layout(lines)
    filled = sorted(len(line) for line in lines if line)
    # The width of a full printed line: a line clearly shorter than that and
    # ending a sentence ends its paragraph even when the next has no number.
    full_width = filled[int(len(filled) * 0.9)] if filled else 0
    blocks: list[_Block] = []
    for line in lines:
        if not line:
            continue
        if line in _END_MARKS:
            break
        marker = _marker(line)
        previous = blocks[-1] if blocks else None
        continues = (
            pdf
            and marker is None
            and previous is not None
            and not _is_heading(previous, pdf, full_width)
            and not (
                previous.lines[-1].endswith(_SENTENCE_END) and len(previous.lines[-1]) < 0.8 * full_width
            )
        )
        if continues:
            previous.lines.append(line)
        else:
            blocks.append(_Block([line], marker))
    return blocks


def _is_heading(block: _Block, pdf: bool, full_width: int) -> bool:
    if block.marker is None or len(block.lines) > 1:
        return False
    rest = block.marker[3]
    if len(rest) > _HEADING_MAX_CHARS or "。" in rest:
        return False
    # In a PDF, a full printed line is the first line of a wrapped paragraph.
    return not (pdf and len(block.lines[0]) >= 0.8 * full_width)


# --- header ------------------------------------------------------------------


def _split_header(lines: list[str]) -> tuple[str, datetime.date | None, str, list[str]]:
    """Title, date and issuer from the first lines; the rest is the body."""
    filled = [i for i, line in enumerate(lines) if line]
    if not filled:
        raise ReadoutError("the file has no text")
    title = lines[filled[0]]
    date = None
    issuer = ""
    body_start = filled[0] + 1
    for i in filled[1:4]:
        line = lines[i]
        if date is None and parse_date(line) and len(line) <= 30:
            date = parse_date(line)
        elif (
            not issuer
            and _marker(line) is None
            and len(line.replace(" ", "").replace("\u3000", "")) <= 20
            and not line.endswith("。")
        ):
            issuer = re.sub(r"[\s\u3000]+", "", line)
        else:
            break
        body_start = i + 1
    return title, date, issuer, lines[body_start:]


# --- the parser ----------------------------------------------------------------


def _anchor(prefix: str, section: str, taken: dict[str, int]) -> str:
    """s1-2-イ for 1.(2)(イ); a second paragraph of the same section is s1-2-イ_2.

    The underscore keeps repeats apart from deeper sections (s1-2 is 1.(2)).
    """
    base = "lead" if not section else prefix + re.sub(r"[.()]+", "-", section).strip("-")
    taken[base] = taken.get(base, 0) + 1
    return base if taken[base] == 1 else f"{base}_{taken[base]}"


def parse_readout(text: str, doc_id: str, *, has_header: bool = True, layout: str | None = None) -> Readout:
    """Parse a readout file's decoded text.

    With has_header=False (bulk imports, where title and date come separately)
    the text is body only; layout="lines" treats every line as a paragraph.
    """
    lines = _clean_lines(text)
    if has_header:
        title, date, issuer, body = _split_header(lines)
    else:
        title, date, issuer, body = "", None, "", lines
    if layout == "lines":
        body = [line for line in body if line]
    blocks = _blocks(body)
    pdf = layout != "lines" and _is_pdf_layout(body)
    filled = sorted(len(line) for line in body if line)
    full_width = filled[int(len(filled) * 0.9)] if filled else 0

    paragraphs: list[Paragraph] = []
    headings: list[Heading] = []
    # The open sections: level → (section part, heading text or None).
    open_sections: dict[int, tuple[str, str | None]] = {}
    taken: dict[str, int] = {}
    for block in blocks:
        if block.marker is not None:
            level, label, number, rest = block.marker
            for deeper in [lvl for lvl in open_sections if lvl >= level]:
                del open_sections[deeper]
            heading = _is_heading(block, pdf, full_width)
            open_sections[level] = (_section_part(level, number), rest if heading else None)
            section = "".join(part for _, (part, _) in sorted(open_sections.items()))
            if heading:
                headings.append(
                    Heading(section, label, rest, len(paragraphs), level, _anchor("h", section, taken))
                )
                continue
            body_text = block.text[len(label) :]
        else:
            label = ""
            section = "".join(part for _, (part, _) in sorted(open_sections.items()))
            body_text = block.text
        above = tuple(text for _, (_, text) in sorted(open_sections.items()) if text)
        paragraphs.append(
            Paragraph(section, label, above, body_text.strip(), len(paragraphs), _anchor("s", section, taken))
        )
    if not paragraphs:
        raise ReadoutError("no paragraphs were found after the title")
    return Readout(doc_id, title, date, issuer, tuple(paragraphs), tuple(headings))
