"""What a readout is about, for the filters: its counterparts and the kind of meeting.

Both come from the title and the category line, as the Ministry writes them:

- counterparts: the one-character abbreviations and names after 日 in a title
  (日豪外相電話会談 → 豪州, 日米豪印 → 米国 豪州 インド, 日・カナダ → カナダ,
  日ASEAN → ASEAN), any other name in the title (…・インド首相の訪日 → インド),
  and a category line that is a country (アメリカ合衆国 → 米国), each by the name
  of `equivalents.toml`;
- kind: one of KINDS, from the words of the title.

English titles the same way: Japan-Australia Summit Meeting → 豪州, 首脳会談 (the names
an English title uses are `english` in `equivalents.toml`).

May touch: analysis/equivalents only; pure functions of a readout's title and category.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from readouts.indexer.analysis.equivalents import load

KINDS = ("首脳会談", "首脳電話会談", "外相会談", "外相電話会談", "表敬", "次官級", "多国間会議", "その他")

# What may follow the counterparts of 日… in a title.
_MEETING_WORDS = (
    "首脳",
    "外相",
    "外務",
    "次官",
    "定期",
    "戦略",
    "政務",
    "調整",
    "閣僚",
    "会談",
    "会議",
    "協議",
    "対話",
    "サミット",
    "電話",
    "経済",
    "外交",
    "安全保障",
    "防衛",
    "共同",
    "ハイレベル",
    "関係",
    "首相",
    "財務",
    "2+2",
)
_SEPARATORS = "・･ "
_LEADERS = ("首脳", "総理", "首相", "大統領", "国家主席", "国王", "首長")
_MINISTERS = ("外相", "外務大臣", "外務長官", "国務長官")
_MULTILATERAL = ("サミット", "g7", "g8", "g20", "apec", "首脳会議", "外相会議", "閣僚会議", "閣僚会合")


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


@functools.cache
def _names() -> tuple[tuple[str, str], ...]:
    """(folded form, name) of every counterpart form, longest first."""
    names = load().counterparts
    return tuple(sorted(names.items(), key=lambda item: -len(item[0])))


@functools.cache
def _by_first_character() -> tuple[dict[str, list[tuple[str, str]]], re.Pattern]:
    """The forms of two characters or more by their first character, longest first,
    and a pattern that finds where one may start: a title is read only there."""
    table: dict[str, list[tuple[str, str]]] = {}
    for form, name in _names():
        if len(form) > 1:
            table.setdefault(form[0], []).append((form, name))
    return table, re.compile("[" + "".join(re.escape(char) for char in table) + "]")


@functools.cache
def _abbreviations() -> dict[str, str]:
    """Folded one-character abbreviation (豪) → name (豪州)."""
    return {_fold(char): name for char, name in load().abbreviations.items()}


def _read_names(text: str, start: int, abbreviations: dict[str, str]) -> tuple[list[str], int]:
    """Counterparts written one after another from text[start:], and where they end."""
    found: list[str] = []
    at = start
    table, _ = _by_first_character()
    while at < len(text):
        if text[at] in _SEPARATORS and found:
            at += 1
            continue
        for form, name in table.get(text[at], ()):
            if text.startswith(form, at):
                found.append(name)
                at += len(form)
                break
        else:
            name = abbreviations.get(text[at])
            if name is None:
                break
            found.append(name)
            at += 1
    return found, at


def _inside_latin_word(text: str, at: int, size: int) -> bool:
    """Whether a Latin form (un, eu) is part of a longer Latin word (unesco)."""
    if not text[at : at + size].isascii():
        return False
    before = text[at - 1] if at else " "
    after = text[at + size] if at + size < len(text) else " "
    return (before.isascii() and before.isalnum()) or (after.isascii() and after.isalnum())


def counterparts(title: str, category: str = "") -> tuple[str, ...]:
    """The countries, regions and organisations a readout's meeting was with, in order."""
    text = _fold(title)
    equivalents = load()
    abbreviations = _abbreviations()
    found: list[str] = []
    # 日 followed by counterparts and a meeting word: 日豪外相, 日・カナダ首脳, 日ASEAN首脳.
    for match in re.finditer("日", text):
        start = match.end()
        while start < len(text) and text[start] in _SEPARATORS:
            start += 1
        names, end = _read_names(text, start, abbreviations)
        if names and text.startswith(_MEETING_WORDS, end):
            found.extend(names)
    # Names written in full anywhere in the title (…・インド首相の訪日).
    table, starts = _by_first_character()
    at = 0
    while match := starts.search(text, at):
        at = match.start()
        for form, name in table[text[at]]:
            if text.startswith(form, at) and not _inside_latin_word(text, at, len(form)):
                found.append(name)
                at += len(form)
                break
        else:
            at += 1
    # A category line that is a country or organisation: 英国(グレートブリテン…), 欧州連合(EU);
    # in English, Japan-Australia Relations.
    line = re.sub(r"[(（].*?[)）]", "", _fold(category)).strip()
    line = re.sub(r"^japan-(.+) relations$", r"\1", line)
    if line in equivalents.counterparts:
        found.append(equivalents.counterparts[line])
    return tuple(dict.fromkeys(found))


@functools.cache
def _abbreviation_of() -> dict[str, str]:
    """Counterpart name (豪州) → its one-character abbreviation (豪)."""
    return {name: char for char, name in load().abbreviations.items()}


def title_aliases(title: str) -> list[str]:
    """The title as the Ministry also writes it, with one-character abbreviations for the
    counterparts after 日: 日・オーストラリア首脳会談 → 日豪首脳会談, so that either finds it."""
    text = _fold(title)
    abbreviations = _abbreviations()
    shorter = _abbreviation_of()
    aliases = []
    for match in re.finditer("日", text):
        start = match.end()
        while start < len(text) and text[start] in _SEPARATORS:
            start += 1
        names, end = _read_names(text, start, abbreviations)
        if names and text.startswith(_MEETING_WORDS, end) and all(name in shorter for name in names):
            alias = text[: match.end()] + "".join(shorter[name] for name in names) + text[end:]
            if alias != text:
                aliases.append(alias)
    return aliases


def title_text(title: str, category: str) -> str:
    """What a readout's title search matches: its title, the title's other spellings and
    its category line, a line each."""
    return "\n".join(part for part in (title, *title_aliases(title), category) if part)


# English titles: what names each kind (Summit Meeting → 首脳会談, Telephone Talk → 電話会談,
# Foreign Ministers' Meeting → 外相会談), as the Ministry writes them.
_ENGLISH_LEADERS = re.compile(r"\b(?:summit|leaders?|prime minister|president|premier|king|chancellor)\b")
_ENGLISH_MINISTERS = re.compile(r"\b(?:foreign minister|minister for foreign affairs|secretary of state)")
_ENGLISH_MULTILATERAL = re.compile(r"\b(?:g7|g8|g20|apec|plus three|plus japan|asean|islands|forum)\b")


def is_english(text: str) -> bool:
    """Whether a title is written in English (no kana or kanji)."""
    return not re.search(r"[\u3040-\u30ff\u3400-\u9fff]", text)


def _english_kind(text: str, counterparts_found: tuple[str, ...]) -> str:
    """One of KINDS for a folded English title."""
    if re.search(r"\b(?:vice[- ]minister|parliamentary|state minister)", text):
        return "その他"
    if "courtesy call" in text:
        return "表敬"
    if re.search(r"\b(?:telephone|phone)\b", text):
        if _ENGLISH_LEADERS.search(text):
            return "首脳電話会談"
        return "外相電話会談" if _ENGLISH_MINISTERS.search(text) else "その他"
    if _ENGLISH_MULTILATERAL.search(text) or len(counterparts_found) >= 3:
        return "多国間会議"
    if _ENGLISH_LEADERS.search(text):
        return "首脳会談"
    if _ENGLISH_MINISTERS.search(text):
        return "外相会談"
    if re.search(r"\b(?:strategic dialogue|director[- ]general|senior officials?|consultations?)\b", text):
        return "次官級"
    return "その他"


def meeting_kind(title: str, counterparts_found: tuple[str, ...] = ()) -> str:
    """One of KINDS for a readout's title (Japanese or English)."""
    text = _fold(title)
    if not text:
        return "その他"
    if is_english(text):
        return _english_kind(text, counterparts_found)
    if any(word in text for word in ("政務官", "副大臣")):
        return "その他"
    if "表敬" in text:
        return "表敬"
    if "電話" in text:
        if any(word in text for word in _LEADERS):
            return "首脳電話会談"
        if any(word in text for word in _MINISTERS):
            return "外相電話会談"
        return "その他"
    if any(word in text for word in ("次官", "政務協議", "局長")) or (
        "戦略対話" in text and not any(word in text for word in _MINISTERS)
    ):
        return "次官級"  # a foreign ministers' strategic dialogue (日英外相戦略対話) is theirs
    if any(word in text for word in _MULTILATERAL) or len(counterparts_found) >= 3:
        return "多国間会議"
    if any(word in text for word in _LEADERS):
        return "首脳会談"
    if any(word in text for word in _MINISTERS):
        return "外相会談"
    return "その他"


def readout_facets(title: str, category: str) -> tuple[tuple[str, ...], str]:
    """(counterparts, kind) of a readout."""
    found = counterparts(title, category)
    return found, meeting_kind(title, found)


def facet_key(date: str, countries: tuple[str, ...], kind: str, language: str = "ja") -> str:
    """What a paragraph is counted under, as one value: its month, counterparts, kind and language.

    Engines count paragraphs per key (one column read per match); the keys are
    few, so splitting them afterwards costs nothing.
    """
    return f"{date[:7]}\t{' '.join(countries)}\t{kind}\t{language}"


@functools.lru_cache(maxsize=65_536)
def split_key(key: str) -> tuple[str, tuple[str, ...], str, str]:
    """(month, counterparts, kind, language) of a key; the keys of an index are few, and each is
    split once."""
    month, countries, kind, language = key.split("\t")
    return month, tuple(countries.split()), kind, language
