"""`readouts index`: run the indexer once or on every change, and report what it did.

May touch: the index side (index/), what it reads from parse/, and the library (search/) to
keep the index's pairs of twins after a run.
"""

from __future__ import annotations

import dataclasses
import sys
from dataclasses import dataclass
from pathlib import Path

import click

from readouts.indexer.cli.group import (
    SEEDS_DIR,
    cli,
    flag,
    index_dir_option,
    one_of,
    paths_with_seeds,
    printable,
    resolve_index_dir,
    with_seeds_option,
)
from readouts.indexer.engines import ENGINES
from readouts.indexer.index.store import IndexProblem
from readouts.indexer.index.update import REPORTED_PER_FILE, Summary, update_index
from readouts.indexer.index.watch import beat, watch
from readouts.indexer.messages import say
from readouts.indexer.parse.sources import Selection
from readouts.indexer.search.library import Library


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


@dataclass(frozen=True)
class IndexOptions:
    """How `readouts index` was asked to run (its options besides the paths)."""

    rebuild: bool = False
    workers: int | None = None
    engine: str | None = None
    follow_symlinks: bool = False
    exclude: tuple[str, ...] = ()
    force: tuple[Path, ...] = ()  # files to index as plain paragraphs if not readouts


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
            selection=Selection(
                options.follow_symlinks,
                hold,
                options.exclude,
                frozenset(path.resolve() for path in options.force),
            ),
        )
    except IndexProblem as error:
        raise click.ClickException(str(error)) from None
    except OSError as error:
        raise click.ClickException(say("write_failed", root=root, error=error.strerror or error)) from None
    finally:
        progress.close()
    _keep_pairs(root)
    _report(root, summary, noted)
    return 1 if summary.failed else 0


def _keep_pairs(root: Path) -> None:
    """Work out the index's pairs of twins as the run left it, and keep them in the index
    folder (`indexer.search.twins.Pairing`): searches by `only_in` read them."""
    try:
        with Library(root) as library:
            library.pairing()
    except IndexProblem as error:
        raise click.ClickException(str(error)) from None


def _report(root: Path, summary: Summary, noted: set[str] | None) -> None:
    """What a run did: warnings, files left out and failures (each told once to a watcher,
    whose `noted` lasts as long as it does), and the counts."""
    for origin, warning in sorted(summary.warnings):
        click.echo(say("report_warning", origin=printable(origin), warning=warning), err=True)
    lines = [
        say("report_left_out", origin=failure.origin, reason=failure.reason) for failure in summary.refused
    ]
    lines += [
        say("report_left_out", origin=copy.origin, reason=say(f"copy_{copy.same}", kept=copy.kept))
        for copy in summary.copies
    ]
    lines += [
        say("report_skipped", origin=failure.origin, reason=failure.reason) for failure in summary.failures
    ]
    for line in map(printable, lines):
        if noted is None or line not in noted:
            click.echo(line, err=True)
            if noted is not None:
                noted.add(line)
    for path, count in summary.more.items():
        click.echo(say("report_more", count=count, path=printable(path), listed=REPORTED_PER_FILE), err=True)
    click.echo(
        say(
            "report_summary",
            added=summary.added,
            updated=summary.updated,
            removed=summary.removed,
            unchanged=summary.unchanged,
            failed=summary.failed,
            refused=len(summary.refused),
            copies=len(summary.copies),
            paragraphs=summary.paragraphs,
            seconds=summary.seconds,
            root=root,
        )
    )


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@index_dir_option
@flag("--rebuild", help="Build a new index from scratch and swap it in when done.")
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=None,
    help="Processes that analyze text [default: all cores for large imports].",
)
@flag(
    "--watch",
    help="Keep running, and index again whenever a file under PATHS is added, changed or removed.",
)
@one_of(
    "--engine",
    ENGINES,
    help="The search engine of a new index (or of --rebuild) [default: whoosh, or the index's own].",
)
@flag(
    "--follow-symlinks",
    help="Also read links that point to files outside the folders given (not read by default).",
)
@click.option(
    "--exclude",
    multiple=True,
    metavar="PATTERN",
    help="Leave out the files this pattern matches in the folders given (gitignore syntax, as in a "
    "folder's .readoutsignore); repeat it for more.",
)
@click.option(
    "--force",
    multiple=True,
    metavar="FILE",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Index this file (one under PATHS) as plain paragraphs even if it is not a meeting's readout "
    "(a press conference); repeat it for more.",
)
@with_seeds_option
def index(
    paths: tuple[Path, ...],
    index_dir: Path | None,
    rebuild: bool,
    workers: int | None,
    watch: bool,
    engine: str | None,
    follow_symlinks: bool,
    exclude: tuple[str, ...],
    force: tuple[Path, ...],
    with_seeds: bool,
) -> None:
    """Make the index hold exactly the readouts in PATHS (default: the bundled seeds/).

    PATHS are readouts (.txt in UTF-8 or Shift_JIS, saved web pages .html/.htm,
    PDFs), .jsonl bulk files (also .jsonl.gz, .jsonl.xz) or folders of them. New
    readouts are added, changed ones re-indexed, vanished ones removed, unchanged
    ones skipped. A .readoutsignore file in a folder (gitignore syntax) or --exclude
    leaves files out; --force indexes a page that is not a readout anyway. Exit status 0 when everything was indexed or the only files
    left out are pages that are not readouts (noted), 1 when a file could not be read
    or parsed, 2 for a mistake on the command line.
    """
    root = resolve_index_dir(index_dir)
    targets = paths_with_seeds(paths, with_seeds) or [SEEDS_DIR]
    _check_forced(force, targets)
    options = IndexOptions(rebuild, workers, engine, follow_symlinks, exclude, force)
    if watch:
        watch_and_index(root, targets, options)
    sys.exit(run_index(root, targets, options))


def _check_forced(force: tuple[Path, ...], targets: list[Path]) -> None:
    """A forced file must be one that is indexed: under a PATH."""
    roots = [target.resolve() for target in targets]
    for path in force:
        resolved = path.resolve()
        if not any(resolved == root or resolved.is_relative_to(root) for root in roots):
            raise click.BadParameter(
                say("force_outside", path=path, paths=", ".join(map(str, targets))),
                param_hint="--force",
            )


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

    click.echo(say("watching", paths=", ".join(map(str, paths))), err=True)
    try:
        watch(paths, run, beat=lambda: beat(root))
    except KeyboardInterrupt:
        sys.exit(0)
