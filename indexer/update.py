"""Make the index reflect a set of readout files: add, re-index, remove, skip.

Readouts are parsed and analyzed before anything reaches the Whoosh writer (in
worker processes for large imports); a readout that fails is reported and
skipped, and its previous version, if any, stays searchable. Each readout's
paragraphs and its record are written in one commit, so it appears all at once.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from whoosh.index import Index
from whoosh.query import Term

from indexer.analysis import AnalyzedText, analyze
from indexer.readout import Readout
from indexer.sources import Source, SourceError, find_sources, parse_source
from indexer.store import (
    create_generation,
    current_dir,
    open_generation,
    open_index,
    publish,
    remove_stale_generations,
    writer_lock,
)

# Commit after this many paragraphs, so an interrupted import keeps its progress.
COMMIT_EVERY = int(os.environ.get("READOUTS_COMMIT_EVERY", "50000"))
# Memory for the writer's posting buffer: below this, Whoosh spills postings to
# disk one pickle at a time, which costs more than the analysis itself.
WRITER_MB = 1024
# Below this much text, worker processes cost more than they save.
PARALLEL_MIN_BYTES = 4_000_000


@dataclass
class Summary:
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    paragraphs: int = 0
    failures: list[SourceError] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def failed(self) -> int:
        return len(self.failures)


@dataclass(frozen=True, slots=True)
class Prepared:
    """A parsed, analyzed readout, ready for the writer."""

    source: Source
    readout: Readout
    texts: tuple[tuple[list[str], list[tuple[int, str]]], ...]
    contexts: tuple[tuple[list[str], list[tuple[int, str]]], ...]


def context_text(headings: tuple[str, ...]) -> str:
    """What a paragraph also matches at a lower rank: the headings above it."""
    return " ".join(headings)


def prepare(source: Source) -> Prepared | SourceError:
    try:
        readout = parse_source(source)
    except SourceError as error:
        return error
    try:
        texts = []
        contexts = []
        by_headings: dict[tuple[str, ...], AnalyzedText] = {}
        for paragraph in readout.paragraphs:
            analyzed = analyze(paragraph.text)
            texts.append((analyzed.words, analyzed.bigrams))
            context = by_headings.get(paragraph.headings)
            if context is None:
                context = by_headings[paragraph.headings] = analyze(context_text(paragraph.headings))
            contexts.append((context.words, context.bigrams))
    except Exception as error:
        return SourceError(source.origin, f"cannot be analyzed ({error})")
    # The raw bytes are not needed past this point; don't ship them back.
    slim = Source(source.doc_id, source.origin, source.content_hash, ())
    return Prepared(slim, readout, tuple(texts), tuple(contexts))


def _analyzed(text: str, terms: tuple[list[str], list[tuple[int, str]]]) -> AnalyzedText:
    value = AnalyzedText(text)
    value.words, value.bigrams = terms
    return value


def _add(writer, item: Prepared) -> int:
    readout = item.readout
    doc_id = readout.doc_id
    date = readout.date.isoformat() if readout.date else ""
    for paragraph, text_terms, context_terms in zip(
        readout.paragraphs, item.texts, item.contexts, strict=True
    ):
        text = _analyzed(paragraph.text, text_terms)
        context = _analyzed(context_text(paragraph.headings), context_terms)
        writer.add_document(
            key=f"{doc_id}#{paragraph.anchor}",
            kind="para",
            doc_id=doc_id,
            date=date,
            position=paragraph.position,
            section=paragraph.section,
            label=paragraph.label,
            headings=list(paragraph.headings),
            anchor=paragraph.anchor,
            text=text,
            _stored_text=str(paragraph.text),
            text_ngram=text,
            context=context,
            context_ngram=context,
            title=readout.title,
        )
    writer.add_document(
        key=doc_id,
        kind="readout",
        doc_id=doc_id,
        date=date,
        position=-1,
        title=readout.title,
        issuer=readout.issuer,
        origin=item.source.origin,
        content_hash=item.source.content_hash,
        outline=[(h.section, h.label, h.text, h.position, h.level, h.anchor) for h in readout.headings],
    )
    return len(readout.paragraphs)


def indexed_readouts(ix: Index) -> dict[str, str]:
    """doc_id → content hash of every readout in the index."""
    with ix.searcher() as searcher:
        return {
            fields["doc_id"]: fields["content_hash"]
            for fields in (
                searcher.stored_fields(n) for n in searcher.docs_for_query(Term("kind", "readout"))
            )
        }


def _prepared(sources: list[Source], workers: int) -> Iterator[Prepared | SourceError]:
    if workers <= 1:
        yield from map(prepare, sources)
        return
    # fork: workers inherit the loaded modules; each makes its own tagger.
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        yield from pool.imap(prepare, sources, chunksize=8)


def _choose_workers(sources: list[Source], workers: int | None) -> int:
    if workers is not None:
        return max(1, workers)
    size = sum(len(source.payload[-1]) for source in sources)
    return (os.cpu_count() or 1) if size >= PARALLEL_MIN_BYTES else 1


def update_index(
    root: Path,
    paths: Iterable[Path],
    *,
    rebuild: bool = False,
    workers: int | None = None,
    on_wait: Callable[[str], None] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> Summary:
    """Make the index at `root` hold exactly the readouts under `paths`."""
    started = time.monotonic()
    summary = Summary()
    with writer_lock(root, on_wait):
        remove_stale_generations(root)
        fresh = rebuild or current_dir(root) is None
        if fresh:
            directory = create_generation(root)
            if current_dir(root) is None:
                # A first build is published at once, so that what is committed
                # survives an interruption and the next run carries on.
                publish(root, directory)
            ix = open_generation(directory, root)
            existing: dict[str, str] = {}
        else:
            ix, directory = open_index(root)
            existing = indexed_readouts(ix)

        seen: dict[str, str] = {}
        todo: list[Source] = []
        for found in find_sources(list(paths)):
            if isinstance(found, SourceError):
                summary.failures.append(found)
                continue
            if found.doc_id in seen:
                summary.failures.append(
                    SourceError(
                        found.origin,
                        f"has the same document id {found.doc_id!r} as {seen[found.doc_id]}; rename one of them",
                    )
                )
                continue
            seen[found.doc_id] = found.origin
            if existing.get(found.doc_id) == found.content_hash:
                summary.unchanged += 1
            else:
                todo.append(found)
        vanished = [doc_id for doc_id in existing if doc_id not in seen]

        writer = ix.writer(limitmb=WRITER_MB)
        try:
            for doc_id in vanished:
                writer.delete_by_term("doc_id", doc_id)
            summary.removed = len(vanished)
            pending = 0
            for done, item in enumerate(_prepared(todo, _choose_workers(todo, workers)), 1):
                if isinstance(item, SourceError):
                    summary.failures.append(item)
                else:
                    doc_id = item.readout.doc_id
                    if doc_id in existing:
                        writer.delete_by_term("doc_id", doc_id)
                        summary.updated += 1
                    else:
                        summary.added += 1
                    pending += _add(writer, item)
                    if pending >= COMMIT_EVERY:
                        writer.commit()
                        summary.paragraphs += pending
                        pending = 0
                        writer = ix.writer(limitmb=WRITER_MB)
                if on_progress is not None:
                    on_progress(done, len(todo))
            writer.commit()
            summary.paragraphs += pending
        except BaseException:
            # Never commit after a failure inside the writer: drop this batch.
            writer.cancel()
            raise
        if fresh and current_dir(root) != directory:
            publish(root, directory)
    summary.seconds = time.monotonic() - started
    return summary
