"""The `readouts` console script: the indexer's commands plus `serve`."""

from __future__ import annotations

import multiprocessing
import signal
import threading
import time
from pathlib import Path

import click
from a2wsgi import WSGIMiddleware
from gunicorn.app.base import BaseApplication

from readouts.indexer.cli import (
    SEEDS_DIR,
    cli,
    index_dir_option,
    paths_with_seeds,
    resolve_index_dir,
    run_index,
    watch_and_index,
    with_seeds_option,
)
from readouts.indexer.index.store import IndexProblem, current_dir
from readouts.indexer.messages import say
from readouts.indexer.parse.limits import die_with_parent
from readouts.indexer.search.library import Library
from readouts.webapp import create_app


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


# Threads per worker process that run the Flask app. A request reaches one only once it
# has arrived whole (`readouts.webapp.worker`): slow and idle clients hold none.
# Searches themselves are limited separately (SEARCH_CONCURRENCY per process).
THREADS = 32
# Connections one worker process keeps open at once (idle, slow, or being answered).
CONNECTIONS = 4096


def _holds_nothing(root: Path) -> bool:
    """No index, or one that a failed first run left empty: the seeds are indexed then."""
    if current_dir(root) is None:
        return True
    try:
        with Library(root) as library:
            return library.stats().readouts == 0
    except IndexProblem:
        return False  # said when the site serves it; not overwritten with the seeds


# Signals the server handles itself, which a watcher started again from it must not inherit.
_SERVER_SIGNALS = (
    "SIGTERM",
    "SIGINT",
    "SIGHUP",
    "SIGQUIT",
    "SIGUSR1",
    "SIGUSR2",
    "SIGCHLD",
    "SIGWINCH",
    "SIGTTIN",
    "SIGTTOU",
)


def _watcher(root: Path, paths: list[Path], noted: set[str]) -> None:
    # Die with the server: a watcher left behind would go on writing the index.
    die_with_parent()
    for name in _SERVER_SIGNALS:
        signal.signal(getattr(signal, name), signal.SIG_DFL)
    # The server ends it (it is daemonic there); here it may start the worker processes
    # that parse and analyse, which die with it in turn.
    multiprocessing.current_process().daemon = False
    watch_and_index(root, paths, noted=noted)


# A watcher that dies this soon after its start is not restarted at once, so that one that
# cannot run (the index refused) does not fork again and again.
RESTART_SECONDS = 5.0


def _keep_watching(root: Path, paths: list[Path], noted: set[str]) -> None:
    """Run the watcher beside the server, and start it again whenever it dies, saying so."""
    context = multiprocessing.get_context("fork")
    while True:
        process = context.Process(
            target=_watcher, args=(root, paths, noted), daemon=True, name="readouts-watch"
        )
        started = time.monotonic()
        process.start()
        process.join()
        code = process.exitcode
        reason = f"signal {signal.Signals(-code).name}" if code is not None and code < 0 else f"status {code}"
        click.echo(say("watcher_restarted", paths=", ".join(map(str, paths)), reason=reason), err=True)
        time.sleep(max(0.0, RESTART_SECONDS - (time.monotonic() - started)))


def _post_fork(server, worker) -> None:
    # A worker busy with a long search would outlive a master killed with kill -9.
    die_with_parent()


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@index_dir_option
@click.option("--workers", type=click.IntRange(1, 64), default=2, show_default=True, help="Worker processes.")
@click.option(
    "--watch", is_flag=True, help="Keep the index equal to PATHS while serving: index every change."
)
@with_seeds_option
def serve(
    paths: tuple[Path, ...],
    host: str,
    port: int,
    index_dir: Path | None,
    workers: int,
    watch: bool,
    with_seeds: bool,
) -> None:
    """Serve the search site and its JSON API with a production WSGI server (gunicorn).

    PATHS (readout files or folders) are indexed first; with none and no index
    yet, the bundled seeds/ are. With --watch, a watcher beside the site indexes
    every readout saved, changed or deleted under PATHS. New commits by
    `readouts index` are seen within seconds, without a restart.
    """
    root = resolve_index_dir(index_dir)
    targets = paths_with_seeds(paths, with_seeds)
    if watch and not targets:
        raise click.UsageError(say("serve_watch_needs_paths"))
    if not targets and _holds_nothing(root):
        click.echo(say("serve_indexing_seeds", root=root, seeds=SEEDS_DIR))
        targets = [SEEDS_DIR]
    noted: set[str] = set()  # what the first run told: the watcher does not tell it again
    if targets:
        run_index(root, targets, noted=noted)
    if watch:
        threading.Thread(
            target=_keep_watching, args=(root, targets, noted), daemon=True, name="watch-keeper"
        ).start()
    app = create_app({"INDEX_DIR": str(root)})
    if not app.config["PUBLIC_URL"] and host not in ("0.0.0.0", "::", ""):
        app.config["PUBLIC_URL"] = f"http://{'[' + host + ']' if ':' in host else host}:{port}"
    click.echo(say("serving", root=root, url=f"http://{host}:{port}/", workers=workers, threads=THREADS))
    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        # gunicorn's asyncio worker, with a deadline for headers and the security headers on
        # its own error pages too.
        "worker_class": "readouts.webapp.worker.SecureWorker",
        "worker_connections": CONNECTIONS,
        "post_fork": _post_fork,
        "timeout": 30,
        "graceful_timeout": 10,
        "accesslog": "-",
        "limit_request_line": 8190,
        "limit_request_fields": 50,
        "limit_request_field_size": 8190,
        # No runtime control socket: one shared path would clash between servers.
        "control_socket_disable": True,
    }
    _Server(WSGIMiddleware(app, workers=THREADS), options).run()


main = cli
