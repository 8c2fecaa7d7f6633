"""Pages, API and feeds. Every piece of state is a GET parameter."""

from __future__ import annotations

import dataclasses
import datetime
import functools
from pathlib import Path
from xml.etree import ElementTree

from flask import Blueprint, Response, abort, current_app, jsonify, render_template, request, url_for

from readouts.indexer.engines.base import COUNTED_PER_READOUT
from readouts.indexer.search.citation import citation, display_date
from readouts.indexer.search.export import hit_json, hit_url, results_csv, results_json
from readouts.indexer.search.request import MAX_RESULT_WINDOW, BadParameter, Search, check_doc_id
from readouts.indexer.search.results import Results
from readouts.indexer.search.twins import compare, twins_of
from readouts.webapp.library import get_library, search_slot
from readouts.webapp.params import parse_search_params
from readouts.webapp.timeline import timeline

blueprint = Blueprint("views", __name__)
ATOM = "http://www.w3.org/2005/Atom"


def route(rule: str, **options):
    # GET and HEAD only: no automatic OPTIONS, every other method gets 405.
    return blueprint.route(rule, methods=["GET"], provide_automatic_options=False, **options)


def _run(params: Search, facets: bool = True, export: bool = False) -> Results:
    with search_slot(params.q) as budget:
        return get_library().search(params, facets=facets, budget=budget, export=export)


def public_url(endpoint: str, **values) -> str:
    """An absolute URL on the configured public address (relative when none is set).

    Never built from the request's Host header, which any client can forge.
    """
    return current_app.config["PUBLIC_URL"].rstrip("/") + url_for(endpoint, **values)


# XML 1.0 cannot hold most control characters, even escaped.
_XML_INVALID = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF])


def xml_text(text: str) -> str:
    return text.translate(_XML_INVALID)


@blueprint.app_template_filter("wareki")
def wareki(date: datetime.date | None) -> str:
    """2013年2月22日（平成25年）."""
    return display_date(date)


@blueprint.app_template_global("cite")
def cite(title: str, date, section: str, source_url: str, doc_id: str, anchor: str) -> str:
    """The paragraph's citation, with the Ministry's page where known, else its permalink here."""
    return citation(title, date, section, source_url or permalink(doc_id, anchor))


@blueprint.app_context_processor
def limits() -> dict:
    return {"counted_per_readout": f"{COUNTED_PER_READOUT:,}"}


def permalink(doc_id: str, anchor: str) -> str:
    return public_url("views.document", doc_id=doc_id, _anchor=anchor)


@route("/")
def home():
    readouts, total = get_library().readouts(limit=current_app.config["HOME_READOUTS"])
    return render_template("home.html", readouts=readouts, total=total, params=Search(group="readout"))


@route("/search")
def search():
    try:
        params = parse_search_params(request.args)
    except BadParameter as error:
        page = render_template(
            "search.html", params=Search(group="readout", q=request.args.get("q", "")[:500]), error=error
        )
        return page, 400
    results = _run(params) if params.q else None
    pages = 0
    if results is not None:
        if results.group == "readout" and results.total_readouts is None:
            # Readouts uncounted (too many matches): one page more while there are more.
            pages = results.page + results.more_readouts
        else:
            count = results.total_readouts if results.group == "readout" else results.total
            pages = min(-(-count // params.per_page), MAX_RESULT_WINDOW // params.per_page)
    doc_title = None
    if params.doc:
        summary = get_library().summary(params.doc)
        doc_title = summary.title if summary else params.doc
    bars = timeline(results.facets, params) if results is not None and results.facets else None
    return render_template(
        "search.html",
        params=params,
        results=results,
        pages=pages,
        hit_url=hit_url,
        doc_title=doc_title,
        timeline=bars,
        paired=results is not None and bool(get_library().pairing().pairs),
    )


@route("/api/search")
def api_search():
    params = parse_search_params(request.args, default_group="paragraph")
    # ?facets=0 leaves the counts out (for clients that only want hits).
    return jsonify(results_json(_run(params, facets=request.args.get("facets", "1") != "0")))


@route("/search.csv")
def search_csv():
    """Every paragraph of a search (at most MAX_RESULT_WINDOW), one row each."""
    params = parse_search_params(request.args, default_group="paragraph")
    hits = _run(params, facets=False, export=True).hits if params.q else ()
    return Response(
        results_csv(hits, current_app.config["PUBLIC_URL"].rstrip("/")),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=readouts-search.csv"},
    )


@route("/search.atom")
def feed():
    params = parse_search_params(request.args)
    # One entry per readout, newest first.
    params = dataclasses.replace(
        params, page=1, per_page=current_app.config["FEED_ENTRIES"], sort="date", group="readout"
    )
    results = _run(params, facets=False) if params.q else None
    ElementTree.register_namespace("", ATOM)
    root = ElementTree.Element(f"{{{ATOM}}}feed")
    site = current_app.config["SITE_NAME"]

    def add(parent, tag, text=None, **attributes):
        element = ElementTree.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
        if text is not None:
            element.text = text
        return element

    page_url = public_url("views.search", **params.as_args(sort="date", per_page=10))
    add(root, "title", xml_text(f"{site}: {params.q}"))
    add(root, "id", page_url)
    add(
        root,
        "link",
        rel="self",
        href=public_url("views.feed", **params.as_args(sort="relevance", per_page=10)),
    )
    add(root, "link", rel="alternate", type="text/html", href=page_url)
    add(root, "author").append(_name(site))
    # An undated readout is dated by when it was indexed, never by another readout's date.
    readouts = sorted(results.readouts if results else (), key=lambda readout: readout.updated, reverse=True)
    add(root, "updated", readouts[0].updated if readouts else "2000-01-01T00:00:00Z")
    base = current_app.config["PUBLIC_URL"].rstrip("/")
    for readout in readouts:
        entry = add(root, "entry")
        link = base + url_for("views.document", doc_id=readout.doc_id, q=params.q)
        add(entry, "title", xml_text(readout.title or "（表題なし）"))
        add(entry, "id", base + url_for("views.document", doc_id=readout.doc_id))
        add(entry, "link", rel="alternate", type="text/html", href=link)
        add(entry, "updated", readout.updated)
        if readout.date:
            add(entry, "published", readout.updated)
        summary = "".join(f"<p>{hit.section} {hit.snippet}</p>" for hit in readout.hits)
        add(entry, "summary", xml_text(summary), type="html")
    body = ElementTree.tostring(root, encoding="unicode", xml_declaration=True)
    return Response(body, mimetype="application/atom+xml")


def _name(text: str):
    element = ElementTree.Element(f"{{{ATOM}}}name")
    element.text = text
    return element


@functools.cache
def _favicon() -> bytes:
    return (Path(__file__).parent / "static" / "favicon.ico").read_bytes()


@route("/favicon.ico")
def favicon():
    return Response(_favicon(), mimetype="image/x-icon")


@route("/opensearch.xml")
def opensearch():
    body = render_template("opensearch.xml", public_url=public_url)
    return Response(body, mimetype="application/opensearchdescription+xml")


@route("/docs/<doc_id>")
def document(doc_id: str):
    query = request.args.get("q", "")[:500]
    view = get_library().readout(doc_id, query)
    if view is None:
        abort(404, description=f"文書 {doc_id} は索引にありません。")
    twins = twins_of(get_library(), doc_id)
    return render_template(
        "doc.html", view=view, query=query, twins=twins, params=Search(group="readout", q=query)
    )


def _compared(doc_id: str):
    """The readout, its twin and their sections side by side (Japanese first), or a 404 that
    says why there is nothing to compare."""
    check_doc_id(doc_id)
    library = get_library()
    twins = twins_of(library, doc_id)
    if twins is None:
        abort(404, description=f"文書 {doc_id} は索引にありません。")
    if twins.twin is None:
        abort(404, description=f"文書 {doc_id} のもう一方の言語の版は索引にありません。")
    one, other = library.readout(doc_id), library.readout(twins.twin.doc_id)
    japanese, english = (one, other) if one.summary.language == "ja" else (other, one)
    return japanese, english, twins.how, compare(japanese, english)


@route("/docs/<doc_id>/compare")
def compared(doc_id: str):
    japanese, english, how, rows = _compared(doc_id)
    return render_template(
        "compare.html", japanese=japanese, english=english, how=how, rows=rows, params=Search(group="readout")
    )


@route("/api/docs/<doc_id>/compare")
def api_compared(doc_id: str):
    japanese, english, how, rows = _compared(doc_id)

    def side(paragraphs):
        return [
            {"section": p.section, "anchor": p.anchor, "text": str(p.text.striptags())} for p in paragraphs
        ]

    return jsonify(
        {
            "ja": japanese.summary.doc_id,
            "en": english.summary.doc_id,
            "paired_by": how,
            "sections": [
                {
                    "section": row.section,
                    "ja": side(row.japanese),
                    "en": side(row.english),
                    "not_in": row.left_out_by or None,
                }
                for row in rows
            ],
        }
    )


RELATED = 5


def _related(doc_id: str, section: str):
    """The paragraph and its related paragraphs, or a 400/404 that says what is wrong."""
    check_doc_id(doc_id)
    if not section or len(section) > 200:
        raise BadParameter(
            "section",
            "段落を、検索結果に出る節番号（例：section=1.(3)、前文）かアンカー（例：section=s1-3）で指定してください",
        )
    with search_slot():
        found = get_library().related(doc_id, section, RELATED)
    if found is None:
        abort(404, description=f"文書 {doc_id} に段落 {section} はありません。")
    return found


@route("/api/related")
def api_related():
    paragraph, hits = _related(request.args.get("doc", "").strip(), request.args.get("section", "").strip())
    return jsonify(
        {
            "doc_id": request.args["doc"].strip(),
            "section": paragraph.section,
            "anchor": paragraph.anchor,
            "related": [hit_json(hit, "") for hit in hits],
        }
    )


@route("/docs/<doc_id>/related")
def related(doc_id: str):
    paragraph, hits = _related(doc_id, request.args.get("section", "").strip())
    summary = get_library().summary(doc_id)
    return render_template(
        "related.html",
        summary=summary,
        paragraph=paragraph,
        hits=hits,
        hit_url=hit_url,
        params=Search(group="readout"),
    )
