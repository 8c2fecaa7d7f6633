"""Writing a Whoosh index: each writer process writes a segment of its own, and the parent
commits a round's segments and deletions in one new table of contents.

May touch: whoosh's writing API (and some of its private parts, named where used), the
records of `indexer.engines.base`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from whoosh.index import Index
from whoosh.query import Term
from whoosh.reading import SegmentReader
from whoosh.writing import SegmentWriter

from readouts.indexer.analysis.terms import AnalyzedText
from readouts.indexer.engines.base import Prepared, ShardResult, Workers
from readouts.indexer.engines.whoosh.schema import FORMAT_VERSION
from readouts.indexer.engines.whoosh.store import check_readable, create_index, open_index

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


def _analyzed(text: str, terms: tuple[str, ...]) -> AnalyzedText:
    """A field's value carrying its terms (`indexer.engines.whoosh.analyzers`)."""
    value = AnalyzedText(text)
    value.words, value.bigrams, value.trigrams = terms[:3]
    value.said = terms[3] if len(terms) > 3 else ""
    return value


# What a paragraph's document stores as it is (`indexer.engines.base.ParagraphRecord.stored`).
_STORED = (
    "doc_id", "date", "position", "section", "label", "headings", "anchor", "speakers",
    "title", "category", "source_url", "indexed", "language",
)  # fmt: skip


def _add(writer, item: Prepared) -> int:
    record = item.record
    titles = _analyzed(record.titles, record.title_terms)
    for paragraph in item.paragraphs:
        stored = paragraph.stored
        text = _analyzed(stored["text"], paragraph.terms)
        context = _analyzed(paragraph.context, paragraph.context_terms)
        document = {
            "key": paragraph.key,
            "kind": "para",
            **{name: stored[name] for name in _STORED},
            "text": text,
            "_stored_text": str(stored["text"]),
            "text_ngram": text,
            "said": text,
            "context": context,
            "context_ngram": context,
            "readout_titles": titles,
            "readout_titles_ngram": titles,
            "country": " ".join(paragraph.countries),
            "meeting": paragraph.kind,
            "lang": stored["language"],
            "facets": paragraph.facet_key.encode("utf-8"),
        }
        writer.add_document(**document)
    writer.add_document(
        key=record.key,
        kind="readout",
        position=-1,
        lang=record.stored["language"],
        **record.stored,
        titles=titles,
        titles_ngram=titles,
        titles_exact=" ".join(record.title_cores),
        readings=record.readings,
        copies=" ".join(record.copies),
    )
    return len(item.paragraphs)


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


def _write_shard(ix: Index, sources: list, started: Callable[..., None], prepare: Callable) -> ShardResult:
    """Parse, analyze and write `sources` into a new segment of its own.

    The segment is not part of the index until the parent commits it; until
    then a crash or a kill leaves only unreferenced files, which the next
    commit deletes. `started(i)` is called before source i is read, `started(i, False)`
    before it is written, and `started(len(sources))` before the segment is written out.
    """
    result = ShardResult(None, [], [], 0)
    writer = SegmentWriter(ix, _lk=False, limitmb=WRITER_MB, compound=COMPOUND)
    try:
        for number, source in enumerate(sources):
            started(number)
            item = prepare(source)
            if not isinstance(item, Prepared):  # a SourceError: reported, and the source skipped
                result.failures.append(item)
            else:
                started(number, False)  # writing: Whoosh may flush its pool to disk here
                result.paragraphs += _add(writer, item)
                result.written.append(item.doc_id)
                result.warnings.extend((source.origin, warning) for warning in item.warnings)
        started(len(sources))
        if result.written:
            result.segment = writer._finalize_segment()
        else:
            writer.cancel()
    except BaseException:
        writer.cancel()
        raise
    return result


def _shards(sources: list, count: int) -> list[list]:
    """Split sources into `count` shares of about equal size."""
    shares: list[list] = [[] for _ in range(count)]
    sizes = [0] * count
    for source in sorted(sources, key=lambda s: -s.size):
        smallest = sizes.index(min(sizes))
        shares[smallest].append(source)
        sizes[smallest] += source.size
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


class WhooshWriter:
    """Writing to a Whoosh index (`indexer.engines.base.Writer`): each writer process writes a
    segment of its own."""

    FORMAT_VERSION = FORMAT_VERSION
    TRIGRAMS = False
    COMMIT_EVERY = 20_000  # each commit adds a segment per writer process
    ROUND_BYTES = 48_000_000
    create = staticmethod(create_index)

    def __init__(self, directory: Path, root: Path, prepare: Callable) -> None:
        self.ix = open_index(directory, root)
        self.prepare = prepare

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

    def copies_of(self, keys: list[str]) -> list[tuple[str, str, list[int], tuple[str, ...]]]:
        with self.ix.searcher() as searcher:
            found = {}
            for key in keys:
                for fields in searcher.documents(copies=key, kind="readout"):
                    found[fields["doc_id"]] = (
                        fields["doc_id"],
                        fields.get("origin", ""),
                        list(fields.get("copy_rank") or ()),
                        tuple(fields.get("copies", "").split()),
                    )
            return list(found.values())

    def work(self, sources: list, started: Callable[..., None]) -> ShardResult:
        """A worker's task: its share of a round, written into a segment of its own."""
        return _write_shard(self.ix, sources, started, self.prepare)

    def write_round(self, sources, workers: Workers, count, tick, existing) -> list[ShardResult]:
        # Replaced readouts are deleted at the commit (`commit`).
        results = []
        for _, result in workers.run(list(enumerate(_shards(sources, count))), tick):
            # A share whose worker died comes back as the SourceError of the source it was on.
            results.append(result if isinstance(result, ShardResult) else ShardResult(None, [], [result], 0))
        return results

    def commit(self, delete: list[str], results: list[ShardResult]) -> None:
        _commit(self.ix, delete, [r.segment for r in results if r.segment is not None])

    def close(self) -> None:
        pass  # each shard writer cancels itself on an error
