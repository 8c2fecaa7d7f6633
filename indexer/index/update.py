"""Make the index reflect a set of readout files: add, re-index, remove, skip.

Work goes in rounds of COMMIT_EVERY readouts (per engine). In a round on Whoosh, each
writer process (one, or one per core for large imports) parses, analyzes and writes
its share into a segment of its own; on tantivy, worker processes parse and analyze
and the parent writes one segment. The parent then commits the round together with
the deletion of the replaced and vanished readouts, in one atomic commit. Each
readout is analyzed before it reaches a writer: a readout that fails is
reported and skipped, and its previous version, if any, stays searchable.
"""

from __future__ import annotations

import datetime
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from whoosh.index import Index
from whoosh.query import Term
from whoosh.reading import SegmentReader
from whoosh.writing import SegmentWriter

from indexer.analysis.facets import facet_key, readout_facets, title_text
from indexer.analysis.terms import AnalyzedText, analyze
from indexer.analysis.titles import title_cores
from indexer.engines.base import default_engine
from indexer.index.store import (
    IndexProblem,
    Remembered,
    check_compatible,
    check_engine,
    check_readable,
    create_generation,
    current_dir,
    damaged,
    engine_of,
    open_generation,
    publish,
    read_remembered,
    remove_stale_generations,
    write_remembered,
    writer_lock,
)
from indexer.index.workers import Supervisor
from indexer.parse.readout import Readout
from indexer.parse.sources import Source, SourceError, find_sources, missing_paths, parse_source
from indexer.parse.speakers import attribute

# Commit after this many readouts or this much text, so that an interrupted
# import keeps its progress; each commit adds a segment per Whoosh writer process,
# and one to a tantivy index. Every segment costs each tantivy search a look-up per
# term, and tantivy merges only eight of a size: it commits in rounds five times larger.
COMMIT_EVERY = {"whoosh": 20_000, "tantivy": 100_000}
ROUND_BYTES = {"whoosh": 48_000_000, "tantivy": 240_000_000}
# Segments smaller than this are merged once MERGE_AT of them have gathered.
SMALL_SEGMENT_DOCS = 20_000
MERGE_AT = 4
# Memory for the writer's posting buffer: below this, Whoosh spills postings to
# disk one pickle at a time, which costs more than the analysis itself.
WRITER_MB = 1024
# Segments stay as separate files. Whoosh reads a file inside a compound
# segment by copying all of it into a BytesIO (filedb/structfile.py BufferFile):
# on the whole Diet corpus every searcher opened in 2.3 s and held 3.7 GB.
COMPOUND = False
# Below this much text, worker processes cost more than they save.
PARALLEL_MIN_BYTES = 4_000_000


# Failures reported one by one per file (a bulk file's bad lines); past them, only counted.
REPORTED_PER_FILE = 5


@dataclass
class Summary:
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    paragraphs: int = 0
    # The first REPORTED_PER_FILE failures of each file; the rest are only counted (`more`),
    # so that a bulk file of millions of bad lines costs no memory and no screenful.
    failures: list[SourceError] = field(default_factory=list)
    more: dict[str, int] = field(default_factory=dict)  # file → failures past those reported
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (origin, what is missing)
    seconds: float = 0.0
    _per_file: dict[str, int] = field(default_factory=dict, repr=False)

    @property
    def failed(self) -> int:
        return len(self.failures) + sum(self.more.values())

    def fail(self, failure: SourceError) -> None:
        """Report a failure, or count it past the first few of its file."""
        path = failure.bulk_file or failure.origin
        seen = self._per_file.get(path, 0)
        self._per_file[path] = seen + 1
        if seen < REPORTED_PER_FILE:
            self.failures.append(failure)
        else:
            self.more[path] = self.more.get(path, 0) + 1


@dataclass(frozen=True, slots=True)
class Prepared:
    """A parsed, analyzed readout, ready for the writer."""

    source: Source
    readout: Readout
    # (words, bigrams, trigrams) of each paragraph and of its headings, each kind of
    # terms as one text (`indexer.analysis.terms.AnalyzedText`); the trigrams only for an
    # engine that asks for them. A paragraph's fourth text is its words by the side
    # that said them (`indexer.analysis.terms.said_text`).
    texts: tuple[tuple[str, str, str, str], ...]
    contexts: tuple[tuple[str, str, str], ...]
    # The same of its title, the title's other spellings and its category line
    # (`indexer.analysis.facets.title_text`), for the title search on its readout record.
    titles: tuple[str, str, str] = ("", "", "")
    # Who said each attributed sentence of each paragraph (`indexer.parse.speakers.attribute`), as
    # stored lists [start, end, speaker, side]: hits show it without reading the text again.
    speakers: tuple[list, ...] = ()
    # The reading keys of its nouns (`indexer.analysis.terms.reading_key`), space-separated: what
    # "did you mean" looks up for words that read alike.
    readings: str = ""


def indexed_now() -> str:
    """When a readout is written to the index (UTC, ISO 8601): the date feeds give an undated one."""
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def context_text(headings: tuple[str, ...]) -> str:
    """What a paragraph also matches at a lower rank: the headings above it."""
    return " ".join(headings)


def prepare(source: Source, trigrams: bool = False) -> Prepared | SourceError:
    try:
        readout = parse_source(source)
    except SourceError as error:
        return error
    try:
        texts = []
        contexts = []
        by_headings: dict[tuple[str, ...], AnalyzedText] = {}
        paragraph_keys: dict[int, set[str]] = {}
        for paragraph in readout.paragraphs:
            analyzed = analyze(paragraph.text, trigrams)
            paragraph_keys[paragraph.position] = analyzed.keys
            texts.append((analyzed.words, analyzed.bigrams, analyzed.trigrams, analyzed.said))
            context = by_headings.get(paragraph.headings)
            if context is None:
                context = analyze(context_text(paragraph.headings), trigrams)
                by_headings[paragraph.headings] = context
            contexts.append((context.words, context.bigrams, context.trigrams))
        speakers = tuple(
            [[said.start, said.end, said.speaker, said.side] for said in attribute(paragraph.text)]
            for paragraph in readout.paragraphs
        )
        titles = analyze(title_text(readout.title, readout.category), trigrams)
        keys = set(titles.keys)
        for paragraph in readout.paragraphs:
            keys |= paragraph_keys.pop(paragraph.position)
    except Exception as error:
        return SourceError(source.origin, f"cannot be analyzed ({error})")
    return Prepared(
        source,
        readout,
        tuple(texts),
        tuple(contexts),
        titles=(titles.words, titles.bigrams, titles.trigrams),
        readings=" ".join(sorted(keys)),
        speakers=speakers,
    )


def _analyzed(text: str, terms: tuple[str, ...]) -> AnalyzedText:
    value = AnalyzedText(text)
    value.words, value.bigrams, value.trigrams = terms[:3]
    value.said = terms[3] if len(terms) > 3 else ""
    return value


def _add(writer, item: Prepared) -> int:
    readout = item.readout
    doc_id = readout.doc_id
    date = readout.date.isoformat() if readout.date else ""
    countries, kind = readout_facets(readout.title, readout.category)
    indexed = indexed_now()
    for paragraph, text_terms, context_terms, speakers in zip(
        readout.paragraphs, item.texts, item.contexts, item.speakers, strict=True
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
            speakers=speakers,
            text_ngram=text,
            said=text,
            context=context,
            context_ngram=context,
            title=readout.title,
            category=readout.category,
            source_url=readout.source_url,
            indexed=indexed,
            country=" ".join(countries),
            meeting=kind,
            facets=facet_key(date, countries, kind).encode("utf-8"),
        )
    titles = _analyzed(title_text(readout.title, readout.category), item.titles)
    writer.add_document(
        key=doc_id,
        kind="readout",
        doc_id=doc_id,
        date=date,
        position=-1,
        title=readout.title,
        category=readout.category,
        issuer=readout.issuer,
        source_url=readout.source_url,
        origin=item.source.origin,
        content_hash=item.source.content_hash,
        outline=[(h.section, h.label, h.text, h.position, h.level, h.anchor) for h in readout.headings],
        titles=titles,
        titles_ngram=titles,
        titles_exact=" ".join(title_cores(readout.title)),
        readings=item.readings,
    )
    return len(readout.paragraphs)


def _origins(ix: Index, doc_ids: list[str]) -> dict[str, str]:
    """Where indexed readouts came from (a path, or path:line)."""
    with ix.searcher() as searcher:
        return {
            doc_id: (searcher.document(key=doc_id, kind="readout") or {}).get("origin", "")
            for doc_id in doc_ids
        }


def indexed_readouts(ix: Index) -> dict[str, str]:
    """doc_id → content hash of every readout in the index."""
    with ix.searcher() as searcher:
        reader = searcher.reader()
        if reader.doc_count_all() == 0:
            return {}  # an index with no segment has no columns to read (Whoosh raises)
        check_readable(searcher)
        doc_ids = reader.column_reader("doc_id")
        hashes = reader.column_reader("content_hash")
        return {doc_ids[n]: hashes[n] for n in searcher.docs_for_query(Term("kind", "readout"))}


@dataclass
class ShardResult:
    """What one writer process made of its share of a round."""

    segment: object | None  # a Whoosh segment, not yet part of the index
    written: list[str]  # doc ids now in the segment
    failures: list[SourceError]
    paragraphs: int
    warnings: list[tuple[str, str]] = field(default_factory=list)


def _write_shard(ix: Index, sources: list[Source], started: Callable[[int], None]) -> ShardResult:
    """Parse, analyze and write `sources` into a new segment of its own.

    The segment is not part of the index until the parent commits it; until
    then a crash or a kill leaves only unreferenced files, which the next
    commit deletes. `started(i)` is called before source i, and with
    len(sources) before the segment is written out.
    """
    result = ShardResult(None, [], [], 0)
    writer = SegmentWriter(ix, _lk=False, limitmb=WRITER_MB, compound=COMPOUND)
    try:
        for number, source in enumerate(sources):
            started(number)
            item = prepare(source)
            if isinstance(item, SourceError):
                result.failures.append(item)
            else:
                result.paragraphs += _add(writer, item)
                result.written.append(item.readout.doc_id)
                result.warnings.extend((source.origin, warning) for warning in item.readout.warnings)
        started(len(sources))
        if result.written:
            result.segment = writer._finalize_segment()
        else:
            writer.cancel()
    except BaseException:
        writer.cancel()
        raise
    return result


def _shards(sources: list[Source], count: int) -> list[list[Source]]:
    """Split sources into `count` shares of about equal size."""
    shares: list[list[Source]] = [[] for _ in range(count)]
    sizes = [0] * count
    for source in sorted(sources, key=lambda s: -len(s.payload[-1])):
        smallest = sizes.index(min(sizes))
        shares[smallest].append(source)
        sizes[smallest] += len(source.payload[-1])
    return [share for share in shares if share]


def _commit(ix: Index, delete: list[str], segments: list) -> None:
    """One atomic commit: delete old versions, add the new segments."""
    writer = ix.writer(limitmb=WRITER_MB, compound=COMPOUND)
    try:
        for doc_id in delete:
            writer.delete_by_term("doc_id", doc_id)
        # As Whoosh's own multiprocessing writer does: merge small existing
        # segments, then list the new ones in the same table of contents.
        final = writer._merge_segments(merge_small_segments, None, None)
        final += segments
        if writer._added:
            final.append(writer._finalize_segment())
        else:
            writer._close_segment()
        writer._commit_toc(final)
        writer._finish()
    except BaseException:
        writer.cancel()
        raise


def merge_small_segments(writer, segments: list) -> list:
    """Whoosh merge policy: rewrite small or mostly deleted segments, keep big ones.

    Whoosh's MERGE_SMALL decides by the number of segments against Fibonacci
    thresholds; past about 25 segments of a large import it merges them all at
    every commit, which made the parent process the bottleneck.
    """

    def small(segment) -> bool:
        total = segment.doc_count_all()
        return total < SMALL_SEGMENT_DOCS or segment.deleted_count() > total // 2

    chosen = [segment for segment in segments if small(segment)]
    if len(chosen) < MERGE_AT:
        return list(segments)
    for segment in chosen:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
    return [segment for segment in segments if not small(segment)]


def _rounds(sources: list[Source], engine: str) -> Iterator[list[Source]]:
    """Batches of at most COMMIT_EVERY readouts (READOUTS_COMMIT_EVERY if set) and about
    ROUND_BYTES of text."""
    most = int(os.environ.get("READOUTS_COMMIT_EVERY", COMMIT_EVERY[engine]))
    batch: list[Source] = []
    size = 0
    for source in sources:
        batch.append(source)
        size += len(source.payload[-1])
        if len(batch) >= most or size >= ROUND_BYTES[engine]:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _choose_workers(sources: list[Source], workers: int | None) -> int:
    if workers is not None:
        return max(1, workers)
    size = sum(len(source.payload[-1]) for source in sources)
    return (os.cpu_count() or 1) if size >= PARALLEL_MIN_BYTES else 1


def _origin_order(origin: str) -> tuple[str, int]:
    """Files in path order, and the lines of a bulk file in line order."""
    path, _, line = origin.rpartition(":")
    return (path, int(line)) if line.isdigit() else (origin, 0)


def _plan(
    paths: Iterable[Path],
    existing: dict[str, str],
    summary: Summary,
    origins_of: Callable[[list[str]], dict[str, str]],
    stamps: dict[str, dict],
    read: dict[str, dict],
    follow_symlinks: bool = False,
    hold: frozenset[str] = frozenset(),
) -> tuple[list[Source], list[str]]:
    """What to write (new and changed readouts) and what to delete (vanished ones).

    Unchanged readouts and failures are counted into `summary` on the way. Of two
    readouts with the same document id, the one first in path order is kept,
    whatever order the paths were given in.
    """
    kept: dict[str, str] = {}  # doc ids that stay, from failures that keep their previous version
    broken_bulk: set[str] = set()
    found_sources: dict[str, Source] = {}
    known = {content_hash: doc_id for doc_id, content_hash in existing.items()}
    for found in find_sources(list(paths), known, stamps, read, follow_symlinks, hold):
        if isinstance(found, SourceError):
            summary.fail(found)
            if found.doc_id is not None:
                kept.setdefault(found.doc_id, found.origin)
            if found.bulk_file is not None:
                broken_bulk.add(found.bulk_file)
            continue
        other = found_sources.get(found.doc_id)
        if other is not None:
            first, second = sorted((other, found), key=lambda source: _origin_order(source.origin))
            found_sources[found.doc_id] = first
            summary.fail(
                SourceError(
                    second.origin,
                    f"has the same document id {found.doc_id!r} as {first.origin}, which is indexed "
                    "(the first in path order); rename one of them",
                )
            )
            continue
        found_sources[found.doc_id] = found
    todo: list[Source] = []
    for doc_id, found in found_sources.items():
        if existing.get(doc_id) == found.content_hash:
            summary.unchanged += 1
        else:
            todo.append(found)
    vanished = [doc_id for doc_id in existing if doc_id not in found_sources and doc_id not in kept]
    if broken_bulk:
        origins = origins_of(vanished)
        vanished = [doc_id for doc_id in vanished if origins[doc_id].rpartition(":")[0] not in broken_bulk]
    return todo, vanished


class _WhooshTarget:
    """Writing to a Whoosh index: each writer process writes a segment of its own."""

    def __init__(self, directory: Path, root: Path) -> None:
        self.ix = open_generation(directory, root)

    def existing(self) -> dict[str, str]:
        return indexed_readouts(self.ix)

    def generation(self) -> int:
        return self.ix.latest_generation()

    def readout_count(self) -> int:
        """How many readouts the index holds, reading their postings (a damaged index raises)."""
        with self.ix.searcher() as searcher:
            check_readable(searcher)
            return sum(1 for _ in searcher.docs_for_query(Term("kind", "readout")))

    def origins(self, doc_ids: list[str]) -> dict[str, str]:
        return _origins(self.ix, doc_ids)

    def work(self, sources: list[Source], started: Callable[[int], None]) -> ShardResult:
        """A worker's task: its share of a round, written into a segment of its own."""
        return _write_shard(self.ix, sources, started)

    def write_round(self, sources, workers: Supervisor, count, tick, existing) -> list[ShardResult]:
        # Replaced readouts are deleted at the commit (`commit`).
        results = []
        for _, result in workers.run(list(enumerate(_shards(sources, count))), tick):
            results.append(ShardResult(None, [], [result], 0) if isinstance(result, SourceError) else result)
        return results

    def commit(self, delete: list[str], results: list[ShardResult]) -> None:
        _commit(self.ix, delete, [r.segment for r in results if r.segment is not None])

    def close(self) -> None:
        pass  # each shard writer cancels itself on an error


# Readouts per task handed to a worker for tantivy: enough to keep the pipe busy,
# few enough that a worker's death makes little to hand out again.
PREPARE_BATCH = 16


class _TantivyTarget:
    """Writing to a tantivy index: worker processes analyze, tantivy's own threads index.

    Each analyzed readout goes into the writer as soon as it arrives, its old
    version deleted just before (a tantivy delete applies to what was added
    before it), so a round never holds its documents in memory; a readout that
    fails is neither deleted nor added. The commit makes the round visible.
    """

    def __init__(self, directory: Path, root: Path) -> None:
        from indexer.engines.tantivy import engine as tantivy_engine

        self.engine = tantivy_engine
        self.directory = directory
        self.reader = tantivy_engine.TantivyReader(directory, root)  # checks format and trust
        self.writer = None
        self.added: set[str] = set()  # readouts added in this run

    def existing(self) -> dict[str, str]:
        return self.reader.content_hashes()

    def generation(self) -> int:
        return self.engine.commit_generation(self.directory)

    def readout_count(self) -> int:
        return self.reader.counts()[0]

    def origins(self, doc_ids: list[str]) -> dict[str, str]:
        return self.reader.origins(doc_ids)

    def work(self, sources: list[Source], started: Callable[[int], None]) -> list[Prepared | SourceError]:
        """A worker's task: a few readouts parsed and analysed, for the parent to write."""
        items = []
        for number, source in enumerate(sources):
            started(number)
            items.append(prepare(source, trigrams=True))
        return items

    def write_round(self, sources, workers: Supervisor, count, tick, existing) -> list[ShardResult]:
        result = ShardResult(None, [], [], 0)
        if self.writer is None:
            self.writer = self.engine.TantivyWriter(self.directory)
        batches = [
            (None, sources[start : start + PREPARE_BATCH]) for start in range(0, len(sources), PREPARE_BATCH)
        ]
        for _, items in workers.run(batches, tick):
            for item in [items] if isinstance(items, SourceError) else items:
                if isinstance(item, SourceError):
                    result.failures.append(item)
                    continue
                self._write(item, existing, result)
        return [result]

    def _write(self, item: Prepared, existing, result: ShardResult) -> None:
        doc_id = item.readout.doc_id
        if doc_id in existing or doc_id in self.added:
            # Its older version: a delete costs every segment a look-up at the commit,
            # so a new readout (all of them, on a first build) asks for none.
            self.writer.delete([doc_id])
        self.added.add(doc_id)
        self.writer.add(self._documents(item))
        result.paragraphs += len(item.readout.paragraphs)
        result.written.append(doc_id)
        result.warnings.extend((item.source.origin, warning) for warning in item.readout.warnings)

    def _documents(self, item: Prepared) -> list:
        readout = item.readout
        date = readout.date.isoformat() if readout.date else ""
        facets = readout_facets(readout.title, readout.category)
        indexed = indexed_now()
        documents = []
        for paragraph, text_terms, context_terms, speakers in zip(
            readout.paragraphs, item.texts, item.contexts, item.speakers, strict=True
        ):
            stored = {
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
                "speakers": speakers,
                "source_url": readout.source_url,
                "indexed": indexed,
            }
            documents.append(
                self.engine.paragraph_document(
                    stored, date, paragraph.position, text_terms, context_terms, facets
                )
            )
        stored = {
            "doc_id": readout.doc_id,
            "title": readout.title,
            "category": readout.category,
            "date": date,
            "issuer": readout.issuer,
            "origin": item.source.origin,
            "source_url": readout.source_url,
            "content_hash": item.source.content_hash,
            "outline": [
                (h.section, h.label, h.text, h.position, h.level, h.anchor) for h in readout.headings
            ],
        }
        documents.append(
            self.engine.readout_document(stored, date, item.titles, item.readings, title_cores(readout.title))
        )
        return documents

    def commit(self, delete: list[str], results: list[ShardResult]) -> None:
        writer = self.writer or self.engine.TantivyWriter(self.directory)
        self.writer = None
        written = {doc_id for result in results for doc_id in result.written}
        # Replaced readouts were deleted before their new version went in.
        writer.delete([doc_id for doc_id in delete if doc_id not in written])
        writer.commit()
        writer.close()

    def close(self) -> None:
        """Drop an uncommitted round (after an error), releasing tantivy's writer lock."""
        if self.writer is not None:
            self.writer.abandon()
            self.writer = None


def update_index(
    root: Path,
    paths: Iterable[Path],
    *,
    rebuild: bool = False,
    workers: int | None = None,
    engine: str | None = None,
    on_wait: Callable[[str], None] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    follow_symlinks: bool = False,
    hold: frozenset[str] = frozenset(),
) -> Summary:
    """Make the index at `root` hold exactly the readouts under `paths` (links to files
    outside the folders given only with `follow_symlinks`); files in `hold`, still being
    written, keep what the last run indexed of them.

    `engine` is chosen when an index is created (or rebuilt); an existing index
    keeps the engine it was built with, and asking for another one is refused.
    """
    started = time.monotonic()
    summary = Summary()
    paths = list(paths)
    # A folder that is gone or unreadable (an unmounted disk, a typo) must not
    # read as "every readout in it was deleted".
    problems = missing_paths(paths)
    if problems:
        raise IndexProblem(
            f"{'; '.join(problems)}: nothing was changed in the index. "
            "Check the path (is the disk mounted?) and run again"
        )
    with writer_lock(root, on_wait):
        remove_stale_generations(root)
        live = current_dir(root)
        fresh = rebuild or live is None
        if fresh:
            chosen = engine or (engine_of(live) if live is not None else default_engine())
            directory = create_generation(root, chosen)
            if live is None:
                # A first build is published at once, so that what is committed
                # survives an interruption and the next run carries on.
                publish(root, directory)
        else:
            directory = live
            check_compatible(directory, root)
            check_engine(directory, root, engine)
            chosen = engine_of(directory)
        target = _TantivyTarget(directory, root) if chosen == "tantivy" else _WhooshTarget(directory, root)
        existing: dict[str, str] = {}
        remembered = Remembered() if fresh else read_remembered(directory)
        if not fresh:
            try:
                # What the last run wrote, if nothing was committed since; else from the index.
                same = (
                    remembered.readouts is not None
                    and remembered.generation == target.generation()
                    and len(remembered.readouts) == target.readout_count()
                )
                existing = remembered.readouts if same else target.existing()
            except Exception as error:  # engines report damaged files with any exception
                raise damaged(root, error) from error

        read: dict[str, dict] = {}
        todo, vanished = _plan(
            paths, existing, summary, target.origins, remembered.files, read, follow_symlinks, hold
        )
        indexed = dict(existing)
        summary.removed = len(vanished)
        count = _choose_workers(todo, workers)
        done_before = 0  # sources of the rounds before this one
        last_tick = 0.0

        def tick(done: int) -> None:
            nonlocal last_tick
            now = time.monotonic()
            total = done_before + done
            if on_progress is not None and (now - last_tick >= 0.2 or total == len(todo)):
                last_tick = now
                on_progress(total, len(todo))

        # Parsing and analysis run in worker processes even for one readout, so that
        # a crash in a library (MeCab, lxml, pdfminer) costs only its file.
        supervisor = Supervisor(count, target.work) if todo else None
        try:
            delete = list(vanished)
            for sources in _rounds(todo, chosen):
                results = target.write_round(sources, supervisor, count, tick, existing)
                written = [doc_id for result in results for doc_id in result.written]
                delete += [doc_id for doc_id in written if doc_id in existing]
                target.commit(delete, results)
                for doc_id in delete:
                    indexed.pop(doc_id, None)
                hashes = {source.doc_id: source.content_hash for source in sources}
                indexed.update((doc_id, hashes[doc_id]) for doc_id in written)
                delete = []
                for result in results:
                    for failure in result.failures:
                        summary.fail(failure)
                    summary.warnings.extend(result.warnings)
                    summary.paragraphs += result.paragraphs
                summary.updated += sum(1 for doc_id in written if doc_id in existing)
                summary.added += sum(1 for doc_id in written if doc_id not in existing)
                done_before += len(sources)
                tick(0)
            if delete:
                target.commit(delete, [])
                for doc_id in delete:
                    indexed.pop(doc_id, None)
            # Only now that everything is committed, with the commit it describes; a
            # readout that failed to be written is not in the index, so its file is
            # read again next time.
            now = Remembered(target.generation(), indexed, read)
            if now != remembered:
                write_remembered(directory, now)
        finally:
            if supervisor is not None:
                supervisor.close()
            target.close()
        if fresh and current_dir(root) != directory:
            publish(root, directory)
    summary.seconds = time.monotonic() - started
    return summary
