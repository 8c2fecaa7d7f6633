"""The search index as the web app sees it: one `Library` per app."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask, current_app, g

from readouts.indexer.search.library import Library


class Overloaded(Exception):
    """Every search slot stayed busy for the whole wait: the site is overloaded."""


def init_app(app: Flask) -> None:
    # Library opens searchers per thread and reopens them when the index
    # changes, so one instance serves the whole process.
    app.extensions["readouts_library"] = Library(Path(app.config["INDEX_DIR"]))
    app.extensions["readouts_slots"] = threading.BoundedSemaphore(app.config["SEARCH_CONCURRENCY"])
    app.extensions["readouts_heavy_slots"] = threading.BoundedSemaphore(
        app.config["SEARCH_HEAVY_CONCURRENCY"]
    )
    # The whole request's time budget runs from its arrival: waiting for a slot spends it too.
    app.before_request(lambda: setattr(g, "arrived", time.monotonic()))


def get_library() -> Library:
    return current_app.extensions["readouts_library"]


def budget_left() -> float:
    """What is left of this request's time budget (SEARCH_SECONDS from its arrival)."""
    arrived = g.get("arrived", time.monotonic())
    return current_app.config["SEARCH_SECONDS"] - (time.monotonic() - arrived)


@contextmanager
def search_slot(query: str = "") -> Iterator[float]:
    """Take one of the process's search slots, or fail fast when none frees up in time; yields
    the budget left for the search.

    A search that reads many postings (SEARCH_HEAVY_POSTINGS: a word in most paragraphs, as
    の or 日本 -の) waits for one of the few heavy slots, so that a crowd of such searches
    cannot keep the others waiting. Under overload a quick 503 with Retry-After serves clients
    better than a queue that answers everyone a minute late.
    """
    config = current_app.config
    heavy = bool(query) and get_library().cost(query) > config["SEARCH_HEAVY_POSTINGS"]
    slots = current_app.extensions["readouts_heavy_slots" if heavy else "readouts_slots"]
    if not slots.acquire(timeout=max(0.0, min(config["SEARCH_QUEUE_SECONDS"], budget_left()))):
        raise Overloaded
    try:
        yield budget_left()
    finally:
        slots.release()


def close_library(app: Flask) -> None:
    """Close the index files the app holds open (tests, and embedding apps that shut down)."""
    app.extensions["readouts_library"].close()
