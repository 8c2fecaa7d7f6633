"""The `readouts` console script: the indexer's commands plus `serve`."""

from __future__ import annotations

from pathlib import Path

import click
from gunicorn.app.base import BaseApplication

from indexer.cli import SEEDS_DIR, cli, index_dir_option, resolve_index_dir, run_index
from indexer.store import current_dir
from webapp import create_app


class _Server(BaseApplication):
    """gunicorn, configured from our options instead of its command line."""

    def __init__(self, app, options: dict) -> None:
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return self.application


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@index_dir_option
@click.option("--workers", type=click.IntRange(1, 64), default=2, show_default=True, help="Worker processes.")
def serve(host: str, port: int, index_dir: Path | None, workers: int) -> None:
    """Serve the search site and its JSON API with a production WSGI server (gunicorn).

    With no index yet, the bundled seeds/ are indexed first. New commits by
    `readouts index` are seen within seconds, without a restart.
    """
    root = resolve_index_dir(index_dir)
    if current_dir(root) is None:
        click.echo(f"no index at {root} yet: indexing the bundled readouts in {SEEDS_DIR}")
        run_index(root, [SEEDS_DIR])
    app = create_app({"INDEX_DIR": str(root)})
    click.echo(f"serving {root} on http://{host}:{port}/ with {workers} workers")
    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "timeout": 30,
        "graceful_timeout": 10,
        "accesslog": "-",
        "limit_request_line": 8190,
        "limit_request_fields": 50,
        "limit_request_field_size": 8190,
        # No runtime control socket: one shared path would clash between servers.
        "control_socket_disable": True,
    }
    _Server(app, options).run()


main = cli
