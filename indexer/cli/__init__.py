"""The `readouts` command: index, search and info (the web app adds serve).

May touch: its own commands (group, indexing, searching).
"""

from indexer.cli import searching
from indexer.cli.group import SEEDS_DIR, cli, index_dir_option, resolve_index_dir
from indexer.cli.indexing import run_index, watch_and_index

main = cli

__all__ = [
    "SEEDS_DIR",
    "cli",
    "index_dir_option",
    "main",
    "resolve_index_dir",
    "run_index",
    "searching",
    "watch_and_index",
]
