"""The `readouts` console script: the indexer's commands plus `serve`."""

from __future__ import annotations

from indexer.cli import cli

main = cli
