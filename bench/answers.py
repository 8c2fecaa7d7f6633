"""What a version of readouts answers to the benchmark's queries, and whether two versions agree.

    python bench/answers.py dump --source DIR --index DIR --out FILE
    python bench/answers.py compare FILE FILE

`dump` reads an index (built from the corpus by that version, as `bench/run.py --work` leaves
it) with the code of a checkout (`--source`; this one when left out) and writes, for each query
of `bench/queries.txt`, the total, the first ten paragraphs (readout, anchor, score, snippet),
the counts per facet and the first page of readouts as the results page groups them (with how
many paragraphs of each match, and how many readouts do).
`compare` counts the queries on which two dumps give the same total, facets, first ten (as
readout and anchor, and with scores and snippets) and page of readouts, and shows where the
first ten differ. A refactoring should leave every answer as it was; the order of paragraphs
of equal score may differ between two builds, since it follows the order in which parallel
workers wrote them.

An older checkout predates the package layout `readouts.*`: its own `indexer` package is
imported from its folder, and a folder of the bundled readouts named as it expects.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _searcher(source: Path | None, index: Path):
    """search(query, **options) as the version asks for it (a Search object since the seam)."""
    if source is None:
        from readouts.indexer.search.library import Library
        from readouts.indexer.search.request import Search

        library = Library(index)
        return lambda query, facets=False, **options: library.search(
            Search(query, **options), facets=facets, budget=600
        )
    else:
        shim = Path(tempfile.mkdtemp(prefix="readouts-answers-"))
        (shim / "readouts_seeds").symlink_to(source / "seeds")
        sys.path[:0] = [str(source), str(shim)]
        try:
            from indexer.search.library import Library  # a checkout with indexer/search/
        except ImportError:
            from indexer.search import Library  # one with indexer/search.py
    library = Library(index)
    return lambda query, **options: library.search(query, budget=600, **options)


def dump(source: Path | None, index: Path, out: Path) -> None:
    queries = (ROOT / "bench" / "queries.txt").read_text("utf-8").splitlines()
    search = _searcher(source, index)
    answers = {}
    for query in (line.strip() for line in queries):
        if not query or query.startswith("#"):
            continue
        flat = search(query, per_page=10, facets=True)
        grouped = search(query, per_page=10, group="readout", facets=True)
        answers[query] = {
            "total": flat.total,
            "top10": [[hit.doc_id, hit.anchor, round(hit.score, 4), str(hit.snippet)] for hit in flat.hits],
            "facets": repr(flat.facets),
            "readouts": [[readout.doc_id, readout.matched] for readout in grouped.readouts],
            "total_readouts": grouped.total_readouts,
        }
    out.write_text(json.dumps(answers, ensure_ascii=False, indent=0), "utf-8")
    print(f"{out}: {len(answers)} queries")


def compare(first: Path, second: Path) -> None:
    one, other = (json.loads(path.read_text("utf-8")) for path in (first, second))
    same = {"total": 0, "facets": 0, "first ten": 0, "first ten, scores and snippets": 0, "readouts": 0}
    for query, answer in one.items():
        theirs = other[query]
        keys = [hit[:2] for hit in answer["top10"]] == [hit[:2] for hit in theirs["top10"]]
        same["total"] += answer["total"] == theirs["total"]
        same["facets"] += answer["facets"] == theirs["facets"]
        same["first ten"] += keys
        same["first ten, scores and snippets"] += answer["top10"] == theirs["top10"]
        same["readouts"] += (answer["readouts"], answer.get("total_readouts")) == (
            theirs["readouts"],
            theirs.get("total_readouts"),
        )
        if not keys:
            print(f"{query}: the first ten differ")
            for mine, yours in zip(answer["top10"], theirs["top10"], strict=False):
                if mine[:2] != yours[:2]:
                    print(f"    {mine[0]}#{mine[1]} {mine[2]}  |  {yours[0]}#{yours[1]} {yours[2]}")
    print(f"{len(one)} queries; the same " + ", ".join(f"{name} on {count}" for name, count in same.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    dumping = commands.add_parser("dump")
    dumping.add_argument("--source", type=Path, default=None)
    dumping.add_argument("--index", type=Path, required=True)
    dumping.add_argument("--out", type=Path, required=True)
    comparing = commands.add_parser("compare")
    comparing.add_argument("files", type=Path, nargs=2)
    args = parser.parse_args()
    if args.command == "dump":
        dump(args.source, args.index, args.out)
    else:
        compare(*args.files)


if __name__ == "__main__":
    main()
