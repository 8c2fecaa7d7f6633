"""The readouts web app: search box, results, readout pages, JSON API, feeds."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from indexer.store import default_index_dir


def create_app(test_config: dict | None = None) -> Flask:
    """Defaults, then the instance folder's config.py, then the environment, then test_config."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(
        INDEX_DIR=str(default_index_dir()),
        SITE_NAME="readouts 会談概要検索",
        FEED_ENTRIES=50,
        HOME_READOUTS=100,
        MAX_CONTENT_LENGTH=16 * 1024,
    )
    app.config.from_pyfile("config.py", silent=True)
    if os.environ.get("READOUTS_INDEX_DIR"):
        app.config["INDEX_DIR"] = os.environ["READOUTS_INDEX_DIR"]
    if test_config:
        app.config.update(test_config)
    app.config["INDEX_DIR"] = str(Path(app.config["INDEX_DIR"]))
    app.json.ensure_ascii = False
    app.json.sort_keys = False  # keep the documented key order of the API
    app.url_map.merge_slashes = False  # /docs//x is not a readout: 404, not a redirect

    from webapp import errors, library, security, views

    library.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    app.register_blueprint(views.blueprint)
    return app
