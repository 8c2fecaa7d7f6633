"""Groonga as a benchmark peer, the engine Japanese full-text search is measured against.

Debian's `groonga-bin` and `groonga-tokenizer-mecab`, through the `groonga` command: one
process kept open on the database, a command per line on its standard input and one JSON
line back (the pipe costs each query some tens of microseconds, which the figures include).
Two lexicons, as Groonga's documentation recommends for Japanese: TokenBigram, and
TokenMecab; both with NormalizerAuto. Each query word is a phrase, all of them required,
as for the other peers.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

TOKENIZERS = {"groonga-bigram": "TokenBigram", "groonga-mecab": "TokenMecab"}
LOAD_BATCH = 2_000


def available() -> bool:
    return shutil.which("groonga") is not None


class Groonga:
    """One groonga process on one database."""

    def __init__(self, database: Path, create: bool = False) -> None:
        command = ["groonga", *(["-n"] if create else []), str(database)]
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8"
        )

    def __call__(self, command: str):
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        answer = json.loads(self.process.stdout.readline())
        if answer[0][0] != 0:
            raise RuntimeError(f"groonga: {answer[0][3:]} for {command[:200]}")
        return answer[1]

    def peak_kb(self) -> int:
        """The process's peak resident memory (it is not the benchmark's child: reported apart)."""
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        return next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:"))

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=60)


def build(engine: str, work: Path, paragraphs: list) -> int:
    """The database of `engine` under work/engine; returns groonga's peak memory (KB)."""
    (work / engine).mkdir(exist_ok=True)
    groonga = Groonga(work / engine / "db", create=True)
    groonga("table_create Paragraphs TABLE_NO_KEY")
    groonga("column_create Paragraphs text COLUMN_SCALAR LongText")
    groonga("column_create Paragraphs row COLUMN_SCALAR UInt32")
    for start in range(0, len(paragraphs), LOAD_BATCH):
        rows = [
            {"text": text, "row": start + i}
            for i, (_, _, text) in enumerate(paragraphs[start : start + LOAD_BATCH])
        ]
        groonga("load --table Paragraphs --values " + _quoted(json.dumps(rows, ensure_ascii=False)))
    # The index built once over everything loaded (static indexing: Groonga's fast path).
    groonga(
        f"table_create Terms TABLE_PAT_KEY ShortText --default_tokenizer {TOKENIZERS[engine]} "
        "--normalizer NormalizerAuto"
    )
    groonga("column_create Terms index COLUMN_INDEX|WITH_POSITION Paragraphs text")
    peak = groonga.peak_kb()
    groonga.close()
    return peak


def _quoted(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def query_text(words: list[str]) -> str:
    """Each word a phrase, all required."""
    return " ".join('"' + word.replace("\\", "\\\\").replace('"', '\\"') + '"' for word in words)


class Searcher:
    """Top ten with snippets, and every match's row, as the other peers answer."""

    def __init__(self, engine: str, work: Path) -> None:
        self.groonga = Groonga(work / engine / "db")

    def top10(self, words: list[str]):
        return self.groonga(
            "select Paragraphs --match_columns Terms.index --query "
            + _quoted(query_text(words))
            + " --output_columns 'row, snippet_html(text)' --sort_keys -_score --limit 10 --command_version 2 --cache no"
        )

    def rows(self, words: list[str]) -> list[int]:
        answer = self.groonga(
            "select Paragraphs --match_columns Terms.index --query "
            + _quoted(query_text(words))
            + " --output_columns row --limit -1 --cache no"
        )
        return [row[0] for row in answer[0][2:]]
