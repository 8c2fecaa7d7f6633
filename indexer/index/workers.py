"""Worker processes whose death or hang costs only the file they were reading.

The parent hands each worker a task (a list of sources) over a pipe. Before each
source the worker says which one it is on, and whether it is reading it or writing
what it read; when the task is done it sends back what it made. A worker that dies
(a native crash in a library, the kernel's out-of-memory killer) or spends longer
than `document_seconds` reading one source is killed and replaced: that source is
reported as failed with the reason, and the rest of its task is handed out again
without it. Writing has no such limit: an engine's writer may stop to flush what it
holds to disk, which on a busy machine can take minutes, and no source is to blame.
The parent never waits on a worker without a deadline.

May touch: processes, pipes and signals. Knows nothing of parsing or engines:
what a task does is the `work` function it is given.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import pickle
import signal
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait

from readouts.indexer.messages import say
from readouts.indexer.parse.limits import die_with_parent
from readouts.indexer.parse.sources import Source, SourceError

# How long one source may take to be parsed and analysed before its worker is
# killed (READOUTS_DOCUMENT_SECONDS overrides it). A real readout takes well under
# a second; a PDF of a few hundred pages a few seconds.
DOCUMENT_SECONDS = 60.0

# A task's work: (sources, started) → result, calling started(i) before reading source i and
# started(i, False) before writing what it made of it, if it writes.
Work = Callable[[list[Source], Callable[..., None]], object]


def document_seconds() -> float:
    return float(os.environ.get("READOUTS_DOCUMENT_SECONDS", DOCUMENT_SECONDS))


class WorkerFailed(Exception):
    """An unexpected error inside a worker (a full disk, say), raised again in the parent."""


def _let_go_of_locks() -> None:
    """Point every inherited descriptor of a lock file (*.lock) at /dev/null.

    A forked worker shares the parent's open files. A lock that is the parent's
    to release (tantivy's meta and writer locks, taken and dropped while the
    workers run) would stay held for as long as a worker kept its copy, and the
    parent's next writer would wait for it forever. The descriptor numbers stay
    taken, so nothing the worker opens can be closed by mistake in their place.
    """
    null = os.open(os.devnull, os.O_RDWR)
    try:
        for name in os.listdir("/proc/self/fd"):
            with contextlib.suppress(OSError):
                if os.readlink(f"/proc/self/fd/{name}").endswith(".lock"):
                    os.dup2(null, int(name))
    finally:
        os.close(null)


def _serve(connection: Connection, work: Work) -> None:
    die_with_parent()
    _let_go_of_locks()
    # Daemonic to the parent (it ends with it); here it may fork the child that reads a PDF
    # within a memory bound (`indexer.parse.limits`), which dies with it in turn.
    multiprocessing.current_process().daemon = False
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    while (task := connection.recv()) is not None:
        try:
            result = work(task, lambda number, reading=True: connection.send(("start", (number, reading))))
        except BaseException as error:
            try:
                pickle.loads(pickle.dumps(error))  # what the parent will have to do with it
            except Exception:
                error = WorkerFailed(f"{type(error).__name__}: {error}")
            connection.send(("raise", error))
            continue
        connection.send(("done", result))


@dataclass
class _Busy:
    tag: object
    sources: list[Source]
    current: int = -1  # the source being read; -1 before the first, len(sources) after the last
    since: float = 0.0
    reading: bool = True  # else writing what it read of the current source


class _Worker:
    def __init__(self, context, work: Work) -> None:
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, work), daemon=True)
        self.process.start()
        child.close()
        self.busy: _Busy | None = None

    def give(self, tag, sources: list[Source]) -> None:
        self.busy = _Busy(tag, sources, since=time.monotonic())
        self.connection.send(sources)

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.connection.close()

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.connection.send(None)
        self.process.join(5)
        self.kill()


def _death(process) -> str:
    code = process.exitcode
    if code is not None and code < 0:
        name = signal.Signals(-code).name
        if -code == signal.SIGKILL:
            return say("worker_killed", signal=name)
        return say("worker_crashed", signal=name)
    return say("worker_exited", code=code)


def _hung(seconds: float) -> str:
    return say("worker_hung", seconds=seconds)


class Supervisor:
    """A fixed number of worker processes (forked: they share what the parent has loaded)."""

    def __init__(self, count: int, work: Work) -> None:
        self._context = multiprocessing.get_context("fork")
        self._work = work
        self._workers = [_Worker(self._context, work) for _ in range(max(1, count))]

    def run(self, tasks: list[tuple[object, list[Source]]], on_tick: Callable[[int], None]) -> Iterator:
        """Yield (tag, result) for each task done, and (tag, SourceError) for each source that
        killed or hung its worker. `on_tick(sources done)` is called at least every 0.2 s."""
        limit = document_seconds()
        queue = deque(tasks)
        finished = 0
        while queue or any(worker.busy for worker in self._workers):
            for worker in self._workers:
                if worker.busy is None and queue:
                    worker.give(*queue.popleft())
            busy = [worker for worker in self._workers if worker.busy is not None]
            wait([w.connection for w in busy] + [w.process.sentinel for w in busy], timeout=0.2)
            now = time.monotonic()
            for index, worker in enumerate(self._workers):
                task = worker.busy
                if task is None:
                    continue
                done = self._read(worker)
                if done is not None:
                    finished += len(task.sources)
                    yield task.tag, done
                    continue
                reading = task.reading and 0 <= task.current < len(task.sources)
                if worker.process.is_alive() and not (reading and now - task.since > limit):
                    continue
                # Died, or hung on one source: that source fails, the rest is handed out again.
                alive = worker.process.is_alive()
                worker.kill()
                self._workers[index] = _Worker(self._context, self._work)
                if task.current >= len(task.sources):
                    raise WorkerFailed(f"a worker died writing what it had read ({_death(worker.process)})")
                culprit = max(task.current, 0)
                failed = task.sources[culprit]
                reason = _hung(limit) if alive else _death(worker.process)
                finished += 1
                yield task.tag, SourceError(failed.origin, reason, failed.doc_id)
                rest = task.sources[:culprit] + task.sources[culprit + 1 :]
                if rest:
                    queue.appendleft((task.tag, rest))
            on_tick(finished + sum(max(w.busy.current, 0) for w in self._workers if w.busy))

    @staticmethod
    def _read(worker: _Worker):
        """Take the worker's messages; its result if the task is done, else None."""
        task = worker.busy
        assert task is not None
        try:
            while worker.connection.poll():
                kind, value = worker.connection.recv()
                if kind == "start":
                    (task.current, task.reading), task.since = value, time.monotonic()
                    continue
                worker.busy = None
                if kind == "done":
                    return value
                break
            else:
                return None
        except (EOFError, OSError):
            return None  # the worker died mid-message: handled as a death
        raise value  # what the worker raised ("raise")

    def close(self) -> None:
        for worker in self._workers:
            if worker.busy is None:
                worker.stop()
            else:
                worker.kill()
