"""Lines of a readout's text as the parser sees them, and what is not content.

The Ministry's pages reach us as text copied from a browser, as saved HTML, or
as text extracted from a PDF. Besides the readout itself they carry page
furniture: site navigation, breadcrumbs, `英語版 (English)`, photo captions,
`このページのトップへ戻る` and `…へ戻る` footers, `(PDF)別ウィンドウで開く` link
residue, and the `![]() |` and `|` cells of old table layouts. This module turns
raw text into `Line`s (original text, its NFKC form for matching, its indent)
and says which of them are furniture.

May touch: nothing; pure functions of text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_SPACES = " \t\u3000\f\v\u00a0"


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
# A bullet run into the sentence before it: `…一致しました。 - 岸田総理から…`.
_RUN_IN_BULLET = re.compile(r"(?<=[。.])[ \u3000]+(?=[-・•] )")
# Old table layouts ran a whole readout into one line: `…以下のとおり。 1.日米安保関係 (1)日米対話の強化 川口大臣より、…`.
_RUN_IN_TOP = re.compile(r"(?:(?<=。)|(?<=[ \u3000]))[ \u3000]*(?=[0-9０-９]{1,2}[.．](?![0-9０-９]))")
_RUN_IN_SUB = re.compile(r"(?<=[ \u3000。])[ \u3000]*(?=[(（][0-9０-９]{1,2}[)）])")
# `1.北朝鮮 川口大臣より…`: a short heading, a space, then its body.
_RUN_IN_HEADING = re.compile(
    r"^((?:[0-9０-９]{1,2}[.．]|[(（][0-9０-９]{1,2}[)）])[^\s。、,]{1,20})[ \u3000]+(?=\S{8})"
)


def _run_in_sections(raw: str) -> list[str]:
    """Split a line holding a whole numbered readout into its sections and headings."""
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
        raw = _LINK_RESIDUE.sub("", _TRAILING_CELL.sub("", raw))
        indent = len(raw) - len(raw.lstrip(_SPACES))
        for piece in _run_in_sections(raw):
            for part in _RUN_IN_BULLET.split(piece):
                lines.append(make_line(part, indent))
    return lines


# --- furniture -----------------------------------------------------------------

_NAVIGATION = re.compile(
    r"^(?:外務省 English|外務省案内|会談・訪問 報道・広報|トップページ|世界地図|目次$)"
    r"|北米.*中南米|中南米.*大洋州"
)
_ENGLISH_VERSION = re.compile(r"^英語版\s*\(English\)$", re.IGNORECASE)
# `このページのトップへ戻る`, `アメリカ合衆国へ戻る`, `目次へ戻る`, a `関連リンク` list: the footer starts here.
_BACK_LINK = re.compile(r"^(?:.{0,60}へ戻る|関連(?:リンク|情報|記事)|リンク集)$")
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

CREDIT = re.compile(r"\(写真提供[:：][^)]*\)")
_IMAGE_LABEL = re.compile(r"^(?:\(画像\d+\)|画像\d+$)")
_CAPTION_BULLET = re.compile(r"^[•●▪]")
MEETING_NOUN = (
    r"(?:会談|会議|会合|協議|対話|表敬|会食|夕食会|昼食会|朝食会|晩餐会|懇談|ランチ|ディナー|サミット)"
)
# `日独外相会談1`: a photo named after the meeting and numbered.
_NUMBERED_PHOTO = re.compile(rf"^[^。、,]{{2,30}}{MEETING_NOUN}\s*\d{{1,2}}$")


def is_caption(line: Line) -> bool:
    """A line that is certainly a photo caption, whatever surrounds it."""
    norm = line.norm
    return bool(
        CREDIT.search(norm)
        or _IMAGE_LABEL.match(norm)
        or _CAPTION_BULLET.match(norm)
        or _NUMBERED_PHOTO.match(norm)
    )


def caption_names(line: Line) -> list[str]:
    """Meeting names a caption line may hold: `(画像1)日加首脳会談 (写真提供:…)` → 日加首脳会談."""
    text = _IMAGE_LABEL.sub("", _CAPTION_BULLET.sub("", line.norm))
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
    return bool(norm) and len(norm) <= limit and "。" not in norm and not norm.endswith((".", ","))
