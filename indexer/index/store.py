"""Where the index lives on disk, and how it is opened, locked and replaced.

Layout of an index directory:

    current  -> index-<stamp>/    symlink to the index that is searched
    previous -> index-<stamp>/    the one before a rebuild, kept for open readers
    write.lock                    held by the one `readouts index` that may write
    index-<stamp>/                the engine's files, readouts-index.json (format,
                                  engine) and readouts-sources.json (`Remembered`)

Whoosh commits are atomic (a new table of contents is renamed into place), so
incremental updates write into the current index. A rebuild writes a new
directory and swaps the `current` symlink with one rename: a kill at any moment
leaves either the old index or the new one, never a mix.

May touch: the index folder (links, locks, metadata) and the engines through their registry.
"""

from __future__ import annotations

import errno
import fcntl
import importlib.metadata
import json
import os
import shutil
import stat
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from readouts.indexer.engines import engine
from readouts.indexer.engines.base import (
    IndexDamaged,
    IndexIncompatible,
    IndexMissing,
    IndexProblem,
    IndexUntrusted,
    Reader,
    damaged,
)
from readouts.indexer.messages import say

__all__ = ["IndexDamaged", "IndexIncompatible", "IndexMissing", "IndexProblem", "IndexUntrusted", "damaged"]

META_FILE = "readouts-index.json"
# What the last run wrote and the files it read: an unchanged file is not read again.
REMEMBERED_FILE = "readouts-sources.json"
ENV_VAR = "READOUTS_INDEX_DIR"
# The engine of an index made before its metadata named one.
FIRST_ENGINE = "whoosh"


def check_engine(directory: Path, root: Path, name: str | None) -> None:
    """Refuse to write with another engine than the index was built with."""
    built = engine_of(directory)
    if name is not None and name != built:
        raise IndexIncompatible(say("index_other_engine", root=root, built=built, name=name))


def check_trusted(directory: Path, root: Path) -> None:
    """Refuse an index that other users can write.

    Whoosh unpickles its table of contents, so whoever can write the index
    folder can run code in every process that opens it: the folder is trusted
    like a database's data directory.
    """
    for path in (root, directory, *directory.glob("*.toc")):
        info = path.stat()
        group_writable = info.st_mode & stat.S_IWGRP and info.st_gid != os.getgid()
        if info.st_mode & stat.S_IWOTH or group_writable or info.st_uid not in (os.getuid(), 0):
            raise IndexUntrusted(
                say(
                    "index_untrusted", root=root, path=path, mode=stat.filemode(info.st_mode), uid=info.st_uid
                )
            )


def default_index_dir() -> Path:
    """$READOUTS_INDEX_DIR, else $XDG_DATA_HOME/readouts/index (~/.local/share/readouts/index)."""
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR])
    data_home = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(data_home) / "readouts" / "index"


def current_dir(root: Path) -> Path | None:
    link = root / "current"
    if not link.is_symlink() and not link.exists():
        return None
    target = link.resolve()
    return target if target.is_dir() else None


def current_name(root: Path) -> str | None:
    """Where the `current` link points, as written: one system call, for a reader to see
    whether the index it holds is still the current one."""
    try:
        return os.readlink(root / "current")
    except OSError:
        return None


def read_meta(directory: Path) -> dict:
    try:
        return json.loads((directory / META_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return {}


@dataclass
class Remembered:
    """What a run of `readouts index` leaves for the next one (readouts-sources.json).

    `readouts` (doc_id → content hash) holds for the index's commit `generation`
    only: after any other commit the index itself is read. `files` are the files
    read whole, each with its stamp and the ids, content hashes and line numbers
    of its readouts (`indexer.parse.sources.find_sources`).
    """

    generation: object = None
    readouts: dict[str, str] | None = None
    files: dict[str, dict] = field(default_factory=dict)


def read_remembered(directory: Path) -> Remembered:
    try:
        saved = json.loads((directory / REMEMBERED_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return Remembered()
    if not isinstance(saved, dict):
        return Remembered()
    readouts = saved.get("readouts")
    if not (isinstance(readouts, dict) and all(isinstance(value, str) for value in readouts.values())):
        readouts = None
    # A file whose entry is not as written is read again (`indexer.parse.sources`).
    files = saved.get("files") if isinstance(saved.get("files"), dict) else {}
    return Remembered(saved.get("generation"), readouts, files)


def write_remembered(directory: Path, remembered: Remembered) -> None:
    _write_atomically(
        directory / REMEMBERED_FILE,
        json.dumps(
            {"generation": remembered.generation, "readouts": remembered.readouts, "files": remembered.files},
            ensure_ascii=False,
        ),
    )


def engine_of(directory: Path) -> str:
    """The engine that built an index generation (indexes from before engines were chosen: whoosh)."""
    return read_meta(directory).get("engine", FIRST_ENGINE)


def analyzer_versions() -> dict[str, str]:
    """What the index terms depend on besides our code: the tagger, its dictionary, the stemmer."""
    return {name: importlib.metadata.version(name) for name in ("fugashi", "unidic-lite", "PyStemmer")}


def check_compatible(directory: Path, root: Path) -> None:
    meta = read_meta(directory)
    found = (meta.get("format"), meta.get("analyzer"))
    expected = (engine(meta.get("engine", FIRST_ENGINE)).writer.FORMAT_VERSION, analyzer_versions())
    if found != expected:
        raise IndexIncompatible(
            say(
                "index_incompatible",
                root=root,
                found=found[0],
                found_engine=found[1],
                expected=expected[0],
                expected_engine=expected[1],
            )
        )


def live_dir(root: Path) -> Path:
    """The current index generation; raises IndexMissing with the fix when there is none."""
    directory = current_dir(root)
    if directory is None:
        raise IndexMissing(say("index_missing", root=root))
    return directory


def open_reader(directory: Path, root: Path) -> Reader:
    """A reader of the generation in `directory`, by the engine that built it, once its format
    and its owner are checked."""
    check_compatible(directory, root)
    check_trusted(directory, root)
    return engine(engine_of(directory)).reader(directory, root)


def create_generation(root: Path, name: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    directory = Path(tempfile.mkdtemp(prefix=f"index-{time.strftime('%Y%m%d-%H%M%S')}-", dir=root))
    directory.chmod(0o755)
    engine(name).writer.create(directory)
    meta = {
        "format": engine(name).writer.FORMAT_VERSION,
        "analyzer": analyzer_versions(),
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "engine": name,
    }
    _write_atomically(directory / META_FILE, json.dumps(meta))
    return directory


def publish(root: Path, directory: Path) -> None:
    """Make `directory` the current index with one atomic rename."""
    old = current_dir(root)
    _replace_link(root / "current", directory.name)
    if old is not None and old != directory:
        _replace_link(root / "previous", old.name)
    remove_stale_generations(root)


def remove_stale_generations(root: Path) -> None:
    """Delete index directories that are neither current nor previous.

    Called only under the writer lock: they are left over from rebuilds that
    were interrupted or superseded.
    """
    keep = {p.name for p in (current_dir(root), _target(root / "previous")) if p is not None}
    for child in root.glob("index-*"):
        if child.is_dir() and child.name not in keep:
            shutil.rmtree(child, ignore_errors=True)


def _target(link: Path) -> Path | None:
    return link.resolve() if link.is_symlink() else None


def _replace_link(link: Path, target: str) -> None:
    temporary = link.with_name(f".{link.name}.{os.getpid()}")
    if temporary.is_symlink():
        temporary.unlink()
    os.symlink(target, temporary)
    os.replace(temporary, link)
    _fsync_dir(link.parent)


def _write_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(path.name + ".tmp")
    with open(temporary, "w", encoding="utf-8") as stream:
        stream.write(text)
        stream.flush()
        os.fsync(stream.fileno())
    os.replace(temporary, path)
    _fsync_dir(path.parent)


def _fsync_dir(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


@contextmanager
def writer_lock(root: Path, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the index's one writer lock; wait (telling on_wait) if another has it.

    An OS file lock (flock) is released by the kernel when its holder dies, even
    by kill -9, so a crashed indexer never leaves the index locked.
    """
    root.mkdir(parents=True, exist_ok=True)
    path = root / "write.lock"
    with open(path, "a+", encoding="utf-8") as stream:
        try:
            fcntl.flock(stream.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            if error.errno not in (errno.EAGAIN, errno.EACCES):
                raise
            stream.seek(0)
            holder = stream.read().strip() or "another process"
            if on_wait is not None:
                on_wait(say("waiting_for_writer", holder=holder, root=root))
            fcntl.flock(stream.fileno(), fcntl.LOCK_EX)
        stream.seek(0)
        stream.truncate()
        stream.write(f"pid {os.getpid()}")
        stream.flush()
        try:
            yield
        finally:
            stream.seek(0)
            stream.truncate()
            fcntl.flock(stream.fileno(), fcntl.LOCK_UN)
