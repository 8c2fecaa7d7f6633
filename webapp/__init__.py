"""The readouts web app: search box, results, readout pages, JSON API, feeds."""

from __future__ import annotations

import os
import sys
import sysconfig
from pathlib import Path

from flask import Flask

from readouts.indexer.index.store import default_index_dir


def instance_path() -> Path:
    """The instance folder, as Flask places it: beside the project in a checkout, under the
    environment's prefix (var/readouts.webapp-instance) when installed. Named here, since
    Flask cannot find it for a package inside the `readouts` namespace."""
    package = Path(__file__).resolve().parent
    installed = Path(sysconfig.get_paths()["purelib"]).resolve()
    if package.is_relative_to(installed):
        return Path(sys.prefix) / "var" / f"{__name__}-instance"
    return package.parent / "instance"


def create_app(test_config: dict | None = None) -> Flask:
    """Defaults, then the instance folder's config.py, then the environment, then test_config."""
    app = Flask(__name__, instance_path=str(instance_path()), instance_relative_config=True)
    app.config.from_mapping(
        INDEX_DIR=str(default_index_dir()),
        SITE_NAME="readouts 会談概要検索",
        FEED_ENTRIES=50,
        HOME_READOUTS=100,
        MAX_CONTENT_LENGTH=16 * 1024,
        # The site's address as users reach it, for links that must be absolute
        # (OpenSearch, Atom); never taken from the request's Host header.
        PUBLIC_URL="",
        # Time budget of one search, in seconds: a longer one is stopped with a 503.
        SEARCH_SECONDS=5.0,
        # Searches run at once in one worker process; a request waits at most
        # SEARCH_QUEUE_SECONDS for its turn, else 503 with Retry-After.
        SEARCH_CONCURRENCY=8,
        SEARCH_QUEUE_SECONDS=2.0,
        # Searches that read more than SEARCH_HEAVY_POSTINGS postings run at most
        # SEARCH_HEAVY_CONCURRENCY at once in one worker process (`webapp.library.search_slot`).
        SEARCH_HEAVY_POSTINGS=20_000,
        SEARCH_HEAVY_CONCURRENCY=1,
    )
    app.config.from_pyfile("config.py", silent=True)
    for name, convert in (
        ("INDEX_DIR", str),
        ("PUBLIC_URL", str),
        ("SEARCH_SECONDS", float),
        ("SEARCH_CONCURRENCY", int),
        ("SEARCH_QUEUE_SECONDS", float),
        ("SEARCH_HEAVY_POSTINGS", int),
        ("SEARCH_HEAVY_CONCURRENCY", int),
    ):
        if os.environ.get(f"READOUTS_{name}"):
            app.config[name] = convert(os.environ[f"READOUTS_{name}"])
    if test_config:
        app.config.update(test_config)
    app.config["INDEX_DIR"] = str(Path(app.config["INDEX_DIR"]))
    app.json.ensure_ascii = False
    app.json.sort_keys = False  # keep the documented key order of the API
    app.url_map.merge_slashes = False  # /docs//x is not a readout: 404, not a redirect

    from readouts.webapp import compression, errors, library, security, views

    library.init_app(app)
    security.init_app(app)
    compression.init_app(app)
    errors.init_app(app)
    app.register_blueprint(views.blueprint)
    return app
