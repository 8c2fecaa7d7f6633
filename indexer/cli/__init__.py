"""The `readouts` command: index, search and info (the web app adds serve).

May touch: its own commands (group, indexing, searching).
"""

from readouts.indexer.cli import fetching, searching
from readouts.indexer.cli.group import (
    SEEDS_DIR,
    cli,
    index_dir_option,
    paths_with_seeds,
    resolve_index_dir,
    with_seeds_option,
)
from readouts.indexer.cli.indexing import run_index, watch_and_index

main = cli

__all__ = [
    "SEEDS_DIR",
    "cli",
    "fetching",
    "index_dir_option",
    "main",
    "paths_with_seeds",
    "resolve_index_dir",
    "run_index",
    "searching",
    "watch_and_index",
    "with_seeds_option",
]
