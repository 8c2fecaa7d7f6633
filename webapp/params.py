"""The one parser of search URL parameters, shared by the page, the API and the feed."""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass

from indexer.analysis.facets import KINDS
from indexer.analysis.query import MAX_QUERY_CHARS
from indexer.parse.header import DATE_EXAMPLES, parse_user_date, parse_user_year
from indexer.parse.speakers import SIDES
from indexer.search.library import GROUPS, MAX_PER_PAGE, MAX_RESULT_WINDOW
from indexer.search.results import UNDATED

DEFAULT_PER_PAGE = 10
SORTS = ("relevance", "date")
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
class SearchParams:
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
    group: str = "readout"  # the page's default; the API's is "paragraph"
    side: str | None = None  # 日本側, 相手側, 双方: where the words are in what that side said

    @property
    def filtered(self) -> bool:
        return any((self.date_from, self.date_to, self.year, self.country, self.kind, self.side))

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
        }
        values.update(changes)
        defaults = {"page": 1, "per_page": DEFAULT_PER_PAGE, "sort": "relevance", "group": "readout"}
        return {k: str(v) for k, v in values.items() if v not in ("", None) and defaults.get(k) != v}


def _integer(args: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = args.get(name, "").strip()
    if not raw:
        return default
    if not raw.isascii() or not raw.isdigit():
        raise BadParameter(
            name,
            f"{low}から{high}までの整数で指定してください（例：{name}={low}）。「{raw[:20]}」は使えません",
        )
    if len(raw) > len(str(high)) + 1:  # before int(): Python refuses to convert thousands of digits
        raise BadParameter(name, f"{low}から{high}までで指定してください。{len(raw)}桁の数は使えません")
    value = int(raw)
    if not low <= value <= high:
        raise BadParameter(
            name, f"{low}から{high}までで指定してください（例：{name}={low}）。{value} は範囲外です"
        )
    return value


def _date(args: Mapping[str, str], name: str) -> datetime.date | None:
    raw = args.get(name, "").strip()
    if not raw:
        return None
    date = parse_user_date(raw)
    if date is None:
        raise BadParameter(
            name,
            f"日付は {DATE_EXAMPLES} のように書いてください（例：{name}=2013-01-01）。「{raw[:20]}」は読めません",
        )
    return date


def _year(args: Mapping[str, str]) -> int | str | None:
    """A year, or UNDATED (日付なし, or none) for the readouts without a date."""
    raw = args.get("year", "").strip()
    if not raw:
        return None
    if raw in (UNDATED, "none"):
        return UNDATED
    year = parse_user_year(raw)
    if year is None or not 1 <= year <= 9999:
        raise BadParameter(
            "year",
            f"年は 2013、平成25、H25 のように書いてください（日付のない会談は year=none。例：year=2013）。「{raw[:20]}」は読めません",
        )
    return year


def check_doc_id(doc: str) -> str:
    """A readout's id as URLs carry it, or BadParameter naming `doc`."""
    if not _DOC_ID.fullmatch(doc):
        raise BadParameter("doc", "文書IDを指定してください（英数字と . _ ~ - のみ。例：doc=page4_004951）")
    return doc


def parse_search_params(args: Mapping[str, str], default_group: str = "readout") -> SearchParams:
    q = args.get("q", "")
    if len(q) > MAX_QUERY_CHARS:
        raise BadParameter("q", f"検索語は{MAX_QUERY_CHARS}字までです（{len(q)}字あります）")
    per_page = _integer(args, "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)
    page = _integer(args, "page", 1, 1, MAX_RESULT_WINDOW // per_page)
    sort = args.get("sort", "").strip() or "relevance"
    if sort not in SORTS:
        raise BadParameter(
            "sort", f"{' か '.join(SORTS)} を指定してください（例：sort=date）。「{sort[:20]}」は使えません"
        )
    date_from, date_to = _date(args, "from"), _date(args, "to")
    if date_from and date_to and date_from > date_to:
        raise BadParameter("from", f"開始日 {date_from} が終了日 {date_to} より後です")
    doc = args.get("doc", "").strip() or None
    if doc is not None:
        check_doc_id(doc)
    year = _year(args)
    country = args.get("country", "").strip() or None
    if country is not None and (len(country) > 100 or not country.isprintable()):
        raise BadParameter(
            "country", "相手国・機関は絞り込みに出る名前で指定してください（例：country=豪州）"
        )
    kind = args.get("kind", "").strip() or None
    if kind is not None and kind not in KINDS:
        raise BadParameter("kind", f"会談の種類は {'、'.join(KINDS)} のいずれかです（例：kind=首脳会談）")
    group = args.get("group", "").strip() or default_group
    if group not in GROUPS:
        raise BadParameter(
            "group",
            f"{' か '.join(GROUPS)} を指定してください（例：group=paragraph）。「{group[:20]}」は使えません",
        )
    side = args.get("side", "").strip() or None
    if side is not None and side not in SIDES:
        raise BadParameter("side", f"発言した側は {'、'.join(SIDES)} のいずれかです（例：side=相手側）")
    return SearchParams(
        q.strip(), page, per_page, sort, date_from, date_to, doc, year, country, kind, group, side
    )
