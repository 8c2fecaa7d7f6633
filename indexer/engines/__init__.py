"""The engines readouts can index and search with, by name.

Each engine is a package of its own (`indexer.engines.whoosh`, `indexer.engines.tantivy`)
that describes itself as an `indexer.engines.base.Engine` named ENGINE; nothing
outside an engine's package imports its library or asks which engine it is.

May touch: the engines' packages, only through their ENGINE.
"""

from __future__ import annotations

import importlib
import os

from readouts.indexer.engines.base import Engine

ENGINES = ("whoosh", "tantivy")
DEFAULT_ENGINE = "whoosh"
ENGINE_VAR = "READOUTS_ENGINE"


def engine(name: str) -> Engine:
    """The engine of that name (its package is imported when first asked for)."""
    if name not in ENGINES:
        raise ValueError(f"{name!r} is not an engine; use one of {', '.join(ENGINES)}")
    return importlib.import_module(f"readouts.indexer.engines.{name}").ENGINE


def default_engine() -> str:
    """The engine of a new index when none is asked for: $READOUTS_ENGINE, else whoosh."""
    name = os.environ.get(ENGINE_VAR) or DEFAULT_ENGINE
    if name not in ENGINES:
        raise ValueError(f"{ENGINE_VAR}={name!r} is not an engine; use one of {', '.join(ENGINES)}")
    return name
