"""Find readouts on disk and read them: text, saved web pages, PDFs and JSON Lines bulk imports.

Each readout becomes a `Source`: a stable document id, where it came from, a hash
of its content (to skip unchanged ones quickly), and a way to parse it. A file
that cannot be used yields a `SourceError` naming it and the reason, and the rest
goes on.

May touch: the files and folders it is given (read only), and the rest of parse/.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import lzma
import re
import time
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from operator import eq
from pathlib import Path
from typing import NamedTuple

from readouts.indexer.messages import say
from readouts.indexer.parse.files import (
    FILE_KINDS,
    FILE_SUFFIXES,
    JSONL_SUFFIXES,
    SETTLED_NS,
    files_under,
    outside_link,
    stamp_of,
)
from readouts.indexer.parse.urls import web_url

# Single-readout files, by suffix, and the kind of payload each becomes.
_UNRESERVED = re.compile(r"[A-Za-z0-9._~-]+")
# A readout is a few pages; anything far larger is a mistake (or an attack).
MAX_FILE_BYTES = 20_000_000


class SourceError(Exception):
    """A readout that cannot be indexed; str() names it and says why."""

    def __init__(
        self,
        origin: str,
        reason: str,
        doc_id: str | None = None,
        bulk_file: str | None = None,
        refused: bool = False,
    ) -> None:
        super().__init__(f"{origin}: {reason}")
        self.origin = origin
        self.reason = reason
        # Read, and not a meeting's readout (a press conference, a list page): left out, which
        # is not a failure of the run.
        self.refused = refused
        # Known when the readout exists but cannot be read now: its previous
        # version, if indexed, is kept rather than treated as vanished.
        self.doc_id = doc_id
        # A bulk file that could not be read whole: every readout indexed from
        # it is kept, since the lost lines may hold any of them.
        self.bulk_file = bulk_file

    def __reduce__(self):
        # Sent from worker processes: rebuilt from its fields, not from its message.
        return type(self), (self.origin, self.reason, self.doc_id, self.bulk_file, self.refused)


class Source(NamedTuple):  # a tuple: an unchanged bulk file gives one per readout at every run
    doc_id: str
    origin: str  # a path, or path:line for a JSON Lines record
    content_hash: str
    payload: tuple  # what `parse_source` needs; plain data, so it pickles cheaply

    @property
    def size(self) -> int:
        """How much it holds to read (bytes of a file, characters of a record's text)."""
        return len(self.payload[3] if self.payload[0] == "record" else self.payload[1])


def origin_order(origin: str) -> tuple[str, int]:
    """Files in path order, and the lines of a bulk file (path:line) in line order."""
    path, _, line = origin.rpartition(":")
    return (path, int(line)) if line.isdigit() else (origin, 0)


def doc_id_for(name: str) -> str:
    """A URL-safe id from a file name (or a bulk record's id), stable across runs.

    Names made only of URL-safe ASCII are kept as they are, so the id is the
    name people see. Other names keep their safe parts and gain a short hash of
    the whole name, so different names never collide.
    """
    if _UNRESERVED.fullmatch(name) and not name.startswith("."):
        return name
    safe = "-".join(_UNRESERVED.findall(name)).strip(".-")
    digest = hashlib.sha1(name.encode("utf-8")).hexdigest()[:10]
    return f"{safe}-{digest}" if safe else digest


def decode(data: bytes, origin: str) -> str:
    """UTF-8 (with or without BOM) or Shift_JIS/CP932, detected; else SourceError."""
    if not data.strip():
        raise SourceError(origin, say("file_empty"))
    if b"\x00" in data:
        raise SourceError(origin, say("file_binary"))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp932")
        except UnicodeDecodeError:
            raise SourceError(origin, say("text_encoding")) from None
    controls = sum(1 for ch in text if ch < " " and ch not in "\t\n\r\f\v")
    if controls > len(text) // 100:
        raise SourceError(origin, say("file_binary"))
    return text


def _file_source(path: Path, forced: bool = False) -> Source:
    suffix = path.suffix.lower()
    name = path.name[: -len(suffix)] if suffix in FILE_KINDS else path.name
    doc_id = doc_id_for(name)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise SourceError(
                str(path),
                say("file_too_large", size=size / 1e6, most=MAX_FILE_BYTES // 1_000_000),
                doc_id,
            )
        data = path.read_bytes()
        sidecar = path.with_suffix(".url")
        url = (
            sidecar.read_text("utf-8", errors="replace").strip()
            if suffix in (".txt", ".html", ".htm") and sidecar.is_file()
            else ""
        )
    except OSError as error:
        raise SourceError(str(path), say("cannot_be_read", reason=error.strerror), doc_id) from None
    # The sidecar's URL is part of what the readout is: a new one re-indexes it.
    content_hash = hashlib.sha256(data + url.encode("utf-8")).hexdigest()
    return Source(doc_id, str(path), content_hash, (FILE_KINDS.get(suffix, "text"), data, url, forced))


def _open_jsonl(path: Path):
    name = path.name.lower()
    if name.endswith(".xz"):
        return lzma.open(path, "rb")
    if name.endswith(".gz"):
        return gzip.open(path, "rb")
    return path.open("rb")


def _lines_bounded(stream) -> Iterator[bytes | None]:
    """The lines of a stream, each read with at most MAX_FILE_BYTES in memory; None for a longer one."""
    while line := stream.readline(MAX_FILE_BYTES + 1):
        if len(line) > MAX_FILE_BYTES and not line.endswith(b"\n"):
            while (rest := stream.readline(1 << 20)) and not rest.endswith(b"\n"):
                pass  # skip the rest of the line without keeping it
            yield None
        else:
            yield line


def _jsonl_sources(path: Path, known: Mapping[str, str]) -> Iterator[Source | SourceError]:
    bulk = str(path)
    try:
        with _open_jsonl(path) as stream:
            for number, line in enumerate(_lines_bounded(stream), 1):
                origin = f"{path}:{number}"
                if line is None:
                    yield SourceError(
                        origin,
                        say("line_too_long", most=MAX_FILE_BYTES // 1_000_000),
                        bulk_file=bulk,
                    )
                    continue
                if not line.strip():
                    continue
                content_hash = hashlib.sha256(line).hexdigest()
                if content_hash in known:
                    # Indexed already, byte for byte: no need to parse it again.
                    yield Source(known[content_hash], origin, content_hash, ("record", "", "", "", ""))
                    continue
                try:
                    record = json.loads(line)
                except (UnicodeDecodeError, json.JSONDecodeError) as error:
                    yield SourceError(origin, say("not_json", error=error), bulk_file=bulk)
                    continue
                if not isinstance(record, dict) or not isinstance(record.get("id"), str | int):
                    yield SourceError(origin, say("record_without_id"), bulk_file=bulk)
                    continue
                if not isinstance(record.get("text"), str) or not record["text"].strip():
                    yield SourceError(origin, say("record_without_text"))
                    continue
                yield Source(
                    doc_id_for(str(record["id"])),
                    origin,
                    content_hash,
                    (
                        "record",
                        str(record.get("title") or ""),
                        str(record.get("date") or ""),
                        record["text"],
                        web_url(str(record.get("url") or "")),
                    ),
                )
    except (OSError, EOFError, lzma.LZMAError, zlib.error) as error:
        yield SourceError(
            str(path),
            say("bulk_unreadable", error=error),
            bulk_file=bulk,
        )


@dataclass(frozen=True)
class Selection:
    """Which files under the paths given are read, and how.

    A link to a file outside the folder it was found in is not read unless
    `follow_symlinks` (a link in a watched folder to /etc/passwd). A file in `hold` (one
    still being written) is not read: its readouts stay as the last run indexed them, and
    a new one waits for a later run. What `exclude` (gitignore patterns) or a
    .readoutsignore matches is left out as if absent. A file in `force` (resolved paths) is
    indexed as plain paragraphs where the parser would refuse it as not a readout.
    """

    follow_symlinks: bool = False
    hold: frozenset[str] = frozenset()
    exclude: tuple[str, ...] = ()
    force: frozenset[Path] = frozenset()


def find_sources(
    paths: list[Path],
    known: Mapping[str, str] | None = None,
    stamps: Mapping[str, dict] | None = None,
    read: dict[str, dict] | None = None,
    selection: Selection = Selection(),
) -> Iterator[Source | SourceError]:
    """Every readout under the given files and folders (folders recursively), as `selection` says.

    `known` maps content hashes already in the index to their document ids, so
    that unchanged bulk records are recognized without being parsed. `stamps`
    (from `read` of an earlier run) skips reading a file whose stamp has not
    changed and whose readouts are all indexed as they were; `read` collects the
    stamp and readouts of each file read whole and without a failure.
    """
    known = known or {}
    stamps = stamps or {}
    for root in paths:
        if not root.exists():
            yield SourceError(str(root), say("no_such_path"))
            continue
        for path in files_under(root, selection.exclude):
            target = None if selection.follow_symlinks or not root.is_dir() else outside_link(path, root)
            if target is not None:
                yield SourceError(
                    str(path),
                    say("outside_link", target=target, root=root),
                )
            elif str(path) in selection.hold:
                yield from _held(str(path), stamps, known, read)
            else:
                forced = bool(selection.force) and path.resolve() in selection.force
                yield from _sources_of_file(path, stamps, known, read, forced)


def _held(
    key: str, stamps: Mapping[str, dict], known: Mapping[str, str], read: dict | None
) -> Iterator[Source]:
    """A file still being written: its readouts as the last run indexed them, if it was read."""
    earlier = stamps.get(key)
    kept = _unchanged(key, earlier, earlier.get("stamp") if isinstance(earlier, dict) else None, known)
    if kept is not None and read is not None:
        read[key] = earlier
    yield from kept or ()


def _sources_of_file(
    path: Path, stamps: Mapping[str, dict], known: Mapping[str, str], read: dict | None, forced: bool
) -> Iterator[Source | SourceError]:
    """A file's readouts: from the last run's record of it when its stamp has not changed,
    else read; a file read whole, settled and without a failure is recorded in `read`."""
    key = str(path)
    stamp = stamp_of(path)
    unchanged = _unchanged(key, stamps.get(key), stamp, known)
    if unchanged is not None:
        yield from unchanged
        if read is not None:
            read[key] = stamps[key]
        return
    ids, hashes, lines = [], [], []
    failed = False
    for found in _file_sources(path, known, forced):
        if isinstance(found, SourceError):
            failed = True
        else:
            ids.append(found.doc_id)
            hashes.append(found.content_hash)
            lines.append(int(found.origin.rpartition(":")[2]) if found.origin != key else 0)
        yield found
    settled = stamp is not None and time.time_ns() - stamp[1] > SETTLED_NS and stamp_of(path) == stamp
    if read is not None and settled and not failed:
        read[key] = {"stamp": stamp, "ids": ids, "hashes": hashes, "lines": lines}


def _unchanged(path: str, earlier, stamp: list[int] | None, known: Mapping[str, str]) -> list[Source] | None:
    """The readouts of a file as an earlier run read them, if the file has not changed since
    and they are all in the index as they were; else None (it is read again)."""
    if not isinstance(earlier, dict) or stamp is None or earlier.get("stamp") != stamp:
        return None
    try:
        ids, hashes, lines = earlier["ids"], earlier["hashes"], earlier["lines"]
        if not (len(ids) == len(hashes) == len(lines)) or not all(map(eq, map(known.get, hashes), ids)):
            return None
        return [
            Source(doc_id, f"{path}:{line}" if line else path, content_hash, ("record", "", "", "", ""))
            for doc_id, content_hash, line in zip(ids, hashes, lines, strict=True)
        ]
    except (KeyError, TypeError):  # not as written: read the file
        return None


def _file_sources(path: Path, known: Mapping[str, str], forced: bool) -> Iterator[Source | SourceError]:
    name = path.name.lower()
    if name.endswith(JSONL_SUFFIXES):
        yield from _jsonl_sources(path, known)
    elif name.endswith(FILE_SUFFIXES):
        try:
            yield _file_source(path, forced)
        except SourceError as error:
            yield error
    else:
        yield SourceError(str(path), say("not_a_readout_file"))
