"""The results page against an earlier version's, on the same index data and the same machine.

    python bench/against.py --base-source DIR --base-index DIR --index DIR --engine tantivy
        [--base-label 58abd4d] [--rounds 10] [--out bench/results]

The earlier version (a checkout of an older commit, `--base-source`, with an index it built
from the corpus, `--base-index`) answers each benchmark query as its results page did: the top
ten with snippets and the counts per facet. This version answers as its results page does now:
grouped by readout, with the facets (`--index`, built by this version from the same corpus, as
`bench/run.py --work` leaves it). Each round times every query once on each side, in a child
process of its own, the sides taking turns (and turns at going first), so that a slow spell of
the machine falls on both alike. The report gives p50 / p95 / p99 of each side and their ratio,
over every time taken, and over each query's median time across the rounds: a slow spell that
falls on one side's round moves the first, hardly the second. Ten rounds by default: in four or
five, one slow spell on one side's round moved the p95 over every time by a fifth.

An older checkout predates the package layout `readouts.*`: its own `indexer` and `webapp`
packages are imported from its folder, and a folder of the bundled readouts named as it expects.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUERIES = [line.strip() for line in (ROOT / "bench" / "queries.txt").read_text("utf-8").splitlines()]
QUERIES = [query for query in QUERIES if query and not query.startswith("#")]


def _timed(search) -> list[float]:
    sys.path.insert(0, str(ROOT))
    from bench.run import timed_queries

    return timed_queries(QUERIES, search)


def child(side: str, index: str, source: str) -> None:
    """One round of one side, its latencies printed as JSON."""
    if side == "base":
        shim = Path(tempfile.mkdtemp(prefix="readouts-base-"))
        (shim / "readouts_seeds").symlink_to(Path(source) / "seeds")
        sys.path[:0] = [source, str(shim)]
        from indexer.search import Library  # an older checkout's own layout

        library = Library(Path(index))
        latencies = _timed(lambda query: library.search(query, facets=True))
    else:
        from readouts.indexer.search.library import Library
        from readouts.indexer.search.request import Search

        library = Library(Path(index))
        latencies = _timed(lambda query: library.search(Search(query, group="readout"), facets=True))
    print(json.dumps(latencies))


def percentiles(values: list[float]) -> tuple[float, float, float]:
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return cuts[49], cuts[94], cuts[98]


def per_query_medians(times: list[float]) -> list[float]:
    """Each query's median time across the rounds (the times come a round after another)."""
    return [statistics.median(times[at :: len(QUERIES)]) for at in range(len(QUERIES))]


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(*sys.argv[2:5])
        return
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--base-source", type=Path, required=True)
    parser.add_argument("--base-index", type=Path, required=True)
    parser.add_argument("--base-label", default="base")
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument(
        "--engine", required=True, help="the engine both indexes were built with (for the report)"
    )
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    args = parser.parse_args()
    sides = {"base": (args.base_index, args.base_source), "now": (args.index, ROOT)}
    latencies: dict[str, list[float]] = {side: [] for side in sides}
    for number in range(args.rounds):
        for side in list(sides)[:: 1 if number % 2 == 0 else -1]:
            index, source = sides[side]
            print(f"{side}: round {number + 1} of {args.rounds}", flush=True)
            answer = subprocess.run(
                [sys.executable, __file__, "--child", side, str(index), str(source)],
                capture_output=True,
                text=True,
                check=True,
            )
            latencies[side] += json.loads(answer.stdout.strip().splitlines()[-1])

    lines = [
        f"# The results page against {args.base_label} ({args.engine}, {len(QUERIES)} queries, {args.rounds} rounds)",
        "",
        f"Run {time.strftime('%Y-%m-%d %H:%M')}: `python bench/against.py` (its docstring says how).",
        "",
        "| results page | over | p50 ms | p95 ms | p99 ms |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    medians = {side: per_query_medians(times) for side, times in latencies.items()}
    for over, times in (("every time", latencies), ("each query's median", medians)):
        base, now = (percentiles(times[side]) for side in sides)
        lines += [
            f"| {args.base_label}: top ten with facets | {over} | {base[0]:.2f} | {base[1]:.2f} | {base[2]:.2f} |",
            f"| now: grouped by readout, with facets | {over} | {now[0]:.2f} | {now[1]:.2f} | {now[2]:.2f} |",
            f"| ratio | {over} | {now[0] / base[0]:.2f} | {now[1] / base[1]:.2f} | {now[2] / base[2]:.2f} |",
        ]
    lines.append("")
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"against-{args.base_label}-{args.engine}.md"
    path.write_text("\n".join(lines), "utf-8")
    print("\n".join(lines))
    print(f"saved to {path}")


if __name__ == "__main__":
    main()
