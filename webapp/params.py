"""The one parser of search URL parameters, shared by the page, the API and the feed."""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass

from indexer.facets import KINDS
from indexer.query import MAX_QUERY_CHARS
from indexer.search import GROUPS, MAX_PER_PAGE, MAX_RESULT_WINDOW
from indexer.speakers import SIDES

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
    year: int | None = None
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
            "year": self.year or "",
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
        raise BadParameter(name, f"must be a whole number from {low} to {high}, not {raw[:20]!r}")
    if len(raw) > len(str(high)) + 1:  # before int(): Python refuses to convert thousands of digits
        raise BadParameter(name, f"must be from {low} to {high}, not {raw[:12]}… ({len(raw)} digits)")
    value = int(raw)
    if not low <= value <= high:
        raise BadParameter(name, f"must be from {low} to {high}, not {value}")
    return value


def _date(args: Mapping[str, str], name: str) -> datetime.date | None:
    raw = args.get(name, "").strip()
    if not raw:
        return None
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
            raise ValueError
        return datetime.date.fromisoformat(raw)
    except ValueError:
        raise BadParameter(name, f"must be a date written YYYY-MM-DD, not {raw[:20]!r}") from None


def check_doc_id(doc: str) -> str:
    """A readout's id as URLs carry it, or BadParameter naming `doc`."""
    if not _DOC_ID.fullmatch(doc):
        raise BadParameter("doc", "must be a document id (letters, digits, '.', '_', '~' or '-')")
    return doc


def parse_search_params(args: Mapping[str, str], default_group: str = "readout") -> SearchParams:
    q = args.get("q", "")
    if len(q) > MAX_QUERY_CHARS:
        raise BadParameter("q", f"is too long: {len(q)} characters, at most {MAX_QUERY_CHARS}")
    per_page = _integer(args, "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)
    page = _integer(args, "page", 1, 1, MAX_RESULT_WINDOW // per_page)
    sort = args.get("sort", "").strip() or "relevance"
    if sort not in SORTS:
        raise BadParameter("sort", f"must be one of {', '.join(SORTS)}, not {sort[:20]!r}")
    date_from, date_to = _date(args, "from"), _date(args, "to")
    if date_from and date_to and date_from > date_to:
        raise BadParameter("from", f"{date_from} is after to={date_to}")
    doc = args.get("doc", "").strip() or None
    if doc is not None:
        check_doc_id(doc)
    year = _integer(args, "year", 0, 1, 9999) or None
    country = args.get("country", "").strip() or None
    if country is not None and (len(country) > 100 or not country.isprintable()):
        raise BadParameter(
            "country", "must be a counterpart's name as the filters show it (豪州, 米国, ASEAN…)"
        )
    kind = args.get("kind", "").strip() or None
    if kind is not None and kind not in KINDS:
        raise BadParameter("kind", f"must be one of {', '.join(KINDS)}")
    group = args.get("group", "").strip() or default_group
    if group not in GROUPS:
        raise BadParameter("group", f"must be one of {', '.join(GROUPS)}, not {group[:20]!r}")
    side = args.get("side", "").strip() or None
    if side is not None and side not in SIDES:
        raise BadParameter("side", f"must be one of {', '.join(SIDES)}")
    return SearchParams(
        q.strip(), page, per_page, sort, date_from, date_to, doc, year, country, kind, group, side
    )
