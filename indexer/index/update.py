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

from indexer import engines
from indexer.engines import default_engine
from indexer.engines.base import Engine
from indexer.index.records import prepare
from indexer.index.store import (
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
from indexer.index.workers import Supervisor
from indexer.parse.sources import Source, SourceError, find_sources, missing_paths

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


def _rounds(sources: list[Source], chosen: Engine) -> Iterator[list[Source]]:
    """Batches of at most the engine's readouts per commit (READOUTS_COMMIT_EVERY if set)
    and about its text per round: an interrupted import keeps its progress."""
    most = int(os.environ.get("READOUTS_COMMIT_EVERY", chosen.commit_every))
    batch: list[Source] = []
    size = 0
    for source in sources:
        batch.append(source)
        size += len(source.payload[-1])
        if len(batch) >= most or size >= chosen.round_bytes:
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
            name = engine or (engine_of(live) if live is not None else default_engine())
            directory = create_generation(root, name)
            if live is None:
                # A first build is published at once, so that what is committed
                # survives an interruption and the next run carries on.
                publish(root, directory)
        else:
            directory = live
            check_compatible(directory, root)
            check_engine(directory, root, engine)
            name = engine_of(directory)
        chosen = engines.engine(name)
        check_trusted(directory, root)
        target = chosen.writer(directory, root, functools.partial(prepare, trigrams=chosen.trigrams))
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
