"""The Whoosh engine (Whoosh-Reloaded): pure Python, the default.

May touch: whoosh, and its own modules (schema, analyzers, query, reader, writer, store).
"""

from __future__ import annotations

import importlib.metadata

from readouts.indexer.engines.base import Engine
from readouts.indexer.engines.whoosh.reader import WhooshReader
from readouts.indexer.engines.whoosh.schema import FORMAT_VERSION
from readouts.indexer.engines.whoosh.store import create_index
from readouts.indexer.engines.whoosh.writer import WhooshWriter


def version() -> str:
    return f"Whoosh-Reloaded {importlib.metadata.version('whoosh-reloaded')}"


def distributions() -> list[str]:
    """Every installed distribution that provides the `whoosh` package (two clash)."""
    found = []
    for dist in importlib.metadata.distributions():
        top_level = dist.read_text("top_level.txt") or ""
        if "whoosh" in top_level.split():
            found.append(f"{dist.metadata['Name']} {dist.version}")
    return found


ENGINE = Engine(
    name="whoosh",
    version=version,
    format_version=FORMAT_VERSION,
    trigrams=False,
    # Each commit adds a segment per writer process.
    commit_every=20_000,
    round_bytes=48_000_000,
    create=create_index,
    reader=WhooshReader,
    writer=WhooshWriter,
    libraries=distributions,
)
