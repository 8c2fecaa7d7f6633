"""The Whoosh engine (Whoosh-Reloaded): pure Python, the default.

May touch: whoosh, and its own modules (schema, analyzers, query, reader, writer, store).
"""

from __future__ import annotations

from readouts.indexer.engines.base import Engine
from readouts.indexer.engines.whoosh.reader import WhooshReader
from readouts.indexer.engines.whoosh.writer import WhooshWriter

# Two distributions provide `whoosh` and clash: `readouts info` names every one installed.
ENGINE = Engine(
    name="whoosh", distribution="Whoosh-Reloaded", module="whoosh", reader=WhooshReader, writer=WhooshWriter
)
