"""What `readouts fetch` knows of a folder: per address, the file it was saved as, its validators
(ETag, Last-Modified) and when and how it was last fetched — in `.readouts-fetch.json` beside the
files, rewritten whole after every page, so that an interrupted run goes on where it stopped.

May touch: that file, and the files of the pages it saves (each written whole, then renamed).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

STATE_FILE = ".readouts-fetch.json"


class State:
    def __init__(self, folder: Path) -> None:
        self.path = folder / STATE_FILE
        try:
            self.pages: dict[str, dict] = json.loads(self.path.read_text("utf-8")).get("pages", {})
        except (OSError, ValueError, AttributeError):
            self.pages = {}

    def of(self, url: str) -> dict:
        return self.pages.get(url, {})

    def taken(self) -> set[str]:
        return {page["file"] for page in self.pages.values() if page.get("file")}

    def record(self, url: str, **values) -> None:
        self.pages[url] = {**self.of(url), **values}
        write_whole(
            self.path, json.dumps({"pages": self.pages}, ensure_ascii=False, indent=1).encode("utf-8")
        )


def write_whole(path: Path, data: bytes) -> None:
    """Write a file so that it is either as it was or whole: a kill never leaves half of it."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)
