"""The header of a readout: category, title, date and issuer, wherever the page puts them.

Web pages put a category line (a country, `報道発表`, a minister; `Japan-Australia
Relations`, `Press Releases`) above the title, and sometimes the title is lost, so
that the category is followed by the date and photo captions; PDFs put the title,
the date and `外務省` on lines of their own. Dates are read as the Ministry writes
them in either language: 平成25年2月22日, 2013年2月22日, `February 22, 2013`,
`22 February 2013` (a weekday before, a time or `(local time)` after). The header
ends where the first sentence or numbered line begins.

May touch: parse/lines only; pure functions of lines.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass, field

from readouts.indexer.parse.lines import (
    ENGLISH_MEETING,
    MEETING_NOUN,
    Line,
    breadcrumb_leaf,
    caption_names,
    is_caption,
    is_navigation,
    is_short_label,
    make_line,
    width,
)

# The eras since 明治: name, initial (H25.1.1) and first day, newest first.
ERAS = (
    ("令和", "R", datetime.date(2019, 5, 1)),
    ("平成", "H", datetime.date(1989, 1, 8)),
    ("昭和", "S", datetime.date(1926, 12, 25)),
    ("大正", "T", datetime.date(1912, 7, 30)),
    ("明治", "M", datetime.date(1868, 1, 25)),
)
_ERA_OFFSETS = {name: first.year - 1 for name, _, first in ERAS}
_ERA_DATE = re.compile(r"(明治|大正|昭和|平成|令和)\s*(元|\d{1,2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_WESTERN_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_MONTH = r"(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
_WEEKDAY = r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)?"
# `February 22, 2013`, `Tuesday, March 26, 2013`; `22 February 2013`: month, day, year as groups.
_ENGLISH_DATE = re.compile(rf"\b{_WEEKDAY}{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b")
_ENGLISH_DAY_FIRST = re.compile(rf"\b{_WEEKDAY}(\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH}\s+(\d{{4}})\b")
# What may follow a date on a date line: a weekday, (現地時間), a range to another day.
_DATE_LINE_TAIL = re.compile(
    r"^(?:\s*[(（][^)）]{0,10}[)）]|\s*[~〜～-]\s*\d{1,2}日|\s*(?:現地時間|付))*\s*$"
    # English: `(local time)`, `, 4:32 p.m. Ministry of Foreign Affairs`.
    r"|^\s*\([^)]{0,30}\)\s*$|^,?\s+\d{1,2}:\d{2}\s*[ap]\.?m\.?"
)


def month_number(name: str) -> int:
    """1 for January (or Jan, january), …, 12 for December."""
    return next(
        number for number, month in enumerate(MONTHS, 1) if month.lower().startswith(name[:3].lower())
    )


def _english_date(match: re.Match) -> datetime.date:
    if match.re is _ENGLISH_DATE:
        month, day, year = match.groups()
    else:
        day, month, year = match.groups()
    return datetime.date(int(year), month_number(month), int(day))


def _date_match(text: str) -> tuple[datetime.date | None, re.Match | None]:
    for pattern in (_ERA_DATE, _WESTERN_DATE, _ISO_DATE, _ENGLISH_DATE, _ENGLISH_DAY_FIRST):
        match = pattern.search(text)
        if not match:
            continue
        if pattern in (_ENGLISH_DATE, _ENGLISH_DAY_FIRST):
            try:
                return _english_date(match), match
            except ValueError:
                return None, match
        month, day = match.group(match.re.groups - 1, match.re.groups)
        if pattern is _ERA_DATE:
            era_year = 1 if match.group(2) == "元" else int(match.group(2))
            year = _ERA_OFFSETS[match.group(1)] + era_year
        else:
            year = int(match.group(1))
        try:
            return datetime.date(year, int(month), int(day)), match
        except ValueError:
            return None, match
    return None, None


def parse_date(text: str) -> datetime.date | None:
    """The first date in text: 平成２５年２月２２日, 令和元年…, 2013年2月22日, 2013-02-22,
    February 22, 2013 or 22 February 2013."""
    return _date_match(unicodedata.normalize("NFKC", text))[0]


def date_line(line: Line) -> datetime.date | None:
    """The date of a line that is a date and nothing else (a weekday or a range may follow)."""
    date, match = _date_match(line.norm)
    if date and match.start() == 0 and _DATE_LINE_TAIL.match(line.norm[match.end() :]):
        return date
    return None


def _leading_date(line: Line) -> tuple[datetime.date, Line] | None:
    """`平成16年5月15日 米国東部時間…`: a date run into the lead, and the lead."""
    date, match = _date_match(line.norm)
    if date and match.start() == 0 and line.norm[match.end() :].startswith(" "):
        rest = line.norm[match.end() :].strip()
        return date, make_line(rest, line.indent)
    return None


# A title names a meeting, a call, a visit or its outcome.
_TITLE_WORD = re.compile(
    rf"{MEETING_NOUN}|電話|首脳|外相|訪問|訪日|来日|概要|結果|開催|について|署名|出席|意見交換|共同声明|セッション"
    rf"|{ENGLISH_MEETING}\b|\b(?:Telephone|Visit|Meets|Overview|Outline|Summary|Press Conference|Statement)\b"
)
_CONNECTIVE_END = re.compile(
    r"(?:及び|並びに|ならびに|との|と|の|における|・|、|,)$|\b(?:and|between|of|with|on|by)$"
)
# An English title's second line: `And Mr. Barack Obama, …` under `… between Prime Minister Taro Aso`,
# `Third Foreign Ministers' Meeting` under `"Central Asia plus Japan" Dialogue`.
_CONTINUED_TITLE = re.compile(
    r"^(?:And|and|&|between|with|of|on)\b|^(?:First|Second|Third|Fourth|Fifth|Sixth|Seventh|Eighth|Ninth|Tenth"
    r"|\d{1,2}(?:st|nd|rd|th))\s"
)
_PARENTHETICAL = re.compile(r"^[(（][^()（）]{1,12}[)）]$")
# The issuer printed under a PDF's date: 外　務　省.
_ISSUER = re.compile(r"^[^\s]{1,12}(?:省|庁|府|官邸|本部)$")
# A meeting named in the lead: `…22日に日豪外相会談を行った`.
_LEAD_MEETING = re.compile(
    rf"((?:第\d+回)?日[・]?[A-Za-z\u30a0-\u30ff\u4e00-\u9fff・]{{1,16}}?(?:首脳|外相|外務大臣|次官)?(?:電話)?{MEETING_NOUN})"
    r"(?:を行|が開催|が行わ|に出席|の概要)"
)


@dataclass
class Header:
    category: str = ""
    title: str = ""
    date: datetime.date | None = None
    issuer: str = ""
    body: list[Line] = field(default_factory=list)  # the lines after the header
    caption_titles: list[str] = field(default_factory=list)  # meeting names in captions


def _is_sentence(line: Line) -> bool:
    norm = line.norm
    return (
        "。" in norm
        or width(norm) > 50
        or (width(norm) > 25 and ("、" in norm or "," in norm))
        or (width(norm) > 12 and norm.endswith((".", ":")))
    )


def _after_date(header: Header, line: Line) -> None:
    """A short line after the date: who issued the readout, or a caption without its credit."""
    compact = re.sub(r"\s+", "", line.norm)
    if not header.issuer and _ISSUER.match(compact):
        header.issuer = compact
    else:
        header.caption_titles.extend(caption_names(line))


def split_header(lines: list[Line], starts_body) -> Header:
    """Read the header from the top; `starts_body(line)` says a line is numbered body text."""
    header = Header()
    labels: list[str] = []  # short lines above the title and the date
    crumb = ""
    after_date = False
    for index, line in enumerate(lines):
        if line.blank:
            continue
        if is_navigation(line):
            crumb = breadcrumb_leaf(line) or crumb
            continue
        if is_caption(line):
            header.caption_titles.extend(caption_names(line))
            continue
        if header.date is None and (date := date_line(line)):
            header.date, after_date = date, True
            continue
        if header.date is None and (leading := _leading_date(line)):
            header.date = leading[0]
            header.body = [leading[1], *lines[index + 1 :]]
            break
        if (starts_body(line) or _is_sentence(line) or not is_short_label(line, 60)) and not (
            header.date is None and _before_date(lines, index)
        ):
            header.body = lines[index:]
            break
        if after_date:
            _after_date(header, line)
        elif labels and _PARENTHETICAL.match(line.norm):
            labels[-1] += line.text  # a title printed over two lines: `…の訪日` / `(概要)`
        else:
            labels.append(line.text)
    else:
        header.body = []

    header.title, categories = _title_and_categories(labels)
    header.category = " / ".join(categories) or crumb
    return header


def _before_date(lines: list[Line], index: int) -> bool:
    """Whether the line is a long title right above the date line (`Courtesy Call by Mr. …,
    Special Representative …, on Mr. Fumio Kishida, Minister for Foreign Affairs`)."""
    following = next((line for line in lines[index + 1 :] if not line.blank), None)
    line = lines[index]
    return (
        following is not None
        and date_line(following) is not None
        and not line.norm.endswith((".", "。", ":"))
        and bool(_TITLE_WORD.search(line.norm))
    )


def _title_and_categories(labels: list[str]) -> tuple[str, list[str]]:
    """Of the short lines above the date, the title (the last that names a meeting, else the
    last of two or more) and the category lines above it."""
    titled = [i for i, label in enumerate(labels) if _TITLE_WORD.search(unicodedata.normalize("NFKC", label))]
    if titled:
        at = titled[-1]
    elif len(labels) >= 2:
        at = len(labels) - 1
    else:
        return "", labels
    # A title printed over two lines: `日・ASEAN首脳会議及び` / `日ASEAN特別首脳会議`.
    start, end = at, at
    while start > 0 and (
        _CONNECTIVE_END.search(labels[start - 1])
        or (_CONTINUED_TITLE.match(labels[start]) and _TITLE_WORD.search(labels[start - 1]))
    ):
        start -= 1
    while end + 1 < len(labels) and (
        _CONNECTIVE_END.search(labels[end]) or _CONTINUED_TITLE.match(labels[end + 1])
    ):
        end += 1
    title = ""
    for label in labels[start : end + 1]:
        title += " " + label if title and title[-1].isascii() and label[0].isascii() else label
    return title, labels[:start]


# In English: `…, held a Japan-Australia summit meeting with…`.
_ENGLISH_LEAD_MEETING = re.compile(
    r"\bheld an? (Japan-[A-Z][\w.’'-]*(?: [A-Z][\w.’'-]*){0,3} (?:[Ss]ummit|[Ff]oreign [Mm]inisters['’]?)"
    r"(?: [Tt]elephone)? (?:[Mm]eeting|[Tt]alks?))\b"
)


def title_from_lead(text: str) -> str:
    """A meeting named in the lead sentence, for a page whose title was lost."""
    norm = unicodedata.normalize("NFKC", text)
    match = _LEAD_MEETING.search(norm) or _ENGLISH_LEAD_MEETING.search(norm)
    return match.group(1) if match else ""


# Dates as people write them: 2013-01-01, 2013/1/1, 2013.1.1; 2013年1月1日, 平成25年1月1日 (read
# by the readouts' own date parser); H25.1.1 (an era's initial).
_NUMERIC_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_ERA_INITIAL_DATE = re.compile(r"([MTSHRmtshr])(\d{1,2}|元)[-/.](\d{1,2})[-/.](\d{1,2})")
_ERA_INITIALS = {initial: name for name, initial, _ in ERAS}
_YEAR = re.compile(r"(明治|大正|昭和|平成|令和|[MTSHRmtshr])(\d{1,2}|元)年?|(\d{1,4})年?")
DATE_EXAMPLES = "2013-01-01、2013/1/1、2013年1月1日、平成25年1月1日、H25.1.1"


def parse_user_date(raw: str) -> datetime.date | None:
    """A date typed in any of the ways of DATE_EXAMPLES, full- or half-width; None if it is none."""
    text = unicodedata.normalize("NFKC", raw).strip()
    try:
        if match := _NUMERIC_DATE.fullmatch(text):
            return datetime.date(*map(int, match.groups()))
        if match := _ERA_INITIAL_DATE.fullmatch(text):
            era, year, month, day = match.groups()
            return parse_date(f"{_ERA_INITIALS[era.upper()]}{year}年{month}月{day}日")
    except ValueError:
        return None
    date = parse_date(text)
    return date if date is not None and len(text) <= 16 else None


def parse_user_year(raw: str) -> int | None:
    """2013, 2013年, 平成25, 平成25年, H25, 令和元年 as a Western year; None if it is none."""
    text = unicodedata.normalize("NFKC", raw).strip()
    match = _YEAR.fullmatch(text)
    if match is None:
        return None
    if match.group(3):
        return int(match.group(3))
    date = parse_date(f"{_ERA_INITIALS.get(match.group(1).upper(), match.group(1))}{match.group(2)}年1月1日")
    return date.year if date else None
