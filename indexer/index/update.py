"""Make the index reflect a set of readout files: add, re-index, remove, skip.

Work goes in rounds of the engine's `commit_every` readouts. In a round on Whoosh, each
writer process (one, or one per core for large imports) parses, analyzes and writes
its share into a segment of its own; on tantivy, worker processes parse and analyze
and the parent writes one segment. The parent then commits the round together with
the deletion of the replaced and vanished readouts, in one atomic commit. Each
readout is analyzed before it reaches a writer: a readout that fails is
reported and skipped, and its previous version, if any, stays searchable.

May touch: the index's store, its engine through `indexer.engines.base.Writer`, and the
worker processes (`indexer.index.workers`).
"""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from readouts.indexer import engines
from readouts.indexer.engines import default_engine
from readouts.indexer.engines.base import Engine, Writer
from readouts.indexer.index.copies import LeftOut, one_copy
from readouts.indexer.index.records import prepare
from readouts.indexer.index.store import (
    IndexProblem,
    Remembered,
    check_compatible,
    check_engine,
    check_trusted,
    create_generation,
    current_dir,
    damaged,
    engine_of,
    publish,
    read_remembered,
    remove_stale_generations,
    write_remembered,
    writer_lock,
)
from readouts.indexer.index.workers import Supervisor
from readouts.indexer.messages import say
from readouts.indexer.parse.files import missing_paths
from readouts.indexer.parse.sources import Selection, Source, SourceError, find_sources, origin_order

EVERY_FILE = Selection()

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
    refused: list[SourceError] = field(default_factory=list)  # pages that are not readouts
    more: dict[str, int] = field(default_factory=dict)  # file → failures past those reported
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (origin, what is missing)
    copies: list[LeftOut] = field(default_factory=list)  # copies of a readout indexed from elsewhere
    seconds: float = 0.0
    _per_file: dict[str, int] = field(default_factory=dict, repr=False)

    @property
    def failed(self) -> int:
        return len(self.failures) + sum(self.more.values())

    def fail(self, failure: SourceError) -> None:
        """Report a failure, or count it past the first few of its file; a page that is not a
        readout is noted apart (it fails nothing)."""
        if failure.refused:
            self.refused.append(failure)
            return
        path = failure.bulk_file or failure.origin
        seen = self._per_file.get(path, 0)
        self._per_file[path] = seen + 1
        if seen < REPORTED_PER_FILE:
            self.failures.append(failure)
        else:
            self.more[path] = self.more.get(path, 0) + 1


def _rounds(sources: list[Source], chosen: Engine) -> Iterator[list[Source]]:
    """Batches of at most the engine's readouts per commit (READOUTS_COMMIT_EVERY if set)
    and about its text per round: an interrupted import keeps its progress."""
    most = int(os.environ.get("READOUTS_COMMIT_EVERY", chosen.writer.COMMIT_EVERY))
    batch: list[Source] = []
    size = 0
    for source in sources:
        batch.append(source)
        size += source.size
        if len(batch) >= most or size >= chosen.writer.ROUND_BYTES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _choose_workers(sources: list[Source], workers: int | None) -> int:
    if workers is not None:
        return max(1, workers)
    size = sum(source.size for source in sources)
    return (os.cpu_count() or 1) if size >= PARALLEL_MIN_BYTES else 1


def _plan(
    paths: Iterable[Path],
    existing: dict[str, str],
    summary: Summary,
    origins_of: Callable[[list[str]], dict[str, str]],
    stamps: dict[str, dict],
    read: dict[str, dict],
    selection: Selection,
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
    for found in find_sources(list(paths), known, stamps, read, selection):
        if isinstance(found, SourceError):
            summary.fail(found)
            if found.doc_id is not None:
                kept.setdefault(found.doc_id, found.origin)
            if found.bulk_file is not None:
                broken_bulk.add(found.bulk_file)
            continue
        other = found_sources.get(found.doc_id)
        if other is not None:
            first, second = sorted((other, found), key=lambda source: origin_order(source.origin))
            found_sources[found.doc_id] = first
            summary.fail(
                SourceError(
                    second.origin,
                    say("same_doc_id", doc_id=found.doc_id, first=first.origin),
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


def update_index(
    root: Path,
    paths: Iterable[Path],
    *,
    rebuild: bool = False,
    workers: int | None = None,
    engine: str | None = None,
    on_wait: Callable[[str], None] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    selection: Selection = EVERY_FILE,
) -> Summary:
    """Make the index at `root` hold one copy of each readout under `paths`, of the files
    `selection` reads (`indexer.parse.sources.Selection`).

    `engine` is chosen when an index is created (or rebuilt); an existing index
    keeps the engine it was built with, and asking for another one is refused.
    """
    started, summary, paths = time.monotonic(), Summary(), list(paths)
    _refuse_missing(paths)
    with writer_lock(root, on_wait):
        remove_stale_generations(root)
        fresh = (live := current_dir(root)) is None or rebuild
        directory, chosen = _generation(root, live, fresh, engine)
        target = chosen.writer(directory, root, functools.partial(prepare, trigrams=chosen.writer.TRIGRAMS))
        remembered = Remembered() if fresh else read_remembered(directory)
        existing = {} if fresh else _existing(root, target, remembered)
        read: dict[str, dict] = {}
        todo, vanished = _plan(paths, existing, summary, target.origins, remembered.files, read, selection)
        count = _choose_workers(todo, workers)
        todo, copies, summary.copies = one_copy(todo, vanished, existing, target, count, summary.fail)
        vanished += copies
        summary.removed = len(vanished)
        # Parsing and analysis run in worker processes even for one readout: a crash in a
        # library (MeCab, lxml, pdfminer) costs only its file.
        supervisor = Supervisor(count, target.work) if todo else None
        try:
            run = _Run(target, existing, summary, _Progress(len(todo), on_progress))
            for sources in _rounds(todo, chosen):
                run.round(sources, supervisor, count, vanished)
                vanished = []
            if vanished:
                run.commit(vanished, [])
            # Only now that all is committed, with the commit it describes (a readout that
            # failed to be written is not in the index: its file is read again next time).
            now = Remembered(target.generation(), run.indexed, read)
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


def _generation(root: Path, live: Path | None, fresh: bool, name: str | None) -> tuple[Path, Engine]:
    """The generation to write (a new one when `fresh`) and its engine, checked."""
    if fresh:
        name = name or (engine_of(live) if live is not None else default_engine())
        directory = create_generation(root, name)
        if live is None:
            # A first build is published at once, so that what is committed
            # survives an interruption and the next run carries on.
            publish(root, directory)
    else:
        directory = live
        check_compatible(directory, root)
        check_engine(directory, root, name)
        name = engine_of(directory)
    check_trusted(directory, root)
    return directory, engines.engine(name)


def _existing(root: Path, target: Writer, remembered: Remembered) -> dict[str, str]:
    """What the index holds: what the last run wrote, if nothing was committed since; else
    read from the index."""
    try:
        same = (
            remembered.readouts is not None
            and remembered.generation == target.generation()
            and len(remembered.readouts) == target.readout_count()
        )
        return remembered.readouts if same else target.existing()
    except Exception as error:  # engines report damaged files with any exception
        raise damaged(root, error) from error


class _Progress:
    """Calls `on_progress(done, total)` at most every 0.2 s, and at the end."""

    def __init__(self, total: int, on_progress: Callable[[int, int], None] | None) -> None:
        self.total, self.on_progress = total, on_progress
        self.done_before = 0  # sources of the rounds before this one
        self.last = 0.0

    def tick(self, done: int) -> None:
        now = time.monotonic()
        done += self.done_before
        if self.on_progress is not None and (now - self.last >= 0.2 or done == self.total):
            self.last = now
            self.on_progress(done, self.total)


class _Run:
    """The rounds of one run: each written and committed, the index's contents kept up."""

    def __init__(self, target: Writer, existing: dict[str, str], summary: Summary, progress: _Progress):
        self.target, self.existing, self.summary, self.progress = target, existing, summary, progress
        self.indexed = dict(existing)  # doc_id → content hash, as committed

    def round(self, sources: list[Source], workers: Supervisor, count: int, vanished: list[str]) -> None:
        results = self.target.write_round(sources, workers, count, self.progress.tick, self.existing)
        written = [doc_id for result in results for doc_id in result.written]
        self.commit([*vanished, *(doc_id for doc_id in written if doc_id in self.existing)], results)
        hashes = {source.doc_id: source.content_hash for source in sources}
        self.indexed.update((doc_id, hashes[doc_id]) for doc_id in written)
        for result in results:
            for failure in result.failures:
                self.summary.fail(failure)
            self.summary.warnings.extend(result.warnings)
            self.summary.paragraphs += result.paragraphs
        self.summary.updated += sum(1 for doc_id in written if doc_id in self.existing)
        self.summary.added += sum(1 for doc_id in written if doc_id not in self.existing)
        self.progress.done_before += len(sources)
        self.progress.tick(0)

    def commit(self, delete: list[str], results: list) -> None:
        self.target.commit(delete, results)
        for doc_id in delete:
            self.indexed.pop(doc_id, None)


def _refuse_missing(paths: list[Path]) -> None:
    """A folder that is gone or unreadable (an unmounted disk, a typo) must not read as
    "every readout in it was deleted": nothing is changed."""
    problems = missing_paths(paths)
    if problems:
        raise IndexProblem(say("paths_missing", problems="; ".join(problems)))
