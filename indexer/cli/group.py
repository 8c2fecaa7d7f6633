"""The `readouts` command group and what its commands share: the index's place, the bundled
readouts, names printed safely.

May touch: the index's store (for its default place).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import click

from readouts.indexer.index.store import default_index_dir

# The bundled readouts: seeds/ in a checkout, installed as the package
# `readouts.seeds` (a folder of data, so a namespace package: its first path).
SEEDS_DIR = Path(next(iter(importlib.util.find_spec("readouts.seeds").submodule_search_locations)))

index_dir_option = click.option(
    "--index-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where the index lives [default: $READOUTS_INDEX_DIR, else ~/.local/share/readouts/index].",
)


def flag(*names: str, help: str):
    """An option that is on when given (`--json`), off otherwise."""
    return click.option(*names, is_flag=True, help=help)


def one_of(name: str, values, help: str):
    """An option that takes one of `values`, or is not given (None)."""
    return click.option(name, type=click.Choice(values), default=None, help=help)


with_seeds_option = flag("--with-seeds", help="Keep the bundled readouts in the index beside those of PATHS.")


def paths_with_seeds(paths: tuple[Path, ...], wanted: bool) -> list[Path]:
    """The paths to index: PATHS, and the bundled readouts when wanted."""
    return [*paths, SEEDS_DIR] if wanted and SEEDS_DIR not in paths else list(paths)


def resolve_index_dir(value: Path | None) -> Path:
    return value if value is not None else default_index_dir()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="readouts")
def cli() -> None:
    """Full-text search over Japanese diplomatic readouts (会談概要)."""


def printable(name: str) -> str:
    """A file name as it may be printed on one line: control characters (a newline in a
    name could forge a line of the report) escaped as Python writes them."""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in name)
