"""Which files under a folder being indexed are left out: `.readoutsignore` files (gitignore
syntax, each for its own folder and those below it) and `--exclude` patterns (the same syntax,
from the folder given). An excluded file is as if it were not there.

May touch: the folders it is given (it reads their .readoutsignore files); pathspec.
"""

from __future__ import annotations

from pathlib import Path

from pathspec import GitIgnoreSpec

IGNORE_FILE = ".readoutsignore"


class Ignored:
    """Whether a file under `root` is left out."""

    def __init__(self, root: Path, exclude: tuple[str, ...], ignore_files: list[Path]) -> None:
        """`ignore_files`: the .readoutsignore files under root, found by the walk that lists it."""
        self.specs: list[tuple[Path, GitIgnoreSpec]] = []
        if exclude:
            self.specs.append((root, GitIgnoreSpec.from_lines(exclude)))
        for found in ignore_files:
            lines = found.read_text("utf-8", errors="replace").splitlines()
            self.specs.append((found.parent, GitIgnoreSpec.from_lines(lines)))

    def __call__(self, path: Path) -> bool:
        for directory, spec in self.specs:
            if path.is_relative_to(directory) and spec.match_file(path.relative_to(directory).as_posix()):
                return True
        return False
