"""`readouts search` and `readouts info`.

May touch: the search side (search/), and the engines' registry for their names and versions.
"""

from __future__ import annotations

import datetime
import importlib.metadata
import json
import sys
from pathlib import Path

import click
import fugashi

from readouts.indexer.analysis.facets import KINDS
from readouts.indexer.cli.group import cli, flag, index_dir_option, one_of, resolve_index_dir
from readouts.indexer.engines import ENGINES, engine
from readouts.indexer.index.store import IndexProblem
from readouts.indexer.index.watch import watcher_state
from readouts.indexer.parse.header import DATE_EXAMPLES, parse_user_date
from readouts.indexer.parse.language import LANGUAGES
from readouts.indexer.parse.speakers import SIDES
from readouts.indexer.search.export import results_csv, results_json
from readouts.indexer.search.library import Library
from readouts.indexer.search.request import GROUPS, MAX_RESULT_WINDOW, BadParameter, Search, year_of
from readouts.indexer.search.terminal import print_results


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
@flag("--json", "as_json", help="Print the results as JSON, as the web API serves them.")
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
@one_of("--kind", KINDS, help="Only this kind of meeting.")
@one_of(
    "--side",
    SIDES,
    help="Only where the words are in what this side said (日本側, 相手側, 双方).",
)
@one_of("--lang", LANGUAGES, help="Only readouts written in this language (ja: Japanese, en: English).")
@one_of(
    "--only-in",
    LANGUAGES,
    help="Only paragraphs that one version of a readout holds and its twin in the other language "
    "leaves out (ja: not in the English version; en: not in the Japanese one).",
)
@flag(
    "--facets",
    "show_facets",
    help="Also print the matches per year, counterpart, kind, side and language.",
)
@flag(
    "--csv",
    "as_csv",
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
    show_facets,
    as_csv,
    group,
    **filters,
) -> None:
    """Print the paragraphs that best match QUERY, with their section numbers.

    `filters`: country, kind, side, lang and only_in, as `Search` takes them."""
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
            group=group,
            **filters,
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
    click.echo(
        f"index format: {', '.join(f'{name} {engine(name).writer.FORMAT_VERSION}' for name in ENGINES)}"
    )
    click.echo(f"readouts:     {_version('readouts')}")
    for name in ENGINES:
        click.echo(f"{name + ':':<13} {', '.join(engine(name).libraries()) or 'not installed'}")
    click.echo(f"fugashi:      {_version('fugashi')}")
    dictionary = fugashi.Tagger().dictionary_info[0]
    click.echo(f"dictionary:   unidic-lite {_version('unidic-lite')} ({dictionary['filename']})")
