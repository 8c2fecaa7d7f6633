"""`readouts fetch`: readouts fetched from the Ministry's pages into a folder, politely.

May touch: the fetcher (fetch/).
"""

from __future__ import annotations

import re
import sys
import time
import urllib.parse
from pathlib import Path

import click

from readouts.indexer.cli.group import cli, flag, printable
from readouts.indexer.fetch.crawl import FetchOptions, fetch
from readouts.indexer.fetch.pages import READOUT_PAGES
from readouts.indexer.messages import say
from readouts.indexer.parse.header import DATE_EXAMPLES, parse_user_date

# Below this many seconds between requests to one site only with --allow-short-delay.
POLITE_DELAY = 1.0


def _source(value: str) -> str:
    if urllib.parse.urlsplit(value).scheme not in ("http", "https"):
        raise click.BadParameter(say("fetch_not_web", value=value))
    return value


def _pattern(value: str) -> str:
    try:
        re.compile(value)
    except re.error as error:
        raise click.BadParameter(say("fetch_bad_pattern", value=value, error=error)) from None
    return value


@cli.command("fetch")
@click.argument(
    "sources", nargs=-1, required=True, callback=lambda _c, _p, values: [_source(v) for v in values]
)
@click.option(
    "--into",
    "folder",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The folder to save the pages in (made if missing).",
)
@click.option(
    "--follow",
    default=READOUT_PAGES,
    show_default=True,
    callback=lambda _c, _p, v: _pattern(v),
    help="Which links are readout pages (a regular expression on the path).",
)
@click.option(
    "--depth",
    type=click.IntRange(0, 5),
    default=0,
    show_default=True,
    help="Listings of listings to go through (an archive by year: 1).",
)
@click.option("--since", default=None, help=f"Skip readouts listed before this date ({DATE_EXAMPLES}).")
@click.option(
    "--max", "most", type=click.IntRange(1), default=None, help="Fetch at most this many readout pages."
)
@click.option(
    "--delay",
    type=float,
    default=POLITE_DELAY,
    show_default=True,
    help="Seconds between requests to one site (robots.txt's Crawl-delay, if longer, wins).",
)
@flag(
    "--allow-short-delay",
    help="Allow --delay below 1 s: on your own responsibility towards the site.",
)
@flag("--english", help="Also fetch the English version each readout page links to.")
@click.option(
    "--every",
    default=None,
    metavar="INTERVAL",
    help="Keep fetching, once every INTERVAL (30m, 1h, 1d; at least a minute), until interrupted.",
)
@click.option(
    "--contact",
    envvar="READOUTS_CONTACT",
    default="",
    help="An address the site's staff can reach you at, sent in the User-Agent [env READOUTS_CONTACT].",
)
def fetch_command(
    sources: list[str],
    folder: Path,
    follow: str,
    depth: int,
    since: str | None,
    most: int | None,
    delay: float,
    allow_short_delay: bool,
    english: bool,
    every: str | None,
    contact: str,
) -> None:
    """Fetch readouts from SOURCES (readout pages, listings of them, RSS or Atom feeds) into a folder.

    Politely: robots.txt is honoured, one request at a time per site and at least 1 s apart,
    unchanged pages cost a 304, and a rerun fetches only what is new or changed. Index the
    folder afterwards with `readouts index FOLDER`. Exit status 1 when a page could not be fetched.
    """
    if delay < POLITE_DELAY and not allow_short_delay:
        raise click.BadParameter(say("fetch_short_delay", delay=delay), param_hint="--delay")
    since_date = None
    if since is not None and (since_date := parse_user_date(since)) is None:
        raise click.BadParameter(f"{since!r}: {DATE_EXAMPLES}", param_hint="--since")
    options = FetchOptions(follow, depth, since_date, most, contact, max(0.0, delay), english)
    interval = _interval(every) if every is not None else None
    while True:
        failed = _fetch_once(sources, folder, options)
        if interval is None:
            sys.exit(1 if failed else 0)
        try:
            time.sleep(interval)
        except KeyboardInterrupt:
            sys.exit(0)


def _interval(value: str) -> float:
    """30m, 1h, 1d, 90s … in seconds; at least a minute."""
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([smhd])", value.strip().lower())
    seconds = (
        float(match.group(1)) * {"s": 1, "m": 60, "h": 3600, "d": 86400}[match.group(2)] if match else 0.0
    )
    if seconds < 60:
        raise click.BadParameter(say("fetch_bad_interval", value=value), param_hint="--every")
    return seconds


def _progress(done: int, to_go: int) -> None:
    """On a terminal: how far the run is, on one line that is rewritten."""
    line = say("fetch_progress", done=done, to_go=to_go)
    click.echo(f"\r\033[K{line}", nl=False, err=True)


def _fetch_once(sources: list[str], folder: Path, options: FetchOptions) -> bool:
    """One run, reported; whether a page failed."""
    report = fetch(sources, folder, options, on_progress=_progress if sys.stderr.isatty() else None)
    if sys.stderr.isatty():
        click.echo("\r\033[K", nl=False, err=True)
    for url in report.disallowed:
        click.echo(say("fetch_disallowed", url=printable(url)), err=True)
    for url, reason in report.failed:
        click.echo(say("fetch_failed", url=printable(url), reason=reason), err=True)
    click.echo(
        say(
            "fetch_summary",
            new=len(report.new),
            changed=len(report.changed),
            unchanged=report.unchanged,
            older=report.older,
            disallowed=len(report.disallowed),
            failed=len(report.failed),
            folder=folder,
        )
    )
    return bool(report.failed)
