"""Keep the index equal to a set of folders: `readouts index --watch`.

The folders are polled rather than watched through inotify: polling also works
on network shares and bind mounts, where file events do not arrive, and a
readout folder is small enough to list a few times a second. A change is
indexed once every file has kept its size and modification time for SETTLE
seconds, so a file that is still being copied is never read half-way.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from indexer.sources import find_files

POLL_SECONDS = 0.25
SETTLE_SECONDS = 0.75

Snapshot = dict[str, tuple[int, int]]


def snapshot(paths: list[Path]) -> Snapshot:
    """Size and modification time of every readout file under paths."""
    state: Snapshot = {}
    for path in find_files(paths):
        try:
            info = path.stat()
        except OSError:
            continue  # removed while we looked; the next poll sees it gone
        state[str(path)] = (info.st_size, info.st_mtime_ns)
    return state


def watch(
    paths: list[Path],
    run: Callable[[], object],
    *,
    should_stop: Callable[[], bool] = lambda: False,
    poll: float = POLL_SECONDS,
    settle: float = SETTLE_SECONDS,
) -> None:
    """Call `run` now, then whenever the files under paths changed and have settled."""
    indexed = snapshot(paths)
    run()
    seen, since = indexed, time.monotonic()
    while not should_stop():
        time.sleep(poll)
        current = snapshot(paths)
        now = time.monotonic()
        if current != seen:
            seen, since = current, now
        elif current != indexed and now - since >= settle:
            run()
            indexed = current
