"""A readout source made into the records every engine writes: parsed, analysed, and its
paragraphs and its own record built once (engines only serialise them).

May touch: parse/ and analysis/; what it makes crosses to the engines as
`indexer.engines.base.Prepared`.
"""

from __future__ import annotations

import datetime

from readouts.indexer.analysis.facets import facet_key, readout_facets, title_text
from readouts.indexer.analysis.terms import AnalyzedText, analyze
from readouts.indexer.analysis.titles import title_cores
from readouts.indexer.engines.base import ParagraphRecord, Prepared, ReadoutRecord, paragraph_key
from readouts.indexer.messages import say
from readouts.indexer.parse.copies import copy_of
from readouts.indexer.parse.reading import parse_source
from readouts.indexer.parse.readout import Paragraph, Readout
from readouts.indexer.parse.sources import Source, SourceError
from readouts.indexer.parse.speakers import attribute


def indexed_now() -> str:
    """When a readout is written to the index (UTC, ISO 8601): the date feeds give an undated one."""
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def context_text(headings: tuple[str, ...]) -> str:
    """What a paragraph also matches at a lower rank: the headings above it."""
    return " ".join(headings)


def prepare(source: Source, trigrams: bool = False) -> Prepared | SourceError:
    """The source parsed and analysed into records (trigrams only for an engine that asks);
    a source that cannot be is a SourceError naming it."""
    try:
        readout = parse_source(source)
    except SourceError as error:
        return error
    try:
        return _records(source, readout, trigrams)
    except Exception as error:
        return SourceError(source.origin, say("not_analyzed", error=error))


def _records(source: Source, readout: Readout, trigrams: bool) -> Prepared:
    date = readout.date.isoformat() if readout.date else ""
    countries, kind = readout_facets(readout.title, readout.category)
    key = facet_key(date, countries, kind, readout.language)
    indexed = indexed_now()
    contexts: dict[tuple[str, ...], AnalyzedText] = {}
    keys: set[str] = set()
    paragraphs = []
    for paragraph in readout.paragraphs:
        analyzed = analyze(paragraph.text, trigrams)
        keys |= analyzed.keys
        context = contexts.get(paragraph.headings)
        if context is None:
            context = contexts[paragraph.headings] = analyze(context_text(paragraph.headings), trigrams)
        paragraphs.append(
            ParagraphRecord(
                key=paragraph_key(readout.doc_id, paragraph.anchor),
                stored=_stored(readout, paragraph, date, indexed),
                terms=(analyzed.words, analyzed.bigrams, analyzed.trigrams, analyzed.said),
                context=str(context),
                context_terms=(context.words, context.bigrams, context.trigrams),
                countries=countries,
                kind=kind,
                facet_key=key,
            )
        )
    titles = analyze(title_text(readout.title, readout.category), trigrams)
    copies, rank = copy_of(readout)
    keys |= titles.keys
    record = ReadoutRecord(
        key=readout.doc_id,
        stored={
            "doc_id": readout.doc_id,
            "title": readout.title,
            "category": readout.category,
            "date": date,
            "issuer": readout.issuer,
            "origin": source.origin,
            "source_url": readout.source_url,
            "content_hash": source.content_hash,
            "outline": [
                (h.section, h.label, h.text, h.position, h.level, h.anchor) for h in readout.headings
            ],
            "excerpt": readout.excerpt,
            "copy_rank": list(rank),
            "english_url": readout.english_url,
            "language": readout.language,
        },
        titles=str(titles),
        title_terms=(titles.words, titles.bigrams, titles.trigrams),
        title_cores=tuple(title_cores(readout.title)),
        readings=" ".join(sorted(keys)),
        copies=copies,
    )
    return Prepared(readout.doc_id, source.origin, tuple(paragraphs), record, tuple(readout.warnings))


def _stored(readout: Readout, paragraph: Paragraph, date: str, indexed: str) -> dict:
    """What a hit shows of a paragraph, with who said each attributed sentence of it
    ([start, end, speaker, side]: hits show it without reading the text again)."""
    return {
        "doc_id": readout.doc_id,
        "title": readout.title,
        "category": readout.category,
        "date": date,
        "section": paragraph.section,
        "label": paragraph.label,
        "headings": list(paragraph.headings),
        "anchor": paragraph.anchor,
        "position": paragraph.position,
        "text": paragraph.text,
        "speakers": [[said.start, said.end, said.speaker, said.side] for said in attribute(paragraph.text)],
        "source_url": readout.source_url,
        "indexed": indexed,
        "language": readout.language,
    }
