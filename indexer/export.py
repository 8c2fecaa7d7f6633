"""Search results as the JSON that the CLI prints and the web API serves."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from indexer.search import Facets, Hit, Results


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
        "headings": list(hit.headings),
        "url": hit_url(hit, query),
        "snippet": str(hit.snippet),
        "score": hit.score,
    }


def results_json(results: Results) -> dict:
    return {
        "query": results.query,
        "total": results.total,
        "page": results.page,
        "per_page": results.per_page,
        "also_searched": {word: list(forms) for word, forms in results.also_searched},
        "hits": [hit_json(hit, results.query) for hit in results.hits],
        **({"facets": facets_json(results.facets)} if results.facets is not None else {}),
    }


def facets_json(facets: Facets) -> dict:
    return {
        name: [{"value": facet.value, "count": facet.count} for facet in getattr(facets, name)]
        for name in ("year", "country", "kind")
    }
