"""A readout's version in the other language (its twin), and how the two compare.

The Ministry publishes many readouts twice, in Japanese and in English. Two readouts of
the index are twins when:

- one links to the other (a Japanese page's 英語版 link, `english_url`, is the English
  page's address); else
- they are of the same day, in the other language, and name no different counterparts
  (`indexer.analysis.facets`): one such readout is the twin; of several, the one of the same
  kind of meeting, if only one is; else none is chosen, and the candidates are reported.

A readout without a date (its page lost the date line) is matched by the month and day its
lead opens with (11月12日…, On November 12, …) among the dated readouts of the other language.

Twins choose each other: a readout whose twin would choose another (or could not choose among
several) has none.

Compared, the two are aligned by section number (1.(2) beside 1.(2)); a section present in one
version and missing from the other, or under a third as long there, is what that version leaves
out. The index's pairs and the paragraphs each version holds alone (`Pairing`: what a search
with `only_in` keeps) are worked out once per commit and kept in the index folder
(PAIRING_FILE), where `readouts index` leaves them after each run.

May touch: analysis/facets, engines/base (paragraph keys), parse/header and parse/lines, and the
index folder's PAIRING_FILE; the library hands it the readouts.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from readouts.indexer.analysis.facets import readout_facets
from readouts.indexer.engines.base import paragraph_key
from readouts.indexer.parse.copies import page_address
from readouts.indexer.parse.header import MONTHS, month_number
from readouts.indexer.parse.lines import width
from readouts.indexer.search.results import ReadoutSummary, ReadoutView, ShownParagraph

if TYPE_CHECKING:
    from readouts.indexer.search.library import Library

# How much shorter a section may be in the other version and still be there: under a third of
# its length (as it reads: an English letter counts 0.4 of a Japanese character).
SHORTER = 1 / 3
# Undated readouts looked at for a dated one's twin: the last of the newest-first list.
MAX_UNDATED = 50
# The index's pairs and what each version holds alone, as of one commit (`Pairing`).
PAIRING_FILE = "readouts-pairs.json"
_LEAD_DAY = re.compile(
    r"^\D{0,12}?(?:(\d{1,2})月(\d{1,2})日|(" + "|".join(MONTHS) + r")\s+(\d{1,2})\b)", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class Twins:
    """A readout's twin, how it was found ("link" or "date"), and the candidates left when no
    one readout could be chosen."""

    twin: ReadoutSummary | None = None
    how: str = ""
    candidates: tuple[ReadoutSummary, ...] = ()


def twins_of(library: Library, doc_id: str) -> Twins | None:
    """The twin of an indexed readout (None: no such readout): the readout it chooses, if that
    one chooses it back; else none, with the one it chose as a candidate."""
    summary = library.summary(doc_id)
    return None if summary is None else _mutual(library, summary)


def _mutual(library: Library, summary: ReadoutSummary) -> Twins:
    """The twin a readout chooses (`find_twins`), if that one chooses it back."""

    def lead_of(doc_id: str) -> str:
        view = library.readout(doc_id)
        return str(view.paragraphs[0].text) if view is not None and view.paragraphs else ""

    def on_date(date: datetime.date | None) -> list[ReadoutSummary]:
        return library.readouts(200 if date else 5000, date)[0]

    found = find_twins(summary, on_date, lead_of)
    if found.twin is None:
        return found
    back = find_twins(found.twin, on_date, lead_of)
    if back.twin is not None and back.twin.doc_id == summary.doc_id:
        return found
    return Twins(candidates=(found.twin,))


def lead_day(text: str) -> tuple[int, int] | None:
    """(month, day) a lead opens with: 11月12日(水曜日)…, On Tuesday, September 20, …."""
    match = _LEAD_DAY.match(text.replace("本", "", 1))
    if match is None:
        return None
    if match.group(1):
        return int(match.group(1)), int(match.group(2))
    return month_number(match.group(3)), int(match.group(4))


def find_twins(
    summary: ReadoutSummary,
    on_date: Callable[[datetime.date | None], list[ReadoutSummary]],
    lead_of: Callable[[str], str],
) -> Twins:
    """The twin of a readout, given the readouts of a day (`on_date(None)`: the newest of every
    day) and the text of a readout's lead (read only for readouts without a date)."""
    other = "en" if summary.language == "ja" else "ja"
    if summary.date is not None:
        found = _chosen(summary, [found for found in on_date(summary.date) if found.language == other])
        if found.twin is not None or found.candidates:
            return found
        # None of that day: a twin that lost its date line opens its lead with the day.
        day = (summary.date.month, summary.date.day)
        undated = [
            found for found in on_date(None)[-MAX_UNDATED:] if found.language == other and not found.date
        ]
        return _chosen(summary, [found for found in undated if lead_day(lead_of(found.doc_id)) == day])
    day = lead_day(lead_of(summary.doc_id))
    if day is None:
        return Twins()
    dated = [found for found in on_date(None) if found.language == other and found.date]
    return _chosen(summary, [found for found in dated if (found.date.month, found.date.day) == day])


def _chosen(summary: ReadoutSummary, candidates: list[ReadoutSummary]) -> Twins:
    """Of the readouts that may be the twin: the one the page links to, else the one that names
    no different counterpart (of several, the one of the same kind); else the candidates."""
    linked = [found for found in candidates if _linked(summary, found)]
    if len(linked) == 1:
        return Twins(linked[0], "link")
    countries, kind = readout_facets(summary.title, summary.category)
    fitting = [found for found in candidates if _same_counterparts(countries, found)]
    if len(fitting) > 1:
        same_kind = [found for found in fitting if readout_facets(found.title, found.category)[1] == kind]
        fitting = same_kind if len(same_kind) == 1 else fitting
    if len(fitting) == 1:
        return Twins(fitting[0], "date")
    return Twins(candidates=tuple(fitting))


def _linked(one: ReadoutSummary, other: ReadoutSummary) -> bool:
    """Whether one page's English link is the other's address (`indexer.parse.copies.page_address`)."""
    links = {page_address(page.english_url) for page in (one, other) if page.english_url}
    return any(page.source_url and page_address(page.source_url) in links for page in (one, other))


def _same_counterparts(countries: tuple[str, ...], found: ReadoutSummary) -> bool:
    """Whether a readout names no counterpart the other does not (either may name none)."""
    theirs = readout_facets(found.title, found.category)[0]
    return not countries or not theirs or bool(set(countries) & set(theirs))


# --- comparing ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Row:
    """One section of the two versions side by side: its paragraphs in each (either may be
    empty), and which version leaves it out ("ja", "en" or "")."""

    section: str
    japanese: tuple[ShownParagraph, ...]
    english: tuple[ShownParagraph, ...]
    left_out_by: str


def _size(paragraphs: tuple[ShownParagraph, ...]) -> float:
    """How long the paragraphs read (`indexer.parse.lines.width`: English letters count less)."""
    return sum(width(str(paragraph.text)) for paragraph in paragraphs)


# Kana items, in the two orders the Ministry numbers them in: (ア)(イ)(ウ) and (イ)(ロ)(ハ).
_GOJUON = "アイウエオカキクケコサシスセソタチツテト"
_IROHA = "イロハニホヘトチリヌルヲワカヨタレソツネ"
_KANA_ITEM = re.compile(r"\((.)\)")
_NUMBERED = re.compile(r"[0-9(IVX]")


def _parts(section: str, kana: str) -> tuple[str, ...]:
    """A section number as its levels (2./3.(イ) → 2., /3., (イ)), a kana item as the letter of
    the same place ((イ) of (ア)(イ)(ウ) and (ロ) of (イ)(ロ)(ハ) are both (b))."""
    parts = []
    for part in re.split(r"(?=[(/])", section):
        item = _KANA_ITEM.fullmatch(part)
        if item and item.group(1) in kana:
            part = f"({chr(ord('a') + kana.index(item.group(1)))})"
        parts.append(part)
    return tuple(parts)


def _sections(view: ReadoutView) -> list[tuple[tuple[str, ...], ShownParagraph]]:
    kana = _IROHA if any("(ロ)" in paragraph.section for paragraph in view.paragraphs) else _GOJUON
    return [(_parts(paragraph.section, kana), paragraph) for paragraph in view.paragraphs]


def _row_key(parts: tuple[str, ...], other: set[tuple[str, ...]]) -> tuple[str, ...]:
    """Where a section sits beside the other version: at the deepest of its levels the other
    version also has (its 2./1. beside the other's 2. when that one has no 2./1.)."""
    for depth in range(len(parts), 0, -1):
        if parts[:depth] in other:
            return parts[:depth]
    return parts


def compare(japanese: ReadoutView, english: ReadoutView) -> list[Row]:
    """The two versions aligned by section, in the order of the Japanese one (the English one's
    sections it lacks after them). Where the versions are subdivided differently, a row holds
    the section at the level both have (1. beside 1. and its items). Versions that share no
    numbered section (one of them unnumbered) are set side by side paragraph by paragraph, and
    nothing is marked as left out: the text does not say what matches what."""
    sides = {"ja": _sections(japanese), "en": _sections(english)}
    prefixes = {
        language: {parts[:depth] for parts, _ in found for depth in range(1, len(parts) + 1)}
        for language, found in sides.items()
    }
    rows: dict[tuple[str, ...], dict[str, list[ShownParagraph]]] = {}
    for language, other in (("ja", "en"), ("en", "ja")):
        for parts, paragraph in sides[language]:
            key = _row_key(parts, prefixes[other])
            rows.setdefault(key, {"ja": [], "en": []})[language].append(paragraph)
    shared = [key for key, row in rows.items() if row["ja"] and row["en"] and _NUMBERED.match(key[0])]
    if not shared:
        return _in_order(japanese, english)
    aligned = []
    for key, row in rows.items():
        ja, en = tuple(row["ja"]), tuple(row["en"])
        left_out_by = ""
        if not en or _size(en) < SHORTER * _size(ja):
            left_out_by = "en"
        elif not ja or _size(ja) < SHORTER * _size(en):
            left_out_by = "ja"
        aligned.append(Row(_label(key, ja, en), ja, en, left_out_by))
    return aligned


def _label(
    key: tuple[str, ...], japanese: tuple[ShownParagraph, ...], english: tuple[ShownParagraph, ...]
) -> str:
    """A row's section as the Japanese version cites it (else the English one), when its
    paragraphs there share one; else the level the row stands for."""
    for paragraphs in (japanese, english):
        sections = {paragraph.section for paragraph in paragraphs}
        if len(sections) == 1:
            return sections.pop()
    return "".join(key)


def _in_order(japanese: ReadoutView, english: ReadoutView) -> list[Row]:
    """The versions paragraph by paragraph, nothing marked (their numbers say nothing)."""
    count = max(len(japanese.paragraphs), len(english.paragraphs))
    rows = []
    for index in range(count):
        ja = japanese.paragraphs[index : index + 1]
        en = english.paragraphs[index : index + 1]
        rows.append(Row((ja or en)[0].section, tuple(ja), tuple(en), ""))
    return rows


# --- the index's pairs ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Pairing:
    """The index's twins as of one commit (`stamp`), and the paragraphs (doc_id#anchor) each
    version holds in a section its twin leaves out: `only_in["ja"]`, those of the Japanese
    versions."""

    stamp: str
    pairs: tuple[tuple[str, str], ...] = ()  # (Japanese doc_id, English doc_id)
    only_in: dict[str, frozenset[str]] = field(default_factory=dict)


def pair_all(library: Library, stamp: str) -> Pairing:
    """Every pair of twins in the index, from its English readouts, and what each version
    holds alone."""
    pairs = []
    for english in library.readouts(None, language="en")[0]:
        found = _mutual(library, english)
        if found.twin is not None:
            pairs.append((found.twin.doc_id, english.doc_id))
    only_in: dict[str, set[str]] = {"ja": set(), "en": set()}
    for japanese, english in pairs:
        one, other = library.readout(japanese), library.readout(english)
        if one is None or other is None:
            continue
        for row in compare(one, other):
            if row.left_out_by == "en":
                only_in["ja"].update(paragraph_key(japanese, paragraph.anchor) for paragraph in row.japanese)
            elif row.left_out_by == "ja":
                only_in["en"].update(paragraph_key(english, paragraph.anchor) for paragraph in row.english)
    return Pairing(stamp, tuple(pairs), {language: frozenset(keys) for language, keys in only_in.items()})


def read_pairing(directory: Path, stamp: str) -> Pairing | None:
    """The pairing kept in the index folder, if it is of this commit."""
    try:
        data = json.loads((directory / PAIRING_FILE).read_text("utf-8"))
        if data.get("stamp") != stamp:
            return None
        pairs = tuple((str(ja), str(en)) for ja, en in data["pairs"])
        return Pairing(
            stamp, pairs, {language: frozenset(map(str, keys)) for language, keys in data["only_in"].items()}
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None  # none yet, or of another version: worked out again


def keep_pairing(directory: Path, pairing: Pairing) -> None:
    """Keep the pairing in the index folder (replaced in one rename); a folder this process
    cannot write is left as it is."""
    data = {
        "stamp": pairing.stamp,
        "pairs": [list(pair) for pair in pairing.pairs],
        "only_in": {language: sorted(keys) for language, keys in pairing.only_in.items()},
    }
    written: Path | None = None
    try:
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=directory, prefix=".pairs-", suffix=".tmp", delete=False
        ) as out:
            written = Path(out.name)
            json.dump(data, out, ensure_ascii=False)
        os.replace(written, directory / PAIRING_FILE)
    except OSError:
        if written is not None:
            written.unlink(missing_ok=True)
