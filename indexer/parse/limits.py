"""Work done in a child process with a ceiling on its memory, for files that can explode.

A PDF of a few kilobytes can inflate a stream to gigabytes or nest its drawings
without end; pdfminer has no limit of its own. Such work runs in a forked child
whose address space may grow by at most DOCUMENT_MB (READOUTS_DOCUMENT_MB): past
it, allocation fails there, the child reports it, and the parent carries on.
Time is bounded by the worker's supervisor (`indexer.index.workers`), which kills the
worker, and so this child, when a file takes too long.

May touch: processes, pipes and resource limits.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import resource
import signal
from collections.abc import Callable

DOCUMENT_MB = 1024


def document_mb() -> int:
    return int(os.environ.get("READOUTS_DOCUMENT_MB", DOCUMENT_MB))


def die_with_parent() -> None:
    """Have the kernel kill this process when its parent dies (Linux PR_SET_PDEATHSIG)."""
    ctypes.CDLL(None).prctl(1, signal.SIGKILL)


class TooLarge(Exception):
    """The work needed more memory than it may have."""

    def __init__(self, megabytes: int) -> None:
        super().__init__(f"needed more than {megabytes} MB of memory")
        self.megabytes = megabytes

    def __reduce__(self):
        return type(self), (self.megabytes,)


def _address_space() -> int:
    """This process's current address space, in bytes."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _child(connection, work: Callable, argument, megabytes: int) -> None:
    die_with_parent()
    limit = _address_space() + megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        connection.send(("done", work(argument)))
    except MemoryError:
        connection.send(("raise", TooLarge(megabytes)))
    except Exception as error:
        connection.send(("raise", error))


def bounded(work: Callable, argument):
    """work(argument) in a child process whose memory may grow by at most document_mb();
    raises TooLarge past it, and whatever work raised. The result must pickle."""
    megabytes = document_mb()
    context = multiprocessing.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(sending, work, argument, megabytes), daemon=True)
    process.start()
    sending.close()
    try:
        kind, value = receiving.recv()
    except EOFError:  # it died without a word: killed, or crashed in native code
        process.join()
        code = process.exitcode or 0
        raise (
            TooLarge(megabytes)
            if code in (-signal.SIGKILL, -signal.SIGSEGV, -signal.SIGABRT)
            else OSError(f"the process reading it exited with status {code}")
        ) from None
    finally:
        receiving.close()
    process.join()
    if kind == "raise":
        raise value
    return value
