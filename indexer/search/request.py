"""A search as users ask for it: one object, made by the web app's parameter parser and by the
command line, checked once (when it is made) and passed whole to the library.

May touch: analysis/ and parse/ for the names it checks against; nothing that runs.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from readouts.indexer.analysis.facets import KINDS
from readouts.indexer.analysis.query import MAX_QUERY_CHARS
from readouts.indexer.parse.header import parse_user_year
from readouts.indexer.parse.language import LANGUAGES
from readouts.indexer.parse.speakers import SIDES
from readouts.indexer.search.results import UNDATED

MAX_PER_PAGE = 100
# Deep pages cost as much as collecting every hit before them: cap the depth.
MAX_RESULT_WINDOW = 10_000
GROUPS = ("readout", "paragraph")
SORTS = ("relevance", "date")
DEFAULT_PER_PAGE = 10
_DOC_ID = re.compile(r"[A-Za-z0-9._~-]{1,200}")


class BadParameter(ValueError):
    """A URL parameter that cannot be used; the message names it and the fix."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"{name}: {message}")
        self.name = name
        self.message = message

    def __reduce__(self):
        return type(self), (self.name, self.message)


@dataclass(frozen=True, slots=True)
class Search:
    """A search as a user asks for it, whoever asks (the page, the API, the feed, the CSV, the
    command line): checked once, when it is made, and passed whole to `Library.search`."""

    q: str = ""
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    sort: str = "relevance"
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    doc: str | None = None
    year: int | str | None = None  # or UNDATED: the readouts without a date
    country: str | None = None
    kind: str | None = None
    group: str = "paragraph"  # or "readout"; the results page asks for "readout"
    side: str | None = None  # 日本側, 相手側, 双方: where the words are in what that side said
    lang: str | None = None  # ja or en: only readouts written in it
    # ja or en: only paragraphs that version holds and its twin leaves out (`indexer.search.twins`)
    only_in: str | None = None

    def __post_init__(self) -> None:
        _check(self)

    @property
    def undated(self) -> bool:
        return self.year == UNDATED

    @property
    def filtered(self) -> bool:
        return any(
            (
                self.date_from,
                self.date_to,
                self.year,
                self.country,
                self.kind,
                self.side,
                self.lang,
                self.only_in,
            )
        )

    def as_args(self, **changes) -> dict[str, str]:
        """URL parameters for these settings (defaults left out), with changes applied."""
        values = {
            "q": self.q,
            "page": self.page,
            "per_page": self.per_page,
            "sort": self.sort,
            "from": self.date_from.isoformat() if self.date_from else "",
            "to": self.date_to.isoformat() if self.date_to else "",
            "doc": self.doc or "",
            "year": "none" if self.year == UNDATED else (self.year or ""),
            "country": self.country or "",
            "kind": self.kind or "",
            "group": self.group,
            "side": self.side or "",
            "lang": self.lang or "",
            "only_in": self.only_in or "",
        }
        values.update(changes)
        defaults = {"page": 1, "per_page": DEFAULT_PER_PAGE, "sort": "relevance", "group": "readout"}
        return {k: str(v) for k, v in values.items() if v not in ("", None) and defaults.get(k) != v}


def year_of(raw: str) -> int | str | None:
    """A year filter as people write it: 2013, 平成25, H25; UNDATED for none (or 日付なし); None when
    blank. ValueError for anything else."""
    raw = raw.strip()
    if not raw:
        return None
    if raw in (UNDATED, "none"):
        return UNDATED
    year = parse_user_year(raw)
    if year is None or not 1 <= year <= 9999:
        raise ValueError(raw)
    return year


def check_doc_id(doc: str) -> str:
    """A readout's id as URLs carry it, or BadParameter naming `doc`."""
    if not _DOC_ID.fullmatch(doc):
        raise BadParameter("doc", "文書IDを指定してください（英数字と . _ ~ - のみ。例：doc=page4_004951）")
    return doc


def _check(search: Search) -> None:
    """Every value in range and known; BadParameter (in Japanese) naming the first that is not."""
    if len(search.q) > MAX_QUERY_CHARS:
        raise BadParameter("q", f"検索語は{MAX_QUERY_CHARS}字までです（{len(search.q)}字あります）")
    _in_range("per_page", search.per_page, MAX_PER_PAGE)
    _in_range("page", search.page, MAX_RESULT_WINDOW // search.per_page)
    for name, value, allowed in (("sort", search.sort, SORTS), ("group", search.group, GROUPS)):
        if value not in allowed:
            raise BadParameter(
                name,
                f"{' か '.join(allowed)} を指定してください（例：{name}={allowed[-1]}）。「{str(value)[:20]}」は使えません",
            )
    if search.date_from and search.date_to and search.date_from > search.date_to:
        raise BadParameter("from", f"開始日 {search.date_from} が終了日 {search.date_to} より後です")
    if search.doc is not None:
        check_doc_id(search.doc)
    if search.country is not None and (len(search.country) > 100 or not search.country.isprintable()):
        raise BadParameter(
            "country", "相手国・機関は絞り込みに出る名前で指定してください（例：country=豪州）"
        )
    if search.kind is not None and search.kind not in KINDS:
        raise BadParameter("kind", f"会談の種類は {'、'.join(KINDS)} のいずれかです（例：kind=首脳会談）")
    if search.side is not None and search.side not in SIDES:
        raise BadParameter("side", f"発言した側は {'、'.join(SIDES)} のいずれかです（例：side=相手側）")
    if search.lang is not None and search.lang not in LANGUAGES:
        raise BadParameter("lang", "言語は ja（日本語）か en（英語）です（例：lang=en）")
    if search.only_in is not None and search.only_in not in LANGUAGES:
        raise BadParameter(
            "only_in", "ja（英語版にない段落）か en（日本語版にない段落）を指定してください（例：only_in=ja）"
        )


def _in_range(name: str, value: int, high: int) -> None:
    if not 1 <= value <= high:
        raise BadParameter(name, f"1から{high}までで指定してください（例：{name}=1）。{value} は範囲外です")
