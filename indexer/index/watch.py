"""Keep the index equal to a set of folders: `readouts index --watch`.

The folders are polled rather than watched through inotify: polling also works
on network shares and bind mounts, where file events do not arrive, and a
readout folder is small enough to list a few times a second. A changed file is
indexed once it has kept its size and modification time for SETTLE seconds, so a
file that is still being copied is never read half-way; a file that keeps
changing is held back (it keeps what was indexed of it) while the others go in.

May touch: the watched folders (to list and stat them), index/update and the index folder's heartbeat file.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path

from readouts.indexer.parse.files import find_files

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
    run: Callable[[frozenset[str]], object],
    *,
    should_stop: Callable[[], bool] = lambda: False,
    poll: float = POLL_SECONDS,
    settle: float = SETTLE_SECONDS,
    beat: Callable[[], object] = lambda: None,
) -> None:
    """Call `run(hold)` now, then whenever a file under paths changed and has settled; `hold`
    names the files that changed less than `settle` seconds ago, which that run leaves as they
    were. `beat` is called at every poll (the watcher's sign of life)."""
    indexed = snapshot(paths)
    run(frozenset())
    seen = indexed
    changed_at: dict[str, float] = {}
    while not should_stop():
        time.sleep(poll)
        beat()
        current = snapshot(paths)
        now = time.monotonic()
        for key in current.keys() | seen.keys():
            if current.get(key) != seen.get(key):
                changed_at[key] = now
        seen = current
        pending = {key for key in current.keys() | indexed.keys() if current.get(key) != indexed.get(key)}
        settled = {key for key in pending if now - changed_at.get(key, 0.0) >= settle}
        if not settled:
            continue
        hold = frozenset(key for key in current if now - changed_at.get(key, 0.0) < settle)
        run(hold)
        for key in settled:
            if key in current:
                indexed[key] = current[key]
            else:
                indexed.pop(key, None)


# The watcher's sign of life, beside the index: {"pid", "at"} rewritten every BEAT_SECONDS.
BEAT_FILE = "watcher.json"
BEAT_SECONDS = 2.0
_last_beat = [0.0]


def beat(root: Path) -> None:
    """Note in the index folder that this process is watching (at most every BEAT_SECONDS)."""
    now = time.time()
    if now - _last_beat[0] < BEAT_SECONDS:
        return
    _last_beat[0] = now
    try:
        temporary = root / f".{BEAT_FILE}.{os.getpid()}"
        temporary.write_text(json.dumps({"pid": os.getpid(), "at": now}), "utf-8")
        temporary.replace(root / BEAT_FILE)
    except OSError:
        pass  # a full disk or a missing folder stops the sign of life, not the watching


def watcher_state(root: Path) -> str | None:
    """ "running (pid N, seen S s ago)" or "not running (last seen …)"; None if none ever ran."""
    try:
        state = json.loads((root / BEAT_FILE).read_text("utf-8"))
        pid, at = int(state["pid"]), float(state["at"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    ago = time.time() - at
    try:
        os.kill(pid, 0)
        alive = True
    except ProcessLookupError:
        alive = False
    except PermissionError:
        alive = True
    if alive and ago < 5 * BEAT_SECONDS:
        return f"running (pid {pid}, seen {ago:.0f} s ago)"
    return f"not running (last seen {time.strftime('%Y-%m-%d %H:%M:%S', time.localtime(at))})"
