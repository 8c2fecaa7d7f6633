"""Lines of a readout's text as the parser sees them, and what is not content.

The Ministry's pages reach us as text copied from a browser, as saved HTML, or
as text extracted from a PDF. Besides the readout itself they carry page
furniture: site navigation, breadcrumbs, `英語版 (English)`, photo captions,
`このページのトップへ戻る` and `…へ戻る` footers, `(PDF)別ウィンドウで開く` link
residue, and the `![]() |` and `|` cells of old table layouts; English pages their
own (`Japanese`, `[Provisional Translation]`, `Photo: Cabinet Public Relations Office`,
`Open a New Window`, `Back to Index`, `(END)`, `<br>`). This module turns raw text
into `Line`s (original text, its NFKC form for matching, its indent), says which of
them are furniture, and measures text by `width`, so that one threshold serves
Japanese and English.

May touch: nothing; pure functions of text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_SPACES = " \t\u3000\f\v\u00a0"


def width(text: str) -> float:
    """How long a text reads, in Japanese characters: an ASCII character counts 0.4, so that
    `Japan-Australia Summit Meeting` (30 characters) is as short as 日豪首脳会談（概要） is."""
    ascii_count = sum(1 for character in text if character.isascii())
    return len(text) - 0.6 * ascii_count


def is_latin(text: str) -> bool:
    """Whether a text is mostly ASCII: an English line, caption or word."""
    return width(text) * 2 < len(text)


@dataclass(frozen=True, slots=True)
class Line:
    text: str  # original characters, stripped of surrounding spaces
    norm: str  # NFKC form of text, for matching numbers and furniture
    indent: int  # leading spaces before the text

    @property
    def blank(self) -> bool:
        return not self.text


def make_line(text: str, indent: int = 0) -> Line:
    text = text.strip(_SPACES)
    return Line(text, unicodedata.normalize("NFKC", text).strip(), indent)


# Left by old table layouts and image links: `![]() |`, `| ||||`, a trailing ` |`.
_TABLE_RESIDUE = re.compile(r"^(?:!\[\]\([^)]*\)|[|\s])*$")
_TRAILING_CELL = re.compile(r"(?:\s*\|)+\s*$")
# Link texts the site appends inside sentences.
_LINK_RESIDUE = re.compile(r"別ウィンドウで開く|Open a New Window")
# HTML left in the text of old pages: `Japan-Russia Summit Meeting<br>(Photo: …)`.
_TAG_RESIDUE = re.compile(r"<br\s*/?>", re.IGNORECASE)
# A bullet run into the sentence before it: `…一致しました。 - 岸田総理から…`.
_RUN_IN_BULLET = re.compile(r"(?<=[。.])[ \u3000]+(?=[-・•] )")
# Old table layouts ran a whole readout into one line: `…以下のとおり。 1.日米安保関係 (1)日米対話の強化 川口大臣より、…`.
_RUN_IN_TOP = re.compile(r"(?:(?<=。)|(?<=[ \u3000]))[ \u3000]*(?=[0-9０-９]{1,2}[.．](?![0-9０-９]))")
_RUN_IN_SUB = re.compile(r"(?<=[ \u3000。])[ \u3000]*(?=[(（][0-9０-９]{1,2}[)）])")
# `1.北朝鮮 川口大臣より…`: a short heading, a space, then its body.
_RUN_IN_HEADING = re.compile(
    r"^((?:[0-9０-９]{1,2}[.．]|[(（][0-9０-９]{1,2}[)）])[^\s。、,]{1,20})[ \u3000]+(?=\S{8})"
)


# English: an item run into the line before it: `…trade, investment and tourism.(2) Prime Minister`,
# `(1) Political and Security Issues, Exchange Program(i) Minister Kishida`.
_RUN_IN_ENGLISH = re.compile(r"(?<=[a-z.])(?=\((?:\d{1,2}|i{1,3}|iv|v|vi{1,3}|ix|x)\)\s*[A-Z])")


def _run_in_sections(raw: str) -> list[str]:
    """Split a line holding a whole numbered readout into its sections and headings."""
    if is_latin(raw):
        return _RUN_IN_ENGLISH.split(raw)
    if len(raw) < 150 or len(_RUN_IN_TOP.findall(raw)) < 2:
        return [raw]
    parts = []
    for top in _RUN_IN_TOP.split(raw):
        for part in _RUN_IN_SUB.split(top):
            match = _RUN_IN_HEADING.match(part.strip())
            parts.extend([match.group(1), part.strip()[match.end() :]] if match else [part])
    return parts


def split_lines(text: str) -> list[Line]:
    """Text into cleaned lines; blank lines are kept (as blank `Line`s)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    lines: list[Line] = []
    # Split on newlines only: str.splitlines() would also split on characters
    # such as U+0085 and U+2028 that can occur inside the text.
    for raw in text.split("\n"):
        if _TABLE_RESIDUE.match(raw):
            lines.append(make_line(""))
            continue
        raw = _TAG_RESIDUE.sub(" ", _LINK_RESIDUE.sub("", _TRAILING_CELL.sub("", raw)))
        indent = len(raw) - len(raw.lstrip(_SPACES))
        for piece in _run_in_sections(raw):
            for part in _RUN_IN_BULLET.split(piece):
                lines.append(make_line(part, indent))
    return lines


# --- furniture -----------------------------------------------------------------

_NAVIGATION = re.compile(
    r"^(?:外務省 English|外務省案内|会談・訪問 報道・広報|トップページ|世界地図|目次$)"
    r"|北米.*中南米|中南米.*大洋州"
    # English pages: the link to the Japanese version, the translation notices.
    r"|^(?:Japanese|日本語)$|^\[?Provisional (?:Translation|translation)\]?$"
    r"|^This is a provisional translation"
)
_ENGLISH_VERSION = re.compile(r"^英語版\s*\(English\)$", re.IGNORECASE)
# `このページのトップへ戻る`, `アメリカ合衆国へ戻る`, `目次へ戻る`, a `関連リンク` list, `Back to Index`,
# `Related Information (Japan-China Relations)`: the footer starts here.
_BACK_LINK = re.compile(
    r"^(?:.{0,60}へ戻る|関連(?:リンク|情報|記事)|リンク集|Back to .{1,60}|Related (?:Information|Links)\b.{0,60})$"
)
_PUNCTUATION_ONLY = re.compile(r"^[-−―‐・•*|.。、,]+$")


def is_navigation(line: Line) -> bool:
    """Site navigation, breadcrumbs, menus and links that are not the readout."""
    return bool(
        _NAVIGATION.search(line.norm)
        or _ENGLISH_VERSION.match(line.norm)
        or _PUNCTUATION_ONLY.match(line.norm)
    )


def is_footer(line: Line) -> bool:
    """The line where the page's footer begins: nothing after it is content."""
    return bool(_BACK_LINK.match(line.norm))


def breadcrumb_leaf(line: Line) -> str:
    """The last item of a `トップページ > … > X` breadcrumb, or ""."""
    if not line.norm.startswith("トップページ"):
        return ""
    parts = re.split(r"\s*>\s*|\s+", line.norm)
    return parts[-1] if len(parts) > 1 else ""


# --- photo captions --------------------------------------------------------------

CREDIT = re.compile(r"\(写真提供[:：][^)]*\)|\(?\b[Pp]hoto\s*:\s*[^()]{1,60}\)?")
_IMAGE_LABEL = re.compile(r"^(?:\(画像\d+\)|画像\d+$|\([Pp]hoto\)\s*\d*)")
_CAPTION_BULLET = re.compile(r"^[•●▪]\s*")
MEETING_NOUN = (
    r"(?:会談|会議|会合|協議|対話|表敬|会食|夕食会|昼食会|朝食会|晩餐会|懇談|ランチ|ディナー|サミット)"
)
# What an English meeting's name ends with: `Japan-U.S. Summit Meeting`, `… Telephone Talks`.
ENGLISH_MEETING = (
    r"(?:[Mm]eetings?|[Tt]alks?|[Dd]ialogue|[Ss]ummit|[Cc]onversation|[Cc]onsultations?|[Ll]unch(?:eon)?"
    r"|[Dd]inner|[Bb]reakfast|Courtesy Call|[Cc]onference|Forum)"
)
# `日独外相会談1`, `Japan-U.K. Foreign Ministers' meeting (1)`: a photo named after the meeting and numbered.
_NUMBERED_PHOTO = re.compile(
    rf"^[^。、,]{{2,30}}{MEETING_NOUN}\s*\d{{1,2}}$|^[^.,:;]{{4,90}}{ENGLISH_MEETING}\s*(?:\d{{1,2}}|\(\d{{1,2}}\))$"
)


def is_caption(line: Line) -> bool:
    """A line that is certainly a photo caption, whatever surrounds it (a `•` line is one when
    it is short and no sentence: English pages also bullet their paragraphs with it)."""
    norm = line.norm
    return bool(
        CREDIT.search(norm)
        or _IMAGE_LABEL.match(_CAPTION_BULLET.sub("", norm).lstrip())
        or (_CAPTION_BULLET.match(norm) and is_short_label(line))
        or _NUMBERED_PHOTO.match(norm)
    )


# The words an English meeting's name is made of, read backwards from its last word.
_NAME_WORD = re.compile(r"^(?:[A-Z0-9\"“'‘(][^\s]*|of|and|on|the|plus|for|between|in|with|to|&)$")
_LEADING_SMALL = ("of", "and", "on", "the", "plus", "for", "between", "in", "with", "to", "&", "The")


def _english_caption_names(text: str) -> list[str]:
    """`Photo session before the 24th ASEAN Plus Three Foreign Ministers’ Meeting` → the meeting."""
    names = []
    for chunk in CREDIT.split(text):
        chunk = re.sub(r"\s*(?:\d{1,2}|\(\d{1,2}\))$", "", chunk.strip())
        if not re.search(rf"{ENGLISH_MEETING}$", chunk):
            continue
        words = chunk.split()
        start = len(words) - 1
        while start > 0 and _NAME_WORD.match(words[start - 1]):
            start -= 1
        while start < len(words) - 1 and words[start] in _LEADING_SMALL:
            start += 1
        if len(words) - start >= 2:
            names.append(" ".join(words[start:]))
    return names


def caption_names(line: Line) -> list[str]:
    """Meeting names a caption line may hold: `(画像1)日加首脳会談 (写真提供:…)` → 日加首脳会談."""
    text = _IMAGE_LABEL.sub("", _CAPTION_BULLET.sub("", line.norm)).strip()
    if is_latin(text):
        return _english_caption_names(text)
    names = []
    for chunk in CREDIT.split(text):
        for word in chunk.split():
            word = re.sub(r"^(?:\d+\s*)|\d{1,2}$", "", word.strip())
            if re.search(rf"{MEETING_NOUN}$", word) and not re.search(r"[。、,をがにへ]", word):
                names.append(word)
    return names


def is_short_label(line: Line, limit: int = 40) -> bool:
    """A short line that is no sentence: a title, a category, a caption or a heading."""
    norm = line.norm
    return bool(norm) and width(norm) <= limit and "。" not in norm and not norm.endswith((".", ","))
