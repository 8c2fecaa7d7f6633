"""Search results as the JSON that the CLI prints and the web API serves.

May touch: search/results and search/citation; plain data in, text out.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from urllib.parse import quote, urlencode

from readouts.indexer.search.citation import UNTITLED, citation, era_date
from readouts.indexer.search.results import Facets, Hit, ReadoutHits, Results


def readout_url(doc_id: str, query: str) -> str:
    """A readout's page, with the query to highlight there."""
    path = f"/docs/{quote(doc_id, safe='')}"
    return path + ("?" + urlencode({"q": query}) if query else "")


def hit_url(hit: Hit, query: str) -> str:
    """The paragraph's place in its readout, with the query to highlight there."""
    return f"{readout_url(hit.doc_id, query)}#{quote(hit.anchor, safe='-')}"


def _heading_json(found: Hit | ReadoutHits) -> dict:
    """What a hit and a readout of results both say of their readout."""
    return {
        "doc_id": found.doc_id,
        "title": found.title,
        "category": found.category,
        "date": found.date.isoformat() if found.date else None,
    }


def hit_json(hit: Hit, query: str) -> dict:
    return {
        **_heading_json(hit),
        "lang": hit.language,
        "section": hit.section,
        "anchor": hit.anchor,
        "speaker": {"name": hit.speaker, "side": hit.side or None} if hit.speaker else None,
        "headings": list(hit.headings),
        "url": hit_url(hit, query),
        "snippet": str(hit.snippet),
        "score": hit.score,
    }


# The columns of a CSV export, one row per paragraph.
CSV_COLUMNS = (
    "readout",
    "date",
    "和暦",
    "section",
    "headings",
    "speaker",
    "side",
    "text",
    "citation",
    "doc_id",
    "anchor",
    "url",
    "source_url",
)


def results_csv(hits: Sequence[Hit], site: str) -> str:
    """The paragraphs of an export (`Library.search(export=True)`) as CSV: UTF-8 text with a BOM
    first, so that Excel reads it as UTF-8. `site` makes the links absolute ("" keeps them
    relative)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for hit in hits:
        permalink = site + hit_url(hit, "")
        writer.writerow(
            (
                hit.title or UNTITLED,
                hit.date.isoformat() if hit.date else "",
                era_date(hit.date) if hit.date else "",
                hit.section,
                " › ".join(hit.headings),
                hit.speaker,
                hit.side,
                hit.text,
                citation(hit.title, hit.date, hit.section, hit.source_url or permalink),
                hit.doc_id,
                hit.anchor,
                permalink,
                hit.source_url,
            )
        )
    return out.getvalue()


def readout_json(readout: ReadoutHits, query: str) -> dict:
    return {
        **_heading_json(readout),
        "url": readout_url(readout.doc_id, query),
        "matched": readout.matched,
        "more": readout.more,
        "hits": [hit_json(hit, query) for hit in readout.hits],
    }


def results_json(results: Results) -> dict:
    grouped = results.group == "readout"
    return {
        "query": results.query,
        "total": results.total,
        "page": results.page,
        "per_page": results.per_page,
        "also_searched": {word: list(forms) for word, forms in results.also_searched},
        "suggestions": [
            {"word": s.word, "instead": s.instead, "query": s.query, "count": s.count}
            for s in results.suggestions
        ],
        "hits": [hit_json(hit, results.query) for hit in results.hits],
        **({"facets": facets_json(results.facets)} if results.facets is not None else {}),
        "group": results.group,
        **(
            {
                "total_readouts": results.total_readouts,
                "more_readouts": results.more_readouts,
                "readouts": [readout_json(readout, results.query) for readout in results.readouts],
            }
            if grouped
            else {}
        ),
    }


def facets_json(facets: Facets) -> dict:
    return {
        name: [{"value": facet.value, "count": facet.count} for facet in getattr(facets, name)]
        for name in ("year", "country", "kind", "side", "lang")
    }
