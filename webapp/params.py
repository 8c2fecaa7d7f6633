"""The one parser of search URL parameters, shared by the page, the API, the feed and the CSV:
strings into a `Search` (`indexer.search.request`), which checks the values."""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from readouts.indexer.parse.header import DATE_EXAMPLES, parse_user_date
from readouts.indexer.search.request import (
    DEFAULT_PER_PAGE,
    MAX_PER_PAGE,
    MAX_RESULT_WINDOW,
    BadParameter,
    Search,
    year_of,
)


def _integer(args: Mapping[str, str], name: str, default: int, high: int) -> int:
    """A whole number as typed (its range is the Search's to check)."""
    raw = args.get(name, "").strip()
    if not raw:
        return default
    if not raw.isascii() or not raw.isdigit():
        raise BadParameter(
            name, f"1から{high}までの整数で指定してください（例：{name}=1）。「{raw[:20]}」は使えません"
        )
    if len(raw) > len(str(high)) + 1:  # before int(): Python refuses to convert thousands of digits
        raise BadParameter(name, f"1から{high}までで指定してください。{len(raw)}桁の数は使えません")
    return int(raw)


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
    raw = args.get("year", "")
    try:
        return year_of(raw)
    except ValueError:
        raise BadParameter(
            "year",
            f"年は 2013、平成25、H25 のように書いてください（日付のない会談は year=none。例：year=2013）。「{raw.strip()[:20]}」は読めません",
        ) from None


def parse_search_params(args: Mapping[str, str], default_group: str = "readout") -> Search:
    per_page = _integer(args, "per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)
    return Search(
        q=args.get("q", "").strip(),
        page=_integer(args, "page", 1, MAX_RESULT_WINDOW // max(per_page, 1)),
        per_page=per_page,
        sort=args.get("sort", "").strip() or "relevance",
        date_from=_date(args, "from"),
        date_to=_date(args, "to"),
        doc=args.get("doc", "").strip() or None,
        year=_year(args),
        country=args.get("country", "").strip() or None,
        kind=args.get("kind", "").strip() or None,
        group=args.get("group", "").strip() or default_group,
        side=args.get("side", "").strip() or None,
        lang=args.get("lang", "").strip() or None,
        only_in=args.get("only_in", "").strip() or None,
    )
