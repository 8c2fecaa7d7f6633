"""The `readouts` command: index, search and info (the web app adds serve).

May touch: the search and index sides (index/, search/), and the engines' registry for their names and versions.
"""

from __future__ import annotations

import dataclasses
import datetime
import importlib.metadata
import importlib.util
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import click
import fugashi

from indexer.analysis.facets import KINDS
from indexer.engines import ENGINES, engine
from indexer.index.store import IndexProblem, default_index_dir
from indexer.index.update import REPORTED_PER_FILE, Summary, update_index
from indexer.index.watch import beat, watch, watcher_state
from indexer.parse.header import DATE_EXAMPLES, parse_user_date
from indexer.parse.speakers import SIDES
from indexer.search.export import results_csv, results_json
from indexer.search.library import Library
from indexer.search.request import GROUPS, MAX_RESULT_WINDOW, BadParameter, Search, year_of
from indexer.search.terminal import print_results

# The bundled readouts: seeds/ in a checkout, installed as the package
# `readouts_seeds` (a folder of data, so a namespace package: its first path).
SEEDS_DIR = Path(next(iter(importlib.util.find_spec("readouts_seeds").submodule_search_locations)))

index_dir_option = click.option(
    "--index-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where the index lives [default: $READOUTS_INDEX_DIR, else ~/.local/share/readouts/index].",
)


def resolve_index_dir(value: Path | None) -> Path:
    return value if value is not None else default_index_dir()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="readouts")
def cli() -> None:
    """Full-text search over Japanese diplomatic readouts (会談概要)."""


class _Progress:
    """A progress bar on a terminal, for runs long enough to need one."""

    def __init__(self) -> None:
        self.bar = None

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            if total < 200 or not sys.stderr.isatty():
                return
            self.bar = click.progressbar(length=total, label="indexing", file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.bar.pos)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


def printable(name: str) -> str:
    """A file name as it may be printed on one line: control characters (a newline in a
    name could forge a line of the report) escaped as Python writes them."""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in name)


COPY_REASONS = {
    "url": "a copy (the same web address) of",
    "text": "a copy (the same text) of",
    "copy": "a copy of a copy of",
}


@dataclass(frozen=True)
class IndexOptions:
    """How `readouts index` was asked to run (its options besides the paths)."""

    rebuild: bool = False
    workers: int | None = None
    engine: str | None = None
    follow_symlinks: bool = False
    exclude: tuple[str, ...] = ()


def run_index(
    root: Path,
    paths: list[Path],
    options: IndexOptions = IndexOptions(),
    hold: frozenset[str] = frozenset(),
    noted: set[str] | None = None,
) -> int:
    """Index, print what happened; returns the exit status: 1 if a file could not be read or
    parsed, 0 when the only files left out are pages that are not readouts."""
    progress = _Progress()
    try:
        summary = update_index(
            root,
            paths,
            rebuild=options.rebuild,
            workers=options.workers,
            engine=options.engine,
            on_wait=lambda message: click.echo(message, err=True),
            on_progress=progress,
            follow_symlinks=options.follow_symlinks,
            hold=hold,
            exclude=options.exclude,
        )
    except IndexProblem as error:
        raise click.ClickException(str(error)) from None
    except OSError as error:
        raise click.ClickException(
            f"could not write the index at {root}: {error.strerror or error}; "
            "what was committed before stays searchable — free the space or fix the permission and run again"
        ) from None
    finally:
        progress.close()
    _report(root, summary, noted)
    return 1 if summary.failed else 0


def _report(root: Path, summary: Summary, noted: set[str] | None) -> None:
    """What a run did: warnings, files left out and failures (each told once to a watcher,
    whose `noted` lasts as long as it does), and the counts."""
    for origin, warning in sorted(summary.warnings):
        click.echo(f"warning {printable(origin)}: {warning}", err=True)
    lines = [f"note: left out {failure.origin}: {failure.reason}" for failure in summary.refused]
    lines += [
        f"note: left out {copy.origin}: {COPY_REASONS[copy.same]} {copy.kept}, which is indexed"
        for copy in summary.copies
    ]
    lines += [f"skipped {failure.origin}: {failure.reason}" for failure in summary.failures]
    for line in map(printable, lines):
        if noted is None or line not in noted:
            click.echo(line, err=True)
            if noted is not None:
                noted.add(line)
    for path, count in summary.more.items():
        click.echo(
            f"skipped {count:,} more from {printable(path)} (only the first {REPORTED_PER_FILE} of a file are listed)",
            err=True,
        )
    click.echo(
        f"added {summary.added}, updated {summary.updated}, removed {summary.removed}, "
        f"unchanged {summary.unchanged}, failed {summary.failed}, not readouts {len(summary.refused)}, "
        f"copies {len(summary.copies)} "
        f"({summary.paragraphs} paragraphs written in {summary.seconds:.1f} s) — index: {root}"
    )


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@index_dir_option
@click.option("--rebuild", is_flag=True, help="Build a new index from scratch and swap it in when done.")
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=None,
    help="Processes that analyze text [default: all cores for large imports].",
)
@click.option(
    "--watch",
    is_flag=True,
    help="Keep running, and index again whenever a file under PATHS is added, changed or removed.",
)
@click.option(
    "--engine",
    type=click.Choice(ENGINES),
    default=None,
    help="The search engine of a new index (or of --rebuild) [default: whoosh, or the index's own].",
)
@click.option(
    "--follow-symlinks",
    is_flag=True,
    help="Also read links that point to files outside the folders given (not read by default).",
)
@click.option(
    "--exclude",
    multiple=True,
    metavar="PATTERN",
    help="Leave out the files this pattern matches in the folders given (gitignore syntax, as in a "
    "folder's .readoutsignore); repeat it for more.",
)
def index(
    paths: tuple[Path, ...],
    index_dir: Path | None,
    rebuild: bool,
    workers: int | None,
    watch: bool,
    engine: str | None,
    follow_symlinks: bool,
    exclude: tuple[str, ...],
) -> None:
    """Make the index hold exactly the readouts in PATHS (default: the bundled seeds/).

    PATHS are readouts (.txt in UTF-8 or Shift_JIS, saved web pages .html/.htm,
    PDFs), .jsonl bulk files (also .jsonl.gz, .jsonl.xz) or folders of them. New
    readouts are added, changed ones re-indexed, vanished ones removed, unchanged
    ones skipped. A .readoutsignore file in a folder (gitignore syntax) or --exclude
    leaves files out. Exit status 0 when everything was indexed or the only files
    left out are pages that are not readouts (noted), 1 when a file could not be read
    or parsed, 2 for a mistake on the command line.
    """
    root = resolve_index_dir(index_dir)
    targets = list(paths) or [SEEDS_DIR]
    options = IndexOptions(rebuild, workers, engine, follow_symlinks, exclude)
    if watch:
        watch_and_index(root, targets, options)
    sys.exit(run_index(root, targets, options))


def watch_and_index(
    root: Path, paths: list[Path], options: IndexOptions = IndexOptions(), noted: set[str] | None = None
) -> None:
    """Index paths now and after every change, until interrupted; each skipped file is told once
    (`noted`: what was told already)."""
    first = [options.rebuild]
    noted = set() if noted is None else noted

    def run(hold: frozenset[str]) -> None:
        rebuild = first.pop() if first else False
        try:
            run_index(root, paths, dataclasses.replace(options, rebuild=rebuild), hold, noted)
        except click.ClickException as error:
            error.show()  # reported, and the watcher carries on: the next change may fix it

    click.echo(f"watching {', '.join(map(str, paths))} (Ctrl-C to stop)", err=True)
    try:
        watch(paths, run, beat=lambda: beat(root))
    except KeyboardInterrupt:
        sys.exit(0)


def _year(value: str | None) -> int | str | None:
    """A year as people write it, or UNDATED for none (日付なし)."""
    try:
        return year_of(value or "")
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a year; write it as 2013, 平成25 or H25, or none"
        ) from None


def _iso_date(value: str | None) -> datetime.date | None:
    if value is None:
        return None
    date = parse_user_date(value)
    if date is None:
        raise click.BadParameter(f"{value!r} is not a date; write it as {DATE_EXAMPLES}")
    return date


@cli.command()
@click.argument("query", nargs=-1, required=True)
@index_dir_option
@click.option(
    "--json", "as_json", is_flag=True, help="Print the results as JSON, as the web API serves them."
)
@click.option("--limit", type=click.IntRange(1, 100), default=10, show_default=True, help="Hits per page.")
@click.option("--page", type=click.IntRange(1, 1000), default=1, show_default=True)
@click.option("--sort", type=click.Choice(["relevance", "date"]), default="relevance", show_default=True)
@click.option(
    "--from",
    "date_from",
    default=None,
    help="Only readouts on or after this date (2013-01-01, 平成25年1月1日, H25.1.1…).",
)
@click.option("--to", "date_to", default=None, help="Only readouts on or before this date (as --from).")
@click.option("--doc", "doc_id", default=None, help="Only this readout (its document id).")
@click.option(
    "--year",
    default=None,
    help="Only readouts of this year (2013, 平成25, H25), or none: those without a date.",
)
@click.option("--country", default=None, help="Only meetings with this counterpart (豪州, 米国, ASEAN…).")
@click.option("--kind", type=click.Choice(KINDS), default=None, help="Only this kind of meeting.")
@click.option(
    "--side",
    type=click.Choice(SIDES),
    default=None,
    help="Only where the words are in what this side said (日本側, 相手側, 双方).",
)
@click.option(
    "--facets",
    "show_facets",
    is_flag=True,
    help="Also print the matches per year, counterpart, kind and side.",
)
@click.option(
    "--csv",
    "as_csv",
    is_flag=True,
    help=f"Print every matching paragraph (at most {MAX_RESULT_WINDOW:,}) as CSV, UTF-8 with a BOM.",
)
@click.option(
    "--group",
    type=click.Choice(GROUPS),
    default="paragraph",
    show_default=True,
    help="readout: a page is readouts, each with its best paragraphs (as the web page shows them).",
)
def search(
    query,
    index_dir,
    as_json,
    limit,
    page,
    sort,
    date_from,
    date_to,
    doc_id,
    year,
    country,
    kind,
    side,
    show_facets,
    as_csv,
    group,
) -> None:
    """Print the paragraphs that best match QUERY, with their section numbers."""
    text = " ".join(query)
    try:
        asked = Search(
            text,
            page=page,
            per_page=limit,
            sort=sort,
            date_from=_iso_date(date_from),
            date_to=_iso_date(date_to),
            doc=doc_id,
            year=_year(year),
            country=country,
            kind=kind,
            group=group,
            side=side,
        )
    except BadParameter as error:
        raise click.UsageError(str(error)) from None
    try:
        with Library(resolve_index_dir(index_dir)) as library:
            results = library.search(asked, facets=(as_json or show_facets) and not as_csv, export=as_csv)
    except IndexProblem as error:
        raise click.ClickException(str(error)) from None
    if as_csv:
        sys.stdout.buffer.write(results_csv(results.hits, "").encode("utf-8"))
        return
    if as_json:
        click.echo(json.dumps(results_json(results), ensure_ascii=False, indent=2))
        return
    print_results(results, text, sys.stdout.isatty())


def _version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


@cli.command()
@index_dir_option
def info(index_dir: Path | None) -> None:
    """Print the index path, its counts, and the versions of the search stack."""
    root = resolve_index_dir(index_dir)
    click.echo(f"index:        {root}")
    try:
        with Library(root) as library:
            stats = library.stats()
        click.echo(f"  directory:  {stats.directory}")
        click.echo(f"  created:    {stats.created}")
        click.echo(f"  engine:     {engine(stats.engine).version()}")
        click.echo(f"  readouts:   {stats.readouts}")
        click.echo(f"  paragraphs: {stats.paragraphs}")
        state = watcher_state(root)
        if state is not None:
            click.echo(f"  watcher:    {state}")
    except IndexProblem as error:
        click.echo(f"  {error}")
    click.echo(f"index format: {', '.join(f'{name} {engine(name).format_version}' for name in ENGINES)}")
    click.echo(f"readouts:     {_version('readouts')}")
    for name in ENGINES:
        click.echo(f"{name + ':':<13} {', '.join(engine(name).libraries()) or 'not installed'}")
    click.echo(f"fugashi:      {_version('fugashi')}")
    dictionary = fugashi.Tagger().dictionary_info[0]
    click.echo(f"dictionary:   unidic-lite {_version('unidic-lite')} ({dictionary['filename']})")


main = cli
