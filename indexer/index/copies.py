"""One copy of each readout: of the sources that are copies of one page
(`indexer.parse.copies`), only the best is written, whether the others come in the same
run or were indexed before; a better copy that arrives later takes the place of the one
indexed, in the same commit.

The new sources are parsed once more for this, in worker processes (a tenth of what
analysing them costs): a source that crashes or hangs its worker here is reported and
not tried again in the same run.

May touch: the worker processes (`indexer.index.workers`) and the writer's look-up of
indexed copies (`indexer.engines.base.Writer.copies_of`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from readouts.indexer.engines.base import Writer
from readouts.indexer.index.workers import Supervisor
from readouts.indexer.parse.copies import copy_of
from readouts.indexer.parse.reading import parse_source
from readouts.indexer.parse.sources import Source, SourceError, origin_order

# Sources per task handed to a worker.
BATCH = 100


@dataclass(frozen=True)
class Copy:
    doc_id: str
    origin: str
    rank: tuple[int, ...]
    keys: tuple[str, ...]
    indexed: bool = False  # in the index already, rather than among the sources to write


@dataclass(frozen=True)
class LeftOut:
    """A copy that is not (or no longer) in the index, and the copy that is."""

    origin: str
    kept: str
    same: str  # what they share: "url", "text", or "copy" (each shares something with a third)


def identify(sources: list[Source], started: Callable[[int], None]) -> list[Copy]:
    """A worker's task: what each source shares with its copies. One that cannot be parsed is
    left for the write, which reports why."""
    found = []
    for number, source in enumerate(sources):
        started(number)
        try:
            readout = parse_source(source)
        except Exception:  # reported by the write, with its reason
            continue
        keys, rank = copy_of(readout)
        found.append(Copy(source.doc_id, source.origin, rank, keys))
    return found


def _best(copies: list[Copy]) -> Copy:
    return min(copies, key=lambda copy: (tuple(-value for value in copy.rank), origin_order(copy.origin)))


def _groups(copies: list[Copy]) -> list[list[Copy]]:
    """Copies that share a key, directly or through others."""
    parent = list(range(len(copies)))

    def root(n: int) -> int:
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    first: dict[str, int] = {}
    for n, copy in enumerate(copies):
        for key in copy.keys:
            parent[root(n)] = root(first.setdefault(key, n))
    groups: dict[int, list[Copy]] = {}
    for n, copy in enumerate(copies):
        groups.setdefault(root(n), []).append(copy)
    return [group for group in groups.values() if len(group) > 1]


def _same(left: Copy, right: Copy) -> str:
    shared = {key.partition(":")[0] for key in set(left.keys) & set(right.keys)}
    return "url" if "url" in shared else "text" if shared else "copy"


def one_copy(
    todo: list[Source],
    gone: list[str],
    existing: dict[str, str],
    target: Writer,
    count: int,
    fail: Callable[[SourceError], None],
) -> tuple[list[Source], list[str], list[LeftOut]]:
    """The sources to write, the indexed readouts to delete as copies of a better one, and
    what was left out. A source that crashed or hung a worker is told to `fail`."""
    if not todo:
        return todo, [], []
    new: list[Copy] = []
    crashed: set[str] = set()
    supervisor = Supervisor(count, identify)
    try:
        tasks = [(start, todo[start : start + BATCH]) for start in range(0, len(todo), BATCH)]
        for _, found in supervisor.run(tasks, lambda done: None):
            if isinstance(found, SourceError):
                fail(found)
                crashed.add(found.origin)
            else:
                new.extend(found)
    finally:
        supervisor.close()
    todo = [source for source in todo if source.origin not in crashed]
    replaced = {source.doc_id for source in todo} | set(gone)
    indexed = [
        Copy(doc_id, origin, tuple(rank), keys, indexed=True)
        for doc_id, origin, rank, keys in (
            target.copies_of(sorted({key for copy in new for key in copy.keys})) if existing else ()
        )
        if doc_id not in replaced
    ]
    dropped: set[str] = set()
    delete: list[str] = []
    left_out: list[LeftOut] = []
    for group in _groups(new + indexed):
        kept = _best(group)
        for copy in sorted(group, key=lambda copy: origin_order(copy.origin)):
            if copy is kept:
                continue
            left_out.append(LeftOut(copy.origin, kept.origin, _same(copy, kept)))
            if copy.indexed or copy.doc_id in existing:
                delete.append(copy.doc_id)
            if not copy.indexed:
                dropped.add(copy.doc_id)
    return [source for source in todo if source.doc_id not in dropped], delete, left_out
