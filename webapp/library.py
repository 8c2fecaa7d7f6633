"""The search index as the web app sees it: one `Library` per app."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask, current_app

from readouts.indexer.search.library import Library


class Overloaded(Exception):
    """Every search slot stayed busy for the whole wait: the site is overloaded."""


def init_app(app: Flask) -> None:
    # Library opens searchers per thread and reopens them when the index
    # changes, so one instance serves the whole process.
    app.extensions["readouts_library"] = Library(Path(app.config["INDEX_DIR"]))
    app.extensions["readouts_slots"] = threading.BoundedSemaphore(app.config["SEARCH_CONCURRENCY"])


def get_library() -> Library:
    return current_app.extensions["readouts_library"]


@contextmanager
def search_slot() -> Iterator[None]:
    """Take one of the process's search slots, or fail fast when none frees up in time.

    Under overload a quick 503 with Retry-After serves clients better than a
    queue that answers everyone a minute late.
    """
    slots = current_app.extensions["readouts_slots"]
    if not slots.acquire(timeout=current_app.config["SEARCH_QUEUE_SECONDS"]):
        raise Overloaded
    try:
        yield
    finally:
        slots.release()


def close_library(app: Flask) -> None:
    """Close the index files the app holds open (tests, and embedding apps that shut down)."""
    app.extensions["readouts_library"].close()
