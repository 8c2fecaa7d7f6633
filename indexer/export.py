"""Search results as the JSON that the CLI prints and the web API serves."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from indexer.search import Facets, Hit, ReadoutHits, Results


def hit_url(hit: Hit, query: str) -> str:
    """The paragraph's place in its readout, with the query to highlight there."""
    path = f"/docs/{quote(hit.doc_id, safe='')}"
    if query:
        path += "?" + urlencode({"q": query})
    return f"{path}#{quote(hit.anchor, safe='-')}"


def hit_json(hit: Hit, query: str) -> dict:
    return {
        "doc_id": hit.doc_id,
        "title": hit.title,
        "category": hit.category,
        "date": hit.date.isoformat() if hit.date else None,
        "section": hit.section,
        "anchor": hit.anchor,
        "headings": list(hit.headings),
        "url": hit_url(hit, query),
        "snippet": str(hit.snippet),
        "score": hit.score,
    }


def readout_url(doc_id: str, query: str) -> str:
    path = f"/docs/{quote(doc_id, safe='')}"
    return path + ("?" + urlencode({"q": query}) if query else "")


def readout_json(readout: ReadoutHits, query: str) -> dict:
    return {
        "doc_id": readout.doc_id,
        "title": readout.title,
        "category": readout.category,
        "date": readout.date.isoformat() if readout.date else None,
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
        "hits": [hit_json(hit, results.query) for hit in results.hits],
        **({"facets": facets_json(results.facets)} if results.facets is not None else {}),
        "group": results.group,
        **(
            {
                "total_readouts": results.total_readouts,
                "readouts": [readout_json(readout, results.query) for readout in results.readouts],
            }
            if grouped
            else {}
        ),
    }


def facets_json(facets: Facets) -> dict:
    return {
        name: [{"value": facet.value, "count": facet.count} for facet in getattr(facets, name)]
        for name in ("year", "country", "kind")
    }
