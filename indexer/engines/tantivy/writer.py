"""Writing a tantivy index: worker processes analyse, the parent serialises each readout's
records into documents as they arrive, and a round is one commit.

May touch: tantivy's writer API, the records of `indexer.engines.base`.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import orjson
import tantivy
from tantivy import Document

from readouts.indexer.analysis.terms import GAP, MIN_SCORED_WORDS
from readouts.indexer.engines.base import (
    ParagraphRecord,
    Prepared,
    ReadoutRecord,
    ShardResult,
    Workers,
    date_number,
)
from readouts.indexer.engines.tantivy.reader import TantivyReader
from readouts.indexer.engines.tantivy.schema import FORMAT_VERSION, create_index, readout_number

# One indexing thread, with room for a large import's round in one segment: every
# segment costs each search a look-up per term, and merging them costs a build a
# sixth of its time.
WRITER_HEAP = 2_000_000_000


def paragraph_document(record: ParagraphRecord, titles: tuple[str, str, str]) -> Document:
    """A paragraph's document; `titles`: its readout's title terms (`ReadoutRecord.title_terms`)."""
    stored = record.stored
    document = Document()
    document.add_text("kind", "para")
    document.add_text("key", record.key)
    document.add_text("doc_id", stored["doc_id"])
    for country in record.countries:
        document.add_text("country", country)
    document.add_text("meeting", record.kind)
    document.add_text("lang", stored["language"])
    document.add_text("facets", record.facet_key)
    document.add_integer("date", date_number(stored["date"]))
    document.add_integer("position", stored["position"])
    document.add_integer("readout", readout_number(stored["doc_id"]))
    # A short paragraph's words are followed by gap tokens up to MIN_SCORED_WORDS, which no
    # query asks for: BM25 counts them in its length.
    words, bigrams, trigrams, said = record.terms
    if said:
        document.add_text("said", said)
    missing = MIN_SCORED_WORDS - (words.count(" ") + 1 if words else 0)
    if missing > 0:
        words = words + (" " if words else "") + " ".join([GAP] * missing)
    for field, terms in (
        ("text", (words, bigrams, trigrams)),
        ("context", record.context_terms),
        ("readout_titles", titles),
    ):
        for name, text in zip((field, f"{field}_ngram", f"{field}_trigram"), terms, strict=True):
            if text:
                document.add_text(name, text)
    document.add_bytes("data", orjson.dumps(stored))
    return document


def readout_document(record: ReadoutRecord) -> Document:
    stored = record.stored
    document = Document()
    document.add_text("kind", "readout")
    document.add_text("doc_id", stored["doc_id"])
    document.add_integer("record", readout_number(stored["doc_id"]))
    document.add_text("lang", stored["language"])
    document.add_integer("date", date_number(stored["date"]))
    document.add_integer("position", -1)
    for name, terms in zip(("titles", "titles_ngram", "titles_trigram"), record.title_terms, strict=True):
        if terms:
            document.add_text(name, terms)
    if record.readings:
        document.add_text("readings", record.readings)
    for core in record.title_cores:
        document.add_text("titles_exact", core)
    for key in record.copies:
        document.add_text("copies", key)
    document.add_bytes("data", orjson.dumps({**stored, "copies": record.copies}))
    return document


def _write_error(directory: Path, error: Exception) -> OSError:
    """tantivy reports a failed write as a ValueError about a killed writer thread: say what it was."""
    try:
        full = shutil.disk_usage(directory).free < 16 * 1024 * 1024
    except OSError:
        full = False
    if full:
        return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    return OSError(errno.EIO, f"tantivy could not write ({error})")


def commit_generation(directory: Path) -> int:
    """Which commit the index in `directory` is at: tantivy counts every operation."""
    return json.loads((directory / "meta.json").read_text("utf-8"))["opstamp"]


class TantivyWriter:
    """Deletes and additions of one round, committed at once."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.index = tantivy.Index.open(str(directory))
        self.writer = self.index.writer(heap_size=WRITER_HEAP, num_threads=1)

    def delete(self, doc_ids: list[str]) -> None:
        for doc_id in doc_ids:
            self.writer.delete_documents_by_term("doc_id", doc_id)

    def add(self, documents: list[Document]) -> None:
        try:
            for document in documents:
                self.writer.add_document(document)
        except ValueError as error:
            raise _write_error(self.directory, error) from None

    def commit(self) -> None:
        try:
            self.writer.commit()
        except ValueError as error:
            raise _write_error(self.directory, error) from None

    def close(self) -> None:
        self.writer.wait_merging_threads()

    def abandon(self) -> None:
        """Forget what was added since the last commit and let go of the index."""
        # A writer whose threads died (a full disk) has nothing left to roll back.
        with contextlib.suppress(ValueError):
            self.writer.rollback()
        self.writer = None


# Readouts per task handed to a worker for tantivy: enough to keep the pipe busy,
# few enough that a worker's death makes little to hand out again.
PREPARE_BATCH = 16


class TantivyIndexWriter:
    """Writing to a tantivy index (`indexer.engines.base.Writer`): worker processes analyse,
    the parent writes.

    Each analyzed readout goes into the writer as soon as it arrives, its old
    version deleted just before (a tantivy delete applies to what was added
    before it), so a round never holds its documents in memory; a readout that
    fails is neither deleted nor added. The commit makes the round visible.
    """

    FORMAT_VERSION = FORMAT_VERSION
    TRIGRAMS = True
    # One segment per commit; every segment costs each search a look-up per term, and
    # tantivy merges only eight of a size: rounds five times larger than Whoosh's.
    COMMIT_EVERY = 100_000
    ROUND_BYTES = 240_000_000
    create = staticmethod(create_index)

    def __init__(self, directory: Path, root: Path, prepare: Callable) -> None:
        self.directory = directory
        self.prepare = prepare
        self.reader = TantivyReader(directory, root)
        self.writer: TantivyWriter | None = None
        self.added: set[str] = set()  # readouts added in this run

    def existing(self) -> dict[str, str]:
        return self.reader.content_hashes()

    def generation(self) -> int:
        return commit_generation(self.directory)

    def readout_count(self) -> int:
        return self.reader.counts()[0]

    def origins(self, doc_ids: list[str]) -> dict[str, str]:
        return self.reader.origins(doc_ids)

    def copies_of(self, keys: list[str]) -> list[tuple[str, str, list[int], tuple[str, ...]]]:
        return self.reader.copies_of(keys)

    def work(self, sources: list, started: Callable[..., None]) -> list:
        """A worker's task: a few readouts parsed and analysed (or their SourceErrors), for the
        parent to write."""
        items = []
        for number, source in enumerate(sources):
            started(number)
            items.append(self.prepare(source))
        return items

    def write_round(self, sources, workers: Workers, count, tick, existing) -> list[ShardResult]:
        result = ShardResult(None, [], [], 0)
        if self.writer is None:
            self.writer = TantivyWriter(self.directory)
        batches = [
            (None, sources[start : start + PREPARE_BATCH]) for start in range(0, len(sources), PREPARE_BATCH)
        ]
        for _, items in workers.run(batches, tick):
            # A batch whose worker died comes back as the SourceError of the source it was on.
            for item in items if isinstance(items, list) else [items]:
                if isinstance(item, Prepared):
                    self._write(item, existing, result)
                else:
                    result.failures.append(item)
        return [result]

    def _write(self, item: Prepared, existing, result: ShardResult) -> None:
        doc_id = item.doc_id
        if doc_id in existing or doc_id in self.added:
            # Its older version: a delete costs every segment a look-up at the commit,
            # so a new readout (all of them, on a first build) asks for none.
            self.writer.delete([doc_id])
        self.added.add(doc_id)
        titles = item.record.title_terms
        self.writer.add(
            [
                *(paragraph_document(paragraph, titles) for paragraph in item.paragraphs),
                readout_document(item.record),
            ]
        )
        result.paragraphs += len(item.paragraphs)
        result.written.append(doc_id)
        result.warnings.extend((item.origin, warning) for warning in item.warnings)

    def commit(self, delete: list[str], results: list[ShardResult]) -> None:
        writer = self.writer or TantivyWriter(self.directory)
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
