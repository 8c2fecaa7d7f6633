"""The search index as the web app sees it: one `Library` per app."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app

from indexer.search import Library


def init_app(app: Flask) -> None:
    # Library opens searchers per thread and reopens them when the index
    # changes, so one instance serves the whole process.
    app.extensions["readouts_library"] = Library(Path(app.config["INDEX_DIR"]))


def get_library() -> Library:
    return current_app.extensions["readouts_library"]


def close_library(app: Flask) -> None:
    """Close the index files the app holds open (tests, and embedding apps that shut down)."""
    app.extensions["readouts_library"].close()
