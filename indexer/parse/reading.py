"""A source read into a `Readout`: decoded, its text extracted (saved web page, PDF) and parsed.

May touch: the rest of parse/; pure functions of a source's payload (a PDF is read in a
child process within a memory bound, `indexer.parse.limits`).
"""

from __future__ import annotations

import dataclasses
import datetime
import urllib.parse

from readouts.indexer.messages import say
from readouts.indexer.parse.documents import DocumentError, html_to_text, pdf_to_text
from readouts.indexer.parse.language import declared_language
from readouts.indexer.parse.limits import TooLarge, bounded
from readouts.indexer.parse.readout import NotAReadout, Readout, ReadoutError, parse_date, parse_readout
from readouts.indexer.parse.sources import MAX_FILE_BYTES, Source, SourceError, decode
from readouts.indexer.parse.urls import url_line, web_url


def parse_source(source: Source) -> Readout:
    """Decode and parse one source; raises SourceError with the reason. A forced file (`Selection`)
    that is not a readout is parsed as plain paragraphs, each of its lines one, with a warning."""
    try:
        try:
            return _parse(source, refuse=True)
        except NotAReadout as error:
            if source.payload[0] == "record" or not source.payload[3:4] or not source.payload[3]:
                raise
            readout = _parse(source, refuse=False)
            return dataclasses.replace(
                readout,
                warnings=(
                    *readout.warnings,
                    say("forced", reason=error),
                ),
            )
    except (ReadoutError, DocumentError) as error:
        raise SourceError(source.origin, str(error), refused=isinstance(error, NotAReadout)) from None


def _parse(source: Source, refuse: bool) -> Readout:
    kind = source.payload[0]
    lines = None if refuse else "lines"
    if kind == "text":
        # The payload's third item, when there is one, is the address of a .url sidecar.
        text, url = url_line(decode(source.payload[1], source.origin))
        sidecar = source.payload[2] if len(source.payload) > 2 else ""
        return parse_readout(
            text, source.doc_id, source_url=web_url(sidecar) or url, refuse=refuse, layout=lines
        )
    if kind == "html":
        # Its own canonical address first, else the one it was fetched from (a .url sidecar).
        page = html_to_text(source.payload[1])
        url = page.source_url or (web_url(source.payload[2]) if len(source.payload) > 2 else "")
        readout = parse_readout(page.text, source.doc_id, source_url=url, refuse=refuse, layout=lines)
        english = web_url(urllib.parse.urljoin(url, page.english_href)) if page.english_href else ""
        # The page's own <html lang> over what its letters say.
        language = declared_language(page.declared_language) or readout.language
        return dataclasses.replace(readout, english_url=english, language=language)
    if kind == "pdf":
        return parse_readout(_pdf_text(source), source.doc_id, layout="pdf", refuse=refuse)
    _, title, date, text, *more = source.payload  # (…, url) when the record gave one
    url = more[0] if more else ""
    title, text = _valid_text(title), _valid_text(text)
    if len(text.encode("utf-8")) > MAX_FILE_BYTES:
        raise SourceError(
            source.origin,
            say("record_too_large", most=MAX_FILE_BYTES // 1_000_000),
        )
    readout = parse_readout(text, source.doc_id, has_header=False, layout="lines")
    parsed_date: datetime.date | None = parse_date(date) if date else None
    # A record is whole as given: never marked cut off.
    return dataclasses.replace(readout, title=title, date=parsed_date, source_url=url, excerpt=False)


def _pdf_text(source: Source) -> str:
    try:
        text = bounded(pdf_to_text, source.payload[1])
    except TooLarge as error:
        raise SourceError(
            source.origin,
            say("pdf_too_large", megabytes=error.megabytes),
        ) from None
    if not text.strip():
        raise SourceError(source.origin, say("pdf_without_text"))
    return text


def _valid_text(text: str) -> str:
    """Text that encodes as UTF-8: JSON can carry lone surrogates (\\ud800),
    which would fail deep inside the index writer; they become U+FFFD."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
