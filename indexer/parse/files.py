"""Which files under the paths given are readout files: folders walked, hidden files and what
`.readoutsignore` or `--exclude` leave out skipped (`indexer.parse.ignore`), links outside a
folder told apart, and each file's stamp (size, times, inode) to tell whether it changed.

May touch: the files and folders it is given (it lists and stats them).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from readouts.indexer.messages import say
from readouts.indexer.parse.ignore import IGNORE_FILE, Ignored

FILE_KINDS = {".txt": "text", ".html": "html", ".htm": "html", ".pdf": "pdf"}
FILE_SUFFIXES = tuple(FILE_KINDS)
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".jsonl.xz")


def files_under(path: Path, exclude: tuple[str, ...] = ()) -> Iterator[Path]:
    """The readout files of a file or folder: a folder's hidden files and those its
    .readoutsignore files or `exclude` leave out are not (`indexer.parse.ignore`)."""
    if path.is_dir():
        children = sorted(path.rglob("*"))
        ignored = Ignored(path, exclude, [child for child in children if child.name == IGNORE_FILE])
        for child in children:
            hidden = any(part.startswith(".") for part in child.relative_to(path).parts)
            if (
                child.is_file()
                and not hidden
                and child.name.lower().endswith(FILE_SUFFIXES + JSONL_SUFFIXES)
                and not ignored(child)
            ):
                yield child
    else:
        yield path


def find_files(paths: list[Path], exclude: tuple[str, ...] = ()) -> Iterator[Path]:
    """The readout files under the given files and folders that exist."""
    for root in paths:
        if root.exists():
            yield from files_under(root, exclude)


def missing_paths(paths: list[Path]) -> list[str]:
    """Paths that do not exist or cannot be listed, each with the reason."""
    problems = []
    for path in paths:
        if not path.exists():
            problems.append(say("path_missing", path=path))
        elif path.is_dir() and not os.access(path, os.R_OK | os.X_OK):
            problems.append(say("path_unreadable", path=path))
    return problems


# A file written this recently may still change within its timestamp's resolution
# without its stamp changing: it is read again next time rather than trusted.
SETTLED_NS = 2_000_000_000


def stamp_of(path: Path) -> list[int] | None:
    """What changes whenever a file is written: size, modification and change times, inode
    (and those of a .txt readout's .url sidecar, which is part of it)."""
    try:
        info = path.stat()
    except OSError:
        return None
    stamp = [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino]
    if path.suffix == ".txt":
        try:
            extra = path.with_suffix(".url").stat()
        except OSError:
            return stamp
        stamp += [extra.st_size, extra.st_mtime_ns]
    return stamp


def outside_link(path: Path, root: Path) -> Path | None:
    """Where a symbolic link found under the folder `root` points, if that is outside it."""
    if not path.is_symlink() or path == root:
        return None
    target = path.resolve()
    base = root.resolve()
    return None if target == base or base in target.parents else target
